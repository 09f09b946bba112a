"""Hand-made documents for every kind of bad input: a correct model with issues, or a clear LoadError."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import compliance
from compliance.errors import LoadError, UnsupportedFormatError


def load(path: Path):
    return compliance.load(path)


def test_gb18030_file_is_detected_and_reads_like_utf8(fixture_path) -> None:
    utf8 = load(fixture_path("small_ok.txt"))
    gb = load(fixture_path("small_gb18030.txt"))
    assert gb.meta["encoding"] == "gb18030"
    assert "encoding" not in utf8.meta
    # Same content, same model: only the path and the recorded encoding differ.
    assert (gb.sections, gb.tables, gb.facts) == (utf8.sections, utf8.tables, utf8.facts)
    t3 = gb.table("3")
    assert t3 is not None and t3.value(t3.row("20103"), "合计") == Decimal("1200.50")


def test_utf8_bom_and_crlf_line_ends(fixture_path) -> None:
    doc = load(fixture_path("small_bom_crlf.txt"))
    assert doc.title == "2026 年示例单位部门预算公开"
    t3 = doc.table("3")
    assert t3 is not None and t3.span.start_line == 13
    row = t3.row("2010301")
    assert row is not None and row.label == "行政运行" and t3.value(row, "合计") == Decimal("1000.00")


@pytest.mark.parametrize("name, message, line", [
    ("empty.txt", "empty document: the file holds no text", None),
    ("blank_lines.txt", "empty document: the file holds no text", None),
    ("binary.txt", "binary file (NUL byte at offset 13), not a text document", 2),
    ("bad_encoding.txt", "cannot decode the file as UTF-8 or GB18030 text: byte 0x81 is not valid UTF-8", 3),
])
def test_unreadable_files_raise_a_load_error_naming_file_and_line(fixture_path, name: str, message: str,
                                                                  line: int | None) -> None:
    path = fixture_path(name)
    with pytest.raises(LoadError) as raised:
        load(path)
    error = raised.value
    assert (error.message, error.source, error.line) == (message, str(path), line)
    assert error.exit_code == 3
    assert str(error).startswith(f"{path}:")


def test_binary_file_without_text_suffix_is_not_claimed(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(UnsupportedFormatError):
        load(path)


def test_text_without_suffix_is_sniffed(tmp_path: Path, fixture_path) -> None:
    path = tmp_path / "disclosure"
    path.write_bytes(fixture_path("small_ok.txt").read_bytes())
    assert [t.number for t in load(path).tables] == ["3"]


def test_document_without_tables_is_a_model_with_an_issue(fixture_path) -> None:
    doc = load(fixture_path("no_tables.txt"))
    assert doc.tables == () and doc.perf_tables == ()
    assert [s.number for s in doc.sections] == ["第一部分"]
    assert [(i.code, i.message) for i in doc.issues] == [("no-tables", "文档中没有识别到任何表格")]


def test_row_with_more_cells_than_its_header_is_kept_with_an_issue(fixture_path) -> None:
    table = load(fixture_path("extra_cells.txt")).table("11")
    assert table is not None and len(table.columns) == 5
    row = table.row("示例项目")
    assert row is not None and row.kind == "body"
    assert table.value(row, "合计") == Decimal("32.00")
    assert [(i.code, i.message, i.span.start_line) for i in row.issues] == [
        ("extra-cells", "本行第 7 格“9.99”超出表头列数（5 列）", 23)]
    extra = row.cell(6)
    assert extra is not None and extra.text == "9.99"


def test_malformed_numbers_keep_their_rows_with_cell_issues(fixture_path) -> None:
    table = load(fixture_path("malformed_numbers.txt")).table("10")
    assert table is not None
    assert [r.label for r in table.rows] == ["因公出国（境）费用", "公务接待费", "公务用车购置及运行维护费（小计）", "总计"]
    abroad, reception, cars, _ = table.rows
    dash = abroad.cell(1)
    assert dash is not None and dash.value is None
    assert [(i.code, i.message) for i in dash.issues] == [("dash-as-blank", "单元格“—”按空白处理")]
    bad = reception.cell(1)
    assert bad is not None and bad.text == "1,2,3.4" and bad.value is None
    assert [i.code for i in bad.issues] == ["malformed-number"]
    assert (bad.issues[0].span.start_line, bad.issues[0].span.start_column) == (24, 7)
    assert table.value(reception, ("资金来源", "一般公共预算")) == Decimal("1.00")
    words = cars.cell(2)
    assert words is not None and [i.code for i in words.issues] == ["not-a-number"]
    assert [i.code for i in cars.all_issues()] == ["not-a-number"]
    assert table.value(cars, "合计") == Decimal("83.00")


def test_continuation_page_is_merged_into_one_table(fixture_path) -> None:
    doc = load(fixture_path("continuation.txt"))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert [r.code_text or r.label for r in table.rows] == ["201", "20103", "2010301", "总计"]
    assert table.row("2010301").span.start_line == 32
    assert [c.label for c in table.row("20103").children] == ["行政运行"]
    assert table.issues == ()


def test_empty_tables_with_and_without_explanation(fixture_path) -> None:
    doc = load(fixture_path("empty_tables.txt"))
    explained, bare = doc.table("8"), doc.table("9")
    assert explained.empty and bare.empty
    assert explained.explanation is not None and explained.explanation.span.start_line == 25
    assert bare.explanation is None
