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

import functools
import operator
import re
from decimal import Decimal
from typing import Any, Callable, Mapping

from compliance.dsl import ast, loops
from compliance.dsl.errors import did_you_mean, rule_error
from compliance.dsl.functions import Missing, describe, format_value, fuzzy_match, truthy
from compliance.dsl.rounding import RoundingBounds
from compliance.dsl.schema import METHODS, MODEL_TYPES, TYPE_NAMES, Many, fields_of
from compliance.dsl.values import (
    COMPUTED,
    CONTAINERS,
    GLOBALS,
    KINDS,
    SPANNED,
    BudgetExceeded,
    Env,
    Fn,
    NotApplicable,
    RuleRuntimeError,
    SKIP,
    arith,
    call_method,
    contains,
    contains_text,
    equal,
    exists,
    get_attr,
    iterate,
    minus,
    number,
    ordered,
    plus,
    read_index,
)
from compliance.errors import RuleError
from compliance.model import Document, Row, Section, Table

try:  # the parser ``re`` itself uses, to see a pattern's structure
    from re import _parser as _regex_parser  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _regex_parser


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

    def snapshot(self) -> "Scope":
        """This scope as it is now: a later ``let`` of a name already here does not change it."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.symbols = dict(self.symbols)
        return copy

    def lookup(self, name: str) -> Symbol | None:
        scope: Scope = self
        while True:
            symbol = scope.symbols.get(name)
            if symbol is not None:
                return symbol
            if scope.parent is None:
                return scope.missing(name)
            scope = scope.parent

    def missing(self, name: str) -> Symbol | None:
        """A name no scope declares: the root may still know it."""
        return None

    def own_names(self) -> set[str]:
        return set(self.symbols)

    def names(self) -> set[str]:
        names: set[str] = set()
        scope: Scope | None = self
        while scope is not None:
            names.update(scope.own_names())
            scope = scope.parent
        return names


class RootScope(Scope):
    """The params and (in a rule) the document's names; their symbols are made when first looked up.

    A rule reads a handful of a pack's many params, and every rule compiles in a root scope of its own.
    A global name wins over a param of the same name; a top-level ``let`` over both.
    """

    def __init__(self, params: Mapping[str, Any], with_globals: bool) -> None:
        super().__init__()
        self.params = params
        self.with_globals = with_globals

    def missing(self, name: str) -> Symbol | None:
        if self.with_globals and name in GLOBALS:
            symbol = Symbol("global", GLOBALS[name][1])
        elif name in self.params:
            value = self.params[name]
            symbol = Symbol("param", _static_of_value(value), value=value)
        else:
            return None
        self.symbols[name] = symbol
        return symbol

    def own_names(self) -> set[str]:
        return set(self.symbols) | set(self.params) | (set(GLOBALS) if self.with_globals else set())


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
        #: Env keys of the lets and loop variables the compiled closures read.
        self.env_reads: set[str] = set()

    def error(self, node: ast.Node, message: str) -> RuleError:
        return rule_error(message, source=self.source, text=self.text, line=node.line or None, column=node.column or None)

    def root_scope(self) -> Scope:
        return RootScope(self.params, self.in_rule)

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
        # Statements are compiled in rules only (a param is an expression).
        where, plan = self.filter(node.binding, item_type, inner)
        body = tuple(self.statements(node.body, inner, top=False))
        spanned = isinstance(item_type, type) and issubclass(item_type, SPANNED)
        return loops.runner(items, var, where, plan, loops.FOR, body=body, spanned=spanned)

    def let(self, node: ast.Let, scope: Scope) -> Fn:
        fn, type_ = self.typed(node.expr, scope)
        name = _env_key(node)
        # The names in the value are those in scope here (a rounding bound reads them later).
        symbol = Symbol("let", type_, node.expr, scope.snapshot(), key=name)
        scope.symbols[node.name] = symbol
        error_key = "$e:" + name

        def run(env: Env) -> None:
            env[name] = fn(env)
            if symbol.error is not None:  # compiled only when a `within rounding` reads the name
                env.pop(error_key, None)  # a rounding bound computed for the previous value is stale

        return run

    def when(self, node: ast.When, scope: Scope, *, top: bool) -> Fn:
        condition = self.condition(node.condition, scope)
        reason = self.template(node.reason, scope) if node.reason is not None else None
        described = self.describe_node(node.condition)

        if top:
            def run(env: Env) -> None:
                if not condition(env):
                    raise NotApplicable(reason(env) if reason else f"条件不成立：{described}")
        else:
            def run(env: Env) -> object:
                if not condition(env):
                    if reason is not None:
                        env["$s"].skips.append(reason(env))
                    return SKIP  # the loop goes on with its next item
                return None

        return run

    def expect(self, node: ast.Expect, scope: Scope) -> Fn:
        condition = self.condition(node.condition, scope)
        report = self.finding(node, scope)

        def run(env: Env) -> None:
            env["$s"].evaluated += 1
            if not condition(env):
                report(env)

        return run

    def finding(self, node: ast.Expect, scope: Scope) -> Fn:
        """``fn(env)`` adding the finding of ``node`` when its condition fails: message, place, values."""
        message = self.template(node.message, scope) if node.message is not None else None
        at = self.expr(node.at, scope) if node.at is not None else None
        related = self.expr(node.related, scope) if node.related is not None else None
        values = tuple((name, self.expr(expr, scope)) for name, expr in node.values)
        severity = None
        if node.severity is not None:
            severity = self.severity(node.severity, node)
        described = self.describe_node(node.condition)

        def report(env: Env) -> None:
            env["$s"].add_finding(
                message(env) if message is not None else f"不满足：{described}",
                at(env) if at is not None else env.get("$at"),
                related(env) if related is not None else (),
                {name: fn(env) for name, fn in values},
                severity,
            )

        return report

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
            line = _source_lines(self.text)[node.line - 1]
            return line[node.column - 1 :].strip()
        return type(node).__name__

    # -- bindings --

    def binding_source(self, binding: ast.Binding, scope: Scope) -> tuple[Fn, Any]:
        if binding.kind is None:
            source, type_ = self.typed(binding.source, scope)
            item_type = type_.item if isinstance(type_, Many) else None

            def items(env: Env) -> tuple[Any, ...]:
                value = source(env)
                return value if value.__class__ is tuple else iterate(value)

            return items, item_type
        cls, collect = self.kind_of(binding)
        if binding.source is None:
            return (lambda env: collect(env, env["$doc"])), cls
        source, source_type = self.typed(binding.source, scope)
        elements = self.elements(binding, cls, collect, source_type)
        return (lambda env: elements(env, source(env))), cls

    def kind_of(self, binding: ast.Binding) -> tuple[type, Callable[[Env, Document], tuple[Any, ...]]]:
        """The class of a binding's kind (``row r``), and ``collect(env, document)``: every such element."""
        if binding.kind not in KINDS:
            hint = did_you_mean(binding.kind, KINDS)
            kinds = ", ".join(KINDS)
            raise self.error(binding, f"unknown kind of element {binding.kind!r}{hint}; known kinds: {kinds}")
        cls, everywhere = KINDS[binding.kind]
        # In a rule, collections built from the document are built once per evaluation, and the
        # same collection is the same tuple each time (the indexes of a filter key on it).
        if self.in_rule and everywhere in COMPUTED:
            build = everywhere

            def collect(env: Env, document: Document) -> tuple[Any, ...]:
                return env["$m"].of(build, document, build)
        else:
            def collect(env: Env, document: Document) -> tuple[Any, ...]:
                return everywhere(document)

        return cls, collect

    def elements(self, binding: ast.Binding, cls: type, collect: Callable[[Env, Document], tuple[Any, ...]],
                 source_type: Any) -> Callable[[Env, Any], tuple[Any, ...]]:
        """``elements(env, value)``: the elements of the binding's kind in ``value`` (``row r in t``)."""
        kind = binding.kind
        if source_type in MODEL_TYPES and not isinstance(source_type, Many) and (source_type, kind) not in CONTAINERS:
            raise self.error(binding.source, f"a {TYPE_NAMES[source_type]} holds no {kind} elements")
        shared = self.in_rule
        name = ("members", kind)

        def members(value: Any) -> tuple[Any, ...]:
            attribute = CONTAINERS.get((type(value), kind))
            if attribute is None:
                raise RuleRuntimeError(f"{describe(value)}中没有{kind}类元素")
            return _of_class(getattr(value, attribute), cls)

        def elements(env: Env, value: Any) -> tuple[Any, ...]:
            if isinstance(value, Document):
                return collect(env, value)
            if isinstance(value, (tuple, list)):
                return _of_class(value, cls)
            if value is None:
                return ()
            if shared:
                return env["$m"].of(name, value, members)
            return members(value)

        return elements

    def filter(self, binding: ast.Binding, item_type: Any, inner: Scope) -> tuple[Fn | None, loops.IndexPlan | None]:
        """A rule's compiled ``where`` (a bool), and the index plan when its first condition can use one."""
        if binding.where is None:
            return None, None
        parts = loops.conjuncts(binding.where)
        conditions = [self.condition(part, inner) for part in parts]
        where = loops.all_of(conditions)
        fields = _scalar_fields(item_type) if item_type in TYPE_NAMES else ()
        found = loops.indexable_filter(parts[0], binding.var, fields) if fields else None
        if found is None:
            return where, None
        field, value = found
        return where, loops.IndexPlan(item_type, field, self.expr(value, inner), loops.all_of(conditions[1:]))

    def quantifier(self, node: ast.Quantifier, scope: Scope) -> tuple[Fn, Any]:
        inner = scope.child()
        items, item_type = self.binding_source(node.binding, scope)
        var = _env_key(node.binding)
        inner.symbols[node.binding.var] = Symbol("loop", item_type, key=var)
        kind = node.kind
        if self.in_rule:
            membership = self._membership(node, inner, items, var)
            if membership is not None:
                return membership, bool
            if kind == "all" and node.predicate is None:
                if node.binding.where is None:
                    return (lambda env: True), bool
                # `all x in xs where P` reads as "every x satisfies P".
                every = self.condition(node.binding.where, inner)
                return loops.runner(items, var, None, None, loops.ALL, value=every), bool
            where, plan = self.filter(node.binding, item_type, inner)
            predicate = self.condition(node.predicate, inner) if node.predicate is not None else None
            if kind == "count":
                return loops.runner(items, var, where, plan, loops.COUNT, value=predicate), Decimal
            found = loops.runner(items, var, where, plan, loops.ALL if kind == "all" else loops.ANY, value=predicate)
            if kind == "none":
                return (lambda env: not found(env)), bool
            return found, bool
        where = self.expr(node.binding.where, inner) if node.binding.where is not None else None
        predicate = self.expr(node.predicate, inner) if node.predicate is not None else None

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

    def _membership(self, node: ast.Quantifier, inner: Scope, items: Fn, var: str) -> Fn | None:
        """``any|none|all k in L where TEXT contains k`` (or ``satisfies`` it), compiled to a containment loop."""
        text = _containment_text(node)
        if text is None:
            return None
        found = loops.containment_runner(items, var, self.expr(text, inner), node.kind != "all")
        return (lambda env: not found(env)) if node.kind == "none" else found

    # -- expressions --

    def expr(self, node: ast.Node, scope: Scope) -> Fn:
        return self.typed(node, scope)[0]

    def typed(self, node: ast.Node, scope: Scope) -> tuple[Fn, Any]:
        key = (type(self), type(node))
        method = _DISPATCH.get(key)
        if method is None:
            method = _DISPATCH[key] = getattr(type(self), "_" + type(node).__name__.lower())
        return method(self, node, scope)

    def condition(self, node: ast.Node, scope: Scope) -> Fn:
        """``node`` compiled as a condition: its truth as a bool (tests and comparisons are one already)."""
        fn = self.expr(node, scope)
        if isinstance(node, _BOOL_NODES) or (isinstance(node, ast.Quantifier) and node.kind != "count"):
            return fn
        return lambda env: truthy(fn(env))

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
            if getter in COMPUTED:
                return (lambda env: env["$m"].of(getter, env["$doc"], getter)), symbol.type
            return (lambda env: getter(env["$doc"])), symbol.type
        self.env_reads.add(symbol.key)
        return operator.itemgetter(symbol.key), symbol.type

    def _attr(self, node: ast.Attr, scope: Scope):
        obj, type_ = self.typed(node.obj, scope)
        name = node.name
        result_type = self._check_field(node, type_, name)
        if type_ not in TYPE_NAMES:
            return (lambda env: get_attr(obj(env), name)), result_type
        cls = type_
        key = self._variable(node.obj, scope)
        if key is not None:
            def read_variable(env: Env) -> Any:
                # read() below with the variable's lookup inline: `f.kind` is the commonest expression.
                value = env[key]
                if value.__class__ is cls:
                    found = getattr(value, name)
                    return Decimal(found) if found.__class__ is int else found
                return get_attr(value, name)

            return read_variable, result_type

        def read(env: Env) -> Any:
            # The field is known readable for the static type; anything else takes the checked way.
            value = obj(env)
            if value.__class__ is cls:
                found = getattr(value, name)
                # As get_attr: a model integer (a level, an ordinal) is read as a Decimal.
                return Decimal(found) if found.__class__ is int else found
            return get_attr(value, name)

        return read, result_type

    def _constant(self, node: ast.Node, scope: Scope) -> Any:
        """The value of a literal or a param (compile it first: that records the param as used), else _UNSET."""
        if isinstance(node, (ast.Number, ast.String, ast.Bool)):
            return node.value
        if isinstance(node, ast.Name):
            symbol = scope.lookup(node.name)
            if symbol is not None and symbol.kind == "param":
                return symbol.value
        return _UNSET

    def _constant_texts(self, node: ast.Node, scope: Scope) -> tuple[str, ...] | None:
        """The texts of a list that is a param or a literal of texts, else None."""
        if isinstance(node, ast.ListLit) and all(isinstance(i, ast.String) for i in node.items):
            return tuple(i.value for i in node.items)
        value = self._constant(node, scope)
        if isinstance(value, tuple) and all(v.__class__ is str for v in value):
            return value
        return None

    def _variable(self, node: ast.Node, scope: Scope) -> str | None:
        """The env key of ``node`` when it names a let or a loop variable."""
        if isinstance(node, ast.Name):
            symbol = scope.lookup(node.name)
            if symbol is not None and symbol.kind in ("let", "loop"):
                self.env_reads.add(symbol.key)
                return symbol.key
        return None

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
        result_type, static, method = self.method_of(node, type_)
        call = checked_method(node.name, static, method)
        if len(args) == 1:
            (only,) = args
            return (lambda env: call(env["$s"], obj(env), only(env))), result_type
        return (lambda env: call(env["$s"], obj(env), *[a(env) for a in args])), result_type

    def method_of(self, node: ast.Method, type_: Any) -> tuple[Any, type | None, Callable[..., Any] | None]:
        """The result type of ``obj.name(…)`` on a value of static ``type_``, that type when it is a model
        type, and the method to call directly on a value of it (anything else goes through call_method)."""
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
        static = type_ if type_ in TYPE_NAMES else None
        return result_type, static, METHODS[static][name][0] if static is not None else None

    def _index(self, node: ast.Index, scope: Scope):
        obj, type_ = self.typed(node.obj, scope)
        key, key_type = self.typed(node.key, scope)
        return (lambda env: read_index(obj(env), key(env))), index_type(type_, key_type)

    def _call(self, node: ast.Call, scope: Scope):
        function = self.function_of(node)
        args = tuple(self.expr(a, scope) for a in node.args)
        with_document = self.reads_document(node, function)
        call = checked_call(function, node.name, len(args) + with_document)
        result_type = _FUNCTION_TYPES.get(node.name)
        if with_document:
            if len(args) == 1:
                (only,) = args
                return (lambda env: call(env["$s"], env["$doc"], only(env))), result_type
            return (lambda env: call(env["$s"], env["$doc"], *[a(env) for a in args])), result_type
        if len(args) == 1:
            (only,) = args
            return (lambda env: call(env["$s"], only(env))), result_type
        return (lambda env: call(env["$s"], *[a(env) for a in args])), result_type

    def function_of(self, node: ast.Call) -> Callable[..., Any]:
        function = self.functions.get(node.name)
        if function is None:
            hint = did_you_mean(node.name, self.functions)
            raise self.error(node, f"unknown function {node.name!r}{hint}")
        return function

    def reads_document(self, node: ast.Call, function: Callable[..., Any]) -> bool:
        """Whether ``function`` is passed the document first (a param, computed before any document, may not)."""
        with_document = getattr(function, "needs_document", False)
        if with_document and not self.in_rule:
            raise self.error(node, f"{node.name}() reads the document and cannot be used in a param")
        return with_document

    def _neg(self, node: ast.Neg, scope: Scope):
        operand = self.expr(node.operand, scope)
        return (lambda env: -number(operand(env), "-")), Decimal

    def _arith(self, node: ast.Arith, scope: Scope):
        left, right, op = self.expr(node.left, scope), self.expr(node.right, scope), node.op
        if op not in ("+", "-"):
            return (lambda env: arith(op, left(env), right(env))), Decimal
        return (lambda env: plus(left(env), right(env))) if op == "+" else (lambda env: minus(left(env), right(env))), Decimal

    def _coalesce(self, node: ast.Coalesce, scope: Scope):
        left, left_type = self.typed(node.left, scope)
        right = self.expr(node.right, scope)
        fallback = self._constant(node.right, scope)
        if fallback is not _UNSET:
            def or_constant(env: Env) -> Any:
                value = left(env)
                return value if value is not None else fallback

            return or_constant, left_type

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
        constant = self._constant(node.right, scope)
        if op in ("==", "!="):
            same = op == "=="
            if constant.__class__ in (str, Decimal):

                def against_constant(env: Env) -> bool:
                    # equal() inline: a bool equals only itself, and the constant is none.
                    a = left(env)
                    return (a.__class__ is not bool and a == constant) is same

                return against_constant, bool

            return (lambda env: equal(left(env), right(env)) is same), bool

        if constant.__class__ is Decimal:
            return (lambda env: ordered(op, left(env), constant)), bool
        return (lambda env: ordered(op, left(env), right(env))), bool

    def _test(self, node: ast.Test, scope: Scope):
        left = self.expr(node.left, scope)
        op = node.op
        if op in ("exists", "missing"):
            key = self._variable(node.left, scope)
            if key is not None:
                def present_variable(env: Env) -> bool:
                    # exists() with its commonest answers inline; reading a variable cannot be Missing.
                    value = env[key]
                    if value is None:
                        return False
                    return value.__class__ is Decimal or exists(value)

                return (present_variable if op == "exists" else (lambda env: not present_variable(env))), bool

            def present(env: Env) -> bool:
                try:
                    return exists(left(env))
                except Missing:
                    return False

            return (present if op == "exists" else (lambda env: not present(env))), bool
        if op == "matches":
            pattern = self.pattern(node)

            def match(env: Env) -> bool:
                value = left(env)
                return value is not None and pattern.search(str(value)) is not None

            return match, bool
        right = self.expr(node.right, scope)
        if op == "~":
            return (lambda env: fuzzy_match(left(env), right(env))), bool
        if op == "contains":
            return (lambda env: contains_text(left(env), right(env))), bool
        member = op == "in"
        texts = self._constant_texts(node.right, scope)
        if texts is not None:
            # A list of texts written in the rule or a param: a set answers for a text at once.
            listed = frozenset(texts)

            def in_texts(env: Env) -> bool:
                item = left(env)
                if item.__class__ is str:
                    return (item in listed) is member
                return contains(right(env), item) is member

            return in_texts, bool
        return (lambda env: contains(right(env), left(env)) is member), bool

    def pattern(self, node: ast.Test) -> re.Pattern[str]:
        """The compiled regular expression of ``x matches "…"``, refused when it may backtrack exponentially."""
        assert isinstance(node.right, ast.String)
        try:
            pattern = re.compile(node.right.value)
        except re.error as exc:
            raise self.error(node.right, f"invalid regular expression: {exc}") from None
        hazard = _backtracking_hazard(_regex_parser.parse(node.right.value).data)
        if hazard is not None:
            raise self.error(node.right, _HAZARDS[hazard])
        return pattern

    def _logic(self, node: ast.Logic, scope: Scope):
        operands = tuple(self.condition(o, scope) for o in node.operands)
        if node.op == "and":
            return loops.all_of(operands), bool
        if len(operands) == 2:
            first, second = operands
            return (lambda env: first(env) or second(env)), bool

        def either(env: Env) -> bool:
            for operand in operands:
                if operand(env):
                    return True
            return False

        return either, bool

    def _not(self, node: ast.Not, scope: Scope):
        operand = self.condition(node.operand, scope)
        return (lambda env: not operand(env)), bool

    def _conditional(self, node: ast.Conditional, scope: Scope):
        condition = self.condition(node.condition, scope)
        then, then_type = self.typed(node.then, scope)
        otherwise = self.expr(node.otherwise, scope)
        return (lambda env: then(env) if condition(env) else otherwise(env)), then_type

    def _quantifier(self, node: ast.Quantifier, scope: Scope):
        return self.quantifier(node, scope)

    def _listlit(self, node: ast.ListLit, scope: Scope):
        items = tuple(self.expr(i, scope) for i in node.items)
        return (lambda env: tuple([i(env) for i in items])), Many(None)

    def _comprehension(self, node: ast.Comprehension, scope: Scope):
        inner = scope.child()
        items, item_type = self.binding_source(node.binding, scope)
        var = _env_key(node.binding)
        inner.symbols[node.binding.var] = Symbol("loop", item_type, key=var)
        if self.in_rule:
            where, plan = self.filter(node.binding, item_type, inner)
            expr, expr_type = self.typed(node.expr, inner)
            return loops.runner(items, var, where, plan, loops.LIST, value=expr), Many(expr_type)
        where = self.expr(node.binding.where, inner) if node.binding.where is not None else None
        expr, expr_type = self.typed(node.expr, inner)

        def run(env: Env) -> tuple[Any, ...]:
            return tuple(expr(env) for _ in _each(env, items, var, where))

        return run, Many(expr_type)

    # -- rounding error bounds --


