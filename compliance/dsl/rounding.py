"""Rounding-aware comparison: an error bound compiled beside each side of ``== … within rounding``.

Every figure read from the document stands for ±half a unit of its last
printed decimal (``2,147.33`` for 2,147.325 … 2,147.335); literals and params
are exact; bounds propagate through arithmetic (a sum adds its terms' bounds,
products and quotients take their widest deviation).  Two sides are
consistent when they differ by no more than the sum of their bounds, so a
printed total of *n* printed terms may differ from their sum by 0.005·(n + 1):
the interval semantics of XBRL Calculations 1.1.

The comparison follows the rounding policy of the pack, when the pack declares
the params ``rounding_policy`` and ``tolerance`` (configuration
``[rounding]`` sets them): ``"exact"`` allows no difference at the precision the
figures are printed in (a computed ratio is rounded to the stated figure's decimals); a
``tolerance`` above zero replaces the intervals by that absolute difference;
otherwise (``"rounding"``, tolerance 0) the intervals above apply.  Rules
therefore say ``within rounding`` once and every policy is honoured the same
way everywhere (see "Rounding policy" in docs/rule-language.md).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from compliance.dsl import ast
from compliance.dsl.functions import half_unit, truthy
from compliance.dsl.values import Env, Fn, number


class RoundingBounds:
    """Mixed into the compiler: ``error_bound(node, scope)`` beside ``expr(node, scope)``."""

    def consistent(self, left_node: ast.Node, right_node: ast.Node, scope: Any) -> Fn:
        """``fn(env)``: do the two sides agree within the sum of their rounding bounds?"""
        left, right = self.expr(left_node, scope), self.expr(right_node, scope)
        policy, tolerance = self._policy(scope)
        if policy == "exact":
            def same(env: Env) -> bool:
                return _same_as_printed(number(left(env), "=="), number(right(env), "=="))

            return same
        if tolerance > 0:
            def near(env: Env) -> bool:
                return abs(number(left(env), "==") - number(right(env), "==")) <= tolerance

            return near
        left_error, right_error = self.error_bound(left_node, scope), self.error_bound(right_node, scope)

        def close(env: Env) -> bool:
            a, b = number(left(env), "=="), number(right(env), "==")
            # The common case, a == b, needs no bound.
            return a == b or within_bounds(a, b, left_error, right_error, env)

        return close

    def _policy(self, scope: Any) -> tuple[str, Decimal]:
        """The pack's ``rounding_policy`` and ``tolerance`` params, read as the rule reads a param."""
        values: dict[str, Any] = {"rounding_policy": "rounding", "tolerance": _ZERO}
        for name in values:
            symbol = scope.lookup(name)
            if symbol is not None and symbol.kind == "param":
                values[name] = symbol.value
                if name not in self.used_params:
                    self.used_params.append(name)  # so the engine passes the configured value
        tolerance = values["tolerance"]
        return str(values["rounding_policy"]), tolerance if isinstance(tolerance, Decimal) else _ZERO

    def error_bound(self, node: ast.Node, scope: Scope) -> Fn:
        """``fn(env)`` → the largest error of ``node``'s value from rounding (a Decimal, or a tuple of them)."""
        if isinstance(node, (ast.Number, ast.String, ast.Bool)):
            return lambda env: _ZERO
        if isinstance(node, ast.Name):
            symbol = scope.lookup(node.name)
            if symbol is not None and symbol.kind == "param":
                return lambda env: _ZERO
            if symbol is not None and symbol.kind == "let" and symbol.node is not None:
                if not _structural(symbol.node):
                    # A figure read from the document: its bound follows from the value already bound.
                    key = symbol.key
                    self.env_reads.add(key)
                    return lambda env: _value_error(env[key])
                if symbol.error is None:
                    symbol.error = self.error_bound(symbol.node, symbol.scope)
                compute, key = symbol.error, "$e:" + symbol.key

                def memo(env: Env) -> Any:
                    # Computed once per binding of the name, however many comparisons read it.
                    if key not in env:
                        env[key] = compute(env)
                    return env[key]

                return memo
        if isinstance(node, ast.Neg):
            return self.error_bound(node.operand, scope)
        if isinstance(node, ast.Arith):
            return self._arith_error(node, scope)
        if isinstance(node, ast.Coalesce):
            left, left_error, right_error = self.expr(node.left, scope), self.error_bound(node.left, scope), self.error_bound(node.right, scope)
            return lambda env: left_error(env) if left(env) is not None else right_error(env)
        if isinstance(node, ast.Conditional):
            condition = self.expr(node.condition, scope)
            then_error, else_error = self.error_bound(node.then, scope), self.error_bound(node.otherwise, scope)
            return lambda env: then_error(env) if truthy(condition(env)) else else_error(env)
        if isinstance(node, ast.Call) and node.name == "sum" and len(node.args) == 1:
            inner = self.error_bound(node.args[0], scope)
            values = self.expr(node.args[0], scope)

            def summed(env: Env) -> Decimal:
                errors, items = inner(env), values(env)
                if not isinstance(errors, tuple):
                    return errors
                # Blank terms add nothing to the sum, nor to its error.
                return sum((e for e, v in zip(errors, _flat_values(items)) if v is not None), _ZERO)

            return summed
        if isinstance(node, ast.Call) and node.name in ("abs",) and len(node.args) == 1:
            return self.error_bound(node.args[0], scope)
        if isinstance(node, ast.Call) and node.name == "round":
            inner_error = self.error_bound(node.args[0], scope)
            places = self.expr(node.args[1], scope) if len(node.args) > 1 else (lambda env: Decimal(2))
            return lambda env: _scalar(inner_error(env)) + Decimal(5).scaleb(-int(places(env)) - 1)
        if isinstance(node, ast.ListLit):
            parts = tuple(self.error_bound(i, scope) for i in node.items)
            return lambda env: tuple(_scalar(p(env)) for p in parts)
        # Anything read from the document: its own printed precision.
        values = self.expr(node, scope)
        return lambda env: _value_error(values(env))

    def _arith_error(self, node: ast.Arith, scope: Scope) -> Fn:
        left_error, right_error = self.error_bound(node.left, scope), self.error_bound(node.right, scope)
        if node.op in ("+", "-"):
            return lambda env: _scalar(left_error(env)) + _scalar(right_error(env))
        left, right = self.expr(node.left, scope), self.expr(node.right, scope)
        if node.op == "*":
            def product(env: Env) -> Decimal:
                a, b = abs(number(left(env), "*")), abs(number(right(env), "*"))
                ea, eb = _scalar(left_error(env)), _scalar(right_error(env))
                return a * eb + b * ea + ea * eb

            return product

        def quotient(env: Env) -> Decimal:
            a, b = abs(number(left(env), "/")), abs(number(right(env), "/"))
            ea, eb = _scalar(left_error(env)), _scalar(right_error(env))
            if b <= eb:
                return Decimal("Infinity")  # the divisor may be zero: any quotient is consistent
            # The widest deviation of (a ± ea) / (b ± eb) from a / b.
            return (a * eb + b * ea) / (b * (b - eb))

        return quotient


