"""Compile a rule into one Python function: its statements as Python statements, its loops as Python loops.

The closure compiler (:mod:`compliance.dsl.compiler`) makes one closure per
node, so evaluating ``r[c] == sum(children[c]) within rounding`` over every row
and column is a cascade of small calls.  Here a rule's statements, loops,
variables, field reads, calls, comparisons and tests become the text of one
Python function (a quantifier, a list comprehension or a guarded ``exists``
in an expression becomes a function of its own), which Python compiles once.
Loop items and ``let`` values are kept in Python locals beside the ``env``
dict, and fields of a kind's items (``row r in t``) are read directly.

What the text reads is fixed at compile time: model fields the schema lets a
rule read, the rule's own variables, constants kept in the function's
globals.  Nothing a rule author writes is pasted into the text: texts are
``repr()`` literals, anything else a constant named by the generator.

The rest is compiled by the closure compiler and called from the text: the
reason a ``when`` gives when it skips, a ``within`` comparison under a
tolerance or the exact policy, and document-wide names.  Both forms share each operation's implementation, the compile-time
checks and the order of evaluation and of steps; when a rule switches from
one to the other is :mod:`compliance.dsl.tiers`'s business.
"""

from __future__ import annotations

import functools
import typing
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable

from compliance import model
from compliance.model import Column, Row
from compliance.dsl import ast, loops, values
from compliance.dsl.compiler import (
    _BOOL_NODES,
    _FUNCTION_TYPES,
    Compiler,
    Scope,
    Symbol,
    _env_key,
    _scalar_fields,
    checked_call,
    checked_method,
    index_type,
)
from compliance.dsl.rounding import within_bounds
from compliance.dsl.functions import Missing, format_value, fuzzy_match, fuzzy_texts, truthy
from compliance.dsl.schema import TYPE_NAMES, Many, fields_of
from compliance.dsl.values import SPANNED, Env

#: Names every generated function may read (its globals, beside its own constants).
_RUNTIME: dict[str, Any] = {
    "_Decimal": Decimal, "_BudgetExceeded": values.BudgetExceeded, "_NotApplicable": values.NotApplicable,
    "_Missing": Missing, "_SPANNED": SPANNED, "_isinstance": isinstance, "_tuple": tuple, "_len": len,
    "_str": str, "_truthy": truthy, "_format": format_value, "_fuzzy": fuzzy_match, "_fuzzy_texts": fuzzy_texts,
    "_get_attr": values.get_attr, "_exists": values.exists, "_ordered": values.ordered,
    "_contains": values.contains, "_plus": values.plus, "_minus": values.minus, "_arith": values.arith,
    "_index": values.read_index, "_iterate": values.iterate, "_number": values.number,
    "_charged": loops.charged, "_within_bounds": within_bounds, "_Row": Row, "_Column": Column,
    "_RECORDS": (dict, MappingProxyType), "_NOT_PLAIN": (bool, tuple, list), "_equal": values.equal,
}

_INDENT = "    "


class _Function:
    """The lines of one generated function; ``indent()`` opens a block.

    The rule's own function is ``_rule(env)``; a function a rule's expression calls (a
    quantifier's, say) is passed the run state and its budget, and the locals of the functions
    it is written in that it reads (``params``, known once it is written).
    """

    def __init__(self, name: str, *, main: bool = False) -> None:
        self.name = name
        self.main = main
        self.params: list[str] = []
        # The header is written last: by then the parameters are known.
        self.lines: list[Any] = [lambda: f"def {self.call}:"]
        if main:
            self.lines += [_INDENT + 'S = env["$s"]', _INDENT + "B = S.budget"]
        self.depth = 1

    @property
    def call(self) -> str:
        """The call of this function, from the function it is written in."""
        if self.main:
            return f"{self.name}(env)"
        return f"{self.name}({', '.join(['env', 'S', 'B', *self.params])})"

    def add(self, line: str | Callable[[], str | None]) -> None:
        """A line of text, or a callable giving it (or None: no line) once the whole rule is compiled."""
        depth = self.depth
        self.lines.append(_INDENT * depth + line if isinstance(line, str) else (lambda: _indented(depth, line())))

    def prelude(self, line: str) -> None:
        """A line at the top of the function."""
        self.lines.insert(3 if self.main else 1, _INDENT + line)

    def indent(self) -> "_Block":
        return _Block(self)

    def text(self) -> str:
        lines = (line if isinstance(line, str) else line() for line in self.lines)
        return "\n".join(line for line in lines if line is not None)


