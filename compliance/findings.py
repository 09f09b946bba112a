"""What checks produce: findings, per-rule outcomes, and their severities.

A :class:`Finding` points at one place in the source (:class:`Location`) and
shows every side of a mismatch: the related places and the values compared.
Every rule run on a document has a :class:`RuleResult` with an
:class:`Outcome`, failures and passes alike, so a report can list each
requirement with its status as a regulator's checklist does.
"""

from __future__ import annotations

import enum
from types import MappingProxyType
from typing import Any, Mapping

from attrs import field, frozen

from compliance.model import Span


class Severity(str, enum.Enum):
    """How serious a finding is; ordered ``note < warning < error``."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls(text.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {choices})") from None


_SEVERITY_RANK = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class Outcome(str, enum.Enum):
    """The result of one rule on one document."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    NOT_EVALUATED = "not_evaluated"
    ERROR = "error"


@frozen
class Location:
    """Where a finding points: a source span plus where it stands in the document's meaning.

    The meaning (section, table, row, column path) is what fingerprints are
    built from, so a finding keeps its identity when the text around it moves.
    """

    span: Span | None = None
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column_path: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        span = self.span
        return {
            "line": span.start_line if span else None,
            "column": span.start_column if span else None,
            "end_line": span.last_line if span else None,
            "end_column": span.end_column if span else None,
            "page": span.page if span else None,
            "section": self.section,
            "table": self.table,
            "row": self.row,
            "column_path": list(self.column_path),
        }


def _readonly(mapping: Mapping[str, str] | None) -> Mapping[str, str]:
    # A copy, so that the caller's dict changing later cannot change the finding.
    return MappingProxyType(dict(mapping or {}))


@frozen
class Finding:
    """One defect found by one rule, at one place."""

    rule: str
    severity: Severity
    message: str
    location: Location = field(factory=Location)
    related: tuple[Location, ...] = ()
    #: The compared figures as strings (e.g. ``{"stated": "2147.33", "computed": "2147.32"}``).
    values: Mapping[str, str] = field(factory=dict, converter=_readonly)
    pack: str | None = None
    #: Set by post-processing when a waiver covers this finding.
    waived: str | None = None


@frozen
class RuleResult:
    """The outcome of one rule on one document, with its findings.

    ``reason`` says why a rule was ``not_applicable``, ``not_evaluated`` or in
    ``error`` (e.g. which table it needed and did not find).
    """

    rule: str
    title: str
    outcome: Outcome
    severity: Severity
    findings: tuple[Finding, ...] = ()
    pack: str | None = None
    reference: str | None = None
    reason: str | None = None
