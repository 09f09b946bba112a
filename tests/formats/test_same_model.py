"""The sample disclosure arrives identically through text, PDF, Word, Excel and HTML.

The renderings come from ``scripts/render_sample.py``, made once per test
session (the ``renderings`` fixture); the script is checked below to write the
same files every time, so what is tested is what it makes.  Loaded and enriched,
each must give the text form's model: same sections, tables, rows, cells and
values, performance tables, paragraphs and facts; only the path, the format
name and the positions (pages, boxes, lines) differ.  And a check run finds
the same things in every form.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from attrs import evolve

import compliance
from compliance.model import Document

from conftest import LOADERS, RENDER_SCRIPT, SAMPLE


@pytest.fixture(scope="module")
def text_model() -> Document:
    document = compliance.load(SAMPLE)
    # Guard: the reference itself is the full sample, so equality below means something.
    assert len(document.tables) == 12 and len(document.perf_tables) == 5
    return document


@pytest.fixture(scope="module", params=sorted(LOADERS))
def loaded(request: pytest.FixtureRequest, renderings: dict[str, Path]) -> tuple[str, Document]:
    fmt = request.param
    return fmt, compliance.load(renderings[fmt], plugins=[LOADERS[fmt]])


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


def test_same_findings_in_every_format(loaded: tuple[str, Document], renderings: dict[str, Path]) -> None:
    fmt, _document = loaded
    expected = _finding_keys(SAMPLE, [])
    assert expected, "the sample has findings to compare"
    assert _finding_keys(renderings[fmt], [LOADERS[fmt]]) == expected


def test_pdf_findings_point_at_pages_and_cells(renderings: dict[str, Path]) -> None:
    report = compliance.check(renderings["pdf"], plugins=[LOADERS["pdf"]])
    findings = [f for rule in report.documents[0].results for f in rule.findings if f.location.table == "表2"]
    assert findings
    span = findings[0].location.span
    assert span.page is not None and span.page >= 1
    assert span.bbox is not None and span.bbox[2] > span.bbox[0]


def test_rendering_twice_gives_the_same_files(renderings: dict[str, Path], tmp_path: Path) -> None:
    # Rendered again by the script itself in a fresh interpreter with another hash seed, so an order
    # that only holds within one process (a set of strings, say) would show.
    env = {**os.environ, "PYTHONHASHSEED": "2026"}
    run = subprocess.run(
        [sys.executable, str(RENDER_SCRIPT), str(SAMPLE), str(tmp_path)],
        env=env, capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert [line.split(":")[0] for line in run.stdout.splitlines()] == ["pdf", "docx", "xlsx", "html"]
    again = {fmt: tmp_path / path.name for fmt, path in renderings.items()}
    # PDF (reportlab's invariant mode), Word and HTML come out byte for byte the same.
    for fmt in ("pdf", "docx", "html"):
        assert again[fmt].read_bytes() == renderings[fmt].read_bytes(), fmt
    # A workbook stamps its creation time (docProps/core.xml); every other part is the same,
    # and so is what it says.
    with zipfile.ZipFile(again["xlsx"]) as fresh_book, zipfile.ZipFile(renderings["xlsx"]) as first_book:
        assert fresh_book.namelist() == first_book.namelist()
        differing = [n for n in fresh_book.namelist() if fresh_book.read(n) != first_book.read(n)]
    assert differing in ([], ["docProps/core.xml"])
    fresh = compliance.load(again["xlsx"], plugins=[LOADERS["xlsx"]])
    first = compliance.load(renderings["xlsx"], plugins=[LOADERS["xlsx"]])
    assert evolve(fresh, path=first.path) == first
