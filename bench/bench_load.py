"""Median time to load and enrich the sample disclosure, in-process.

Usage: python bench/bench_load.py [--runs N] [FILE]

Prints the median (and min) over N runs of: the whole load + enrich through
the plugin hooks (the number the target, under 15 ms, applies to); the same
through ``compliance.load`` (which also builds a fresh plugin manager); and
the stages: decode + layout blocks, assembly, enrichment.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import measure  # noqa: E402

import compliance  # noqa: E402
from compliance.plugins import hooks  # noqa: E402
from compliance.plugins.manager import create_manager  # noqa: E402
from plugins_builtin.cn_budget.assemble import assemble  # noqa: E402
from plugins_builtin.cn_budget.enrich import enrich  # noqa: E402
from plugins_builtin.text_loader import decode, to_blocks  # noqa: E402

TARGET_MS = 15.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "examples" / "bazhou-2026-budget.txt"))
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    path = Path(args.file)
    data = path.read_bytes()
    pm, _ = create_manager()

    text, _ = decode(path, data)
    lines = text.split("\n")
    blocks = to_blocks(lines)
    assembled = assemble(str(path), blocks, lines)

    rows = [
        ("load + enrich (hooks)", lambda: hooks.enrich_document(pm, hooks.load_document(pm, path, data))),
        ("compliance.load (+ manager)", lambda: compliance.load(path)),
        ("  decode + blocks", lambda: to_blocks(decode(path, data)[0].split("\n"))),
        ("  assemble", lambda: assemble(str(path), blocks, lines)),
        ("  enrich", lambda: enrich(assembled)),
    ]
    print(f"{path.name}: {len(data)} bytes, {len(lines)} lines, {args.runs} runs")
    headline = 0.0
    for name, action in rows:
        median, best = measure(action, args.runs)
        headline = headline or median
        print(f"{name:30s} median {median:7.2f} ms   min {best:7.2f} ms")
    verdict = "within" if headline < TARGET_MS else "OVER"
    print(f"target < {TARGET_MS:.0f} ms median for load + enrich: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
