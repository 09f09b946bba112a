"""Compile the AST once into closures; evaluating a rule never re-dispatches on node types.

Each expression becomes ``fn(env) -> value``; each statement ``fn(env) -> None``.
``env`` is a dict of the names in scope plus the run state (``$s``) and the
document (``$doc``).  Names, fields, methods and functions are resolved here,
at compile time, so a misspelling is a :class:`RuleError` with "did you mean"
before any document is read.

Rounding-aware comparison (``a == b within rounding``) compiles each side a
second time into an *error bound*: every figure read from the document stands
for ±half a unit of its last printed decimal, literals and params are exact,
and bounds propagate through arithmetic (sums add them), so ``total == sum(xs)``
holds when ``|total − Σ| ≤ 0.005·(n + 1)`` for two-decimal figures, the
interval semantics of XBRL Calculations 1.1.
"""

from __future__ import annotations

import re
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any, Callable, Mapping

from compliance.dsl import ast
from compliance.dsl.errors import did_you_mean, rule_error
from compliance.dsl.functions import (
    BUILTINS,
    Missing,
    describe,
    format_value,
    fuzzy_match,
    half_unit,
    truthy,
)
from compliance.dsl.schema import METHODS, MODEL_TYPES, TYPE_NAMES, Many, fields_of, relation_fields
from compliance.errors import RuleError
from compliance.model import (
    Cell,
    Column,
    Document,
    Fact,
    Indicator,
    Paragraph,
    PerfTable,
    Row,
    Section,
    Table,
)

Env = dict
Fn = Callable[[Env], Any]


class RuleRuntimeError(Exception):
    """A rule met a value it cannot handle (a blank in arithmetic, a wrong type); message in Chinese."""


class BudgetExceeded(Exception):
    """A rule took more steps than allowed."""


class SkipItem(Exception):
    """A ``when`` guard inside a loop was false: go on with the next item."""


