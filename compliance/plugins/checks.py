"""Python checks: what a plugin contributes through ``compliance_register_checks``.

A check is a named, documented requirement implemented in Python, for what
the rule language cannot say.  It yields findings through the
:class:`CheckContext` it is given, so every finding carries the check's id,
severity and pack without the author repeating them::

    from compliance import Check, hookimpl

    def _titles_unique(document, ctx):
        seen = set()
        for table in document.tables:
            if table.title in seen:
                yield ctx.finding(f"表名「{table.title}」重复", at=table)
            seen.add(table.title)

    @hookimpl
    def compliance_register_checks():
        return [Check("XX-PY-001", "表名不重复", _titles_unique, pack="xx.national")]

Raise :class:`NotApplicable` or :class:`NotEvaluated` (with a reason) to give
the check that outcome on a document; any other exception makes its outcome
``error`` with a finding naming the plugin, and the run goes on.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from attrs import field, frozen

from compliance.findings import Finding, Location, Severity
from compliance.model import Span


class NotApplicable(Exception):
    """Raised by a check whose requirement does not apply to this document."""


class NotEvaluated(Exception):
    """Raised by a check that cannot run: the document lacks what it needs (say what)."""


def _severity(value: Severity | str) -> Severity:
    return value if isinstance(value, Severity) else Severity.parse(value)


@frozen
class Check:
    """A requirement implemented in Python.

    ``function(document, context)`` returns (or yields) the
    :class:`~compliance.findings.Finding` objects it finds, usually built
    with :meth:`CheckContext.finding`; no findings means the check passed.
    ``pack`` names the pack the check belongs to: it decides when the check
    runs (a pack named ``a.b`` for a jurisdiction ``b`` runs only for it) and
    how ``select``/``ignore`` see it.
    """

    id: str
    title: str
    function: Callable[[Any, "CheckContext"], Iterable[Finding] | None] = field(eq=False)
    severity: Severity = field(default=Severity.ERROR, converter=_severity)
    pack: str | None = None
    tags: tuple[str, ...] = field(default=(), converter=tuple)
    reference: str | None = None
    description: str | None = None


@frozen
class CheckContext:
    """What a check function is given besides the document."""

    check: Check
    #: Rule-language parameters of the run (config ``[params]``), read-only.
    params: Mapping[str, object] = field(factory=dict)
    #: Turns a model element of the checked document into a :class:`Location`; set by the engine.
    locate: Callable[[Any], Location] | None = field(default=None, eq=False)

    def location(self, element: Any) -> Location:
        """Where ``element`` (a model element, a :class:`Span` or a :class:`Location`) stands."""
        if element is None:
            return Location()
        if isinstance(element, Location):
            return element
        if isinstance(element, Span):
            return Location(span=element)
        if self.locate is not None:
            return self.locate(element)
        return Location(span=getattr(element, "span", None))

    def finding(
        self,
        message: str,
        *,
        at: Any = None,
        related: Iterable[Any] = (),
        values: Mapping[str, object] | None = None,
        severity: Severity | str | None = None,
    ) -> Finding:
        """A finding of this check at ``at``, with ``related`` places and the compared ``values``.

        Values are printed with ``str`` (Decimals keep their printed digits).
        """
        return Finding(
            rule=self.check.id,
            severity=_severity(severity) if severity is not None else self.check.severity,
            message=message,
            location=self.location(at),
            related=tuple(self.location(r) for r in related),
            values={k: str(v) for k, v in (values or {}).items()},
            pack=self.check.pack,
        )
