"""The sample disclosure arrives identically through text, PDF, Word, Excel and HTML.

The renderings in ``tests/fixtures/formats`` come from ``scripts/render_sample.py``
(checked below to still be what the script writes).  Loaded and enriched,
each must give the text form's model: same sections, tables, rows, cells and
values, performance tables, paragraphs and facts; only the path, the format
name and the positions (pages, boxes, lines) differ.  And a check run finds
the same things in every form.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from attrs import evolve

import compliance
from compliance.model import Document

from conftest import FORMATS, LOADERS, SAMPLE

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def text_model() -> Document:
    document = compliance.load(SAMPLE)
    # Guard: the reference itself is the full sample, so equality below means something.
    assert len(document.tables) == 12 and len(document.perf_tables) == 5
    return document


@pytest.fixture(scope="module", params=sorted(LOADERS))
def loaded(request: pytest.FixtureRequest) -> tuple[str, Document]:
    fmt = request.param
    return fmt, compliance.load(FORMATS / f"bazhou-2026-budget.{fmt}", plugins=[LOADERS[fmt]])


def test_format_is_named(loaded: tuple[str, Document]) -> None:
    fmt, document = loaded
    assert document.format == fmt


def test_tables_rows_and_cells_equal_the_text_form(loaded: tuple[str, Document], text_model: Document) -> None:
    _fmt, document = loaded
    assert [t.label for t in document.tables] == [f"表{n}" for n in range(1, 13)]
    for ours, theirs in zip(document.tables, text_model.tables):
        assert ours.columns == theirs.columns, ours.label
        assert ours.rows == theirs.rows, ours.label
        assert ours == theirs, ours.label
    table2 = document.table("2")
    assert table2 is not None
    row = table2.row("20103")
    assert row is not None and table2.value(row, "总计") == Decimal("2304.38")


def test_perf_tables_paragraphs_facts_and_sections_equal_the_text_form(
    loaded: tuple[str, Document], text_model: Document
) -> None:
    _fmt, document = loaded
    assert document.perf_tables == text_model.perf_tables
    assert document.paragraphs == text_model.paragraphs
    assert document.facts == text_model.facts
    assert document.sections == text_model.sections
    assert document.toc == text_model.toc


def test_whole_model_equals_the_text_form(loaded: tuple[str, Document], text_model: Document) -> None:
    _fmt, document = loaded
    assert evolve(document, path=text_model.path, format=text_model.format) == text_model


def _finding_keys(path: Path, plugins: list[str]) -> list[tuple[object, ...]]:
    report = compliance.check(path, plugins=plugins)
    (result,) = report.documents
    assert result.status == "ok", result.error
    return sorted(
        (f.rule, f.severity.value, f.message, f.location.table, f.location.row, f.location.column_path)
        for rule in result.results
        for f in rule.findings
    )


def test_same_findings_in_every_format(loaded: tuple[str, Document]) -> None:
    fmt, _document = loaded
    expected = _finding_keys(SAMPLE, [])
    assert expected, "the sample has findings to compare"
    assert _finding_keys(FORMATS / f"bazhou-2026-budget.{fmt}", [LOADERS[fmt]]) == expected


def test_pdf_findings_point_at_pages_and_cells() -> None:
    report = compliance.check(FORMATS / "bazhou-2026-budget.pdf", plugins=[LOADERS["pdf"]])
    findings = [f for rule in report.documents[0].results for f in rule.findings if f.location.table == "表2"]
    assert findings
    span = findings[0].location.span
    assert span.page is not None and span.page >= 1
    assert span.bbox is not None and span.bbox[2] > span.bbox[0]


def _render_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_sample", ROOT / "scripts" / "render_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("render_sample", module)
    spec.loader.exec_module(module)
    return module


def test_committed_renderings_are_what_the_script_writes(tmp_path: Path) -> None:
    written = _render_module().render_all(SAMPLE, tmp_path)
    # PDF (reportlab's invariant mode), Word and HTML come out byte for byte the same.
    for fmt in ("pdf", "docx", "html"):
        assert written[fmt].read_bytes() == (FORMATS / f"bazhou-2026-budget.{fmt}").read_bytes(), fmt
    # A workbook stamps its creation time; compare what it says instead.
    fresh = compliance.load(written["xlsx"], plugins=[LOADERS["xlsx"]])
    committed = compliance.load(FORMATS / "bazhou-2026-budget.xlsx", plugins=[LOADERS["xlsx"]])
    assert evolve(fresh, path=committed.path) == committed
