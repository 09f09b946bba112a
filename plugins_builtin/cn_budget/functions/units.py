"""Money units as printed in disclosures (元, 千元, 万元, 亿元) and conversion between them.

Tables in one document may use different units (Shanghai prints amounts in 元
and its 三公 table in 万元), so figures compared across tables are first
brought to one unit, exactly, with Decimal.
"""

from __future__ import annotations

from decimal import Decimal

from plugins_builtin.cn_budget.vocabulary import UNIT_IN_YUAN


def unit_factor(unit: str) -> Decimal:
    """How many 元 one ``unit`` is worth; an unknown unit is an error, never a guess."""
    try:
        return UNIT_IN_YUAN[unit.strip()]
    except KeyError:
        raise ValueError(f"unknown money unit {unit!r} (known: {', '.join(UNIT_IN_YUAN)})") from None


def to_unit(value: Decimal | None, from_unit: str, to_unit: str) -> Decimal | None:
    """``value`` printed in ``from_unit`` converted to ``to_unit``; blank stays blank.

    Tables and text print amounts in different units (元, 万元), so a rule
    comparing them converts one side first:
    ``to_unit(Decimal("1.00"), "万元", "元")`` → ``Decimal("10000.00")``.
    """
    if value is None:
        return None
    if from_unit == to_unit:
        return value
    return value * unit_factor(from_unit) / unit_factor(to_unit)


FUNCTIONS = {"to_unit": to_unit, "unit_factor": unit_factor}