class NotApplicable(Exception):
    """A ``when`` guard at a rule's top was false."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---- the model as rules see it ---------------------------------------------


def _all_sections(document: Document) -> tuple[Section, ...]:
    return tuple(document.all_sections())


def _all_indicators(document: Document) -> tuple[Indicator, ...]:
    return tuple(i for p in document.perf_tables for i in p.indicators)


#: Names every rule can read.  name → (getter(document), static type).
GLOBALS: dict[str, tuple[Callable[[Document], Any], Any]] = {
    "document": (lambda d: d, Document),
    "tables": (lambda d: d.tables, Many(Table)),
    "perf_tables": (lambda d: d.perf_tables, Many(PerfTable)),
    "facts": (lambda d: d.facts, Many(Fact)),
    "paragraphs": (lambda d: d.paragraphs, Many(Paragraph)),
    "sections": (_all_sections, Many(Section)),
    "indicators": (_all_indicators, Many(Indicator)),
    "meta": (lambda d: d.meta, None),
}

#: ``for KIND x`` — the element type, and where to find them in the document.
KINDS: dict[str, tuple[type, Callable[[Document], Any]]] = {
    "table": (Table, lambda d: d.tables),
    "perf": (PerfTable, lambda d: d.perf_tables),
    "fact": (Fact, lambda d: d.facts),
    "paragraph": (Paragraph, lambda d: d.paragraphs),
    "section": (Section, _all_sections),
    "indicator": (Indicator, _all_indicators),
    "row": (Row, lambda d: tuple(r for t in d.tables for r in t.rows)),
    "column": (Column, lambda d: tuple(c for t in d.tables for c in t.columns)),
    "cell": (Cell, lambda d: tuple(c for t in d.tables for r in t.rows for c in r.cells)),
}

#: ``for KIND x in CONTAINER`` — which field of the container holds them.
CONTAINERS: dict[tuple[type, str], str] = {
    (Table, "row"): "rows",
    (Table, "column"): "columns",
    (Table, "table"): "sides",
    (Row, "cell"): "cells",
    (Row, "row"): "children",
    (PerfTable, "indicator"): "indicators",
    (Section, "section"): "children",
    (Section, "table"): "blocks",
    (Section, "perf"): "blocks",
    (Section, "paragraph"): "blocks",
    (Fact, "fact"): "items",
}

_SPANNED = (Table, Row, Cell, PerfTable, Indicator, Paragraph, Fact, Section)


# ---- runtime helpers (called from closures) ---------------------------------


def get_attr(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, tuple):
        out: list[Any] = []
        for item in obj:
            value = get_attr(item, name)
            if isinstance(value, tuple) and item is not None and name in relation_fields(type(item)):
                out.extend(value)
            else:
                out.append(value)
        return tuple(out)
    cls = type(obj)
    if cls in TYPE_NAMES and name in fields_of(cls):
        return getattr(obj, name)
    raise RuleRuntimeError(f"{describe(obj)}没有可读的字段「{name}」")


def call_method(obj: Any, name: str, args: tuple[Any, ...]) -> Any:
    if obj is None:
        return None
    if isinstance(obj, tuple):
        return tuple(call_method(item, name, args) for item in obj)
    entry = METHODS.get(type(obj), {}).get(name)
    if entry is None:
        raise RuleRuntimeError(f"{describe(obj)}没有方法「{name}」")
    return entry[0](obj, *args)


def row_value(row: Row, column: Column) -> Decimal | None:
    """The amount of ``row`` in ``column`` (cells usually stand at their column's position)."""
    cells, position = row.cells, column.index
    cell = cells[position] if position < len(cells) and cells[position].column == position else row.cell(position)
    return cell.value if cell is not None else None


def get_index(obj: Any, key: Any) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Row):
        if isinstance(key, Column):
            return row_value(obj, key)
        raise RuleRuntimeError("行只能按列取值，例如 r[c]（c 来自 t.amount_columns 或 t.column(\"…\")）；按列名取值请用 t.value(r, \"列名\")")
    if isinstance(obj, tuple):
        if isinstance(key, Decimal):
            position = int(key)
            return obj[position] if -len(obj) <= position < len(obj) else None
        if isinstance(key, Column) and all(type(item) is Row for item in obj):
            return tuple(row_value(item, key) for item in obj)
        return tuple(get_index(item, key) for item in obj)
    if isinstance(obj, Mapping):
        return obj.get(str(key))
    raise RuleRuntimeError(f"{describe(obj)}不能按「{format_value(key)}」取值")


