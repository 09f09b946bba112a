"""Compile the AST once into closures; evaluating a rule never re-dispatches on node types.

Each expression becomes ``fn(env) -> value``; each statement ``fn(env) -> None``.
``env`` is a dict of the names in scope plus the run state (``$s``) and the
document (``$doc``).  Names, fields, methods and functions are resolved here,
at compile time, so a misspelling is a :class:`RuleError` with "did you mean"
before any document is read.

Rounding-aware comparison (``a == b within rounding``) also compiles each
side into an error bound; see :mod:`compliance.dsl.rounding`.  The operations
the closures call at run time live in :mod:`compliance.dsl.values`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Callable, Mapping

from compliance.dsl import ast
from compliance.dsl.errors import did_you_mean, rule_error
from compliance.dsl.functions import Missing, format_value, fuzzy_match, truthy
from compliance.dsl.rounding import RoundingBounds
from compliance.dsl.schema import METHODS, MODEL_TYPES, TYPE_NAMES, Many, fields_of
from compliance.dsl.values import (
    CONTAINERS,
    GLOBALS,
    KINDS,
    SPANNED,
    BudgetExceeded,
    Env,
    Fn,
    NotApplicable,
    RuleRuntimeError,
    SkipItem,
    arith,
    call_method,
    contains,
    equal,
    exists,
    get_attr,
    get_index,
    iterate,
    number,
    order,
)
from compliance.errors import RuleError
from compliance.model import Document, Row, Section, Table


# ---- compile-time scope -----------------------------------------------------


class Symbol:
    """A name in scope at compile time.

    ``key`` is where a let or loop variable lives in the run-time env: unique
    per declaration, so an inner ``let x`` never clobbers an outer ``x``.
    """

    __slots__ = ("kind", "type", "node", "scope", "value", "error", "key")

    def __init__(self, kind: str, type_: Any, node: ast.Node | None = None, scope: "Scope | None" = None,
                 value: Any = None, key: str = "") -> None:
        self.kind = kind  # "param" | "let" | "loop" | "global"
        self.type = type_
        self.node = node
        self.scope = scope
        self.value = value
        self.error: Fn | None = None
        self.key = key


class Scope:
    def __init__(self, parent: "Scope | None" = None) -> None:
        self.parent = parent
        self.symbols: dict[str, Symbol] = {}

    def child(self) -> "Scope":
        return Scope(self)

    def lookup(self, name: str) -> Symbol | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.symbols:
                return scope.symbols[name]
            scope = scope.parent
        return None

    def names(self) -> set[str]:
        names: set[str] = set()
        scope: Scope | None = self
        while scope is not None:
            names.update(scope.symbols)
            scope = scope.parent
        return names


# ---- the compiler ------------------------------------------------------------


class Compiler(RoundingBounds):
    """Compiles the expressions and statements of one file's rules (or its params)."""

    def __init__(self, *, source: str, text: str | None, functions: Mapping[str, Callable[..., Any]],
                 params: Mapping[str, Any], in_rule: bool = True) -> None:
        self.source = source
        self.text = text
        self.functions = functions
        self.params = params
        self.in_rule = in_rule
        #: Params the compiled code read (a rule lists their effective values).
        self.used_params: list[str] = []

    def error(self, node: ast.Node, message: str) -> RuleError:
        return rule_error(message, source=self.source, text=self.text, line=node.line or None, column=node.column or None)

    def root_scope(self) -> Scope:
        scope = Scope()
        for name, value in self.params.items():
            scope.symbols[name] = Symbol("param", _static_of_value(value), value=value)
        if self.in_rule:
            for name, (_getter, type_) in GLOBALS.items():
                scope.symbols[name] = Symbol("global", type_)
        return scope

    # -- statements --

    def statements(self, nodes: tuple[ast.Node, ...], scope: Scope, *, top: bool) -> list[Fn]:
        return [self.statement(node, scope, top=top) for node in nodes]

    def statement(self, node: ast.Node, scope: Scope, *, top: bool) -> Fn:
        if isinstance(node, ast.For):
            return self.for_(node, scope)
        if isinstance(node, ast.Let):
            return self.let(node, scope)
        if isinstance(node, ast.When):
            return self.when(node, scope, top=top)
        if isinstance(node, ast.Expect):
            return self.expect(node, scope)
        raise self.error(node, f"unexpected statement {type(node).__name__}")  # pragma: no cover

    def for_(self, node: ast.For, scope: Scope) -> Fn:
        inner = scope.child()
        items, item_type = self.binding_source(node.binding, scope)
        var = _env_key(node.binding)
        inner.symbols[node.binding.var] = Symbol("loop", item_type, key=var)
        where = self.expr(node.binding.where, inner) if node.binding.where is not None else None
        body = self.statements(node.body, inner, top=False)

        def run(env: Env) -> None:
            saved_at = env.get("$at")
            try:
                for item in _each(env, items, var, where):
                    if isinstance(item, SPANNED):
                        env["$at"] = item
                    try:
                        for statement in body:
                            statement(env)
                    except SkipItem:
                        pass
            finally:
                env["$at"] = saved_at

        return run

    def let(self, node: ast.Let, scope: Scope) -> Fn:
        fn, type_ = self.typed(node.expr, scope)
        name = _env_key(node)
        symbol = Symbol("let", type_, node.expr, scope, key=name)
        scope.symbols[node.name] = symbol
        error_key = "$e:" + name

        def run(env: Env) -> None:
            env[name] = fn(env)
            env.pop(error_key, None)  # a rounding bound computed for the previous value is stale

        return run

    def when(self, node: ast.When, scope: Scope, *, top: bool) -> Fn:
        condition = self.expr(node.condition, scope)
        reason = self.template(node.reason, scope) if node.reason is not None else None
        described = self.describe_node(node.condition)

        if top:
            def run(env: Env) -> None:
                if not truthy(condition(env)):
                    raise NotApplicable(reason(env) if reason else f"条件不成立：{described}")
        else:
            def run(env: Env) -> None:
                if not truthy(condition(env)):
                    if reason is not None:
                        env["$s"].skips.append(reason(env))
                    raise SkipItem()

        return run

    def expect(self, node: ast.Expect, scope: Scope) -> Fn:
        condition = self.expr(node.condition, scope)
        message = self.template(node.message, scope) if node.message is not None else None
        at = self.expr(node.at, scope) if node.at is not None else None
        related = self.expr(node.related, scope) if node.related is not None else None
        values = tuple((name, self.expr(expr, scope)) for name, expr in node.values)
        severity = None
        if node.severity is not None:
            severity = self.severity(node.severity, node)
        described = self.describe_node(node.condition)

        def run(env: Env) -> None:
            state = env["$s"]
            state.evaluated += 1
            if truthy(condition(env)):
                return
            text = message(env) if message is not None else f"不满足：{described}"
            target = at(env) if at is not None else env.get("$at")
            others = related(env) if related is not None else ()
            state.add_finding(
                text,
                target,
                others,
                {name: fn(env) for name, fn in values},
                severity,
            )

        return run

    def severity(self, text: str, node: ast.Node):
        from compliance.findings import Severity

        try:
            return Severity.parse(text)
        except ValueError:
            hint = did_you_mean(text, [s.value for s in Severity])
            raise self.error(node, f"unknown severity {text!r}; expected note, warning or error{hint}") from None

    def template(self, node: ast.Template, scope: Scope) -> Fn:
        parts: list[Any] = []
        for part in node.parts:
            parts.append(part if isinstance(part, str) else self.expr(part, scope))
        frozen_parts = tuple(parts)

        def render(env: Env) -> str:
            return "".join(p if isinstance(p, str) else format_value(p(env)) for p in frozen_parts)

        return render

    def describe_node(self, node: ast.Node) -> str:
        """The source text of an expression, for default messages."""
        if self.text and node.line:
            line = self.text.splitlines()[node.line - 1]
            return line[node.column - 1 :].strip()
        return type(node).__name__

    # -- bindings --

    def binding_source(self, binding: ast.Binding, scope: Scope) -> tuple[Fn, Any]:
        if binding.kind is None:
            source, type_ = self.typed(binding.source, scope)
            item_type = type_.item if isinstance(type_, Many) else None

            def items(env: Env) -> tuple[Any, ...]:
                return iterate(source(env))

            return items, item_type
        if binding.kind not in KINDS:
            hint = did_you_mean(binding.kind, KINDS)
            kinds = ", ".join(KINDS)
            raise self.error(binding, f"unknown kind of element {binding.kind!r}{hint}; known kinds: {kinds}")
        cls, everywhere = KINDS[binding.kind]
        kind = binding.kind
        if binding.source is None:
            def items(env: Env) -> tuple[Any, ...]:
                return everywhere(env["$doc"])

            return items, cls
        source, source_type = self.typed(binding.source, scope)
        if source_type in MODEL_TYPES and not isinstance(source_type, Many) and (source_type, kind) not in CONTAINERS:
            raise self.error(binding.source, f"a {TYPE_NAMES[source_type]} holds no {kind} elements")

        def items(env: Env) -> tuple[Any, ...]:
            value = source(env)
            if isinstance(value, Document):
                return everywhere(value)
            if isinstance(value, (tuple, list)):
                return tuple(v for v in value if isinstance(v, cls))
            if value is None:
                return ()
            attribute = CONTAINERS.get((type(value), kind))
            if attribute is None:
                raise RuleRuntimeError(f"{describe(value)}中没有{kind}类元素")
            return tuple(v for v in getattr(value, attribute) if isinstance(v, cls))

        return items, cls

    def quantifier(self, node: ast.Quantifier, scope: Scope) -> tuple[Fn, Any]:
        inner = scope.child()
        items, item_type = self.binding_source(node.binding, scope)
        var = _env_key(node.binding)
        inner.symbols[node.binding.var] = Symbol("loop", item_type, key=var)
        where = self.expr(node.binding.where, inner) if node.binding.where is not None else None
        predicate = self.expr(node.predicate, inner) if node.predicate is not None else None
        kind = node.kind

        def matching(env: Env):
            return (predicate is None or truthy(predicate(env)) for _ in _each(env, items, var, where))

        if kind == "any":
            return (lambda env: any(matching(env))), bool
        if kind == "none":
            return (lambda env: not any(matching(env))), bool
        if kind == "count":
            return (lambda env: Decimal(sum(1 for ok in matching(env) if ok))), Decimal
        if predicate is None:
            # `all x in xs where P` reads as "every x satisfies P".
            return (lambda env: all(truthy(where(env)) for _ in _each(env, items, var, None))) if where else (lambda env: True), bool
        return (lambda env: all(matching(env))), bool

    # -- expressions --

    def expr(self, node: ast.Node, scope: Scope) -> Fn:
        return self.typed(node, scope)[0]

    def typed(self, node: ast.Node, scope: Scope) -> tuple[Fn, Any]:
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node, scope)

    def _number(self, node: ast.Number, scope: Scope):
        value = node.value
        return (lambda env: value), Decimal

    def _string(self, node: ast.String, scope: Scope):
        value = node.value
        return (lambda env: value), str

    def _bool(self, node: ast.Bool, scope: Scope):
        value = node.value
        return (lambda env: value), bool

    def _name(self, node: ast.Name, scope: Scope):
        symbol = scope.lookup(node.name)
        if symbol is None:
            hint = did_you_mean(node.name, scope.names() | set(self.functions))
            raise self.error(node, f"unknown name {node.name!r}{hint}")
        name = node.name
        if symbol.kind == "param":
            if name not in self.used_params:
                self.used_params.append(name)
            value = symbol.value
            return (lambda env: value), symbol.type
        if symbol.kind == "global":
            getter = GLOBALS[name][0]
            return (lambda env: getter(env["$doc"])), symbol.type
        key = symbol.key
        return (lambda env: env[key]), symbol.type

    def _attr(self, node: ast.Attr, scope: Scope):
        obj, type_ = self.typed(node.obj, scope)
        name = node.name
        result_type = self._check_field(node, type_, name)
        return (lambda env: get_attr(obj(env), name)), result_type

    def _check_field(self, node: ast.Node, type_: Any, name: str) -> Any:
        many = isinstance(type_, Many)
        cls = type_.item if many else type_
        if cls not in TYPE_NAMES:
            if cls in (str, bool, Decimal):
                raise self.error(node, f"a {_type_word(cls)} has no field {name!r}")
            return None
        fields = fields_of(cls)
        if name not in fields:
            if name in METHODS.get(cls, {}):
                raise self.error(node, f"{name!r} of a {TYPE_NAMES[cls]} is a method; call it as .{name}(…)")
            hint = did_you_mean(name, fields)
            raise self.error(node, f"unknown field {name!r} of a {TYPE_NAMES[cls]}{hint}")
        result = fields[name]
        if many:
            return result if isinstance(result, Many) else Many(result)
        return result

    def _method(self, node: ast.Method, scope: Scope):
        obj, type_ = self.typed(node.obj, scope)
        args = tuple(self.expr(a, scope) for a in node.args)
        name = node.name
        cls = type_.item if isinstance(type_, Many) else type_
        result_type: Any = None
        if cls in TYPE_NAMES:
            methods = METHODS.get(cls, {})
            if name not in methods:
                hint = did_you_mean(name, list(methods) + list(fields_of(cls)))
                raise self.error(node, f"a {TYPE_NAMES[cls]} has no method {name!r}{hint}")
            result_type = methods[name][1]
            if isinstance(type_, Many):
                result_type = Many(result_type)

        def run(env: Env) -> Any:
            env["$s"].step()
            return call_method(obj(env), name, tuple(a(env) for a in args))

        return run, result_type

    def _index(self, node: ast.Index, scope: Scope):
        obj, type_ = self.typed(node.obj, scope)
        key = self.expr(node.key, scope)
        result_type: Any = None
        if type_ is Row:
            result_type = Decimal
        elif isinstance(type_, Many) and type_.item is Row:
            result_type = Many(Decimal)
        elif isinstance(type_, Many):
            result_type = type_.item
        return (lambda env: get_index(obj(env), key(env))), result_type

    def _call(self, node: ast.Call, scope: Scope):
        function = self.functions.get(node.name)
        if function is None:
            hint = did_you_mean(node.name, self.functions)
            raise self.error(node, f"unknown function {node.name!r}{hint}")
        args = tuple(self.expr(a, scope) for a in node.args)
        with_document = getattr(function, "needs_document", False)
        if with_document and not self.in_rule:
            raise self.error(node, f"{node.name}() reads the document and cannot be used in a param")
        name = node.name

        def run(env: Env) -> Any:
            env["$s"].step()
            values = tuple(a(env) for a in args)
            try:
                if with_document:
                    return function(env["$doc"], *values)
                return function(*values)
            except (Missing, RuleRuntimeError, BudgetExceeded):
                raise
            except (TypeError, ValueError, ArithmeticError) as exc:
                raise RuleRuntimeError(f"{name}() 出错：{exc}") from None

        return run, _FUNCTION_TYPES.get(name)

    def _neg(self, node: ast.Neg, scope: Scope):
        operand = self.expr(node.operand, scope)
        return (lambda env: -number(operand(env), "-")), Decimal

    def _arith(self, node: ast.Arith, scope: Scope):
        left, right, op = self.expr(node.left, scope), self.expr(node.right, scope), node.op
        return (lambda env: arith(op, left(env), right(env))), Decimal

    def _coalesce(self, node: ast.Coalesce, scope: Scope):
        left, left_type = self.typed(node.left, scope)
        right = self.expr(node.right, scope)

        def run(env: Env) -> Any:
            value = left(env)
            return value if value is not None else right(env)

        return run, left_type

    def _compare(self, node: ast.Compare, scope: Scope):
        left, right, op = self.expr(node.left, scope), self.expr(node.right, scope), node.op
        if (node.rounding or node.tolerance is not None) and op not in ("==", "!="):
            raise self.error(node, "within applies to == and != only")
        if node.rounding:
            close = self.consistent(node.left, node.right, scope)
            return (close if op == "==" else (lambda env: not close(env))), bool
        if node.tolerance is not None:
            tolerance = self.expr(node.tolerance, scope)

            def near(env: Env) -> bool:
                a, b = left(env), right(env)
                if a is None and b is None:
                    return True
                return abs(number(a, "==") - number(b, "==")) <= number(tolerance(env), "within")

            return (near if op == "==" else (lambda env: not near(env))), bool
        if op == "==":
            return (lambda env: equal(left(env), right(env))), bool
        if op == "!=":
            return (lambda env: not equal(left(env), right(env))), bool
        return (lambda env: order(op, left(env), right(env))), bool

    def _test(self, node: ast.Test, scope: Scope):
        left = self.expr(node.left, scope)
        op = node.op
        if op in ("exists", "missing"):
            def present(env: Env) -> bool:
                try:
                    return exists(left(env))
                except Missing:
                    return False

            return (present if op == "exists" else (lambda env: not present(env))), bool
        if op == "matches":
            assert isinstance(node.right, ast.String)
            if _NESTED_REPEAT.search(node.right.value):
                raise self.error(node.right, "a repeated group that itself repeats (like (a+)+) can take "
                                             "exponential time; rewrite the regular expression without it")
            if _REPEATED_ALTERNATION.search(node.right.value):
                raise self.error(node.right, "a group of alternatives that repeats (like (a|aa)+) can take "
                                             "exponential time; rewrite the regular expression without it")
            try:
                pattern = re.compile(node.right.value)
            except re.error as exc:
                raise self.error(node.right, f"invalid regular expression: {exc}") from None

            def match(env: Env) -> bool:
                value = left(env)
                return value is not None and pattern.search(str(value)) is not None

            return match, bool
        right = self.expr(node.right, scope)
        if op == "~":
            return (lambda env: fuzzy_match(left(env), right(env))), bool
        if op == "contains":
            return (lambda env: contains(left(env), right(env))), bool
        if op == "in":
            return (lambda env: contains(right(env), left(env))), bool
        return (lambda env: not contains(right(env), left(env))), bool

    def _logic(self, node: ast.Logic, scope: Scope):
        operands = tuple(self.expr(o, scope) for o in node.operands)
        if len(operands) == 2:
            # The common case, without a generator per evaluation (rules run this in their inner loops).
            first, second = operands
            if node.op == "and":
                return (lambda env: truthy(first(env)) and truthy(second(env))), bool
            return (lambda env: truthy(first(env)) or truthy(second(env))), bool
        if node.op == "and":
            return (lambda env: all(truthy(o(env)) for o in operands)), bool
        return (lambda env: any(truthy(o(env)) for o in operands)), bool

    def _not(self, node: ast.Not, scope: Scope):
        operand = self.expr(node.operand, scope)
        return (lambda env: not truthy(operand(env))), bool

    def _conditional(self, node: ast.Conditional, scope: Scope):
        condition = self.expr(node.condition, scope)
        then, then_type = self.typed(node.then, scope)
        otherwise = self.expr(node.otherwise, scope)
        return (lambda env: then(env) if truthy(condition(env)) else otherwise(env)), then_type

    def _quantifier(self, node: ast.Quantifier, scope: Scope):
        return self.quantifier(node, scope)

    def _listlit(self, node: ast.ListLit, scope: Scope):
        items = tuple(self.expr(i, scope) for i in node.items)
        return (lambda env: tuple(i(env) for i in items)), Many(None)

    def _comprehension(self, node: ast.Comprehension, scope: Scope):
        inner = scope.child()
        items, item_type = self.binding_source(node.binding, scope)
        var = _env_key(node.binding)
        inner.symbols[node.binding.var] = Symbol("loop", item_type, key=var)
        where = self.expr(node.binding.where, inner) if node.binding.where is not None else None
        expr, expr_type = self.typed(node.expr, inner)

        def run(env: Env) -> tuple[Any, ...]:
            return tuple(expr(env) for _ in _each(env, items, var, where))

        return run, Many(expr_type)

    # -- rounding error bounds --


