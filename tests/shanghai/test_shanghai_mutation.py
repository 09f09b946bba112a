"""Mutation test on the Shanghai 司法局 2026 PDF: each single change must give a new finding.

Thresholds: 95% of changed table figures and of changed amounts and percentages in the
explanations; every deleted table and every deleted empty-table note.  Misses are printed.
"""

from __future__ import annotations

import pytest

from mutation_support import run
from shanghai_support import FIXTURES

PDF = FIXTURES / "putuo-sifaju-2026-dept-budget.pdf"
THRESHOLDS = {"table_figure": 0.95, "prose_figure": 0.95, "delete_table": 1.0, "delete_empty_note": 1.0}


@pytest.fixture(scope="module")
def outcomes():
    return run(PDF)


@pytest.mark.parametrize("kind", sorted(THRESHOLDS))
def test_detection_rate(outcomes, kind: str) -> None:
    results = outcomes[kind]
    found = sum(1 for _m, detected in results if detected)
    misses = [m.where for m, detected in results if not detected]
    print(f"{kind}: {found}/{len(results)} detected; missed: {misses}")
    assert len(results) >= (50 if kind == "table_figure" else 2)
    assert found / len(results) >= THRESHOLDS[kind], misses