_ZERO = Decimal(0)


def within_bounds(a: Decimal, b: Decimal, left_error: Fn, right_error: Fn, env: Env) -> bool:
    """Whether ``a`` and ``b`` differ by no more than the sum of their error bounds."""
    return abs(a - b) <= _scalar(left_error(env)) + _scalar(right_error(env))


def _same_as_printed(a: Decimal, b: Decimal) -> bool:
    """Equal at the coarser printed precision of the two: 99.88 (%) is 3,034.10 / 3,037.70 × 100 = 99.8815…,
    but 2,304.38 is not 2,304.37.  A computed quotient carries many decimals, so the stated figure
    sets the precision; figures printed to the same decimals must be equal."""
    if a == b:
        return True
    if not (a.is_finite() and b.is_finite()):
        return False
    quantum = Decimal(1).scaleb(max(a.as_tuple().exponent, b.as_tuple().exponent))  # type: ignore[arg-type]
    return a.quantize(quantum, rounding=ROUND_HALF_UP) == b.quantize(quantum, rounding=ROUND_HALF_UP)


def _structural(node: ast.Node) -> bool:
    """Whether ``error_bound`` derives ``node``'s bound from its parts rather than from its value."""
    if isinstance(node, (ast.Number, ast.String, ast.Bool, ast.Name, ast.Neg, ast.Arith, ast.Coalesce,
                         ast.Conditional, ast.ListLit)):
        return True
    return isinstance(node, ast.Call) and node.name in ("sum", "abs", "round")


def _flat_values(values: Any) -> list[Any]:
    if isinstance(values, (tuple, list)):
        out: list[Any] = []
        for value in values:
            out.extend(_flat_values(value) if isinstance(value, (tuple, list)) else [value])
        return out
    return [values]


def _value_error(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return tuple(_value_error(v) if not isinstance(v, (tuple, list)) else _scalar(_value_error(v)) for v in value)
    return half_unit(value)


def _scalar(error: Any) -> Decimal:
    if isinstance(error, tuple):
        return sum((_scalar(e) for e in error), _ZERO)
    return error
