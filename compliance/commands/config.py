"""``compliance config show``: the effective configuration and where each value came from."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from compliance.config import Config, load_config


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("config", help="inspect the configuration")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print the effective configuration with the source of each value")
    show.add_argument("path", nargs="?", type=Path, help="find the configuration from here (default: the working directory)")
    show.add_argument("--config", type=Path, metavar="FILE", help="read this configuration file")
    show.add_argument("--isolated", action="store_true", help="ignore configuration files")
    show.add_argument("--format", choices=("toml", "json"), default="toml", help="output format")
    show.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    config = load_config(args.path, path=args.config, isolated=args.isolated)
    print(render_json(config) if args.format == "json" else render_toml(config), end="")
    return 0


def render_json(config: Config) -> str:
    values = config.to_dict()
    data = {
        "file": config.path,
        "hash": config.digest(),
        "values": values,
        "sources": {key: config.source_of(key) for key in values},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_toml(config: Config) -> str:
    """TOML that reads back as the same configuration, each key annotated with its source."""
    values = config.to_dict()
    lines = [
        f"# configuration file: {config.path or '(none: defaults)'}",
        f"# hash: {config.digest()}",
    ]
    for key, value in values.items():
        if key in ("severity", "params", "rounding", "waivers"):
            continue
        source = config.source_of(key)
        if value is None:
            lines.append(f"# {key} is not set  # {source}")
        else:
            lines.append(f"{key} = {_toml(value)}  # {source}")
    for table in ("severity", "params", "rounding"):
        lines += ["", f"[{table}]  # {config.source_of(table)}"]
        lines += [f"{_key(k)} = {_toml(v)}" for k, v in values[table].items() if v is not None]
    for waiver in values["waivers"]:
        lines += ["", f"[[waivers]]  # {config.source_of('waivers')}"]
        lines += [f"{k} = {_toml(v)}" for k, v in waiver.items() if v is not None]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if key.replace("-", "").replace("_", "").isalnum() and key.isascii() else json.dumps(key, ensure_ascii=False)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)
