"""Rule-language functions of the example plugin: plain Python over model values."""

from __future__ import annotations

from decimal import Decimal

from compliance.model import Column, Table


def hn_top_level_sum(table: Table, column: Column) -> Decimal:
    """The sum of the 类-level (top-level) rows of ``table`` in ``column``; blank cells add nothing."""
    total = Decimal(0)
    for row in table.body_rows:
        if row.level == 1:
            cell = row.cell(column.index)
            if cell is not None and cell.value is not None:
                total += cell.value
    return total
