"""Golden test: the reviewed findings of each bundled Shanghai PDF.

The golden files (``golden/<stem>.json``) are regenerated, never hand-edited::

    COMPLIANCE_REGEN_GOLDEN=1 pytest tests/shanghai

and reviewed against the PDF (``golden/REVIEW.md`` says why each finding is a real
defect).  Findings of national rules listed in ``misfires.toml`` are left out.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from shanghai_support import HERE, PDFS, engine, findings

REGEN = os.environ.get("COMPLIANCE_REGEN_GOLDEN") == "1"


@pytest.mark.parametrize("path", PDFS, ids=[p.stem for p in PDFS])
def test_findings_match_golden(path: Path) -> None:
    document = engine().load(path)
    assert document.meta["jurisdiction"] == "shanghai"
    got = findings(document, path.stem)
    golden = HERE / "golden" / f"{path.stem}.json"
    if REGEN:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert golden.exists(), "no golden file: run with COMPLIANCE_REGEN_GOLDEN=1 and review it"
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def _messages(stem: str) -> list[tuple[str, int | None, str]]:
    path = next(p for p in PDFS if p.stem == stem)
    return [(f["rule"], f["page"], f["message"]) for f in findings(engine().load(path), stem)]


def test_sifaju_known_defects() -> None:
    found = _messages("putuo-sifaju-2026-dept-budget")
    assert ("SH-YEAR-002", 23, "预算年度为 2026 年，项目实施周期写为「2025年1月1日-2025年12月31日」") in found
    assert ("SH-YEAR-001", 8, "预算年度为 2026 年，说明却与「2026年」比较（比较年份应早于预算年度）") in found
    assert ("SH-TXT-001", 9, "同一项先写 208.8 万元，后写“2026年预算安排201.50万元”，两数不一致") in found
    assert ("SH-TXT-002", 9, "执行数 43,269.3 万元、预算安排 3,845.49 万元，应为减少 91.11%，说明写“增加17.62%”") in found


def test_welfare_home_codes_disagree_with_the_national_list() -> None:
    found = _messages("putuo-shehuifuliyuan-2024-unit-budget")
    table = "2024年预算单位一般公共预算基本支出部门预算经济分类预算表"
    assert ("SH-CODE-002", 14, f"{table}「咨询费」：编码 30202 的科目名称应为「印刷费」，表中为「咨询费」") in found
    assert sum(1 for rule, _page, _message in found if rule == "SH-CODE-002") == 14
