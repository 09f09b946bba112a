"""Compiled loops: ``for``, the quantifiers and list comprehensions of a rule.

One :func:`runner` serves them all: it binds the loop variable to every item
in turn, filters it with ``where`` and counts one step per item, in the same
order as the rule reads, so a runaway rule stops at the same item and an error
in the filter or the body surfaces where it did.  A scan is a plain loop, without
a generator in between, as rules spend most of their time in loops.

**Indexed filters.**  A filter whose first condition is ``x.FIELD == E``, with
``E`` independent of ``x`` (see :func:`indexable_filter`), reads only the items
whose field equals ``E``: an index of the collection by that field, built once
per evaluation (:class:`~compliance.dsl.memo.Memo`) and shared by every rule,
gives them with their positions.  The items skipped are still counted as steps, at the
point the scan would have counted them, and the remaining conditions run on the
items found, in collection order, exactly as the scan would run them.  A
collection whose fields are not plain text, numbers or blanks, or a value ``E``
of another kind, falls back to the scan.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Sequence

from compliance.dsl import ast
from compliance.dsl.values import SPANNED, BudgetExceeded, Env, Fn, contains

#: Node kinds of a filter value that reads the env and the model and nothing else: no calls
#: (which count steps) and no loops, so evaluating it once per loop is the same as once per item.
_PLAIN_NODES = (ast.Number, ast.String, ast.Bool, ast.Name, ast.Attr, ast.Index, ast.Neg, ast.Arith)


def conjuncts(node: ast.Node) -> list[ast.Node]:
    """The operands of an ``and`` chain (nested chains flattened), else ``[node]``."""
    if isinstance(node, ast.Logic) and node.op == "and":
        out: list[ast.Node] = []
        for operand in node.operands:
            out.extend(conjuncts(operand))
        return out
    return [node]


def indexable_filter(condition: ast.Node, var: str, fields: Sequence[str]) -> tuple[str, ast.Node] | None:
    """``(field, E)`` when ``condition`` is ``var.field == E`` (or ``E == var.field``) with ``E`` independent of ``var``."""
    if not isinstance(condition, ast.Compare) or condition.op != "==" or condition.rounding or condition.tolerance is not None:
        return None
    for side, other in ((condition.left, condition.right), (condition.right, condition.left)):
        if (isinstance(side, ast.Attr) and isinstance(side.obj, ast.Name) and side.obj.name == var
                and side.name in fields and independent(other, var)):
            return side.name, other
    return None


def independent(node: ast.Node, var: str) -> bool:
    """Whether ``node`` reads neither ``var`` nor any function (so it has one value through a loop over ``var``)."""
    if not isinstance(node, _PLAIN_NODES):
        return False
    if isinstance(node, ast.Name):
        return node.name != var
    if isinstance(node, ast.Attr):
        return independent(node.obj, var)
    if isinstance(node, ast.Index):
        return independent(node.obj, var) and independent(node.key, var)
    if isinstance(node, ast.Neg):
        return independent(node.operand, var)
    if isinstance(node, ast.Arith):
        return independent(node.left, var) and independent(node.right, var)
    return True


# ---- indexes --------------------------------------------------------------------------


def _build_index(items: tuple[Any, ...], cls: type, field: str) -> dict[Any, list[tuple[int, Any]]] | None:
    """The items by the value of ``field``, each with its position; None when an item or value does not qualify."""
    index: dict[Any, list[tuple[int, Any]]] = {}
    for position, item in enumerate(items):
        if item.__class__ is not cls:
            return None
        value = getattr(item, field)
        kind = value.__class__
        if kind is int:
            value = Decimal(value)  # as rules read it (values.get_attr)
        elif kind is Decimal:
            if not value.is_finite():
                return None
        elif value is not None and kind is not str:
            return None
        found = index.get(value)
        if found is None:
            index[value] = [(position, item)]
        else:
            found.append((position, item))
    return index


class IndexPlan:
    """How a loop finds its items through an index: the item class, the field and the value."""

    __slots__ = ("cls", "field", "key", "rest")

    def __init__(self, cls: type, field: str, key: Fn, rest: Fn | None) -> None:
        self.cls = cls
        self.field = field
        self.key = key
        #: The filter's other conditions, run on the items the index gives.
        self.rest = rest

    def found(self, env: Env, state: Any, items: tuple[Any, ...]) -> Sequence[tuple[int, Any]] | None:
        """The items whose field equals the filter value, with their positions; None to scan instead."""
        if not items or state.steps >= state.budget:
            return None  # nothing to find, or the first step stops the rule: the scan says so
        values = env["$m"].values
        memo_key = (id(items), self.field)
        hit = values.get(memo_key)
        if hit is not None and hit[0] is items:
            index = hit[1]
        else:
            index = _build_index(items, self.cls, self.field)
            values[memo_key] = (items, index)
        if index is None:
            return None
        key = self.key(env)
        kind = key.__class__
        if key is None or kind is str or (kind is Decimal and key.is_finite()):
            return index.get(key, ())
        if kind is bool:
            return ()  # a bool equals only itself, and no indexed value is one
        return None


def _charge(state: Any, steps: int) -> None:
    state.steps += steps
    if state.steps > state.budget:
        raise BudgetExceeded()


# ---- runners --------------------------------------------------------------------------


#: What a runner does with the items that pass the filter.
FOR, ANY, ALL, COUNT, LIST = "for", "any", "all", "count", "list"


def runner(items: Fn, var: str, where: Fn | None, plan: IndexPlan | None, mode: str, *,
           value: Fn | None = None, body: tuple[Fn, ...] = (), spanned: bool = False) -> Fn:
    """A ``for`` statement, a quantifier or a list comprehension over the items that pass the filter.

    ``FOR`` runs ``body`` per item (a finding without ``at`` points at the innermost ``spanned``
    item); ``ANY`` and ``ALL`` stop at the first item whose predicate ``value`` decides; ``COUNT``
    counts the items that satisfy it (None: every item does); ``LIST`` makes ``value`` of each item.

    An item is one step, counted when the loop reaches it.  Through an index the loop reaches only
    the items it gives: the items skipped are counted with the next one, and those after the last
    when the loop ends, so the count passes the budget at the same item as a scan's would.
    """
    visit = _visitor(var, mode, value, body, spanned)
    rest = plan.rest if plan is not None else None

    def run(env: Env) -> Any:
        collection = items(env)
        if plan is not None:
            state = env["$s"]
            pairs = plan.found(env, state, collection)
            if pairs is not None:
                return visit(env, charged(state, pairs, len(collection)), rest)
        return visit(env, collection, where)

    return run


def _visitor(var: str, mode: str, value: Fn | None, body: tuple[Fn, ...], spanned: bool) -> Callable[..., Any]:
    """``visit(env, items, check)``: the loop itself, one step per item it reaches (rules spend most of their time here)."""
    looping, listing = mode == FOR, mode == LIST
    deciding, wanted = mode in (ANY, ALL), mode == ANY

    def visit(env: Env, items: Iterable[Any], check: Fn | None) -> Any:
        state = env["$s"]
        budget = state.budget
        saved_at = env["$at"]
        out: list[Any] = []
        try:
            for item in items:
                state.steps += 1
                if state.steps > budget:
                    raise BudgetExceeded()
                env[var] = item
                if check is not None and not check(env):
                    continue
                if looping:  # the commonest loop first
                    if spanned or isinstance(item, SPANNED):
                        env["$at"] = item
                    for statement in body:
                        if statement(env) is not None:
                            break  # a `when` skipped the item
                elif deciding:
                    if (value is None or value(env)) is wanted:
                        return wanted
                elif listing:
                    out.append(value(env))
                elif value is None or value(env):  # counting
                    out.append(True)
        finally:
            env["$at"] = saved_at
        if looping:
            return None
        if deciding:
            return not wanted
        return tuple(out) if listing else Decimal(len(out))

    return visit


def charged(state: Any, pairs: Sequence[tuple[int, Any]], length: int) -> Iterator[Any]:
    """The items an index gave, charging the steps of the items skipped before each (the loop charges the item's own).

    The items after the last are charged when the loop asks for more, so a loop that stops early
    (a quantifier that has decided) is not charged for them, as a scan would not be.
    """
    previous = -1
    for position, item in pairs:
        state.steps += position - previous - 1
        previous = position
        yield item
    _charge(state, length - 1 - previous)


def containment_runner(items: Fn, var: str, text: Fn, wanted: bool) -> Fn:
    """``any k in L where TEXT contains k`` (``wanted`` True) or ``all …`` (False), without a closure per item.

    TEXT reads neither ``k`` nor a function (:func:`independent`), so it has one value through
    the loop: it is read once, after the first item's step, where the filter would first read it.
    Each item is still one step, and the loop stops at the same item.
    """

    def run(env: Env) -> bool:
        collection = items(env)
        if not collection:
            return not wanted
        state = env["$s"]
        budget = state.budget
        state.steps += 1
        if state.steps > budget:
            raise BudgetExceeded()
        container = text(env)
        plain = container.__class__ is str
        for position, item in enumerate(collection):
            if position:
                state.steps += 1
                if state.steps > budget:
                    raise BudgetExceeded()
            if plain:  # contains() on a text, inline
                found = item is not None and (item if item.__class__ is str else str(item)) in container
            else:
                found = contains(container, item)
            if found is wanted:
                return wanted
        return not wanted

    return run


def all_of(conditions: Sequence[Fn]) -> Fn | None:
    """One condition that holds when every one of ``conditions`` does (each already a bool)."""
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]
    if len(conditions) == 2:
        first, second = conditions
        return lambda env: first(env) and second(env)
    frozen = tuple(conditions)

    def every(env: Env) -> bool:
        for condition in frozen:
            if not condition(env):
                return False
        return True

    return every


__all__ = ["ALL", "ANY", "COUNT", "FOR", "LIST", "IndexPlan", "all_of", "charged", "conjuncts", "containment_runner", "independent",
           "indexable_filter", "runner"]
