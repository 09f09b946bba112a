"""Benchmark the rule language: compile every shipped rule in a fresh process, evaluate them on the sample.

Prints medians.  Targets: compile cold under 150 ms, evaluation of all rules on the sample
under 10 ms.  "Cold" is a fresh interpreter that has never parsed these rule files: no
compiled rules in memory, no syntax trees in the cache.  Three starting points are timed:

* first run after install: Lark also analyses the grammar (once per installed version);
* cold: the grammar's parse tables are cached, the rules are read from source  <- the target;
* warm cache: the rule files' syntax trees are cached too (a second run on the same rules).

The cold run is also split into its stages (load the parse tables, parse the rule text,
write the syntax-tree cache, compile), timed separately in fresh processes.

Evaluation is timed on a warm rule set, repeatedly on the sample, as a run over many documents
evaluates them: first warmed up until the rules that switch to generated Python have switched
(see compliance.dsl.tiers); and once more as the first document of a fresh process, where every
rule still runs as closures and nothing the rules remember between documents (normalised titles,
text similarities) is filled yet.  The one-time cost of generating Python for every rule is
printed beside them.

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

# The cold compile, stage by stage (the same work load_rule_set does, in the same order).
STAGES = r"""
import json, time
from compliance.dsl import ast_json, loader, parser
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager
pm, _ = create_manager()
paths, functions = hooks.rule_pack_paths(pm), hooks.dsl_functions(pm)
t0 = time.perf_counter()
parser._fast_parser()
t1 = time.perf_counter()
files = loader.rule_files(paths)
with loader._collector_paused():  # as load_rule_set parses and writes
    parsed = [(path, parser.parse_text(path.read_text(encoding="utf-8"), str(path))) for path in files]
    t2 = time.perf_counter()
    for _, tree in parsed:
        ast_json.dumps(tree)
    t3 = time.perf_counter()
for path, tree in parsed:
    loader._PARSED[(parser.grammar_hash(), tree.content_hash)] = tree
loader.load_rule_set(paths, functions=functions)
t4 = time.perf_counter()
print(json.dumps({"load the parse tables": t1 - t0, "parse the rule text": t2 - t1,
                  "write the syntax-tree cache": t3 - t2, "compile": t4 - t3}))
"""


# The first evaluation in a fresh process, of the rules a check runs on the sample.
FIRST_EVALUATION = r"""
import json, sys, time
import compliance
from compliance.dsl import load_rule_set
from compliance.engine import pack_applies
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager
pm, _ = create_manager()
rule_set = load_rule_set(hooks.rule_pack_paths(pm), functions=hooks.dsl_functions(pm))
document = compliance.load(sys.argv[1])
applying = [r.id for r in rule_set.rules if pack_applies(r.pack, document.meta.get("jurisdiction"))]
start = time.perf_counter()
rule_set.evaluate(document, rule_ids=applying)
print(json.dumps({"first": time.perf_counter() - start}))
"""


def fresh_runs(code: str, repeat: int, *, keep: tuple[str, ...], args: tuple[str, ...] = ()) -> list[dict[str, float]]:
    """Run ``code`` in fresh processes; before each, empty the cache dir except files ending in ``keep``."""
    runs = []
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, COMPLIANCE_CACHE_DIR=cache)
        for _ in range(repeat):
            for stale in Path(cache).rglob("*"):
                if stale.is_file() and not stale.name.endswith(keep):
                    stale.unlink()
            out = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout))
    return runs


# Generating Python for every rule at once, in a fresh process (rules switch one by one as they run).
GENERATION = r"""
import json, time
from compliance.dsl import load_rule_set
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager
pm, _ = create_manager()
rule_set = load_rule_set(hooks.rule_pack_paths(pm), functions=hooks.dsl_functions(pm))
start = time.perf_counter()
for rule in rule_set.rules:
    rule.code.promote()
print(json.dumps({"generate": time.perf_counter() - start}))
"""


def warm_up(evaluate, rules) -> tuple[int, int]:
    """Evaluate until no rule has switched to generated Python for 20 documents in a row.

    Returns the documents it took and how many rules run as generated Python then.
    """
    documents = quiet = 0
    switched = 0
    while quiet < 20 and documents < 1000:
        evaluate()
        documents += 1
        now = sum(1 for rule in rules if rule.code.function is not None)
        quiet = quiet + 1 if now == switched else 0
        switched = now
    return documents - quiet, switched


def evaluation(repeat: int) -> dict[str, float]:
    """Median ms to evaluate every shipped rule on the sample, and the rules that apply to it, once the
    rules run as they do over many documents; with the counts and the warm-up it took."""
    import compliance
    from compliance.dsl import load_rule_set
    from compliance.engine import pack_applies
    from compliance.plugins import hooks
    from compliance.plugins.manager import create_manager

    pm, _ = create_manager()
    rule_set = load_rule_set(hooks.rule_pack_paths(pm), functions=hooks.dsl_functions(pm))
    document = compliance.load(SAMPLE)
    jurisdiction = document.meta.get("jurisdiction")
    applying = [rule.id for rule in rule_set.rules if pack_applies(rule.pack, jurisdiction)]
    documents, generated = warm_up(lambda: rule_set.evaluate(document), rule_set.rules)
    every, _ = measure(lambda: rule_set.evaluate(document), repeat)
    some, _ = measure(lambda: rule_set.evaluate(document, rule_ids=applying), repeat)
    return {"every": every, "count": len(rule_set.rules), "some": some, "applying": len(applying),
            "warm-up": documents, "generated": generated}


def median_ms(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    first = fresh_runs(COLD, args.repeat, keep=())
    # The first run of each series fills what the series keeps; it is not counted.
    cold = fresh_runs(COLD, args.repeat + 1, keep=(".lark-cache",))[1:]
    warm = fresh_runs(COLD, args.repeat + 1, keep=(".lark-cache", ".json"))[1:]
    stages = fresh_runs(STAGES, args.repeat + 1, keep=(".lark-cache",))[1:]
    timed = evaluation(max(args.repeat, 50))
    first_document = fresh_runs(FIRST_EVALUATION, args.repeat, keep=(".lark-cache", ".json"), args=(str(SAMPLE),))
    generation = fresh_runs(GENERATION, args.repeat, keep=(".lark-cache", ".json"))
    print(f"rules: {timed['count']} (shipped packs); {timed['applying']} apply to the sample")
    print(f"compile, first run after install        median {median_ms(first, 'compile'):8.2f} ms")
    print(f"compile, cold                           median {median_ms(cold, 'compile'):8.2f} ms  (target < 150 ms)")
    for stage in stages[0]:
        print(f"  {stage:38s}median {median_ms(stages, stage):8.2f} ms")
    print(f"compile, syntax trees cached            median {median_ms(warm, 'compile'):8.2f} ms")
    print(f"import of compliance.dsl + plugins      median {median_ms(cold, 'import'):8.2f} ms")
    print(f"generate Python for every rule, once    median {median_ms(generation, 'generate'):8.2f} ms")
    print(f"evaluate all rules on the sample        median {timed['every']:8.2f} ms  (target < 10 ms)")
    print(f"evaluate the rules that apply to it     median {timed['some']:8.2f} ms")
    print(f"  … {timed['generated']} rules run as generated Python, after {timed['warm-up']} documents of warm-up")
    print(f"  … as the first document of a process  median {median_ms(first_document, 'first'):8.2f} ms  (all closures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
