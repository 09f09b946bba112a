"""Print the mutation detection rates by kind, and every miss.

    python tests/mutation/report.py [--kind KIND ...] [--no-misses]

``--kind table_cent`` adds a cent to every table cell instead of one unit: such a change
stays within the rounding tolerance of a sum, so it can only be reported as a note.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutants import EXTRA_KINDS, KINDS, Checker, format_report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", action="append", choices=KINDS + EXTRA_KINDS,
                        help=f"only these kinds (repeatable; default: all but {', '.join(EXTRA_KINDS)})")
    parser.add_argument("--no-misses", action="store_true", help="print the rates only")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    checker = Checker()
    mutants = checker.mutants(args.kind or KINDS)
    outcomes = [checker.run(m) for m in mutants]
    print(format_report(outcomes, misses=not args.no_misses))
    print(f"{len(outcomes)} mutants in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
