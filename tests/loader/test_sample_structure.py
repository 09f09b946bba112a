"""The sample's heading tree, table of contents, paragraphs and metadata."""

from __future__ import annotations

from compliance.model import Document, Paragraph, PerfTable, Table


def test_document_meta(sample: Document) -> None:
    assert sample.title == "2026 年新疆巴州人民政府办公室部门预算公开"
    assert dict(sample.meta) == {
        "title": "2026 年新疆巴州人民政府办公室部门预算公开",
        "department": "新疆巴州人民政府办公室",
        "year": "2026",
        "jurisdiction": "xinjiang",
    }


def test_four_parts_with_their_numbered_sections(sample: Document) -> None:
    parts = sample.sections
    assert [(p.number, p.style, p.ordinal, p.level) for p in parts] == [
        ("第一部分", "part", 1, 1), ("第二部分", "part", 2, 1), ("第三部分", "part", 3, 1), ("第四部分", "part", 4, 1)]
    assert [c.title for c in parts[0].children] == ["主要职能", "机构设置"]
    explanations = parts[2].children
    assert [c.number for c in explanations] == ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三"]
    assert [c.ordinal for c in explanations][-3:] == [11, 12, 13]
    assert (explanations[0].span.start_line, explanations[0].span.last_line) == (445, 451)


def test_parenthesised_sections_half_and_full_width(sample: Document) -> None:
    other = sample.section("其他重要事项的情况说明")
    assert other is not None
    assert [(c.key, c.title) for c in other.children] == [
        ("（一）", "单位运行经费情况"), ("（二）", "政府采购情况"), ("（三）", "国有资产占用使用情况"),
        ("（四）", "预算绩效情况"), ("（五）", "其他需说明的事项")]
    assert other.children[3].span.start_line == 646  # printed "(四)" with half-width parentheses
    assert sum(isinstance(b, PerfTable) for b in other.children[3].blocks) == 5


def test_list_items_and_definitions_are_paragraphs_not_headings(sample: Document) -> None:
    duties = sample.section("主要职能")
    assert duties is not None and duties.children == ()
    assert len(duties.blocks) == 14
    glossary = sample.sections[3]
    assert glossary.children == ()
    first = glossary.blocks[0]
    assert isinstance(first, Paragraph)
    assert first.text.startswith("一、财政拨款:指由一般公共预算")  # bold markers dropped


def test_paragraph_wrapped_across_a_blank_line_is_joined(sample: Document) -> None:
    duties = sample.section("主要职能")
    item = duties.blocks[9]
    assert isinstance(item, Paragraph)
    assert item.text == "10. 负责自治州产教融合资源布局，自治州产教融合重点基础设施建设、生态环境保护、建设用地、机构调整、资源开发和节能减排等工作。"
    assert (item.span.start_line, item.span.last_line) == (87, 89)


def test_tables_sit_in_part_two(sample: Document) -> None:
    blocks = sample.sections[1].blocks
    assert [b.number for b in blocks if isinstance(b, Table)] == [str(n) for n in range(1, 13)]


def test_toc_is_its_own_element_with_wrapped_titles_joined(sample: Document) -> None:
    toc = sample.toc
    assert toc is not None
    assert (toc.span.start_line, toc.span.last_line) == (7, 63)
    assert len(toc.entries) == 31
    parts = [e for e in toc.entries if e.level == 1]
    assert [e.number for e in parts] == ["第一部分", "第二部分", "第三部分", "第四部分"]
    fifth = next(e for e in toc.entries if e.number == "五" and "拨款" in e.title)
    assert fifth.title == "关于新疆巴州人民政府办公室 2026 年一般公共预算当年拨款情况说明"
    tenth = [e for e in toc.entries if e.number == "十"][1]
    assert tenth.title.endswith("“三公”经费预算情况说明")
    assert (tenth.span.start_line, tenth.span.last_line) == (53, 54)
    # The TOC's lines are not headings: the first part heading is the one at line 65.
    assert sample.sections[0].span.start_line == 65
