"""Reading and printing amounts exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.numbers import AmountError, format_amount, looks_numeric, parse_amount


@pytest.mark.parametrize("text, value", [
    ("3,037.70", Decimal("3037.70")),
    ("0.00", Decimal("0.00")),
    ("2147.33", Decimal("2147.33")),
    ("85", Decimal("85")),
    ("-2.40", Decimal("-2.40")),
    ("+2.40", Decimal("2.40")),
    (" 1,300.00 ", Decimal("1300.00")),
    ("１，２３４．５０", Decimal("1234.50")),  # full-width digits and separators
])
def test_parse_amount(text: str, value: Decimal) -> None:
    parsed = parse_amount(text)
    assert parsed == value and str(parsed) == str(value)


@pytest.mark.parametrize("text", ["", "  ", "-", "—", "——", "/", "－"])
def test_blank_and_dashes_are_none_not_zero(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["1,2,3.4", "12,34.5", "1.2.3", "3,037.7.0"])
def test_malformed_numbers_raise_amount_error(text: str) -> None:
    with pytest.raises(AmountError, match="malformed number"):
        parse_amount(text)


def test_words_are_not_numbers() -> None:
    with pytest.raises(ValueError, match="not a number") as raised:
        parse_amount("八十三")
    assert not isinstance(raised.value, AmountError)


@pytest.mark.parametrize("text, expected", [("3,037.70", True), ("1,2,3.4", True), ("95%", True),
                                            ("行政运行", False), ("", False), ("201 一般", False)])
def test_looks_numeric(text: str, expected: bool) -> None:
    assert looks_numeric(text) is expected


def test_format_amount() -> None:
    assert format_amount(Decimal("2147.33")) == "2,147.33"
    assert format_amount(Decimal("3037.70")) == "3,037.70"
    assert format_amount(None) == ""