class _Block:
    def __init__(self, function: _Function) -> None:
        self.function = function

    def __enter__(self) -> None:
        self.function.depth += 1

    def __exit__(self, *exc: Any) -> None:
        self.function.depth -= 1


def _indented(depth: int, line: str | None) -> str | None:
    return None if line is None else _INDENT * depth + line


class RuleGenerator:
    """Generates the Python text of one rule; ``compiler`` resolves names and compiles what is left to closures."""

    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler
        self.names: dict[str, Any] = dict(_RUNTIME)
        self.functions: list[_Function] = []
        self.count = 0
        #: The functions being written, each called from the one before it (the last is written now),
        #: and where each variable also lives as a Python local: env key -> (function, local name,
        #: whether it is surely of its static type).
        self.stack: list[_Function] = []
        self.locals: dict[str, tuple[_Function, str, bool]] = {}
        #: Env keys the generated text reads from ``env`` (the variable has no local there).
        self.env_reads: set[str] = set()

    # -- the rule as a whole --

    def source(self, body: tuple[ast.Node, ...], scope: Scope) -> str:
        """The text of the rule's functions; the rule itself is ``_rule(env)``."""
        main = self.new_function("_rule")
        self.stack = [main]
        for node in body:
            self.statement(main, node, scope, top=True)
        return "\n\n".join(function.text() for function in self.functions)

    def new_function(self, stem: str) -> _Function:
        function = _Function(stem, main=True) if stem == "_rule" else _Function(self.fresh(stem))
        self.functions.append(function)
        return function

    def enter(self, function: _Function) -> None:
        """Write into ``function``, called from the function being written; :meth:`leave` goes back."""
        self.stack.append(function)

    def leave(self) -> None:
        self.stack.pop()

    def fresh(self, stem: str) -> str:
        self.count += 1
        return f"{stem}{self.count}"

    def constant(self, value: Any) -> str:
        """A name for ``value`` in the generated text (a literal when it reads back the same)."""
        if value.__class__ in (str, bool) or value is None:
            return repr(value)
        name = self.fresh("_k")
        self.names[name] = value
        return name

    def closure(self, node: ast.Node, scope: Scope) -> tuple[str, Any]:
        """``node`` compiled by the closure compiler, called from the text."""
        fn, type_ = self.compiler.typed(node, scope)
        return f"{self.constant(fn)}(env)", type_

    # -- statements --

    def statement(self, out: _Function, node: ast.Node, scope: Scope, *, top: bool) -> None:
        if isinstance(node, ast.For):
            self.for_(out, node, scope)
        elif isinstance(node, ast.Let):
            self.let(out, node, scope)
        elif isinstance(node, ast.When):
            self.when(out, node, scope, top=top)
        elif isinstance(node, ast.Expect):
            self.expect(out, node, scope)
        else:  # pragma: no cover - the parser makes no other statement
            raise self.compiler.error(node, f"unexpected statement {type(node).__name__}")

    def for_(self, out: _Function, node: ast.For, scope: Scope) -> None:
        # A finding without `at` points at the innermost element the loops are on: kept in `$at`
        # by the loops around an `expect` that has no `at`.
        saved_at = self.fresh("_at") if _places_by_loop(node) else None
        if saved_at:
            out.add(f'{saved_at} = env["$at"]')
        item_type, inner, item = self.loop(out, node.binding, scope)
        with out.indent():
            if saved_at and isinstance(item_type, type) and issubclass(item_type, SPANNED):
                out.add(f'env["$at"] = {item}')
            elif saved_at:
                out.add(f'if _isinstance({item}, _SPANNED): env["$at"] = {item}')
            for statement in node.body:
                self.statement(out, statement, inner, top=False)
        if saved_at:
            out.add(f'env["$at"] = {saved_at}')

    def let(self, out: _Function, node: ast.Let, scope: Scope) -> None:
        value, type_ = self.expr(node.expr, scope)
        key = _env_key(node)
        symbol = Symbol("let", type_, node.expr, scope.snapshot(), key=key)
        scope.symbols[node.name] = symbol
        local = self.fresh("_l")
        self.locals[key] = (out, local, False)
        # Kept in env too when closures read it (known once the whole rule is compiled).
        out.add(lambda: f"env[{key!r}] = {local} = {value}" if self.in_env(key) else f"{local} = {value}")
        # A rounding bound computed for the previous value is stale.  Only a `within rounding`
        # compiled later in the rule makes one, so whether to drop it is known at the end.
        error_key = "$e:" + key
        out.add(lambda: f"env.pop({error_key!r}, None)" if symbol.error is not None else None)

    def when(self, out: _Function, node: ast.When, scope: Scope, *, top: bool) -> None:
        condition = self.condition(node.condition, scope)
        # The reason is rendered only when the condition fails: the compiler's closure.
        reason = f"{self.constant(self.compiler.template(node.reason, scope))}(env)" if node.reason is not None else None
        out.add(f"if not {condition}:")
        with out.indent():
            if top:
                if reason is None:
                    reason = repr(f"条件不成立：{self.compiler.describe_node(node.condition)}")
                out.add(f"raise _NotApplicable({reason})")
            else:
                if reason is not None:
                    out.add(f"S.skips.append({reason})")
                out.add("continue")  # a `when` inside a loop skips to its next item

    def expect(self, out: _Function, node: ast.Expect, scope: Scope) -> None:
        condition = self.condition(node.condition, scope)
        # As Compiler.finding: the message, the place, the related places, the values, the severity.
        message = self.template(node.message, scope) if node.message is not None else None
        at = self.expr(node.at, scope)[0] if node.at is not None else 'env.get("$at")'
        related = self.expr(node.related, scope)[0] if node.related is not None else "()"
        values = ", ".join(f"{name!r}: {self.expr(expr, scope)[0]}" for name, expr in node.values)
        severity = self.constant(self.compiler.severity(node.severity, node)) if node.severity is not None else "None"
        if message is None:
            message = repr(f"不满足：{self.compiler.describe_node(node.condition)}")
        out.add("S.evaluated += 1")
        out.add(f"if not {condition}:")
        with out.indent():
            out.add(f"S.add_finding({message}, {at}, {related}, {{{values}}}, {severity})")

    # -- loops --

    def loop(self, out: _Function, binding: ast.Binding, scope: Scope, *,
             filtered: bool = True) -> tuple[Any, Scope, str]:
        """Open a loop over the binding's items (those that pass its filter, when ``filtered``).

        Each item is one step, as in :func:`compliance.dsl.loops.runner`, and an index plan
        is used the same way.  Returns the item type, the scope inside the loop and the item's
        name; the caller writes the body one level deeper.
        """
        items, item_type = self.items(binding, scope)
        inner = scope.child()
        key = _env_key(binding)
        inner.symbols[binding.var] = Symbol("loop", item_type, key=key)
        item, collection = self.fresh("_x"), self.fresh("_c")
        # The items of a kind (`row r in t`) are all of its class: their fields are read directly.
        self.locals[key] = (out, item, binding.kind is not None)
        first, rest, plan = self.filter(binding, item_type, inner) if filtered else (None, None, None)
        out.add(f"{collection} = {items}")
        if plan is None:
            out.add(f"for {item} in {collection}:")
            check = f"({first} and {rest})" if rest else first
        else:
            pairs, scan = self.fresh("_p"), self.fresh("_scan")
            out.add(f"{pairs} = {self.constant(plan)}.found(env, S, {collection})")
            out.add(f"{scan} = {pairs} is None")
            out.add(f"for {item} in ({collection} if {scan} else _charged(S, {pairs}, _len({collection}))):")
            # The index has answered the first condition.
            check = f"((not {scan} or {first}){f' and {rest}' if rest else ''})"
        with out.indent():
            out.add("S.steps += 1")
            out.add("if S.steps > B: raise _BudgetExceeded()")
            out.add(lambda: f"env[{key!r}] = {item}" if self.in_env(key) else None)
            if check is not None:
                out.add(f"if not {check}: continue")
        return item_type, inner, item

    def items(self, binding: ast.Binding, scope: Scope) -> tuple[str, Any]:
        """The text of the tuple a loop goes over, and its items' static type (as Compiler.binding_source)."""
        if binding.kind is not None:
            # `table t`, `row r in t`: the compiler checks the kind, and its functions share what they collect.
            cls, collect = self.compiler.kind_of(binding)
            if binding.source is None:
                return f'{self.constant(collect)}(env, env["$doc"])', cls
            source, source_type = self.expr(binding.source, scope)
            elements = self.compiler.elements(binding, cls, collect, source_type)
            return f"{self.constant(elements)}(env, {source})", cls
        source, type_ = self.expr(binding.source, scope)
        value = self.fresh("_v")
        return (f"({value} if ({value} := {source}).__class__ is _tuple else _iterate({value}))",
                type_.item if isinstance(type_, Many) else None)

    def filter(self, binding: ast.Binding, item_type: Any, inner: Scope) -> tuple[str | None, str | None, Any]:
        """The text of the filter's first condition, of the others (None if none), and its index plan (as Compiler.filter)."""
        if binding.where is None:
            return None, None, None
        parts = loops.conjuncts(binding.where)
        conditions = [self.condition(part, inner) for part in parts]
        rest = " and ".join(conditions[1:]) or None
        fields = _scalar_fields(item_type) if item_type in TYPE_NAMES else ()
        found = loops.indexable_filter(parts[0], binding.var, fields) if fields else None
        if found is None:
            return conditions[0], rest, None
        field, value = found
        return conditions[0], rest, loops.IndexPlan(item_type, field, self.compiler.expr(value, inner), None)

    def looping_function(self, binding: ast.Binding, scope: Scope, stem: str, *,
                         filtered: bool = True) -> tuple[_Function, Scope]:
        """A function of its own that loops over ``binding``: a quantifier's or a comprehension's.

        It becomes the function being written; the caller writes the rest of it, then leaves it
        (see _quantifier)."""
        function = self.new_function(stem)
        self.enter(function)
        _, inner, _ = self.loop(function, binding, scope, filtered=filtered)
        return function, inner

    def decide(self, function: _Function, predicate: str | None, *, wanted: bool) -> str:
        """End a quantifier's function: it returns ``wanted`` at the first item whose predicate is ``wanted``."""
        with function.indent():
            if predicate is None:
                function.add(f"return {wanted}")
            else:
                function.add(f"if {'' if wanted else 'not '}{predicate}: return {wanted}")
        function.add(f"return {not wanted}")
        return function.call

    def collect(self, function: _Function, start: str, each: str, result: str) -> str:
        """End a counting or listing function: ``start`` before the loop, ``each`` per item, then ``result``."""
        function.prelude(start)
        with function.indent():
            function.add(each)
        function.add(f"return {result}")
        return function.call

    # -- expressions --

    def expr(self, node: ast.Node, scope: Scope) -> tuple[str, Any]:
        """Python text computing ``node``'s value from ``env``, and its static type."""
        method = _GENERATORS.get(type(node))
        found = method(self, node, scope) if method is not None else None
        return found if found is not None else self.closure(node, scope)

    def condition(self, node: ast.Node, scope: Scope) -> str:
        """``node``'s truth as a bool (as Compiler.condition)."""
        text, _ = self.expr(node, scope)
        if isinstance(node, _BOOL_NODES) or (isinstance(node, ast.Quantifier) and node.kind != "count"):
            return text
        return f"_truthy({text})"

    def template(self, node: ast.Template, scope: Scope) -> str:
        parts = [repr(part) if isinstance(part, str) else f"_format({self.expr(part, scope)[0]})" for part in node.parts]
        return f"({' + '.join(parts)})" if parts else "''"

    def _number(self, node: ast.Number, scope: Scope) -> tuple[str, Any]:
        return self.constant(node.value), Decimal

    def _string(self, node: ast.String, scope: Scope) -> tuple[str, Any]:
        return repr(node.value), str

    def _bool(self, node: ast.Bool, scope: Scope) -> tuple[str, Any]:
        return repr(node.value), bool

    def _name(self, node: ast.Name, scope: Scope) -> tuple[str, Any] | None:
        symbol = scope.lookup(node.name)
        if symbol is None or symbol.kind == "global":
            return None  # the closure compiler's: its "did you mean", and the memo of document-wide names
        if symbol.kind == "param":
            self.compiler._name(node, scope)  # records the param as read
            return self.constant(symbol.value), symbol.type
        local = self.local(symbol)
        if local:
            return local[0], symbol.type
        self.env_reads.add(symbol.key)
        return f"env[{symbol.key!r}]", symbol.type

    def in_env(self, key: str) -> bool:
        """Whether a variable must be kept in ``env``: code compiled to closures reads it there."""
        return key in self.env_reads or key in self.compiler.env_reads

    def local(self, symbol: Symbol) -> tuple[str, bool] | None:
        """The Python local holding a variable in the function being written, and whether it is surely
        of its static type; None when the variable lives only in ``env`` there."""
        found = self.locals.get(symbol.key)
        if found is None or found[0] not in self.stack:
            return None
        function, name, exact = found
        # Written in a function that calls this one: passed down as a parameter of each function between.
        for inner in self.stack[self.stack.index(function) + 1:]:
            if name not in inner.params:
                inner.params.append(name)
        return name, exact

    def _attr(self, node: ast.Attr, scope: Scope) -> tuple[str, Any]:
        obj, type_ = self.expr(node.obj, scope)
        name = node.name
        result_type = self.compiler._check_field(node, type_, name)
        if type_ not in TYPE_NAMES:
            return f"_get_attr({obj}, {name!r})", result_type
        # The field is known readable for the static type; anything else takes the checked way.
        exact = self.exact_local(node.obj, scope)
        value = exact or self.fresh("_v")
        read = f"{value}.{name}"
        if _may_be_int(type_, name):
            field = self.fresh("_f")
            read = f"(_Decimal({field}) if ({field} := {read}).__class__ is int else {field})"
        if exact:
            return read, result_type
        cls = self.constant(type_)
        return f"({read} if ({value} := {obj}).__class__ is {cls} else _get_attr({value}, {name!r}))", result_type

    def exact_local(self, node: ast.Node, scope: Scope) -> str | None:
        """The local of a loop variable over the elements of a kind, read in the function that loops."""
        if not isinstance(node, ast.Name):
            return None
        symbol = scope.lookup(node.name)
        local = self.local(symbol) if symbol is not None and symbol.kind == "loop" else None
        return local[0] if local and local[1] else None

    def _index(self, node: ast.Index, scope: Scope) -> tuple[str, Any]:
        obj, obj_type = self.expr(node.obj, scope)
        key, key_type = self.expr(node.key, scope)
        result_type = index_type(obj_type, key_type)
        constant = self.compiler._constant(node.key, scope)
        if constant.__class__ is Decimal and constant == constant.to_integral_value() and 0 <= constant < 1000:
            # An item of a list by a fixed position, as read_index() reads it: none past the end.
            value, position = self.fresh("_v"), int(constant)
            return (f"({value}[{position}] if ({value} := {obj}).__class__ is _tuple and _len({value}) > {position} "
                    f"else _index({value}, {key}))"), result_type
        if constant.__class__ is str:
            # A field of a function's record, as read_index() reads it.
            value = self.fresh("_v")
            return f"({value}.get({key}) if ({value} := {obj}).__class__ in _RECORDS else _index({value}, {key}))", result_type
        if obj_type is not Row and obj_type is not None:
            return f"_index({obj}, {key})", result_type
        # values.read_index() inline for a row by a column, the commonest read of all: the cell that
        # stands at the column's position (cells are stored at their positions unless a row has gaps).
        row = self.exact_local(node.obj, scope)
        column, position, cells, cell = (self.fresh(stem) for stem in ("_col", "_i", "_cs", "_cell"))
        if row is None:
            row = self.fresh("_r")
            # `&` evaluates both sides, as read_index()'s arguments are.
            test = f"(({row} := {obj}).__class__ is _Row) & (({column} := {key}).__class__ is _Column)"
        else:
            test = f"({column} := {key}).__class__ is _Column"
        return (f"({cell}.value if {test} and ({position} := {column}.index) < _len({cells} := {row}.cells) "
                f"and ({cell} := {cells}[{position}]).column == {position} else _index({row}, {column}))"), result_type

    def _call(self, node: ast.Call, scope: Scope) -> tuple[str, Any]:
        compiler = self.compiler
        function = compiler.function_of(node)
        args = [self.expr(a, scope)[0] for a in node.args]
        if compiler.reads_document(node, function):
            args.insert(0, 'env["$doc"]')
        call = self.constant(checked_call(function, node.name, len(args)))
        return f"{call}(S, {', '.join(args)})", _FUNCTION_TYPES.get(node.name)

    def _method(self, node: ast.Method, scope: Scope) -> tuple[str, Any]:
        obj, type_ = self.expr(node.obj, scope)
        args = [self.expr(a, scope)[0] for a in node.args]
        result_type, static, method = self.compiler.method_of(node, type_)
        call = self.constant(checked_method(node.name, static, method))
        return f"{call}(S, {', '.join([obj, *args])})", result_type

    def _neg(self, node: ast.Neg, scope: Scope) -> tuple[str, Any]:
        return f"(-_number({self.expr(node.operand, scope)[0]}, '-'))", Decimal

    def _arith(self, node: ast.Arith, scope: Scope) -> tuple[str, Any]:
        left, right = self.expr(node.left, scope)[0], self.expr(node.right, scope)[0]
        if node.op == "+":
            return f"_plus({left}, {right})", Decimal
        if node.op == "-":
            return f"_minus({left}, {right})", Decimal
        return f"_arith({node.op!r}, {left}, {right})", Decimal

    def _coalesce(self, node: ast.Coalesce, scope: Scope) -> tuple[str, Any]:
        left, left_type = self.expr(node.left, scope)
        right, _ = self.expr(node.right, scope)
        value = self.fresh("_v")
        return f"({value} if ({value} := {left}) is not None else {right})", left_type

    def _compare(self, node: ast.Compare, scope: Scope) -> tuple[str, Any] | None:
        op = node.op
        if node.tolerance is not None or (node.rounding and op not in ("==", "!=")):
            return None  # the closure compiler's, with its checks
        left, right = self.expr(node.left, scope)[0], self.expr(node.right, scope)[0]
        if node.rounding:
            return self.rounding(node, left, right, scope), bool
        constant = self.compiler._constant(node.right, scope)
        value = self.fresh("_v")
        if op in ("==", "!="):
            if constant.__class__ in (str, Decimal):
                # equal() inline: a bool equals only itself, and the constant is none.
                same = f"(({value} := {left}).__class__ is not bool and {value} == {right})"
            else:
                # equal() inline but for true/false values and lists; `&` evaluates both sides, as
                # equal()'s arguments are.
                other = self.fresh("_w")
                same = (f"({value} == {other} if (({value} := {left}).__class__ not in _NOT_PLAIN) & "
                        f"(({other} := {right}).__class__ not in _NOT_PLAIN) else _equal({value}, {other}))")
            return (same if op == "==" else f"(not {same})"), bool
        if constant.__class__ is Decimal:
            return (f"({value} {_written(_ORDERINGS, op)} {right} if ({value} := {left}).__class__ is _Decimal "
                    f"else _ordered({op!r}, {value}, {right}))"), bool
        return f"_ordered({op!r}, {left}, {right})", bool

    def rounding(self, node: ast.Compare, left: str, right: str, scope: Scope) -> str:
        """``left == right within rounding`` (or ``!=``): see :mod:`compliance.dsl.rounding`."""
        compiler = self.compiler
        policy, tolerance = compiler._policy(scope)
        if policy == "exact" or tolerance > 0:
            close = f"{self.constant(compiler.consistent(node.left, node.right, scope))}(env)"
        else:
            bounds = (self.constant(compiler.error_bound(node.left, scope)),
                      self.constant(compiler.error_bound(node.right, scope)))
            a, b = self.number(left), self.number(right)
            a_value, b_value = self.fresh("_d"), self.fresh("_d")
            # The common case, a == b, needs no bound.
            close = (f"(({a_value} := {a}) == ({b_value} := {b}) "
                     f"or _within_bounds({a_value}, {b_value}, {bounds[0]}, {bounds[1]}, env))")
        return close if node.op == "==" else f"(not {close})"

    def number(self, value: str) -> str:
        """``value`` as a number for ``==``: a blank or a text is the rule's error (values.number)."""
        name = self.fresh("_n")
        return f"({name} if ({name} := {value}).__class__ is _Decimal else _number({name}, '=='))"

    def _test(self, node: ast.Test, scope: Scope) -> tuple[str, Any] | None:
        op = node.op
        if op in ("exists", "missing"):
            present = self.present(node.left, scope)
            return (present if op == "exists" else f"(not {present})"), bool
        left, _ = self.expr(node.left, scope)
        if op == "matches":
            value = self.fresh("_v")
            pattern = self.constant(self.compiler.pattern(node))
            return f"(({value} := {left}) is not None and {pattern}.search(_str({value})) is not None)", bool
        right, _ = self.expr(node.right, scope)
        if op == "~":
            # fuzzy_match() with two texts, the common case, inline; `&` evaluates both sides.
            text, wanted = self.fresh("_t"), self.fresh("_u")
            return (f"(_fuzzy_texts({text}, {wanted}) if (({text} := {left}).__class__ is _str) & "
                    f"(({wanted} := {right}).__class__ is _str) else _fuzzy({text}, {wanted}))"), bool
        if op == "contains":
            # contains() inline for a text in a text; `&` evaluates both sides, as contains()'s arguments are.
            container, item = self.fresh("_t"), self.fresh("_u")
            return (f"({item} in {container} if (({container} := {left}).__class__ is _str) & "
                    f"(({item} := {right}).__class__ is _str) else _contains({container}, {item}))"), bool
        texts = self.compiler._constant_texts(node.right, scope)
        negate = "" if op == "in" else "not "
        if texts is not None:
            # A list of texts written in the rule or a param: a set answers for a text at once.
            value, listed = self.fresh("_v"), self.constant(frozenset(texts))
            return (f"({negate}({value} in {listed}) if ({value} := {left}).__class__ is _str "
                    f"else {negate}_contains({right}, {value}))"), bool
        return f"({negate}_contains({right}, {left}))", bool

    def present(self, node: ast.Node, scope: Scope) -> str:
        """``node exists``: exists() with its commonest answers inline."""
        if not _calls_inside(node):
            return self.present_value(node, scope)
        # A function may find nothing (Missing): then the element does not exist (a function of its own,
        # for the try).
        function = self.new_function("_exists")
        self.enter(function)
        try:
            function.add("try:")
            with function.indent():
                function.add(f"return {self.present_value(node, scope)}")
            function.add("except _Missing: return False")
        finally:
            self.leave()
        return function.call

    def present_value(self, node: ast.Node, scope: Scope) -> str:
        value = self.fresh("_v")
        text, _ = self.expr(node, scope)
        return f"(({value} := {text}) is not None and ({value}.__class__ is _Decimal or _exists({value})))"

    def _logic(self, node: ast.Logic, scope: Scope) -> tuple[str, Any]:
        operands = [self.condition(o, scope) for o in node.operands]
        return f"({_written(_LOGIC, node.op).join(operands)})", bool

    def _not(self, node: ast.Not, scope: Scope) -> tuple[str, Any]:
        return f"(not {self.condition(node.operand, scope)})", bool

    def _conditional(self, node: ast.Conditional, scope: Scope) -> tuple[str, Any]:
        condition = self.condition(node.condition, scope)
        then, then_type = self.expr(node.then, scope)
        otherwise, _ = self.expr(node.otherwise, scope)
        return f"({then} if {condition} else {otherwise})", then_type

    def _listlit(self, node: ast.ListLit, scope: Scope) -> tuple[str, Any]:
        items = [self.expr(i, scope)[0] for i in node.items]
        return (f"({', '.join(items)},)" if items else "()"), Many(None)

    def _quantifier(self, node: ast.Quantifier, scope: Scope) -> tuple[str, Any] | None:
        depth = len(self.stack)
        try:
            return self.quantifier(node, scope)
        finally:
            del self.stack[depth:]

    def quantifier(self, node: ast.Quantifier, scope: Scope) -> tuple[str, Any]:
        kind = node.kind
        if kind == "all" and node.predicate is None:
            if node.binding.where is None:
                self.compiler.binding_source(node.binding, scope)  # its names are still checked
                return "True", bool
            # `all x in xs where P` reads as "every x satisfies P": no filter, P decides.
            function, inner = self.looping_function(node.binding, scope, "_all", filtered=False)
            return self.decide(function, self.condition(node.binding.where, inner), wanted=False), bool
        function, inner = self.looping_function(node.binding, scope, _written(_QUANTIFIERS, kind))
        predicate = self.condition(node.predicate, inner) if node.predicate is not None else None
        if kind == "count":
            each = "_n += 1" if predicate is None else f"if {predicate}: _n += 1"
            return self.collect(function, "_n = 0", each, "_Decimal(_n)"), Decimal
        found = self.decide(function, predicate, wanted=kind != "all")
        return (f"(not {found})" if kind == "none" else found), bool

    def _comprehension(self, node: ast.Comprehension, scope: Scope) -> tuple[str, Any]:
        function, inner = self.looping_function(node.binding, scope, "_list")
        value, value_type = self.expr(node.expr, inner)
        self.leave()
        return self.collect(function, "_out = []", f"_out.append({value})", "_tuple(_out)"), Many(value_type)


