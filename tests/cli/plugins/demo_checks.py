"""A test plugin: Python checks with known findings on the bundled sample disclosure."""

from __future__ import annotations

from compliance import Check, NotApplicable, hookimpl


def _mismatch(document, ctx):
    table = document.table("6")
    cell = table.rows[3].cells[2]
    yield ctx.finding("演示：金额与合计不符", at=cell, values={"stated": cell.text, "computed": "0.00"})


def _titles(document, ctx):
    for number in ("2", "3"):
        yield ctx.finding(f"演示：表{number}标题提示", at=document.table(number))


def _note(document, ctx):
    yield ctx.finding("演示：说明", at=document.table("1"))


def _regional(document, ctx):
    yield ctx.finding("演示：仅限某地的要求", at=document.table("1"))


def _absent(document, ctx):
    raise NotApplicable("本文档无该表")


@hookimpl
def compliance_register_checks():
    return [
        Check("DEMO-ERR-001", "演示错误", _mismatch, severity="error", pack="demo.national", tags=("arith",),
              reference="https://example.org/regulation#1", description="金额须与合计一致。"),
        Check("DEMO-WARN-001", "演示警告", _titles, severity="warning", pack="demo.national", tags=("structure",)),
        Check("DEMO-NOTE-001", "演示提示", _note, severity="note", pack="demo.national"),
        Check("DEMO-JUR-001", "地方要求", _regional, severity="error", pack="demo.somewhere"),
        Check("DEMO-NA-001", "不适用的要求", _absent, severity="error", pack="demo.national"),
    ]
