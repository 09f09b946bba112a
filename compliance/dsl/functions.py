"""Built-in functions of the rule language, text matching and rounding arithmetic.

Functions take and return plain values (Decimal, str, bool, tuples, model
objects).  Plugins add their own through ``load_rule_set(functions=…)``; a
function that needs the document is marked with :func:`needs_document` and
receives it first.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable

from compliance.numbers import format_amount


class Missing(Exception):
    """The document lacks an element a rule reads; the rule is then *not evaluated*."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def needs_document(function: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a function that receives the document as its first argument."""
    function.needs_document = True  # type: ignore[attr-defined]
    return function


# ---- values ------------------------------------------------------------------


_ZERO = Decimal(0)


def _numbers(values: Iterable[Any], function: str) -> list[Decimal]:
    """The figures among ``values`` (nested lists flattened, in order), blanks left out."""
    numbers: list[Decimal] = []
    for value in values if isinstance(values, (tuple, list)) else (values,):
        if value.__class__ is Decimal:
            numbers.append(value)
        elif value is None:
            continue  # a blank cell adds nothing, and is not a zero either
        elif isinstance(value, (tuple, list)):
            numbers.extend(_numbers(value, function))
        elif isinstance(value, bool) or not isinstance(value, Decimal):
            raise TypeError(f"{function}() 只能用于金额或数字，得到 {describe(value)}")
        else:
            numbers.append(value)
    return numbers


def _flat(values: Any) -> Iterable[Any]:
    if isinstance(values, (tuple, list)):
        for value in values:
            yield from _flat(value)
    else:
        yield values


def fn_sum(values: Any) -> Decimal:
    """The exact Decimal sum of the figures given; blanks are left out, and no figures sum to 0."""
    if values.__class__ is tuple:
        # The common case, a flat list of figures and blanks, added as it is read (the same
        # additions, in the same order, as summing _numbers()).
        total = _ZERO
        for value in values:
            if value.__class__ is Decimal:
                total += value
            elif value is not None:
                break  # a nested list, or something that is no figure: the long way says which
        else:
            return total
    return sum(_numbers(values, "sum"), _ZERO)


def fn_count(values: Any) -> Decimal:
    """How many of the values are present (not blank and not false)."""
    return Decimal(_present(values))


def _present(values: Any) -> int:
    if not isinstance(values, (tuple, list)):
        return 0 if values is None or values is False else 1
    found = 0
    for value in values:
        if isinstance(value, (tuple, list)):
            found += _present(value)
        elif value is not None and value is not False:
            found += 1
    return found


def fn_min(*values: Any) -> Decimal | None:
    """The smallest figure given, or blank when none is given."""
    numbers = _numbers(values, "min")
    return min(numbers) if numbers else None


def fn_max(*values: Any) -> Decimal | None:
    """The largest figure given, or blank when none is given."""
    numbers = _numbers(values, "max")
    return max(numbers) if numbers else None


def fn_abs(value: Decimal) -> Decimal:
    """The figure without its sign."""
    return abs(value)