_GENERATORS: dict[type, Callable[..., Any]] = {
    ast.Number: RuleGenerator._number, ast.String: RuleGenerator._string, ast.Bool: RuleGenerator._bool,
    ast.Name: RuleGenerator._name, ast.Attr: RuleGenerator._attr, ast.Index: RuleGenerator._index,
    ast.Call: RuleGenerator._call, ast.Method: RuleGenerator._method, ast.Neg: RuleGenerator._neg,
    ast.Arith: RuleGenerator._arith, ast.Coalesce: RuleGenerator._coalesce, ast.Compare: RuleGenerator._compare,
    ast.Test: RuleGenerator._test, ast.Logic: RuleGenerator._logic, ast.Not: RuleGenerator._not,
    ast.Conditional: RuleGenerator._conditional, ast.ListLit: RuleGenerator._listlit,
    ast.Quantifier: RuleGenerator._quantifier, ast.Comprehension: RuleGenerator._comprehension,
}


#: The Python text of each operator and quantifier the generator writes into its text.  A syntax
#: tree is also read from the on-disk cache: what it holds is looked up here, never copied.
_ORDERINGS = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}
_LOGIC = {"and": " and ", "or": " or "}
_QUANTIFIERS = {"any": "_any", "all": "_all", "none": "_none", "count": "_count"}


