"""Python checks of the example plugin."""

from __future__ import annotations

from compliance import CheckContext
from compliance.model import Document

EXPECTED_UNIT = "万元"


def amounts_in_wanyuan(document: Document, ctx: CheckContext):
    """Every table states its amounts in 万元 (the rule language could say this too; it shows the hook)."""
    for table in document.tables:
        if table.unit != EXPECTED_UNIT:
            yield ctx.finding(
                f"{table.label}「{table.title}」金额单位为{table.unit or '（未注明）'}，应为{EXPECTED_UNIT}",
                at=table,
                values={"stated": table.unit or "", "expected": EXPECTED_UNIT},
            )
