"""The Xinjiang pack: its rule cases, and how a document is matched to it (tests/test_rule_packs.py checks that every rule has a passing and a failing case)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.engine import Engine
from compliance.plugins import hooks
from compliance.testing import case_files, run_case_file

XINJIANG = Path(__file__).resolve().parents[2] / "rules" / "xinjiang"


@pytest.mark.parametrize("case_file", case_files([XINJIANG]), ids=lambda p: p.name)
def test_xinjiang_rule_cases(case_file: Path) -> None:
    results = run_case_file(case_file)
    assert results, "a case file with no cases"
    assert [(r.name, r.problems) for r in results if not r.passed] == []


SAMPLE = XINJIANG.parents[1] / "examples" / "bazhou-2026-budget.txt"
UNMARKED = SAMPLE.read_text(encoding="utf-8").replace("新疆", "某省").replace("巴州", "某州")


def _jurisdiction(text: str, plugins: tuple[str, ...]) -> str | None:
    engine = Engine(plugins=plugins)
    document = hooks.load_document(engine.pm, SAMPLE, text.encode("utf-8"))
    return hooks.enrich_document(engine.pm, document).meta.get("jurisdiction")


def test_markers_in_the_department_name_decide_first() -> None:
    without_layout_detection = ("no:xinjiang",)
    assert _jurisdiction(SAMPLE.read_text(encoding="utf-8"), without_layout_detection) == "xinjiang"
    assert _jurisdiction(UNMARKED, without_layout_detection) is None


def test_the_twelve_table_layout_is_recognised_without_markers() -> None:
    assert _jurisdiction(UNMARKED, ()) == "xinjiang"


def test_nine_tables_are_not_the_xinjiang_layout() -> None:
    lines = UNMARKED.splitlines(keepends=True)
    start = lines.index("表 11\n")
    end = len(lines) - lines[::-1].index("第三部分 2026 年部门预算情况说明\n") - 1  # the heading, not the 目录 entry
    assert _jurisdiction("".join(lines[:start] + lines[end:]), ()) is None


def test_detected_layout_brings_the_regional_params() -> None:
    engine = Engine()
    document = hooks.enrich_document(engine.pm, hooks.load_document(engine.pm, SAMPLE, UNMARKED.encode("utf-8")))
    result = engine.check_document(document)
    assert (result.jurisdiction, result.packs) == ("xinjiang", ("cn.national", "cn.xinjiang"))
    assert [r.outcome.value for r in result.results if r.rule == "CN-PERF-001"] == ["pass"]
