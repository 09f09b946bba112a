"""Facts stated in the sample's explanations (part three)."""

from __future__ import annotations

from decimal import Decimal

from compliance.model import Document, Fact

D = Decimal

#: The 25 year-on-year statements: (section, subject, current amount, delta, direction, percent).
CHANGES = [
    ("第三部分/二", "一般公共预算", D("3034.10"), D("209.43"), "increase", D("7.41")),
    ("第三部分/二", "单位资金", D("0.00"), D("1300.00"), "decrease", D("100.00")),
    ("第三部分/二", "财政拨款结转", D("3.60"), D("3.60"), "increase", D("100.00")),
    ("第三部分/三", "基本支出", D("2791.00"), D("918.52"), "decrease", D("24.76")),
    ("第三部分/三", "项目支出", D("246.70"), D("168.45"), "decrease", D("40.58")),
    ("第三部分/五/（一）", "基本支出", D("2791.00"), D("381.48"), "increase", D("15.83")),
    ("第三部分/五/（一）", "项目支出", D("243.10"), D("172.05"), "decrease", D("41.44")),
    ("第三部分/五/（三）", "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）", D("1598.61"), D("303.74"), "increase", D("23.46")),
    ("第三部分/五/（三）", "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）一般行政管理事务（项）", D("243.10"), D("172.05"), "decrease", D("41.44")),
    ("第三部分/五/（三）", "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）事业运行（项）", D("462.66"), D("62.46"), "decrease", D("11.89")),
    ("第三部分/五/（三）", "教育支出（类）进修及培训（款）培训支出（项）", D("8.89"), D("1.04"), "increase", D("13.25")),
    ("第三部分/五/（三）", "社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）", D("98.92"), D("0.41"), "increase", D("0.42")),
    ("第三部分/五/（三）", "社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）", D("214.59"), D("11.37"), "increase", D("5.59")),
    ("第三部分/五/（三）", "社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）", D("107.30"), D("107.30"), "increase", D("100.00")),
    ("第三部分/五/（三）", "卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）", D("65.09"), D("7.63"), "increase", D("13.28")),
    ("第三部分/五/（三）", "卫生健康支出（类）行政事业单位医疗（款）事业单位医疗（项）", D("28.80"), D("2.65"), "decrease", D("8.43")),
    ("第三部分/五/（三）", "卫生健康支出（类）行政事业单位医疗（款）公务员医疗补助（项）", D("27.89"), D("3.27"), "increase", D("13.28")),
    ("第三部分/五/（三）", "卫生健康支出（类）行政事业单位医疗（款）其他行政事业单位医疗支出（项）", D("3.16"), D("0.42"), "increase", D("15.33")),
    ("第三部分/五/（三）", "住房保障支出（类）住房改革支出（款）住房公积金（项）", D("175.08"), D("11.42"), "increase", D("6.98")),
    ("第三部分/十", "财政拨款“三公”经费", D("84.00"), D("2.40"), "decrease", D("2.78")),
    ("第三部分/十", "因公出国（境）费用", D("0.00"), D("0.00"), "increase", D("0.00")),
    ("第三部分/十", "公务用车购置", D("0.00"), D("0.00"), "increase", D("0.00")),
    ("第三部分/十", "公务用车运行维护费", D("83.00"), D("2.40"), "decrease", D("2.81")),
    ("第三部分/十", "公务接待费", D("1.00"), D("0.00"), "increase", D("0.00")),
    ("第三部分/十三/（一）", "机关运行经费", D("544.18"), D("219.40"), "increase", D("67.55")),
]


def facts(doc: Document, kind: str) -> list[Fact]:
    return [f for f in doc.facts if f.kind == kind]


def test_all_25_year_on_year_statements_with_their_subjects(sample: Document) -> None:
    got = [(f.section, f.subject, f.amount, f.delta, f.direction, f.percent) for f in facts(sample, "change")]
    assert got == CHANGES
    assert all(f.unit == "万元" and f.issues == () for f in facts(sample, "change"))


def test_change_fact_spans_point_at_the_clause(sample: Document) -> None:
    first = facts(sample, "change")[0]
    assert first.text == "比上年预算增加 209.43 万元，增长 7.41%"
    assert (first.span.start_line, first.span.start_column, first.span.end_column) == (457, 29, 54)
    line = sample.lines[456]
    assert line[first.span.start_column - 1 : first.span.end_column] == first.text


def test_shares(sample: Document) -> None:
    shares = {(f.subject, f.amount, f.share) for f in facts(sample, "share")}
    assert ("一般公共预算", D("3034.10"), D("99.88")) in shares
    assert ("项目支出", D("246.70"), D("8.12")) in shares
    assert ("住房保障支出（类）", D("175.08"), D("5.77")) in shares
    assert len(shares) == 10


def test_amounts_with_cleaned_subjects(sample: Document) -> None:
    amounts = {(f.section, f.subject): f.amount for f in facts(sample, "amount")}
    assert amounts[("第三部分/一", "收支总预算")] == D("3037.70")
    assert amounts[("第三部分/十", "财政拨款“三公”经费")] == D("84.00")
    assert amounts[("第三部分/十三/（二）", "政府采购货物预算")] == D("138.16")
    assert amounts[("第三部分/十三/（三）", "其他车辆价值")] == D("535.82")
    assert amounts[("第三部分/六", "人员经费")] == D("2246.82")


def test_allocation_lists_with_project_and_budget(sample: Document) -> None:
    allocations = facts(sample, "allocation")
    assert [(a.subject, a.amount) for a in allocations] == [
        ("巴州人民政府办公室政务服务保障项目", D("152.00")),
        ("电子政务网络维护项目", D("41.50")),
        ("“放管服工作”及“12345”政务热线保障项目", D("20.80")),
        ("州市政务服务大厅维修优化项目", D("28.80")),
    ]
    network = allocations[1]
    assert [(i.subject, i.amount) for i in network.items] == [
        ("租赁专线", D("8.38")), ("购买办公设备", D("18.32")), ("网站运维服务", D("14.79"))]
    assert sum(i.amount for i in network.items) == D("41.49")  # one cent short of 41.50, as printed
    assert [i.subject for i in allocations[0].items] == ["政务服务保障", "全州推进协同办公平台应用", "产教融合服务保障"]
    assert network.section == "第三部分/七/（二）" and network.span.start_line == 567