def _number(value: Any, op: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if value is None:
        raise RuleRuntimeError(f"空值不能参与运算（{op}）")
    raise RuleRuntimeError(f"{describe(value)}不能参与运算（{op}）")


def arith(op: str, a: Any, b: Any) -> Decimal:
    a, b = _number(a, op), _number(b, op)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        raise RuleRuntimeError("除数为零")
    return a / b


def equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def order(op: str, a: Any, b: Any) -> bool:
    if a is None or b is None:
        raise RuleRuntimeError(f"空值不能比较大小（{op}）")
    if isinstance(a, Decimal) != isinstance(b, Decimal):
        raise RuleRuntimeError(f"{describe(a)}与{describe(b)}不能比较大小")
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def exists(value: Any) -> bool:
    return value is not None and value != () and value != ""


def iterate(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, (tuple, list)):
        return tuple(value)
    raise RuleRuntimeError(f"{describe(value)}不能逐项遍历")


def contains(container: Any, item: Any) -> bool:
    if container is None:
        return False
    if isinstance(container, str):
        return item is not None and str(item) in container
    if isinstance(container, (tuple, list)):
        return any(equal(element, item) for element in container)
    raise RuleRuntimeError(f"{describe(container)}不能判断是否包含")


# ---- compile-time scope -----------------------------------------------------


class Symbol:
    __slots__ = ("kind", "type", "node", "scope", "value", "error")

    def __init__(self, kind: str, type_: Any, node: ast.Node | None = None, scope: "Scope | None" = None,
                 value: Any = None) -> None:
        self.kind = kind  # "param" | "let" | "loop" | "global"
        self.type = type_
        self.node = node
        self.scope = scope
        self.value = value
        self.error: Fn | None = None


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


class Compiler:
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
        var = node.binding.var
        inner.symbols[var] = Symbol("loop", item_type)
        where = self.expr(node.binding.where, inner) if node.binding.where is not None else None
        body = self.statements(node.body, inner, top=False)

        def run(env: Env) -> None:
            saved_at = env.get("$at")
            try:
                for item in _each(env, items, var, where):
                    if isinstance(item, _SPANNED):
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
        symbol = Symbol("let", type_, node.expr, scope)
        scope.symbols[node.name] = symbol
        name, error_key = node.name, "$e:" + node.name

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
        var = node.binding.var
        inner.symbols[var] = Symbol("loop", item_type)
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
        return (lambda env: env[name]), symbol.type

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
        return (lambda env: -_number(operand(env), "-")), Decimal

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
            left_error, right_error = self.error_bound(node.left, scope), self.error_bound(node.right, scope)

            def close(env: Env) -> bool:
                a, b = _number(left(env), "=="), _number(right(env), "==")
                return abs(a - b) <= _scalar(left_error(env)) + _scalar(right_error(env))

            return (close if op == "==" else (lambda env: not close(env))), bool
        if node.tolerance is not None:
            tolerance = self.expr(node.tolerance, scope)

            def near(env: Env) -> bool:
                a, b = left(env), right(env)
                if a is None and b is None:
                    return True
                return abs(_number(a, "==") - _number(b, "==")) <= _number(tolerance(env), "within")

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
        var = node.binding.var
        inner.symbols[var] = Symbol("loop", item_type)
        where = self.expr(node.binding.where, inner) if node.binding.where is not None else None
        expr, expr_type = self.typed(node.expr, inner)

        def run(env: Env) -> tuple[Any, ...]:
            return tuple(expr(env) for _ in _each(env, items, var, where))

        return run, Many(expr_type)

    # -- rounding error bounds --

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
                    name = node.name
                    return lambda env: _value_error(env[name])
                if symbol.error is None:
                    symbol.error = self.error_bound(symbol.node, symbol.scope)
                compute, key = symbol.error, "$e:" + node.name

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
                a, b = abs(_number(left(env), "*")), abs(_number(right(env), "*"))
                ea, eb = _scalar(left_error(env)), _scalar(right_error(env))
                return a * eb + b * ea + ea * eb

            return product

        def quotient(env: Env) -> Decimal:
            a, b = abs(_number(left(env), "/")), abs(_number(right(env), "/"))
            ea, eb = _scalar(left_error(env)), _scalar(right_error(env))
            if b <= eb:
                return Decimal("Infinity")  # the divisor may be zero: any quotient is consistent
            # The widest deviation of (a ± ea) / (b ± eb) from a / b.
            return (a * eb + b * ea) / (b * (b - eb))

        return quotient


_ZERO = Decimal(0)
_UNSET = object()

_FUNCTION_TYPES: dict[str, Any] = {
    "sum": Decimal, "count": Decimal, "min": Decimal, "max": Decimal, "abs": Decimal, "round": Decimal,
    "len": Decimal, "text": str, "any": bool, "all": bool, "none": bool, "table": Table, "section": Section,
    "normalize": str,
}


def _structural(node: ast.Node) -> bool:
    """Whether ``error_bound`` derives ``node``'s bound from its parts rather than from its value."""
    if isinstance(node, (ast.Number, ast.String, ast.Bool, ast.Name, ast.Neg, ast.Arith, ast.Coalesce,
                         ast.Conditional, ast.ListLit)):
        return True
    return isinstance(node, ast.Call) and node.name in ("sum", "abs", "round")


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


def _static_of_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return Many(None)
    if isinstance(value, (Decimal, str, bool)):
        return type(value)
    return None


def _type_word(cls: type) -> str:
    return {str: "text", bool: "true/false value", Decimal: "number"}.get(cls, cls.__name__)


__all__ = [
    "BUILTINS",
    "BudgetExceeded",
    "Compiler",
    "DivisionByZero",
    "InvalidOperation",
    "Missing",
    "NotApplicable",
    "RuleRuntimeError",
    "Scope",
    "SkipItem",
]
