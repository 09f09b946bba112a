"""``compliance rules list | explain | check | test | functions``: look at, validate and prove rule packs."""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

EXIT_OK = 0
EXIT_PROBLEMS = 2


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("rules", help="list, explain, check and test rule packs; list rule functions")
    commands = parser.add_subparsers(dest="rules_command", metavar="ACTION", required=True)

    def with_rule_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--rules", metavar="PATH", action="append", type=Path,
                         help="rule file or folder (default: the packs of the installed plugins); repeatable")
        sub.add_argument("--config", type=Path, help="configuration file supplying [params]")

    listing = commands.add_parser("list", help="list every rule: id, severity, pack, title, and the regulation it cites")
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

    functions = commands.add_parser(
        "functions", help="list the functions rules can call (built-in and from plugins); NAME shows one in full"
    )
    functions.add_argument("name", metavar="NAME", nargs="?", help="show this function's signature and docstring")
    functions.set_defaults(func=run_functions)


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
        # The regulation each requirement enforces, on its own line so columns stay aligned.
        print(f"{'':<{width}}  ↳ {rule.reference or '(no reference)'}", file=out)
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


BUILTIN_SOURCE = "built-in"


def available_functions(pm: Any = None) -> tuple[tuple[str, str, Callable[..., Any]], ...]:
    """``(name, source, callable)`` for every function rules can call, sorted by name.

    The source is the contributing plugin's name, or ``built-in``.  A plugin's
    function replaces a built-in of the same name, as when rules are loaded.
    ``pm`` defaults to a manager with the installed plugins.
    """
    from compliance.dsl import BUILTINS
    from compliance.plugins import hooks
    from compliance.plugins.manager import create_manager

    if pm is None:
        pm, _failures = create_manager()
    contributed = hooks.dsl_functions_by_plugin(pm)
    replaced = {name for name, _plugin, _function in contributed}
    builtins = [(name, BUILTIN_SOURCE, f) for name, f in BUILTINS.items() if name not in replaced]
    return tuple(sorted([*builtins, *contributed], key=lambda entry: (entry[0], entry[1])))


def summary(function: Callable[..., Any]) -> str:
    """The first line of ``function``'s docstring, or ``""`` when it has none."""
    doc = inspect.getdoc(function) or ""
    return doc.splitlines()[0].strip() if doc else ""


def signature(name: str, function: Callable[..., Any]) -> str:
    """``name(params)`` as a rule calls it: the document a function receives implicitly is left out."""
    try:
        params = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # some builtins and C callables have no introspectable signature
        return f"{name}(...)"
    if getattr(function, "needs_document", False) and params:
        params = params[1:]
    return f"{name}({', '.join(str(p.replace(annotation=inspect.Parameter.empty)) for p in params)})"


def run_functions(args: argparse.Namespace, out=None) -> int:
    out = out or sys.stdout
    entries = available_functions()
    if args.name is None:
        width = max((len(name) for name, _source, _f in entries), default=0)
        source_width = max((len(source) for _name, source, _f in entries), default=0)
        for name, source, function in entries:
            print(f"{name:<{width}}  {source:<{source_width}}  {summary(function) or '-'}".rstrip(), file=out)
        return EXIT_OK
    matches = [(source, function) for name, source, function in entries if name == args.name]
    if not matches:
        from compliance.errors import RuleError
        from compliance.suggest import did_you_mean

        names = [name for name, _source, _f in entries]
        raise RuleError(f"unknown rule function {args.name!r}{did_you_mean(args.name, names)}")
    print("\n\n".join(_function_help(args.name, source, function) for source, function in matches), file=out)
    return EXIT_OK


def _function_help(name: str, source: str, function: Callable[..., Any]) -> str:
    lines = [signature(name, function), f"from: {source}"]
    doc = inspect.getdoc(function)
    lines += ["", doc if doc else "(no docstring)"]
    return "\n".join(lines)