_UNSET = object()
#: A function's exceptions that become the rule's error ("sum() 出错：…"), and those that pass as they are.
CALL_FAILURES = (TypeError, ValueError, ArithmeticError)
CALL_PASSING = (Missing, RuleRuntimeError, BudgetExceeded)
#: The compiling method of each node class (``_number`` for ast.Number …), found once.
_DISPATCH: dict[tuple[type, type], Callable[..., tuple[Fn, Any]]] = {}
#: Nodes whose value is always a bool: a condition made of them needs no truthy().
_BOOL_NODES = (ast.Compare, ast.Test, ast.Logic, ast.Not, ast.Bool)
_HAZARDS = {
    "repeat": "a repeated group that itself repeats (like (a+)+) can take exponential time; "
              "rewrite the regular expression without it",
    "alternatives": "a group of alternatives that repeats (like (a|aa)+) can take exponential time; "
                    "rewrite the regular expression without it",
}


def _backtracking_hazard(items: Any, repeated: bool = False) -> str | None:
    """``"repeat"`` or ``"alternatives"`` when the parsed pattern repeats a repeat or a choice, at any depth.

    It walks the pattern as ``re`` parses it, so nesting shows however the
    pattern is written: ``(a+)+``, ``((a+)b)+``, ``((a|ab)c)+``, ``(?:a?){24}``, and
    the same inside an atomic group.  It is deliberately cautious: any variable
    repeat or choice under a repeat is refused, although not every one
    backtracks badly.  A match is not counted in steps, so a pattern that
    backtracks exponentially would hang the rule.
    """
    for op, argument in items:
        if op in _REPEATS and repeated and argument[0] != argument[1]:
            return "repeat"
        if op is _regex_parser.BRANCH and repeated:
            return "alternatives"
        for part, under_repeat in _regex_parts(op, argument, repeated):
            found = _backtracking_hazard(part, under_repeat)
            if found:
                return found
    return None


