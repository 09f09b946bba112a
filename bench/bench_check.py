"""Median time of a whole check of the sample disclosure, in-process: load + enrich + all packs.

Usage: python bench/bench_check.py [--runs N] [FILE]

One engine is built first (plugins, rule packs compiled: a once-per-process cost the
target does not cover), then ``Engine.check_path`` is timed: read, load, enrich, every
rule of the national and Xinjiang packs, Python checks, post-processing and policy.
Also printed: the load + enrich part alone, and the rules alone on a loaded document,
so a regression can be placed.  Target: the whole check under 50 ms (median).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import measure  # noqa: E402

from compliance.engine import Engine  # noqa: E402

TARGET_MS = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("file", nargs="?", default=str(ROOT / "examples" / "bazhou-2026-budget.txt"))
    args = parser.parse_args()
    engine = Engine()
    for failure in engine.failures:
        print(f"warning: {failure.message}")
    result = engine.check_path(args.file)
    if result.status != "ok":
        print(f"cannot check {args.file}: {result.error}")
        return 1
    document = engine.load(Path(args.file))
    rows = (
        ("whole check (load + all packs)", lambda: engine.check_path(args.file)),
        ("load + enrich", lambda: engine.load(Path(args.file))),
        ("rules and checks on a loaded doc", lambda: engine.check_document(document)),
    )
    print(f"{args.file}: jurisdiction {result.jurisdiction}, packs {', '.join(result.packs)}, "
          f"{len(engine.rules)} rules, {len(result.findings)} findings")
    headline = None
    for name, action in rows:
        median, best = measure(action, args.runs)
        headline = headline if headline is not None else median
        print(f"{name:34s} median {median:7.2f} ms   min {best:7.2f} ms")
    verdict = "ok" if headline < TARGET_MS else "OVER"
    print(f"target < {TARGET_MS:.0f} ms median for the whole check: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
