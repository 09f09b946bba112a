"""The cn_budget narrative functions and fact extraction on the sample: what each stated figure is tied to."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from attrs import evolve

from compliance.api import load
from compliance.model import Fact, Indicator, PerfTable, Span, Target
from plugins_builtin.cn_budget.facts import subject_path
from plugins_builtin.cn_budget.functions import narrative

SAMPLE = Path(__file__).parents[2] / "examples" / "bazhou-2026-budget.txt"
D = Decimal


@pytest.fixture(scope="module")
def document():
    return load(SAMPLE)


def fact(document, kind: str, subject: str, section: str | None = None) -> Fact:
    return next(f for f in document.facts
                if f.kind == kind and f.subject == subject and (section is None or f.section == section))


def test_subject_path_reads_class_kuan_xiang_names_with_parentheses_inside() -> None:
    path = subject_path("1. 一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）")
    assert path == ("一般公共服务支出", "政府办公厅（室）及相关机构事务", "行政运行")
    assert subject_path("教育支出（类）") == ("教育支出",)
    assert subject_path("基本支出") == ()


def test_breakdowns_in_one_sentence_across_sentences_and_across_paragraphs(document) -> None:
    """Counts and money make separate lists; a list opened mid-sentence ends with its sentence."""
    got = [(f.subject, f.amount, tuple((i.subject, i.amount) for i in f.items)) for f in document.facts
           if f.kind == "breakdown"]
    assert got == [
        ("部门收入预算", D("3037.70"), (("一般公共预算", D("3034.10")), ("单位资金", D("0.00")), ("财政拨款结转", D("3.60")))),
        ("支出预算", D("3037.70"), (("基本支出", D("2791.00")), ("项目支出", D("246.70")))),
        ("一般公共预算拨款合计", D("3034.10"), (("基本支出", D("2791.00")), ("项目支出", D("243.10")))),
        ("一般公共预算基本支出", D("2791.00"), (("人员经费", D("2246.82")), ("公用经费", D("544.18")))),
        ("财政拨款“三公”经费", D("84.00"), (("因公出国（境）费用", D("0.00")), ("公务用车购置", D("0.00")),
                                      ("公务用车运行维护费", D("83.00")), ("公务接待费", D("1.00")))),
        ("委托业务费", D("32.00"), (("巴州政府办公室政务服务保障项目委托业务费", D("32.00")),)),
        ("上年结转结余", D("3.60"), (("财政拨款", D("3.60")), ("非财政拨款", D("0.00")))),
        ("上年结转结余", D("3.60"), (("特定目标 2010213W 结转", D("3.60")),)),
        ("政府采购预算", D("448.34"), (("政府采购货物预算", D("138.16")), ("政府采购工程预算", D("0.00")),
                                  ("政府采购服务预算", D("310.18")))),
        ("面向中小企业预留政府采购项目预算金额", D("448.34"), (("小微企业预留政府采购项目预算金额", D("448.34")),)),
        ("车辆", D("21"), (("一般公务用车", D("0")), ("执法执勤用车", D("0")), ("其他车辆", D("21")))),
        ("车辆价值", D("535.82"), (("一般公务用车价值", D("0.00")), ("执法执勤用车价值", D("0.00")), ("其他车辆价值", D("535.82")))),
    ]
    assert {f.unit for f in document.facts if f.kind == "breakdown" and f.subject == "车辆"} == {"辆"}


def test_the_same_subject_names_different_tables_under_different_explanations(document) -> None:
    spending = narrative.text_figures(document, fact(document, "share", "基本支出", "第三部分/三"))
    general = narrative.text_figures(document, fact(document, "amount", "基本支出", "第三部分/五/（一）"))
    assert [r["place"] for r in spending] == ["表3「总计」基本支出列"]
    assert [r["place"] for r in general] == ["表5「总计」基本支出列"]
    assert spending[0]["value"] == general[0]["value"] == D("2791.00")


def test_a_xiang_path_finds_its_row_and_a_blank_cell_reads_blank(document) -> None:
    item = fact(document, "amount", "卫生健康支出（类）行政事业单位医疗（款）公务员医疗补助（项）")
    (ref,) = narrative.text_figures(document, item)
    assert (ref["place"], ref["value"], ref["found"]) == ("表5「公务员医疗补助」合计列", D("27.89"), True)
    (abroad,) = narrative.text_figures(document, fact(document, "amount", "因公出国（境）费用"))
    assert (abroad["place"], abroad["value"]) == ("表10「因公出国（境）费用」合计列", None)


def test_every_stated_amount_is_tied_except_the_known_ones(document) -> None:
    untied = {f.subject for f in document.facts
              if f.kind in ("amount", "share") and not narrative.text_figures(document, f)}
    # Project budgets are tied by the allocation rules, procurement and vehicles by their breakdowns;
    # 房屋, 办公家具 and 其他资产 values are tied to nothing the document publishes.
    assert untied == {
        "巴州人民政府办公室政务服务保障项目", "电子政务网络维护项目", "“放管服工作”及“12345”政务热线保障项目",
        "州市政务服务大厅维修优化项目", "政府采购预算", "政府采购货物预算", "政府采购工程预算", "政府采购服务预算",
        "面向中小企业预留政府采购项目预算金额", "小微企业预留政府采购项目预算金额", "车辆价值", "一般公务用车价值",
        "执法执勤用车价值", "其他车辆价值", "房屋价值", "办公家具价值", "其他资产价值",
    }


def test_every_tied_amount_of_the_sample_agrees_with_its_table(document) -> None:
    pairs = [(f.subject, f.amount, r["value"] or D(0)) for f in document.facts if f.kind in ("amount", "share")
             for r in narrative.text_figures(document, f)]
    assert len(pairs) == 60  # 53 statements, 7 of them tied to two figures
    assert [p for p in pairs if p[1] != p[2]] == []


def test_share_bases_and_the_printed_interval(document) -> None:
    base = narrative.share_base(document, fact(document, "share", "教育支出（类）"))
    assert (base["place"], base["value"]) == ("表5「总计」合计列", D("3034.10"))
    assert narrative.percent_agrees(D("99.88"), D("3034.10"), D("3037.70"))
    assert not narrative.percent_agrees(D("99.89"), D("3034.10"), D("3037.70"))
    assert narrative.percent_agrees(D("0.00"), D("0.00"), D("3037.70"))
    assert not narrative.percent_agrees(D("0.01"), D("0.00"), D("3037.70"))
    assert narrative.percent_of(D("1"), D("0")) is None


def test_as_printed_rounds_to_the_stated_decimals() -> None:
    assert narrative.as_printed(D("3037.704"), D("3037.70")) == D("3037.70")
    assert narrative.as_printed(D("85.40"), D("85")) == D("85")
    assert narrative.as_printed(D("0.005"), D("0.00")) == D("0.01")
    assert narrative.as_printed(None, D("1.00")) is None


def test_projects_are_found_under_a_name_that_drops_a_word(document) -> None:
    row = narrative.project_row(document, "巴州人民政府办公室政务服务保障项目")
    assert (row.label, row.cells[-1].text) == ("巴州政府办公室政务服务保障项目", "152.00")
    assert narrative.project_perf(document, "巴州人民政府办公室政务服务保障项目").project == "巴州政府办公室政务服务保障项目"
    assert narrative.project_row(document, "办公楼维修项目") is None


def test_name_likeness_counts_each_shared_character_pair_as_often_as_both_names_print_it() -> None:
    # 北京 twice in each: 2 shared pairs of 3 + 4, not 1; a one-character name compares characters.
    assert narrative._similarity("北京北京", "北京市北京") == D(4) / D(7)
    assert narrative._similarity("北京北京", "北京") == D("0.5")
    assert narrative._similarity("京", "北 京") == D(2) / D(3)
    assert narrative._similarity("", "北京") == D(0) and narrative._similarity("北京", "北·京") == D(1)


def _pairs(document, project: str) -> list[tuple[str, str, Decimal, Decimal]]:
    perf = narrative.project_perf(document, project)
    plan = narrative.project_allocation(document, project)
    return [(p["indicator"].name, p["item"].subject, p["value"], p["item"].amount)
            for p in narrative.cost_pairs(perf, plan)]


def test_cost_indicators_pair_with_allocation_items_by_name_and_amount(document) -> None:
    assert _pairs(document, "电子政务网络维护项目") == [
        ("网络运维及维护费成本", "网站运维服务", D("14.79"), D("14.79")),
        ("设备购置成本", "购买办公设备", D("18.32"), D("18.32")),
        ("专线服务费成本", "租赁专线", D("8.39"), D("8.38")),
    ]
    assert _pairs(document, "“放管服工作”及“12345”政务热线保障项目") == [
        ("维护维保费成本", "平台运维保障费用", D("16.20"), D("16.20")),
        ("专线租赁成本", "专线租赁费用", D("2.40"), D("2.40")),
        ("固定电话及宽带成本", "电话及宽带费用", D("2.20"), D("2.20")),
    ]


def test_the_last_indicator_left_pairs_with_the_last_item_left(document) -> None:
    perf = narrative.project_perf(document, "“放管服工作”及“12345”政务热线保障项目")
    changed = tuple(evolve(i, target=Target("<=6.20 万元", "<=", D("6.20"), "万元")) if i.name == "维护维保费成本" else i
                    for i in perf.indicators)
    plan = narrative.project_allocation(document, perf.project)
    pairs = narrative.cost_pairs(evolve(perf, indicators=changed), plan)
    assert [(p["indicator"].name, p["item"].subject, p["value"]) for p in pairs][0] == \
        ("维护维保费成本", "平台运维保障费用", D("6.20"))
    assert narrative.unpaired_costs(evolve(perf, indicators=changed), plan) == ()


def test_an_indicator_with_nothing_alike_stays_unpaired() -> None:
    indicator = Indicator("成本指标", "经济成本指标", "差旅费成本", Target("<=3.00 万元", "<=", D("3.00"), "万元"), Span(1))
    other = Indicator("成本指标", "经济成本指标", "印刷费成本", Target("<=4.00 万元", "<=", D("4.00"), "万元"), Span(2))
    perf = PerfTable("project", "项目支出绩效目标表", "某项目", (indicator, other), Span(1))
    plan = Fact("allocation", "某项目", "", Span(3), amount=D("9.00"), unit="万元",
                items=(Fact("amount", "设备采购", "", Span(3), amount=D("9.00"), unit="万元"),))
    assert narrative.cost_pairs(perf, plan) == ()
    assert narrative.unpaired_costs(perf, plan) == (indicator, other)


def test_perf_budget_lines_and_levels(document) -> None:
    department = next(p for p in document.perf_tables if p.kind == "department")
    assert narrative.budget_total(department) == D("3037.70")
    assert narrative.budget_parts(department) == (D("3.60"), D("3034.10"), D("0.00"))
    assert narrative.budget_part_names(department) == ("上级安排", "本级安排", "其他")
    assert narrative.level_name("产出 指标") == "产出" and narrative.level_name("履职效能") == "履职效能"


def test_part_changes_and_signed_deltas(document) -> None:
    income = next(f for f in document.facts if f.kind == "breakdown" and f.subject == "部门收入预算")
    changes = narrative.part_changes(document, income)
    assert [narrative.signed(c) for c in changes] == [D("209.43"), D("-1300.00"), D("3.60")]
    staff = next(f for f in document.facts if f.kind == "breakdown" and f.subject == "一般公共预算基本支出")
    assert narrative.part_changes(document, staff) == ()


def test_the_same_total_stated_under_other_headings(document) -> None:
    spending = next(f for f in document.facts if f.kind == "breakdown" and f.subject == "支出预算")
    assert [(f.kind, f.subject, f.section) for f in narrative.same_total_elsewhere(document, spending)] == [
        ("breakdown", "部门收入预算", "第三部分/二")]
    general = next(f for f in document.facts if f.kind == "breakdown" and f.subject == "一般公共预算拨款合计")
    assert [(f.kind, f.subject, f.delta) for f in narrative.same_total_elsewhere(document, general)] == [
        ("change", "一般公共预算", D("209.43"))]


def test_a_list_opened_mid_sentence_does_not_swallow_the_next_sentence() -> None:
    from compliance.model import Paragraph
    from plugins_builtin.cn_budget.facts import FactExtractor

    text = ("预留金额 30.00 万元，其中：小微企业 20.00 万元。车辆 3 辆，价值 30.00 万元；"
            "其中：一般公务用车 1 辆，价值 10.00 万元；其他车辆 2 辆，价值 20.00 万元。")
    facts = FactExtractor(None).paragraph_facts(Paragraph(text, Span(1)), "一")
    got = [(f.subject, f.amount, [i.subject for i in f.items]) for f in facts if f.kind == "breakdown"]
    assert got == [
        ("预留金额", D("30.00"), ["小微企业"]),
        ("车辆价值", D("30.00"), ["一般公务用车价值", "其他车辆价值"]),
        ("车辆", D("3"), ["一般公务用车", "其他车辆"]),
    ]


def test_a_statement_whose_table_is_not_published_is_reported_unchecked(document) -> None:
    without = evolve(document, tables=tuple(t for t in document.tables if t.kind != "entrusted_business"))
    (ref,) = narrative.text_figures(without, fact(without, "amount", "委托业务费"))
    assert (ref["found"], ref["value"], ref["place"]) == (False, None, "文档未公开「财政拨款委托业务费支出情况表」")


def test_the_budget_statement_of_an_allocation_list(document) -> None:
    plan = narrative.project_allocation(document, "电子政务网络维护项目")
    stated = narrative.budget_statement(document, plan)
    assert (stated.kind, stated.text, stated.span.start_line) == ("amount", "预算安排规模：41.50 万元", 563)


class _SlotTakenOver(list):
    """The index slot as another thread sees it: right after one thread stores its index, another stores its own."""

    def __init__(self, other) -> None:
        super().__init__()
        self.other = other

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        super().__setitem__(slice(None), [self.other])


def test_index_returns_the_one_built_for_the_document_even_if_the_slot_is_replaced(document, monkeypatch) -> None:
    """With --jobs, another thread may replace the cached index between storing and returning it."""
    other_document = evolve(document)
    other = narrative._Index(other_document)
    monkeypatch.setattr(narrative, "_INDEX", _SlotTakenOver(other))
    index = narrative._index(document)
    assert index.document is document
    assert narrative._INDEX[0] is other


class _RecordingIndex(narrative._Index):
    """An index that notes how full each lookup is at the moment it is published to other threads."""

    published: dict[str, int]

    def __setattr__(self, name, value) -> None:
        if name in ("changes", "by_amount", "statements") and value is not None:
            self.published[name] = len(value)
        super().__setattr__(name, value)


class _RecordingLabels(dict):
    def __init__(self, published: dict[str, int]) -> None:
        super().__init__()
        self.published = published

    def __setitem__(self, key, value) -> None:
        self.published["labels"] = len(value)
        super().__setitem__(key, value)


def test_index_lookups_are_published_whole_for_other_threads(document, monkeypatch) -> None:
    """A lookup another thread can see must never be empty or half filled (it would answer "not found")."""
    index = _RecordingIndex.__new__(_RecordingIndex)
    object.__setattr__(index, "published", {})
    index.__init__(document)
    index.labels = _RecordingLabels(index.published)
    monkeypatch.setattr(narrative, "_INDEX", [index])
    breakdown = next(f for f in document.facts if f.kind == "breakdown" and f.amount is not None)
    allocation = next(f for f in document.facts if f.kind == "allocation")
    narrative.part_changes(document, breakdown)
    narrative.same_total_elsewhere(document, breakdown)
    narrative.budget_statement(document, allocation)
    table = document.table("3")
    assert index.row_by_label(table, table.rows[0].label) is table.rows[0]
    assert index.published == {"changes": len(index.changes), "by_amount": len(index.by_amount),
                               "statements": len(index.statements), "labels": len(index.labels[id(table)])}
    assert min(index.published.values()) > 0