def _regex_parts(op: Any, argument: Any, repeated: bool) -> list[tuple[Any, bool]]:
    """The sub-patterns of one parsed item, each with whether it stands under a repeat."""
    if op in _REPEATS:
        _low, high, body = argument
        return [(body, repeated or high > 1)]
    if op is _regex_parser.BRANCH:
        return [(alternative, repeated) for alternative in argument[1]]
    if op is _regex_parser.SUBPATTERN:
        return [(argument[-1], repeated)]
    if op is _ATOMIC_GROUP:
        return [(argument, repeated)]
    if op in (_regex_parser.ASSERT, _regex_parser.ASSERT_NOT):
        # A lookaround is matched afresh wherever it is tried: only what is inside it counts.
        return [(argument[1], False)]
    if op is _regex_parser.GROUPREF_EXISTS:
        return [(branch, repeated) for branch in argument[1:] if branch]
    return []


_REPEATS = tuple(getattr(_regex_parser, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                 if hasattr(_regex_parser, name))
_ATOMIC_GROUP = getattr(_regex_parser, "ATOMIC_GROUP", object())  # Python 3.11+

_FUNCTION_TYPES: dict[str, Any] = {
    "sum": Decimal, "count": Decimal, "min": Decimal, "max": Decimal, "abs": Decimal, "round": Decimal,
    "len": Decimal, "text": str, "any": bool, "all": bool, "none": bool, "table": Table, "section": Section,
    "normalize": str,
}


@functools.lru_cache(maxsize=64)
def _source_lines(text: str) -> tuple[str, ...]:
    """A rule file's lines, split once for all the rules compiled from it (each has a compiler of its own)."""
    return tuple(text.splitlines())


@functools.lru_cache(maxsize=None)
def _scalar_fields(cls: type) -> tuple[str, ...]:
    """Fields of ``cls`` that hold a leaf value (text, number, flag): those a filter index can key on."""
    return tuple(name for name, type_ in fields_of(cls).items() if not isinstance(type_, Many) and type_ not in MODEL_TYPES)


def index_type(obj_type: Any, key_type: Any) -> Any:
    """The static type of ``obj[key]``."""
    if obj_type is Row:
        return Decimal
    if isinstance(obj_type, Many) and obj_type.item is Row and key_type is not Decimal:
        return Many(Decimal)  # rows by a column: their figures
    if isinstance(obj_type, Many):
        return obj_type.item  # an item by its position
    return None


def _containment_text(node: ast.Quantifier) -> ast.Node | None:
    """TEXT of ``any|none|all k in L where TEXT contains k`` (or ``satisfies`` it), TEXT not reading k, else None."""
    binding = node.binding
    if node.kind == "count" or binding.kind is not None or (binding.where is None) == (node.predicate is None):
        return None
    test = node.predicate if binding.where is None else binding.where
    if not (isinstance(test, ast.Test) and test.op == "contains" and isinstance(test.right, ast.Name)
            and test.right.name == binding.var and loops.independent(test.left, binding.var)):
        return None
    return test.left


def checked_call(function: Callable[..., Any], name: str, arity: int) -> Callable[..., Any]:
    """``call(state, *args)`` for ``arity`` arguments: one step, then ``function(*args)``, whose
    TypeError, ValueError or ArithmeticError becomes the rule's error ("sum() 出错：…")."""
    return _call_maker(arity)(function, name)


@functools.lru_cache(maxsize=None)
def _call_maker(arity: int) -> Callable[..., Callable[..., Any]]:
    """The maker of ``call`` wrappers for ``arity`` arguments, written out: calls are the commonest
    operation of rules, and passing a fixed number of arguments is a third quicker than ``*args``."""
    params = "".join(f", a{i}" for i in range(arity))
    namespace = {"BudgetExceeded": BudgetExceeded, "RuleRuntimeError": RuleRuntimeError,
                 "CALL_PASSING": CALL_PASSING, "CALL_FAILURES": CALL_FAILURES}
    exec(_CALL_MAKER.format(params=params, args=params[2:]), namespace)  # noqa: S102 - our own text
    return namespace["make"]


_CALL_MAKER = """
def make(function, name):
    def call(state{params}):
        state.steps += 1
        if state.steps > state.budget:
            raise BudgetExceeded()
        try:
            return function({args})
        except CALL_PASSING:
            raise
        except CALL_FAILURES as exc:
            raise RuleRuntimeError(f"{{name}}() 出错：{{exc}}") from None
    return call
"""


def checked_method(name: str, static: type | None, method: Callable[..., Any] | None) -> Callable[..., Any]:
    """``call(state, obj, *args)``: one step, then the method ``name`` of ``obj``, called directly when
    ``obj`` is of the ``static`` type the compiler saw (else call_method checks what ``obj`` is)."""

    def call(state: Any, obj: Any, *args: Any) -> Any:
        state.steps += 1
        if state.steps > state.budget:
            raise BudgetExceeded()
        if obj.__class__ is static:
            return method(obj, *args)  # type: ignore[misc]
        return call_method(obj, name, args)

    return call


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


def _of_class(elements: Any, cls: type) -> tuple[Any, ...]:
    """The elements that are ``cls``: the tuple itself when all are (so it stays the same object)."""
    if elements.__class__ is tuple:
        for element in elements:
            if not isinstance(element, cls):
                break
        else:
            return elements
    return tuple(v for v in elements if isinstance(v, cls))


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


__all__ = ["BudgetExceeded", "Compiler", "NotApplicable", "RuleRuntimeError", "Scope"]
