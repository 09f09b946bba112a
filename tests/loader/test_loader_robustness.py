"""Whatever the bytes, the text loader gives a model or a LoadError: never another exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.errors import LoadError
from compliance.model import Document
from plugins_builtin.cn_budget.enrich import enrich
from plugins_builtin.text_loader import load_text

#: Pieces real disclosures are made of, so generated documents reach deep into the assembler.
PIECES = st.sampled_from([
    "表 1", "表 2", "部门收支总体情况表", "编制部门：示例单位", "单位：万元", "单位：元", "目 录", "第一部分 概况",
    "一、主要职能", "（一）情况", "(二) 情况", "1. 事项", "项目支出绩效目标表", "部门整体绩效目标表", "(2026 年)",
    "科目代码\t\t\t科目名称\t合计", "类\t款\t项\t\t", "201\t\t\t一般公共服务支出\t1,200.50", "201\t03\t01\t行政运行\t1,2,3.4",
    "\t\t\t总计\t—", "一级指标\t二级指标\t三级指标\t指标值\t指标值设置依据\t上年完成值\t指标分值权重\t指标赋分规则\t佐证资料",
    "\t\t名称\t> =95%\t计划标准\t-\t8\t按照完成比例赋分\t工作资料", "名称\t\t<=2 小时\t计划标准\t2 小时\t5\t直接赋分\t材料\t",
    "项目名称\t\t示例项目\t\t项目负责人\t某人", "项目资金(万元)\t\t年度预算总额\t20.80\t其中：财政拨款\t20.80",
    "基本支出 1,000.00 万元，占 83.30%，比上年预算增加 100.00 万元，增长 11.11%。", "资金分配情况：甲 1 万元，乙 2 万元",
    "收入\t\t支出\t", "项目\t预算数\t科目名称\t预算数", "收入总计\t3.00\t支出总计\t3.00", "", "\t", "x\ty\tz\tw\tv",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=40))
def test_generated_documents_load_or_raise_load_error(lines: list[str]) -> None:
    data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    try:
        document = enrich(load_text(Path("generated.txt"), data))
    except LoadError as error:
        assert error.source == "generated.txt"
        return
    assert isinstance(document, Document)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_load_or_raise_load_error(data: bytes) -> None:
    try:
        document = enrich(load_text(Path("blob.txt"), data))
    except LoadError as error:
        assert error.source == "blob.txt" and error.message
        return
    assert isinstance(document, Document)
