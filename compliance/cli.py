"""The composition root: ``compliance <command> …``, a thin layer over the API.

Each command lives in :mod:`compliance.commands` as a module with
``add_parser(subparsers)`` that sets ``func`` on its parser; ``func(args)``
returns the exit code.  Errors of the :class:`ComplianceError` family are
printed as one line (``file:line:col: message``) with their exit code; only
``--debug`` shows a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from compliance import __version__
from compliance.errors import ComplianceError

#: Command modules, in the order ``--help`` lists them.
COMMAND_MODULES = ("check", "parse", "rules", "config")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compliance",
        description="Check government budget disclosures against rule packs.",
    )
    parser.add_argument("--version", action="version", version=f"compliance {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"compliance.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except ComplianceError as exc:
        if args.debug:
            raise
        print(f"compliance: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("compliance: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (``| head``): not an error of ours.  Point stdout
        # at devnull so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
