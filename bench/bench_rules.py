"""Benchmark the rule language: cold compile of every shipped rule, and evaluation on the sample.

Prints medians.  Targets: compile (cold: grammar built, nothing cached) under 150 ms,
evaluation of all rules on the sample under 10 ms.

    python bench/bench_rules.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import measure

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"

# Run in a fresh interpreter so nothing is warm: imports, the Lark grammar, the parse caches.
COLD = r"""
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from compliance.dsl import load_rule_set
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager
pm, _ = create_manager()
paths, functions = hooks.rule_pack_paths(pm), hooks.dsl_functions(pm)
imported = time.perf_counter()
rule_set = load_rule_set(paths, functions=functions)
done = time.perf_counter()
print(json.dumps({"compile": done - imported, "import": imported - start, "rules": len(rule_set.rules)}))
"""


def cold_compile(repeat: int, *, keep: tuple[str, ...]) -> list[dict[str, float]]:
    """Compile in fresh processes; before each, empty the cache dir except files ending in ``keep``."""
    runs = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, COMPLIANCE_CACHE_DIR=cache)
        for _ in range(repeat):
            for stale in Path(cache).rglob("*"):
                if stale.is_file() and not stale.name.endswith(keep):
                    stale.unlink()
            out = subprocess.run([sys.executable, "-c", COLD], env=env, capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout))
    return runs


def evaluation(repeat: int) -> tuple[float, int]:
    """Median milliseconds to evaluate every shipped rule on the sample, and how many rules there are."""
    import compliance
    from compliance.dsl import load_rule_set
    from compliance.plugins import hooks
    from compliance.plugins.manager import create_manager

    pm, _ = create_manager()
    rule_set = load_rule_set(hooks.rule_pack_paths(pm), functions=hooks.dsl_functions(pm))
    document = compliance.load(SAMPLE)
    median, _fastest = measure(lambda: rule_set.evaluate(document), repeat)
    return median, len(rule_set.rules)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cold = cold_compile(args.repeat, keep=())
    grammar_cached = cold_compile(args.repeat + 1, keep=(".lark-cache",))[1:]
    warm_disk = cold_compile(args.repeat + 1, keep=(".lark-cache", ".json"))[1:]
    evals, count = evaluation(max(args.repeat, 50))
    print(f"rules: {count} (shipped packs)")
    print(f"compile, cold process, empty cache      median {ms(statistics.median(r['compile'] for r in cold))}  (target < 150 ms)")
    print(f"compile, cold process, grammar cached   median {ms(statistics.median(r['compile'] for r in grammar_cached))}")
    print(f"compile, cold process, grammar+AST      median {ms(statistics.median(r['compile'] for r in warm_disk))}")
    print(f"import of compliance.dsl + plugins      median {ms(statistics.median(r['import'] for r in cold))}")
    print(f"evaluate all rules on the sample        median {evals:8.2f} ms  (target < 10 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
