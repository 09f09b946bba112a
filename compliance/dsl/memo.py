"""Values computed once per evaluation of a rule set on one document, and shared by its rules.

Many rules read the same derived collections of a document (every section,
every row), filter the same collections by the same field, or call the same
helper on the same table.  :class:`Memo` keeps such results for one
evaluation: :meth:`RuleSet.evaluate <compliance.dsl.runtime.RuleSet.evaluate>`
makes one and drops it when it returns, so nothing is ever reused for another
document, nor for another evaluation of the same document.

Plugin functions reach the memo of the evaluation that calls them through
:func:`per_evaluation`; outside an evaluation it simply computes.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Callable, Hashable, TypeVar

T = TypeVar("T")


class Memo:
    """Results keyed on what computed them; objects they depend on are kept alive beside them.

    Keys hold ``id()`` of model objects (frozen, and cheaper to key on than to
    hash); keeping the object in the entry means its id cannot be reused by
    another object while the memo lives.
    """

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: dict[Hashable, Any] = {}

    def table(self, name: Hashable) -> dict[Any, Any]:
        """A dict of results named ``name`` (keyed by plain values, such as texts), made on first use."""
        found = self.values.get(name)
        if found is None:
            found = self.values[name] = {}
        return found

    def of(self, name: Hashable, obj: Any, compute: Callable[[Any], T]) -> T:
        """``compute(obj)``, once per ``(name, obj)``."""
        key = (name, id(obj))
        hit = self.values.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = compute(obj)
        self.values[key] = (obj, value)
        return value


_CURRENT: ContextVar[Memo | None] = ContextVar("compliance_dsl_memo", default=None)


def current_memo() -> Memo | None:
    """The memo of the evaluation running in this thread, if any."""
    return _CURRENT.get()


def activate(memo: Memo) -> Any:
    """Make ``memo`` the current one; returns a token for :func:`deactivate`."""
    return _CURRENT.set(memo)


def deactivate(token: Any) -> None:
    _CURRENT.reset(token)


def per_evaluation(name: str, obj: Any, compute: Callable[[Any], T]) -> T:
    """``compute(obj)``, computed once per evaluation of the rules on a document.

    For plugin functions whose result depends only on ``obj`` (a table, the
    document) and is asked for by many rules.  ``name`` tells apart the
    functions that key on the same object.  Outside an evaluation (a plugin
    function called directly) it computes every time.
    """
    memo = _CURRENT.get()
    if memo is None:
        return compute(obj)
    return memo.of(name, obj, compute)


def evaluation_table(name: str) -> dict[Any, Any]:
    """A dict that lives as long as the current evaluation, for results keyed by plain values.

    Outside an evaluation it is a new, empty dict each time, so nothing is kept.
    """
    memo = _CURRENT.get()
    return {} if memo is None else memo.table(("table", name))


__all__ = ["Memo", "activate", "current_memo", "deactivate", "evaluation_table", "per_evaluation"]
