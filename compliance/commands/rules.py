"""``compliance rules list | explain | check | test``: look at, validate and prove rule packs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

EXIT_OK = 0
EXIT_PROBLEMS = 2


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("rules", help="list, explain, check and test rule packs")
    commands = parser.add_subparsers(dest="rules_command", metavar="ACTION", required=True)

    def with_rule_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--rules", metavar="PATH", action="append", type=Path,
                         help="rule file or folder (default: the packs of the installed plugins); repeatable")
        sub.add_argument("--config", type=Path, help="configuration file supplying [params]")

    listing = commands.add_parser("list", help="list every rule: id, severity, pack, title")
    listing.add_argument("--long", action="store_true",
                         help="explain every rule: reference, params, description and source")
    with_rule_options(listing)
    listing.set_defaults(func=run_list)

    explain = commands.add_parser("explain", help="show one rule: metadata, params, description, source")
    explain.add_argument("rule_id", metavar="RULE-ID")
    with_rule_options(explain)
    explain.set_defaults(func=run_explain)

    check = commands.add_parser("check", help="validate rule files without running them (exit 2 on errors)")
    check.add_argument("files", metavar="FILE", nargs="+", type=Path)
    check.set_defaults(func=run_check)

    test = commands.add_parser("test", help="run rule cases (TOML files under cases/ folders)")
    test.add_argument("paths", metavar="PATH", nargs="*", type=Path,
                      help="case files or folders (default: the installed rule packs)")
    test.set_defaults(func=run_test)


def _plugins() -> tuple[Sequence[Path], Mapping[str, Callable[..., Any]]]:
    from compliance.plugins import hooks
    from compliance.plugins.manager import create_manager

    pm, _failures = create_manager()
    return hooks.rule_pack_paths(pm), hooks.dsl_functions(pm)


def _rule_set(args: argparse.Namespace):
    from compliance.config import load_config
    from compliance.dsl import load_rule_set

    default_paths, functions = _plugins()
    paths = args.rules or default_paths
    config = load_config(path=args.config) if args.config else load_config()
    return load_rule_set(paths, functions=functions, params=config.rule_params(declared=frozenset()))


def run_list(args: argparse.Namespace, out=None) -> int:
    out = out or sys.stdout
    rule_set = _rule_set(args)
    if args.long:
        print("\n\n".join(_explanation(rule_set, rule) for rule in rule_set.rules), file=out)
        return EXIT_OK
    width = max((len(r.id) for r in rule_set.rules), default=0)
    for rule in rule_set.rules:
        tags = f"  [{', '.join(rule.tags)}]" if rule.tags else ""
        print(f"{rule.id:<{width}}  {rule.severity.value:<7}  {rule.pack}  {rule.title}{tags}", file=out)
    return EXIT_OK


def run_explain(args: argparse.Namespace, out=None) -> int:
    out = out or sys.stdout
    rule_set = _rule_set(args)
    print(_explanation(rule_set, rule_set.rule(args.rule_id)), file=out)
    return EXIT_OK


def _explanation(rule_set, rule) -> str:
    from compliance.dsl.functions import format_value

    pack = next((p for p in rule_set.packs if p.name == rule.pack), None)
    lines = [
        f"{rule.id}  {rule.title}",
        f"severity:  {rule.severity.value}",
        f"pack:      {rule.pack}" + (f" {pack.version}" if pack and pack.version else "")
        + (f" ({pack.title})" if pack else ""),
        f"tags:      {', '.join(rule.tags) or '-'}",
        f"reference: {rule.reference or '-'}",
        f"defined:   {rule.file}:{rule.line}",
    ]
    if rule.params:
        lines.append("params:")
        lines += [f"  {name} = {format_value(value)}" for name, value in rule.params.items()]
    if rule.description:
        lines += ["", rule.description]
    lines += ["", rule.source]
    return "\n".join(lines)


def run_check(args: argparse.Namespace, out=None) -> int:
    from compliance.dsl import check_rule_files

    out = out or sys.stdout
    _paths, functions = _plugins()
    errors = check_rule_files(args.files, functions=functions)
    for error in errors:
        print(str(error), file=out)
    if errors:
        print(f"{len(errors)} error(s)", file=out)
        return EXIT_PROBLEMS
    print("rule files are valid", file=out)
    return EXIT_OK


def run_test(args: argparse.Namespace, out=None) -> int:
    from compliance.testing import run_case_files

    out = out or sys.stdout
    default_paths, functions = _plugins()
    paths = args.paths or list(default_paths)
    results = run_case_files(paths, functions=functions)
    for result in results:
        status = "PASS" if result.passed else "FAIL"
        print(f"{status}  {result.rule}  {result.name}  ({result.file})", file=out)
        for problem in result.problems:
            print(f"      {problem}", file=out)
    failed = sum(1 for r in results if not r.passed)
    print(f"{len(results) - failed} passed, {failed} failed", file=out)
    if not results:
        print("no rule cases found", file=out)
        return EXIT_PROBLEMS
    return EXIT_PROBLEMS if failed else EXIT_OK
