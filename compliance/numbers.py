"""Reading and printing amounts as the documents do, exactly, with Decimal.

A blank cell is not zero: :func:`parse_amount` returns ``None`` for blank text
and for placeholder dashes, and raises :class:`AmountError` for text that looks
numeric but is malformed (``1,2,3.4``), so the caller can attach a warning to
the cell instead of guessing.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

#: Printed placeholders that mean "no figure" (not zero).
BLANK_MARKS = frozenset({"", "-", "—", "——", "–", "/", "－", "﹣"})

_AMOUNT = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
#: The common case, checked first: a plain printed amount with ASCII digits.
_PLAIN = re.compile(r"-?\d{1,3}(?:,\d{3})*(?:\.\d+)?|-?\d+(?:\.\d+)?")
_NUMERICISH = re.compile(r"^[+\-－]?[\d,，.．]+%?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－", "0123456789,.-")


class AmountError(ValueError):
    """Text that looks like a number but is not a well-formed amount."""


def parse_amount(text: str) -> Decimal | None:
    """``"3,037.70"`` → ``Decimal("3037.70")``; blank or a dash → ``None``.

    Raises :class:`AmountError` for malformed numbers such as ``"1,2,3.4"``
    and :class:`ValueError` for text that is not a number at all.
    """
    if _PLAIN.fullmatch(text):
        return Decimal(text.replace(",", "") if "," in text else text)
    cleaned = text.strip().translate(_FULLWIDTH).replace(" ", "")
    if cleaned in BLANK_MARKS:
        return None
    if _AMOUNT.fullmatch(cleaned):
        try:
            return Decimal(cleaned.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - regex guarantees form
            raise AmountError(f"not an amount: {text!r}") from exc
    if _NUMERICISH.match(cleaned):
        raise AmountError(f"malformed number {text.strip()!r}")
    raise ValueError(f"not a number: {text!r}")


def looks_numeric(text: str) -> bool:
    """True for text made only of digits, separators and a sign (well-formed or not)."""
    if _PLAIN.fullmatch(text):
        return True
    cleaned = text.strip().translate(_FULLWIDTH).replace(" ", "")
    return bool(cleaned) and bool(_NUMERICISH.match(cleaned))


def format_amount(value: Decimal | None) -> str:
    """Print as the documents do: thousands separators, the value's own decimals.

    ``Decimal("2147.33")`` → ``"2,147.33"``; ``None`` → ``""``.
    """
    if value is None:
        return ""
    return f"{value:,}"