def _written(texts: dict[str, str], value: str) -> str:
    """The generator's own text for ``value`` (an operator or quantifier of the syntax tree)."""
    text = texts.get(value)
    if text is None:
        raise ValueError(f"unexpected {value!r} in the syntax tree")
    return text


@functools.lru_cache(maxsize=None)
def _may_be_int(cls: type, name: str) -> bool:
    """Whether ``cls.name`` may hold an int, which a rule reads as a Decimal (as get_attr does).

    A field declared as a number may (an int, or a Decimal a loader wrote as an int: annotations
    are not enforced); a property may unless it is declared otherwise.  A text or true/false
    field is taken at its word.
    """
    hint = typing.get_type_hints(cls, vars(model)).get(name)
    if hint is None:  # a property
        return fields_of(cls)[name] in (Decimal, None)
    return bool({int, Decimal} & set(typing.get_args(hint) or (hint,)))


def _places_by_loop(node: ast.For) -> bool:
    """Whether an ``expect`` inside the loop (at any depth) has no ``at``: its finding points at the loop's item."""
    for statement in node.body:
        if isinstance(statement, ast.Expect) and statement.at is None:
            return True
        if isinstance(statement, ast.For) and _places_by_loop(statement):
            return True
    return False


def _calls_inside(node: ast.Node) -> bool:
    """Whether ``node`` or any node under it calls a function or a method."""
    if isinstance(node, (ast.Call, ast.Method)):
        return True
    for name in ast.content_fields(type(node)):
        value = getattr(node, name)
        for child in (value if isinstance(value, tuple) else (value,)):
            if isinstance(child, ast.Node) and _calls_inside(child):
                return True
    return False


def compile_rule(compiler: Compiler, rule: ast.RuleDecl) -> Callable[[Env], None]:
    """The body of ``rule`` as one function of ``env``, compiled by Python (see the module docstring)."""
    generator = RuleGenerator(compiler)
    # Named after the rule, so that a profile or a traceback says which rule a line belongs to.
    code = compile(generator.source(rule.body, compiler.root_scope()), f"<rule {rule.id}>", "exec")
    namespace = dict(generator.names)
    exec(code, namespace)  # noqa: S102 - generated text: it names only the generator's constants and schema fields
    return namespace["_rule"]


__all__ = ["RuleGenerator", "compile_rule"]
