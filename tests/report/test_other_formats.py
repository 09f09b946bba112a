"""JUnit XML (one test case per rule per document) and the Markdown summary."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def test_junit_one_case_per_rule_per_document(render) -> None:
    root = ET.fromstring(render("junit"))
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "testsuites", "5", "2", "1", "1")
    missing, sample = root.findall("testsuite")
    assert missing.get("name") == "missing.txt"
    assert missing.find("testcase/error").get("message") == "no such file"
    cases = {c.get("name"): c for c in sample.findall("testcase")}
    assert list(cases) == ["DEMO-ERR-001 演示错误", "DEMO-WARN-001 演示警告", "DEMO-NOTE-001 演示提示",
                           "DEMO-NA-001 不适用的要求"]
    failure = cases["DEMO-ERR-001 演示错误"].find("failure")
    assert failure.get("message") == "演示：金额与合计不符"
    assert failure.text == "bazhou.txt:320:11: error 演示：金额与合计不符 (stated=384.69, computed=0.00)"
    # The waived note does not fail its case; the not-applicable rule is skipped with its reason.
    assert list(cases["DEMO-NOTE-001 演示提示"]) == []
    assert cases["DEMO-NA-001 不适用的要求"].find("skipped").get("message") == "not_applicable: 本文档无该表"


def test_markdown_summary_is_review_ready(render) -> None:
    text = render("markdown")
    lines = text.splitlines()
    assert lines[0] == "# Compliance report"
    assert "| bazhou.txt | ok | 1 | 2 | 0 | 1 |" in lines
    assert "| missing.txt | error | 0 | 0 | 0 | 0 |" in lines
    assert "**Could not be read:** no such file" in lines
    assert ("| error | `DEMO-ERR-001` | line 320:11 表6 / 301 03 奖金 / 一般公共预算基本支出/合计 | "
            "演示：金额与合计不符 | stated=384.69, computed=0.00 |") in lines
    assert "| `DEMO-NA-001` | 不适用的要求 | ➖ not applicable | 0 |" in lines
