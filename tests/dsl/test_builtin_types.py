"""The built-in functions return what they are annotated to, and what the compiler assumes they do."""

from __future__ import annotations

import typing
from decimal import Decimal

import pytest

from compliance.dsl.compiler import _FUNCTION_TYPES
from compliance.dsl.functions import BUILTINS, fn_count


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_annotation_agrees_with_the_compilers_static_type(name: str) -> None:
    returned = typing.get_type_hints(BUILTINS[name])["return"]
    if returned is typing.Any:
        return  # table() and section() are typed by the compiler alone
    members = set(typing.get_args(returned)) - {type(None)} or {returned}
    assert members == {_FUNCTION_TYPES[name]}


def test_count_returns_a_decimal() -> None:
    counted = fn_count([Decimal("1.5"), None, False, "x"])
    assert (type(counted), counted) == (Decimal, Decimal(2))
