"""Extraction details per format: merged cells, running headers, wrapped lines, charsets, lost zeros."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from plugins_builtin.formats.docx_loader import extract_docx
from plugins_builtin.formats.html_loader import extract_html
from plugins_builtin.formats.pdf_extract import extract_pdf
from plugins_builtin.formats.pieces import Grid, TextPiece, clean_cell_text, grid_from_matrix, join_wrapped
from plugins_builtin.formats.to_document import pieces_to_document
from plugins_builtin.formats.xlsx_loader import extract_xlsx, number_text

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --------------------------------------------------------------------------- shared helpers


def test_wrapped_lines_rejoin_without_spaces_between_chinese() -> None:
    assert join_wrapped(["财政拨款", "（补助）小计"]) == "财政拨款（补助）小计"
    assert join_wrapped(["比2025年预算执行数为", "118.46万元"]) == "比2025年预算执行数为118.46万元"
    assert join_wrapped(["Budget", "law"]) == "Budget law"
    assert clean_cell_text("事业单位\n经营收入") == "事业单位经营收入"
    assert clean_cell_text("  特定目标   2010213W ") == "特定目标 2010213W"


def test_grid_matrix_puts_merged_text_in_its_first_slot() -> None:
    grid = grid_from_matrix([["收入", "x", "支出"], ["项目", "预算数", "项目"]], spans={(0, 0): (1, 2)})
    assert grid.matrix() == [["收入", "", "支出"], ["项目", "预算数", "项目"]]
    anchor = grid.anchor(0, 1)
    assert anchor is not None and (anchor.text, anchor.colspan) == ("收入", 2)


# --------------------------------------------------------------------------- PDF (the rendered sample)


@pytest.fixture(scope="module")
def sample_pdf_pieces(renderings: dict[str, Path]) -> list[object]:
    path = renderings["pdf"]
    return extract_pdf(path.read_bytes(), source=str(path))


def test_running_header_and_page_numbers_are_dropped(sample_pdf_pieces: list[object]) -> None:
    texts = [p.text for p in sample_pdf_pieces if isinstance(p, TextPiece)]
    assert not any("2026 年部门预算公开" == t or t.startswith("新疆巴州人民政府办公室 2026 年部门预算公开") for t in texts)
    assert not any(t.startswith("- ") and t.endswith(" -") for t in texts)
    assert texts[:3] == ["2026 年新疆巴州人民政府办公室", "部门预算公开", "目 录"]


def test_rendered_table_split_across_pages_is_one_grid(sample_pdf_pieces: list[object]) -> None:
    grids = [p for p in sample_pdf_pieces if isinstance(p, Grid)]
    table2 = next(g for g in grids if g.matrix()[0][0] == "科目代码" and g.n_cols == 15)
    rows = table2.matrix()
    assert len(set(table2.row_pages)) == 2
    assert [r[0] for r in rows].count("科目代码") == 1  # the header repeated on the next page is dropped
    assert rows[-1][3:7] == ["总计", "3,037.70", "3,034.10", "3,034.10"]
    merged = {c.text: (c.rowspan, c.colspan) for c in table2.cells if c.rowspan > 1 or c.colspan > 1}
    assert merged["财政拨款（补助）"] == (1, 6)
    assert merged["科目名称"] == (2, 1)


def test_rendered_paragraph_wrapped_over_lines_is_one_piece(sample_pdf_pieces: list[object]) -> None:
    texts = [p.text for p in sample_pdf_pieces if isinstance(p, TextPiece)]
    expected = (
        "按照全口径预算的原则，新疆巴州人民政府办公室 2026 年所有收入和支出均纳入部门预算管理。"
        "收支总预算 3,037.70 万元。"
    )
    assert expected in texts


# --------------------------------------------------------------------------- Word


def _docx(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    return buffer.getvalue()


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_docx_merged_cells_come_from_gridspan_and_vmerge() -> None:
    span2, restart, cont = '<w:gridSpan w:val="2"/>', '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    table = (
        "<w:tbl>"
        f"<w:tr>{_tc('科目', span2)}{_tc('合计', restart)}</w:tr>"
        f"<w:tr>{_tc('类')}{_tc('款')}{_tc('', cont)}</w:tr>"
        f"<w:tr>{_tc('201')}{_tc('03')}{_tc('2,304.38')}</w:tr>"
        "</w:tbl>"
    )
    body = f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>表 1</w:t></w:r></w:p>{table}'
    title, grid = extract_docx(_docx(body), source="t.docx")
    assert isinstance(title, TextPiece) and (title.text, title.style) == ("表 1", "Heading1")
    assert isinstance(grid, Grid)
    assert grid.matrix() == [["科目", "", "合计"], ["类", "款", ""], ["201", "03", "2,304.38"]]
    merged = {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in grid.cells if c.rowspan > 1 or c.colspan > 1}
    assert merged == {"科目": (0, 0, 1, 2), "合计": (0, 2, 2, 1)}


def test_docx_cell_with_two_paragraphs_reads_as_one_line() -> None:
    cell = "<w:tc><w:p><w:r><w:t>财政拨款</w:t></w:r></w:p><w:p><w:r><w:t>（补助）小计</w:t></w:r></w:p></w:tc>"
    (grid,) = extract_docx(_docx(f"<w:tbl><w:tr>{cell}{_tc('x')}</w:tr></w:tbl>"), source="t.docx")
    assert isinstance(grid, Grid) and grid.matrix() == [["财政拨款（补助）小计", "x"]]


# --------------------------------------------------------------------------- Excel


def test_number_text_follows_the_cell_format() -> None:
    assert number_text(3034.1, "#,##0.00") == "3,034.10"
    assert number_text(0.58, "0.00") == "0.58"
    assert number_text(2023097, "General") == "2023097"
    assert number_text(96282213.44, "General") == "96282213.44"
    assert number_text(0.1234, "0.0%") == "12.3%"


def test_xlsx_restores_leading_zeros_of_codes_under_kuan_and_xiang(renderings: dict[str, Path]) -> None:
    import openpyxl

    path = renderings["xlsx"]
    workbook = openpyxl.load_workbook(path)
    stored = [row for row in workbook["表3"].iter_rows(values_only=True) if row[:3] == (201, 3, 1)]
    assert stored, "the rendering stores 201 03 01 as bare numbers"
    pieces = extract_xlsx(path.read_bytes(), source=str(path))
    table3 = [p for p in pieces if isinstance(p, Grid) and p.matrix()[0][0] == "科目"][0]
    assert ["201", "03", "01", "行政运行", "1,598.61", "1,598.61", ""] in table3.matrix()


def test_xlsx_merged_ranges_become_spans(renderings: dict[str, Path]) -> None:
    path = renderings["xlsx"]
    grids = [p for p in extract_xlsx(path.read_bytes(), source=str(path)) if isinstance(p, Grid)]
    first = grids[0]
    merged = {c.text: (c.rowspan, c.colspan) for c in first.cells if c.rowspan > 1 or c.colspan > 1}
    assert merged == {"收入": (1, 2), "支出": (1, 2)}


# --------------------------------------------------------------------------- HTML


def test_html_rowspan_and_colspan_are_placed_as_browsers_place_them() -> None:
    page = (
        "<table><tr><td rowspan=2>科目名称</td><td colspan=2>资金来源</td></tr>"
        "<tr><td>一般公共预算</td><td>政府性基金</td></tr>"
        "<tr><td>公务接待费</td><td>1.00</td><td></td></tr></table>"
    )
    (grid,) = extract_html(page.encode("utf-8"), source="t.html")
    assert isinstance(grid, Grid)
    assert grid.matrix() == [["科目名称", "资金来源", ""], ["", "一般公共预算", "政府性基金"], ["公务接待费", "1.00", ""]]


def test_html_text_keeps_inline_spacing_and_splits_at_line_breaks() -> None:
    page = "<div>收支总预算 <b>3,037.70</b> 万元。<br>单位：万元</div><script>var x = 1;</script>"
    pieces = extract_html(page.encode("utf-8"), source="t.html")
    assert [p.text for p in pieces] == ["收支总预算 3,037.70 万元。", "单位：万元"]  # type: ignore[union-attr]


# --------------------------------------------------------------------------- pieces → model


def test_pieces_become_a_captioned_table_with_boxes() -> None:
    grid = grid_from_matrix([["项目", "金额"], ["合计", "1,234.50"]], page=3)
    boxed = Grid(
        tuple(
            type(c)(c.row, c.col, c.text, c.rowspan, c.colspan, page=3, bbox=(10.0 * c.col, 10.0 * c.row, 10.0 * c.col + 9, 10.0 * c.row + 9))
            for c in grid.cells
        ),
        grid.n_rows,
        grid.n_cols,
        page=3,
        row_pages=(3, 3),
    )
    pieces = [TextPiece("表 1", page=3, bbox=(0, 0, 5, 5)), TextPiece("测试表", page=3), TextPiece("单位：元", page=3), boxed]
    document = pieces_to_document("t.pdf", pieces, "pdf")
    (table,) = document.tables
    assert (table.number, table.title, table.unit) == ("1", "测试表", "元")
    total = table.rows[-1]
    cell = total.cell(1)
    assert cell is not None and cell.value == Decimal("1234.50")
    assert (cell.span.page, cell.span.bbox) == (3, (10.0, 10.0, 19.0, 19.0))
    assert document.lines[-2:] == ("项目\t金额", "合计\t1,234.50")


def test_radical_look_alikes_from_pdf_fonts_are_repaired(make_pdf) -> None:  # type: ignore[no-untyped-def]
    def draw(c: object, n: int) -> None:
        c.setFont("STSong-Light", 12)  # type: ignore[attr-defined]
        c.drawString(72, 700, "\u2f00、部门主要职能")  # type: ignore[attr-defined]
        c.drawString(72, 680, "\u2f00般公共预算\u2f40出 ２０２６ 年")  # type: ignore[attr-defined]

    path = make_pdf("radicals.pdf", draw)
    texts = [p.text for p in extract_pdf(path.read_bytes(), source=str(path)) if isinstance(p, TextPiece)]
    assert texts == ["一、部门主要职能", "一般公共预算支出 ２０２６ 年"]  # full-width digits stay as printed
    assert clean_cell_text("\u2f00般\n公共预算") == "一般公共预算"


def test_number_text_rounds_a_half_away_from_zero_as_excel_shows_it() -> None:
    """Decimal's default (half to even) would print 2.12, 1,234 and -2.12."""
    assert number_text(2.125, "0.00") == "2.13"
    assert number_text(1234.5, "#,##0") == "1,235"
    assert number_text(-2.125, "0.00") == "-2.13"
    assert number_text(0.125, "0.00%") == "12.50%"
    assert number_text(0.0125, "0.0%") == "1.3%"
