"""``compliance check PATH…``: check documents and report, with exit codes for CI.

Exit codes: 0 nothing at or above the fail threshold, 1 findings at or above
it, 2 usage or configuration error, 3 a document could not be read (the
others are still checked and reported).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from compliance.config import FAIL_ON_CHOICES, Config, load_config
from compliance.engine import Engine
from compliance.errors import ConfigError
from compliance.plugins import hooks
from compliance.report import RenderOptions, Report, read_baseline


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check disclosures against the rule packs",
        description="Check files and directories (recursively, by the suffixes loaders declare).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to check")
    parser.add_argument("--format", help="report format: text (default), json, sarif, junit, markdown, or a plugin's")
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE (atomically)")
    parser.add_argument("--select", action="append", metavar="IDS", help="only these rule ids/tags/packs (prefix, comma-separated)")
    parser.add_argument("--ignore", action="append", metavar="IDS", help="skip these rule ids/tags/packs (prefix, comma-separated)")
    parser.add_argument("--jurisdiction", help="run this jurisdiction's packs instead of the detected one")
    parser.add_argument("--fail-on", choices=FAIL_ON_CHOICES, help="lowest severity that makes the exit code 1")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="check N documents at a time")
    parser.add_argument("--baseline", type=Path, metavar="OLD.json", help="report only findings not in this earlier JSON report")
    parser.add_argument("-p", dest="plugins", action="append", default=[], metavar="MODULE",
                        help="load a plugin module (repeatable); -p no:NAME blocks one")
    parser.add_argument("--strict-plugins", action="store_true", default=None,
                        help="a plugin that fails to load or raises stops the run")
    parser.add_argument("--config", type=Path, metavar="FILE", help="read this configuration file")
    parser.add_argument("--isolated", action="store_true", help="ignore configuration files")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text report (auto: on a terminal, unless NO_COLOR is set)")
    parser.set_defaults(func=run)


def effective_config(args: argparse.Namespace) -> Config:
    """The configuration file (found from the first path) with the command line on top."""
    start = Path(args.paths[0]) if getattr(args, "paths", None) else None
    config = load_config(start, path=args.config, isolated=args.isolated)
    return config.with_overrides(
        select=_split(args.select),
        ignore=_split(args.ignore),
        jurisdiction=args.jurisdiction,
        fail_on=args.fail_on,
        format=args.format,
        plugins=(*config.plugins, *args.plugins) if args.plugins else None,
        strict_plugins=args.strict_plugins,
    )


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    config = effective_config(args)
    engine = Engine(config)
    hooks.check_format(engine.pm, config.format)
    report = engine.check_paths(args.paths, jobs=args.jobs)
    if args.baseline is not None:
        report = report.without(read_baseline(args.baseline))
    _tell(report)
    options = RenderOptions(color=_colour(args))
    text = hooks.render_report(engine.pm, report, config.format, options)
    if args.output is not None:
        write_atomically(args.output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return report.exit_code(config.fail_threshold())


def _tell(report: Report) -> None:
    """Warnings and unreadable documents on stderr, one line each, whatever the format."""
    for warning in report.warnings:
        print(f"compliance: warning: {warning}", file=sys.stderr)
    for document in report.documents:
        if document.error is not None:
            print(f"compliance: error: {document.path}: {document.error.message}", file=sys.stderr)


def _colour(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return args.color == "always"
    return args.output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _plain_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory, then rename it."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle = tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory, prefix=f".{path.name}.", suffix=".tmp", delete=False
        )
    except OSError as exc:
        raise ConfigError(f"cannot write report: {exc.strerror or exc}", source=str(path)) from exc
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # Temporary files are private (0600); a report gets the mode a plain write would give it.
        os.chmod(handle.name, _plain_file_mode())
        os.replace(handle.name, path)
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise ConfigError(f"cannot write report: {exc.strerror or exc}", source=str(path)) from exc