def fn_round(value: Decimal | None, places: Decimal = Decimal(2)) -> Decimal | None:
    """Round half up, as printed figures are."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def fn_len(value: Any) -> Decimal:
    """The length of a text, or the number of items in a list."""
    return Decimal(len(value))


def fn_text(value: Any) -> str:
    """The value as a message prints it (amounts with thousands separators, as the documents do)."""
    return format_value(value)


def fn_any(values: Any) -> bool:
    """True when at least one of the values is true."""
    return any(truthy(v) for v in _flat(values))


def fn_all(values: Any) -> bool:
    """True when every one of the values is true (and so when there are none)."""
    return all(truthy(v) for v in _flat(values))


def fn_none(values: Any) -> bool:
    """True when none of the values is true."""
    return not fn_any(values)


@needs_document
def fn_table(document: Any, key: Any) -> Any:
    """The table by number, label, kind or exact title; a missing table makes the rule not evaluated."""
    table = document.table(str(key))
    if table is None:
        raise Missing(f"表「{key}」")
    return table


@needs_document
def fn_section(document: Any, key: Any) -> Any:
    """The section by number or title; a missing section makes the rule not evaluated."""
    section = document.section(str(key))
    if section is None:
        raise Missing(f"章节「{key}」")
    return section


def fn_normalize(text: Any) -> str:
    """The text as titles are compared: NFKC, without spaces or punctuation, lower-cased."""
    return normalize_text(str(text))


BUILTINS: dict[str, Callable[..., Any]] = {
    "sum": fn_sum,
    "count": fn_count,
    "min": fn_min,
    "max": fn_max,
    "abs": fn_abs,
    "round": fn_round,
    "len": fn_len,
    "text": fn_text,
    "any": fn_any,
    "all": fn_all,
    "none": fn_none,
    "table": fn_table,
    "section": fn_section,
    "normalize": fn_normalize,
}


# ---- truth and printing ----------------------------------------------------


def truthy(value: Any) -> bool:
    # Booleans first: comparisons and tests, the commonest operands, answer at once.
    if value is True:
        return True
    if value is False or value is None:
        return False
    if isinstance(value, (tuple, list, str)):
        return len(value) > 0
    if isinstance(value, Decimal):
        return value != 0
    return True


def describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, Decimal):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字「{value}」"
    if isinstance(value, tuple):
        return "列表"
    return type(value).__name__


def format_value(value: Any) -> str:
    """How a value reads in a message: amounts as the documents print them (``2,147.33``)."""
    # Text and amounts are nearly every value a message prints: answered before the general checks.
    cls = value.__class__
    if cls is str:
        return value
    if cls is Decimal:
        return format_amount(value)
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)):
        return "、".join(format_value(v) for v in value)
    for attribute in ("label", "heading", "title", "name", "text"):
        # Tables print as 表N, sections as their heading, the rest by name.
        if attribute == "label" and type(value).__name__ == "Row":
            continue
        text = getattr(value, attribute, None)
        if isinstance(text, str) and text:
            return text
    label = getattr(value, "label", None)
    return str(label) if label is not None else type(value).__name__


def plain_value(value: Any) -> str:
    """A value for ``Finding.values``: amounts without separators (``2147.33``); a list as a sum of terms."""
    cls = value.__class__
    if cls is str:
        return value
    if isinstance(value, Decimal):
        # A figure brought to a smaller unit keeps its printed precision in a positive exponent (3.60E+4).
        # Exactly those figures (finite, exponent above zero) print with "E+"; telling them so is
        # several times quicker than reading the exponent (as_tuple).
        text = str(value)
        return format(value, "f") if "E+" in text else text
    if isinstance(value, (tuple, list)):
        return " + ".join("空" if v is None else plain_value(v) for v in value)
    return format_value(value)


# ---- text matching ---------------------------------------------------------

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


@functools.lru_cache(maxsize=4096)
def normalize_text(text: str) -> str:
    """Fold full/half width, drop spaces and punctuation, lower-case."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).lower()


def fuzzy_match(text: Any, wanted: Any) -> bool:
    """``text ~ wanted``: equal after normalising, ``wanted`` contained in ``text``, or a near miss.

    A near miss inserts or drops at most one character per ten of the shorter
    title (a dropped 的, a stray 表).  A changed character is never a near miss:
    收/支 or 入/出 make a different table, so "…收入…表" does not match "…收支…表";
    and two inserted characters in an eleven-character title (…预算基本支出…) are too many.
    """
    if text is None or wanted is None:
        return False
    return fuzzy_texts(str(text), str(wanted))


@functools.lru_cache(maxsize=4096)
def fuzzy_texts(text: str, wanted: str) -> bool:
    """:func:`fuzzy_match` of two texts (remembered: rules compare the same titles over and over)."""
    a, b = normalize_text(text), normalize_text(wanted)
    if not b:
        return False
    if b in a:
        return True
    allowed = min(len(a), len(b)) // 10
    # Only insertions and drops: the distance is exactly the length gap, so no character changed
    # (a changed character costs two, which a long title's allowance would otherwise absorb).
    # An indel distance equal to the length gap means the shorter title is the longer one with
    # characters dropped: a subsequence of it, which is checked in one pass.
    if abs(len(a) - len(b)) > allowed:
        return False
    return is_subsequence(b, a) if len(b) <= len(a) else is_subsequence(a, b)


def is_subsequence(short: str, long: str) -> bool:
    """Whether ``long`` with some characters dropped is ``short`` (each character found after the one before)."""
    position = 0
    find = long.find
    for character in short:
        position = find(character, position) + 1
        if not position:
            return False
    return True


# ---- rounding --------------------------------------------------------------


def half_unit(value: Any) -> Decimal:
    """Half a unit of the last printed decimal: ``2147.33`` stands for ±0.005."""
    if isinstance(value, Decimal) and value.is_finite():
        exponent = value.as_tuple().exponent
        half = _HALF_UNITS.get(exponent)
        if half is None:
            half = _HALF_UNITS[exponent] = Decimal(5).scaleb(exponent - 1)
        return half
    return Decimal(0)


#: Half units by exponent; amounts have a handful of exponents, so this stays small.
_HALF_UNITS: dict[int, Decimal] = {}