_UNSET = object()
#: A quantified group containing a quantifier: the shape of catastrophic backtracking.
_NESTED_REPEAT = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{]")
#: A group with alternatives (an unescaped ``|``) under ``* + ? {``: alternatives that overlap,
#: like ``(a|aa)+``, backtrack exponentially too, and telling overlap apart is not worth the risk.
_REPEATED_ALTERNATION = re.compile(r"\((?:[^()\\]|\\.)*\|(?:[^()\\]|\\.)*\)[*+?{]")

_FUNCTION_TYPES: dict[str, Any] = {
    "sum": Decimal, "count": Decimal, "min": Decimal, "max": Decimal, "abs": Decimal, "round": Decimal,
    "len": Decimal, "text": str, "any": bool, "all": bool, "none": bool, "table": Table, "section": Section,
    "normalize": str,
}


def _env_key(node: ast.Node) -> str:
    """A run-time env key unique to one declaration (a let, or a binding's variable)."""
    name = node.name if isinstance(node, ast.Let) else node.var
    return f"{name}@{node.line}:{node.column}"


def _each(env: Env, items: Fn, var: str, where: Fn | None):
    """Bind ``var`` to each item that passes ``where``, one step each; unbind it afterwards."""
    state = env["$s"]
    saved = env.get(var, _UNSET)
    try:
        for item in items(env):
            state.step()
            env[var] = item
            if where is None or truthy(where(env)):
                yield item
    finally:
        _restore(env, var, saved)


def _restore(env: Env, var: str, saved: Any) -> None:
    if saved is _UNSET:
        env.pop(var, None)
    else:
        env[var] = saved


def _static_of_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return Many(None)
    if isinstance(value, (Decimal, str, bool)):
        return type(value)
    return None


def _type_word(cls: type) -> str:
    return {str: "text", bool: "true/false value", Decimal: "number"}.get(cls, cls.__name__)


__all__ = ["BudgetExceeded", "Compiler", "NotApplicable", "RuleRuntimeError", "Scope", "SkipItem"]
