"""What the rule language may read from the model, and with which static types."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from compliance.dsl.schema import Many, fields_of
from compliance.model import Paragraph, Row, Table


def test_model_fields_keep_their_types() -> None:
    fields = fields_of(Table)
    assert (fields["rows"], fields["explanation"]) == (Many(Row), Paragraph)


def test_an_unresolvable_annotation_is_an_error_not_an_untyped_field() -> None:
    @attrs.frozen
    class Broken:
        amount: Decimal
        owner: "NoSuchModelClass"  # noqa: F821 - the point of the test

    with pytest.raises(TypeError, match="cannot resolve the annotations of Broken: name 'NoSuchModelClass' "
                                        "is not defined"):
        fields_of(Broken)
