"""The four real Shanghai PDFs: tables as printed, split tables joined, captions and prose as text.

Figures were checked by hand against the printed pages (rendered to images)
and are pinned here; where the print itself is odd (a 类 code printed as
``7``, 款 codes printed without their leading zero) the loader keeps the print.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

from compliance.model import Document
from plugins_builtin.formats.pdf_extract import extract_pdf
from plugins_builtin.formats.pdf_loader import load_pdf
from plugins_builtin.formats.pieces import Grid, Piece, TextPiece

from conftest import SHANGHAI

SIFAJU = SHANGHAI / "putuo-sifaju-2026-dept-budget.pdf"
WANLI = SHANGHAI / "putuo-wanlijiedao-2024-dept-budget.pdf"
FULIYUAN = SHANGHAI / "putuo-shehuifuliyuan-2024-unit-budget.pdf"
CAIZHENG = SHANGHAI / "putuo-caizhengju-2025-dept-budget.pdf"


@lru_cache(maxsize=None)
def pieces(path: Path) -> tuple[Piece, ...]:
    return tuple(extract_pdf(path.read_bytes(), source=str(path)))


@lru_cache(maxsize=None)
def document(path: Path) -> Document:
    return load_pdf(path, path.read_bytes())


def grids(path: Path) -> list[Grid]:
    return [p for p in pieces(path) if isinstance(p, Grid)]


def texts(path: Path) -> list[TextPiece]:
    return [p for p in pieces(path) if isinstance(p, TextPiece)]


def spans(grid: Grid) -> dict[str, tuple[int, int, int, int]]:
    """Merged cells by text: (row, col, rowspan, colspan)."""
    return {c.text: (c.row, c.col, c.rowspan, c.colspan) for c in grid.cells if c.rowspan > 1 or c.colspan > 1}


@pytest.mark.parametrize("path", [SIFAJU, WANLI, FULIYUAN, CAIZHENG], ids=lambda p: p.stem)
def test_each_document_has_its_nine_tables(path: Path) -> None:
    assert len(grids(path)) == 9
    assert len(document(path).tables) == 9


def test_sifaju_income_and_expenditure_summary() -> None:
    grid = grids(SIFAJU)[0]
    rows = grid.matrix()
    assert (grid.page, grid.n_rows, grid.n_cols) == (10, 10, 4)
    assert spans(grid) == {"本年收入": (0, 0, 1, 2), "本年支出": (0, 2, 1, 2)}
    assert rows[2] == ["一、财政拨款收入", "96,282,213.44", "一、公共安全支出", "87,267,272.44"]
    assert rows[6] == ["二、事业收入", "0.00", "", ""]
    # The printed filler rows (all blank) are dropped.
    assert rows[-1] == ["收入总计", "96,282,213.44", "支出总计", "96,282,213.44"]


def test_sifaju_caption_lines_are_split_at_the_gap() -> None:
    before = [t.text for t in texts(SIFAJU) if t.page == 10]
    assert before == ["2026年部门财务收支预算总表", "编制部门：上海市普陀区司法局", "单位：元"]
    title = next(t for t in texts(SIFAJU) if t.text == "2026年部门财务收支预算总表")
    assert title.size == 18.0


def test_sifaju_expenditure_table_split_without_header_is_joined() -> None:
    grid = grids(SIFAJU)[2]
    rows = grid.matrix()
    assert sorted(set(grid.row_pages)) == [12, 13]
    assert grid.n_rows == 25
    assert spans(grid)["功能分类科目编码"] == (1, 0, 1, 3)
    assert spans(grid)["功能分类科目名称"] == (1, 3, 2, 1)
    index = rows.index(["208", "05", "06", "机关事业单位职业年金缴费支出", "919739.00", "919739.00", "0.00"])
    assert grid.row_pages[index] == 13
    assert rows[-1] == ["合计", "", "", "", "96282213.44", "25741666.44", "70540547.00"]
    assert spans(grid)["合计"] == (24, 0, 1, 4)


def test_sifaju_repeated_header_on_the_next_page_is_dropped() -> None:
    grid = grids(SIFAJU)[4]  # 一般公共预算支出功能分类预算表, pages 15-16, header printed on both
    rows = grid.matrix()
    assert sorted(set(grid.row_pages)) == [15, 16]
    assert [r[0] for r in rows].count("项目") == 1
    assert [r[0] for r in rows].count("类") == 1
    assert rows[17] == ["210", "", "", "卫生健康支出", "1149678.00", "1149678.00", "0.00"]
    assert grid.row_pages[17] == 16
    assert rows[-1][4:] == ["96282213.44", "25741666.44", "70540547.00"]


def test_sifaju_economic_classification_table() -> None:
    rows = grids(SIFAJU)[7].matrix()
    assert len(rows) == 33
    assert ["302", "13", "维修(护)费", "45000.00", "0.00", "45000.00"] in rows
    assert ["310", "02", "办公设备购置", "36600.00", "0.00", "36600.00"] in rows
    assert rows[-1] == ["合计", "", "", "25741666.44", "23563342.00", "2178324.44"]


def test_sifaju_three_public_table_header_spans() -> None:
    grid = grids(SIFAJU)[8]
    assert spans(grid) == {
        "“三公”经费预算数": (0, 0, 1, 6),
        "机关运行经费预算数": (0, 6, 3, 1),
        "合计": (1, 0, 2, 1),
        "因公出国(境)费": (1, 1, 2, 1),
        "公务接待费": (1, 2, 2, 1),
        "公务用车购置及运行费": (1, 3, 1, 3),
    }
    assert grid.matrix()[2] == ["", "", "", "小计", "购置费", "运行费", ""]
    assert grid.matrix()[3] == ["10.81", "0", "0.83", "9.98", "0", "9.98", "217.83"]


def test_sifaju_empty_table_keeps_its_note() -> None:
    grid = grids(SIFAJU)[5]
    assert grid.matrix()[3][0] == "无"
    after = pieces(SIFAJU)[pieces(SIFAJU).index(grid) + 1]
    assert isinstance(after, TextPiece)
    assert after.text == "注:本部门2026年无政府性基金预算财政拨款安排的预算，故本表为空表。"


def test_sifaju_wrapped_prose_is_rejoined_without_spaces() -> None:
    paragraph = next(t.text for t in texts(SIFAJU) if t.text.startswith("3、公共安全支出（204类）司法（06款）普法宣传"))
    assert "2025年当年预算执行数为118.46万元，2026年预算安排124.29万元" in paragraph
    assert paragraph.endswith("主要原因是：法制宣传工作支出增加。")
    duty = next(t.text for t in texts(SIFAJU) if t.text.startswith("（二）承担区委全面依法治区委员会"))
    assert "提出全面依法治区中长期规划建议" in duty
    # A paragraph that runs on to the next page is one paragraph.
    assert any(t.page == 8 and "比2025年预算执行数增加277.22%" in t.text for t in texts(SIFAJU))


def test_wanlijiedao_five_page_table_and_a_lone_total_row_aligned_by_position() -> None:
    grid = grids(WANLI)[1]  # 收入预算总表: pages 11-15, page 15 holds only the total row
    rows = grid.matrix()
    assert sorted(set(grid.row_pages)) == [11, 12, 13, 14, 15]
    assert (grid.n_rows, grid.n_cols) == (70, 9)
    # On page 15 the total's label cell is one box spanning the four code/name columns.
    assert rows[-1] == ["合计", "", "", "", "156,211,123", "156,211,123", "0", "0", "0"]
    assert spans(grid)["合计"] == (69, 0, 1, 4)
    assert grid.row_pages[-1] == 15
    assert ["201", "38", "02", "一般行政管理事务", "135,200", "135,200", "0", "0", "0"] in rows


def test_wanlijiedao_prints_codes_without_leading_zero_and_the_loader_keeps_the_print() -> None:
    rows = grids(WANLI)[7].matrix()
    assert ["301", "2", "津贴补贴", "16,623,810", "16,623,810", "0"] in rows
    assert ["301", "7", "绩效工资", "11,447,100", "11,447,100", "0"] in rows


def test_wanlijiedao_repeated_headers_across_five_pages_dropped() -> None:
    grid = grids(WANLI)[4]
    rows = grid.matrix()
    assert sorted(set(grid.row_pages)) == [22, 23, 24, 25, 26]
    assert [r[0] for r in rows].count("项目") == 1
    assert len(rows) == 70
    assert rows[-1][4:] == ["156,211,123", "99,706,020", "56,505,103"]


def test_shehuifuliyuan_caption_drawn_inside_the_table_frame_becomes_text() -> None:
    grid = grids(FULIYUAN)[3]
    position = pieces(FULIYUAN).index(grid)
    before = [p.text for p in pieces(FULIYUAN)[position - 3 : position]]  # type: ignore[union-attr]
    assert before == ["2024年预算单位财政拨款收支预算总表", "编制单位：上海市普陀区社会福利院", "单位：元"]
    assert grid.matrix()[0] == ["财政拨款收入", "", "财政拨款支出", "", "", "", ""]
    assert grid.matrix()[-1] == ["收入总计", "9,501,164", "支出总计", "9,501,164", "9,501,164", "", ""]


def test_shehuifuliyuan_keeps_a_misprinted_code() -> None:
    rows = grids(FULIYUAN)[2].matrix()
    assert ["7", "11", "02", "事业单位医疗", "503,724", "503,724", ""] in rows


def test_shehuifuliyuan_three_row_header() -> None:
    grid = grids(FULIYUAN)[0]
    merged = [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in grid.cells if c.rowspan > 1]
    assert merged == [
        ("项目", 1, 0, 3, 1),
        ("预算数", 1, 1, 3, 1),
        ("项目", 1, 2, 3, 1),
        ("合计", 2, 3, 2, 1),
        ("项目支出", 2, 6, 2, 1),
    ]
    assert grid.matrix()[2][3:] == ["合计", "基本支出", "", "项目支出"]
    assert spans(grid)["本年支出"] == (0, 2, 1, 5)
    assert grid.matrix()[-1] == ["收入总计", "12,121,164", "支出总计", "12,121,164", "7,380,214", "2,120,950", "2,620,000"]


def test_caizhengju_tables() -> None:
    basic = grids(CAIZHENG)[7]
    assert sorted(set(basic.row_pages)) == [19, 20]
    assert basic.n_rows == 33
    assert ["302", "29", "福利费", "436,320.00", "0.00", "436,320.00"] in basic.matrix()
    three = grids(CAIZHENG)[8].matrix()
    assert three[3] == ["0.95", "", "0.95", "", "", "", "229.43"]
    income = grids(CAIZHENG)[1]
    assert sorted(set(income.row_pages)) == [10, 11]
    assert ["210", "11", "01", "行政单位医疗", "782,164.00", "782,164.00", "", "", ""] in income.matrix()


def test_model_cells_keep_page_and_box_and_parse_amounts() -> None:
    doc = document(SIFAJU)
    table = doc.tables[2]
    row = next(r for r in table.rows if r.cell(3) is not None and r.cell(3).text == "机关事业单位职业年金缴费支出")
    amount = row.cell(4)
    assert amount is not None and amount.value == Decimal("919739.00")
    assert amount.span.page == 13
    assert amount.span.bbox is not None and amount.span.bbox[0] == pytest.approx(433.23, abs=0.5)
    assert row.span.page == 13
    total = table.rows[-1]
    assert {c.column: c.text for c in total.cells} == {0: "合计", 4: "96282213.44", 5: "25741666.44", 6: "70540547.00"}
    assert doc.format == "pdf"


def test_model_paragraph_points_at_its_page() -> None:
    doc = document(SIFAJU)
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("2026年本部门政府采购预算1486.42万元"))
    assert paragraph.span.page == 22
    assert paragraph.span.bbox is not None


def test_model_rows_of_a_joined_table_are_one_table() -> None:
    doc = document(WANLI)
    table = doc.tables[1]
    total = table.rows[-1]
    # The lone total row of page 15 lands in the columns it stands over, not shifted left.
    assert {c.column: c.text for c in total.cells} == {
        0: "合计", 4: "156,211,123", 5: "156,211,123", 6: "0", 7: "0", 8: "0"
    }
    assert total.cell(4).value == Decimal("156211123")  # type: ignore[union-attr]
    assert {r.span.page for r in table.rows} == {11, 12, 13, 14, 15}
