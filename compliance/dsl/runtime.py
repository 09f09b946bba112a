"""Compiled rules and rule sets, and running them on a document.

Every rule yields a :class:`RuleResult` on every document: ``pass``,
``fail``, ``not_applicable`` (its top ``when`` guard is false, or nothing was
in scope), ``not_evaluated`` (the document lacks an element the rule reads,
named in ``reason``) or ``error`` (the rule raised or ran out of steps: an
error-severity finding of its own; the other rules still run).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from attrs import field, frozen

from compliance.dsl.values import BudgetExceeded, NotApplicable, RuleRuntimeError
from compliance.dsl.errors import did_you_mean
from compliance.dsl.functions import Missing, plain_value
from compliance.dsl.memo import Memo, activate, deactivate
from compliance.dsl.tiers import RuleCode
from compliance.errors import RuleError
from compliance.findings import Finding, Location, Outcome, RuleResult, Severity
from compliance.locations import LocationIndex
from compliance.model import Document

#: Steps (loop items, function and method calls) one rule may take on one document.
DEFAULT_STEP_BUDGET = 200_000


class RunState:
    """What one rule accumulates while running on one document."""

    __slots__ = ("rule", "index", "budget", "steps", "evaluated", "findings", "skips")

    def __init__(self, rule: "Rule", index: LocationIndex, budget: int) -> None:
        self.rule = rule
        self.index = index
        self.budget = budget
        self.steps = 0
        self.evaluated = 0
        self.findings: list[Finding] = []
        self.skips: list[str] = []

    def add_finding(self, message: str, at: Any, related: Any, values: Mapping[str, Any],
                    severity: Severity | None) -> None:
        location, extra = self._locations(at)
        related_locations = extra + self._locations_of(related)
        self.findings.append(
            Finding(
                rule=self.rule.id,
                severity=severity or self.rule.severity,
                message=message,
                location=location,
                related=related_locations,
                values={name: plain_value(value) for name, value in values.items()},
                pack=self.rule.pack,
            )
        )

    def _locations(self, at: Any) -> tuple[Location, tuple[Location, ...]]:
        """``at`` may be one element or several: the first is the place, the rest are related."""
        located = self._locations_of(at)
        if not located:
            return Location(), ()
        return located[0], located[1:]

    def _locations_of(self, elements: Any) -> tuple[Location, ...]:
        if elements is None:
            return ()
        located: list[Location] = []
        self._locate_into(elements if isinstance(elements, (tuple, list)) else (elements,), located)
        return tuple(located)

    def _locate_into(self, elements: Iterable[Any], located: list[Location]) -> None:
        """The locations of the elements, nested lists flattened in order; what has no span is left out."""
        locate = self.index.locate
        for element in elements:
            if isinstance(element, (tuple, list)):
                self._locate_into(element, located)
            elif element is not None and hasattr(element, "span"):
                located.append(locate(element))


@frozen
class Pack:
    """A rule pack: a folder (or file) of rules with a name, a title, a version and the regulation it cites."""

    name: str
    title: str
    version: str | None
    reference: str | None
    path: str
    content_hash: str
    description: str | None = None


@frozen
class Rule:
    """One compiled rule.  ``params`` are the effective values of the params it reads."""

    id: str
    title: str
    severity: Severity
    tags: tuple[str, ...]
    pack: str
    reference: str | None
    description: str | None
    params: Mapping[str, object]
    source: str
    file: str
    line: int
    code: RuleCode = field(eq=False, repr=False, factory=lambda: RuleCode((), None, 0))

    def run(self, document: Document, index: LocationIndex, *, budget: int = DEFAULT_STEP_BUDGET,
            memo: Memo | None = None) -> RuleResult:
        """The rule's result on ``document``; ``memo`` is shared by the rules of one evaluation."""
        if memo is None:
            memo = Memo()
        token = activate(memo)
        try:
            return self.run_in(document, index, budget, memo)
        finally:
            deactivate(token)

    def run_in(self, document: Document, index: LocationIndex, budget: int, memo: Memo) -> RuleResult:
        """:meth:`run` within an evaluation whose ``memo`` is already the current one."""
        state = RunState(self, index, budget)
        env: dict[str, Any] = {"$doc": document, "$s": state, "$at": None, "$m": memo}
        try:
            self.code.run(env)
        except NotApplicable as exc:
            return self._result(Outcome.NOT_APPLICABLE, reason=exc.reason)
        except Missing as exc:
            return self._result(Outcome.NOT_EVALUATED, reason=f"文档中没有{exc.what}")
        except BudgetExceeded:
            return self._error(f"超出计算步数上限（{budget} 步），已停止")
        except RuleRuntimeError as exc:
            return self._error(str(exc))
        except RecursionError:
            return self._error("嵌套过深")
        except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the others
            return self._error(f"{type(exc).__name__}: {exc}")
        skipped = _skip_reason(state.skips)
        if state.findings:
            return self._result(Outcome.FAIL, findings=tuple(state.findings), reason=skipped)
        if state.evaluated == 0:
            reason = "没有适用的对象" + (f"；{skipped}" if skipped else "")
            return self._result(Outcome.NOT_APPLICABLE, reason=reason)
        return self._result(Outcome.PASS, reason=skipped)

    def _result(self, outcome: Outcome, *, findings: tuple[Finding, ...] = (), reason: str | None = None) -> RuleResult:
        return RuleResult(
            rule=self.id,
            title=self.title,
            outcome=outcome,
            severity=self.severity,
            findings=findings,
            pack=self.pack,
            reference=self.reference,
            reason=reason,
        )

    def _error(self, detail: str) -> RuleResult:
        message = f"规则 {self.id} 在本文档上执行失败：{detail}"
        finding = Finding(rule=self.id, severity=Severity.ERROR, message=message, pack=self.pack)
        return self._result(Outcome.ERROR, findings=(finding,), reason=detail)


def _skip_reason(skips: list[str]) -> str | None:
    if not skips:
        return None
    shown = "；".join(skips[:5]) + ("；…" if len(skips) > 5 else "")
    return f"跳过 {len(skips)} 项：{shown}"


@frozen
class RuleSet:
    """The compiled rules of one or more packs, in file order."""

    packs: tuple[Pack, ...]
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        hint = did_you_mean(rule_id, [r.id for r in self.rules])
        raise RuleError(f"unknown rule id {rule_id!r}{hint}")

    def evaluate(self, document: Document, *, rule_ids: Iterable[str] | None = None,
                 budget: int = DEFAULT_STEP_BUDGET) -> tuple[RuleResult, ...]:
        """One result per rule (or per selected rule), in rule order."""
        selected = self.rules
        if rule_ids is not None:
            wanted = set(rule_ids)
            for rule_id in wanted:
                self.rule(rule_id)  # raises with "did you mean" for an unknown id
            selected = tuple(r for r in self.rules if r.id in wanted)
        index = LocationIndex(document)
        # One memo per call: what the rules derive from this document is shared among them and
        # dropped on return, so a later call (even on the same document) computes it afresh.
        memo = Memo()
        token = activate(memo)
        try:
            return tuple([rule.run_in(document, index, budget, memo) for rule in selected])
        finally:
            deactivate(token)


def effective_params(values: Mapping[str, Any]) -> Mapping[str, object]:
    from types import MappingProxyType

    return MappingProxyType(dict(values))


__all__ = ["DEFAULT_STEP_BUDGET", "Pack", "Rule", "RuleSet", "RunState", "effective_params"]
