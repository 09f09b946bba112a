"""Mutation test: single-change variants of the sample must each give a new finding at the change.

Every variant of every kind is run (no sampling), in-process on one engine, split over two
forked workers.  Thresholds: at least 95% for each kind of single change (figures in
tables and prose, weights, cost indicators, units); every deleted table, explanation
section and empty-table note.  Sub-section deletions are reported, not asserted.  Every
miss is printed.  ``python tests/mutation/report.py`` prints the same table.
"""

from __future__ import annotations

import multiprocessing

import pytest

from mutants import Checker, Outcome, format_report, rates

#: Kind → lowest acceptable detection rate.
THRESHOLDS = {
    "table_figure": 0.95,
    "prose_figure": 0.95,
    "perf_figure": 0.95,
    "perf_weight": 0.95,
    "cost_indicator": 0.95,
    "table_unit": 0.95,
    "delete_table": 1.0,
    "delete_section": 1.0,
    "delete_empty_note": 1.0,
}
WORKERS = 2

_CHECKER: Checker | None = None


def _run(index: int) -> tuple[int, bool, tuple[str, ...]]:
    assert _CHECKER is not None
    outcome = _CHECKER.run(_CHECKER.all_mutants[index])
    return index, outcome.detected, outcome.new_findings


def run_all() -> list[Outcome]:
    """Every mutant's outcome; forked workers share the parent's engine and mutants."""
    global _CHECKER
    checker = Checker()
    checker.all_mutants = checker.mutants()
    _CHECKER = checker
    try:
        if "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
                raw = pool.map(_run, range(len(checker.all_mutants)), chunksize=16)
        else:
            raw = [_run(i) for i in range(len(checker.all_mutants))]
    finally:
        _CHECKER = None
    return [Outcome(checker.all_mutants[i], detected, new) for i, detected, new in raw]


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return run_all()


def test_every_kind_has_mutants(outcomes) -> None:
    assert set(THRESHOLDS) <= set(rates(outcomes))


@pytest.mark.parametrize("kind", sorted(THRESHOLDS))
def test_detection_rate(outcomes, kind: str) -> None:
    found, total = rates(outcomes)[kind]
    print(format_report([o for o in outcomes if o.mutant.kind == kind]))
    assert found / total >= THRESHOLDS[kind], format_report([o for o in outcomes if o.mutant.kind == kind])
