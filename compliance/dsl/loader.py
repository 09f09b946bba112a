"""Load rule files into a :class:`RuleSet`: find, parse (cached), group into packs, compile.

Parsed files are cached on disk as JSON of the frozen AST (never pickles:
reading a cache file must not be able to run code), keyed by the grammar
version and the file's content hash, in ``COMPLIANCE_CACHE_DIR`` (or the
user's cache directory); a corrupt, unwritable or untrusted cache is ignored
(see :mod:`compliance.dsl.cache`: only a private folder is used).  A
compiled rule set is kept for the life of the process, keyed on the files'
content hashes, the params, the overriding packs and the functions; so is each
compiled rule, reused by another rule set when the params it reads are the same.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import attrs

from compliance.dsl import ast, ast_json
from compliance.dsl.cache import cache_dir, owned_by_me, private_cache_dir, write_atomically
from compliance.dsl.codegen import compile_rule
from compliance.dsl.compiler import Compiler
from compliance.dsl.values import BudgetExceeded, RuleRuntimeError
from compliance.dsl.errors import did_you_mean, rule_error
from compliance.dsl.functions import BUILTINS
from compliance.dsl.parser import content_hash, grammar_hash, parse_each_declaration, parse_text
from compliance.dsl.tiers import RuleCode
from compliance.dsl.runtime import Pack, Rule, RuleSet, effective_params
from compliance.errors import RuleError
from compliance.findings import Severity

RULE_SUFFIX = ".rules"
DEFAULT_SEVERITY = "warning"

_COMPILED: dict[tuple, RuleSet] = {}
_PARSED: dict[tuple[str, str], ast.RuleFile] = {}
#: Compiled rules by source, for rule sets that differ in a few params (see _reuse_or_compile).
_RULES: dict[tuple, Rule] = {}


# ---- finding and reading files ------------------------------------------------


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """The ``.rules`` files named, or found (sorted) under the folders named."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*" + RULE_SUFFIX) if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise RuleError("no such rule file or folder", source=str(path))
    return files


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file: {exc}", source=str(path)) from exc


def parse_file(path: Path, text: str) -> ast.RuleFile:
    """Parse ``text`` (read from ``path``), reusing this process's or the disk cache's AST."""
    key = (grammar_hash(), content_hash(text if text.endswith("\n") else text + "\n"))
    cached = _PARSED.get(key) or _load_cached(key)
    if cached is None:
        cached = parse_text(text, str(path))
        _store_cached(key, cached)
    _PARSED[key] = cached
    return cached if cached.path == str(path) else attrs.evolve(cached, path=str(path))


def _cache_file(key: tuple[str, str]) -> Path | None:
    """Where the AST for ``key`` is kept, or None when the cache folder is not private."""
    folder = private_cache_dir("ast")
    return None if folder is None else folder / f"{key[0]}-{key[1]}.json"


def _load_cached(key: tuple[str, str]) -> ast.RuleFile | None:
    target = _cache_file(key)
    if target is None:
        return None
    try:
        with open(target, encoding="utf-8") as handle:
            if not owned_by_me(handle.fileno()):
                return None
            value = ast_json.loads(handle.read())
    except (OSError, UnicodeDecodeError, RecursionError, ast_json.CacheFormatError):
        return None  # a missing or corrupt cache entry is simply rebuilt
    return value if isinstance(value, ast.RuleFile) else None


def _store_cached(key: tuple[str, str], value: ast.RuleFile) -> None:
    target = _cache_file(key)
    if target is None:
        return
    try:
        text = ast_json.dumps(value)
    except RecursionError:
        return  # a tree too deep to write costs a re-parse next time
    write_atomically(target, text)


# ---- params ---------------------------------------------------------------------


def _to_rule_value(value: Any) -> Any:
    """A Python value from a config file, as the rule language holds it."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, Decimal)):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, (list, tuple)):
        return tuple(_to_rule_value(v) for v in value)
    raise RuleError(f"unsupported param value {value!r}")


class _ParamState:
    """A stand-in run state for evaluating params (no document, a small budget).

    Steps are counted as a rule's are (the compiled code reads ``steps`` and ``budget``);
    running out is reported as the param being too large to compute.
    """

    budget = 10_000

    def __init__(self) -> None:
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.budget:
            raise BudgetExceeded()


# ---- building a rule set -------------------------------------------------------


@attrs.define
class _PackInfo:
    decl: ast.PackDecl | None
    name: str
    folder: Path
    files: list[tuple[Path, str, ast.RuleFile]] = attrs.field(factory=list)
    params: dict[str, Any] = attrs.field(factory=dict)


def _sources(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Every rule file under ``paths`` with its text, read once."""
    return [(path, _read(path)) for path in rule_files(paths)]


def _build(sources: Sequence[tuple[Path, str]], functions: Mapping[str, Callable[..., Any]],
           params: Mapping[str, object], errors: list[RuleError] | None,
           overriding_packs: Sequence[str] = ()) -> RuleSet:
    """Build the rule set; with ``errors`` given, collect every error instead of raising the first."""

    def fail(error: RuleError) -> None:
        if errors is None:
            raise error
        errors.append(error)

    all_functions = {**BUILTINS, **dict(functions)}
    functions_key = tuple(sorted((name, id(fn)) for name, fn in all_functions.items()))
    parsed: list[tuple[Path, str, ast.RuleFile]] = []
    for path, text in sources:
        try:
            parsed.append((path, text, parse_file(path, text)))
        except RuleError as exc:
            fail(exc)
            # Checking: report the other declarations' errors too.
            partial, more = parse_each_declaration(text if text.endswith("\n") else text + "\n", str(path))
            for error in more:
                if (error.line, error.column, error.message) != (exc.line, exc.column, exc.message):
                    fail(error)
            parsed.append((path, text, partial))

    packs = _group_packs(parsed)
    _evaluate_params(packs, all_functions, fail)
    _apply_pack_overrides(packs, overriding_packs, fail)
    _apply_overrides(packs, params, fail)

    rules: list[Rule] = []
    seen: dict[str, tuple[str, int]] = {}
    pack_records: list[Pack] = []
    for info in packs:
        digest = hashlib.sha256("".join(content_hash(t) for _p, t, _f in info.files).encode()).hexdigest()
        decl = info.decl
        pack_records.append(Pack(
            name=info.name,
            title=decl.title if decl else info.name,
            version=decl.version if decl else None,
            reference=decl.reference if decl else None,
            path=str(info.folder),
            content_hash=digest,
            description=decl.description if decl else None,
        ))
        for path, text, rule_file in info.files:
            for decl_rule in rule_file.rules:
                if decl_rule.id in seen:
                    first_file, first_line = seen[decl_rule.id]
                    fail(rule_error(
                        f"duplicate rule id {decl_rule.id}: also defined at {first_file}:{first_line}",
                        source=str(path), text=text, line=decl_rule.line, column=decl_rule.column,
                    ))
                    continue
                seen[decl_rule.id] = (str(path), decl_rule.line)
                try:
                    rules.append(_reuse_or_compile(decl_rule, rule_file, info, path, text, all_functions, functions_key))
                except RuleError as exc:
                    fail(exc)
    return RuleSet(tuple(pack_records), tuple(rules))


def _reuse_or_compile(decl: ast.RuleDecl, rule_file: ast.RuleFile, info: _PackInfo, path: Path, text: str,
                      functions: Mapping[str, Callable[..., Any]], functions_key: tuple) -> Rule:
    """The rule compiled before from the same source, if the params it reads have the same values; else compile.

    A jurisdiction's rule set differs from the national one only in the params its
    pack overrides, so only the rules that read those are compiled a second time.
    """
    if not rule_file.content_hash:  # a declaration parsed on its own while checking: not cached
        return _compile_rule(decl, info, path, text, functions)
    key = (str(path), rule_file.content_hash, decl.id, info.name, info.decl, tuple(sorted(info.params)), functions_key)
    compiled = _RULES.get(key)
    if compiled is None or any(repr(info.params[name]) != repr(value) for name, value in compiled.params.items()):
        compiled = _compile_rule(decl, info, path, text, functions)
        if len(_RULES) > 4096:
            _RULES.clear()
        _RULES[key] = compiled
    return compiled


def _group_packs(parsed: list[tuple[Path, str, ast.RuleFile]]) -> list[_PackInfo]:
    """A file's pack is the one it declares, else the one declared in its folder, else its folder's name."""
    by_folder: dict[Path, ast.PackDecl] = {}
    for path, _text, rule_file in parsed:
        if rule_file.pack is not None:
            by_folder.setdefault(path.parent, rule_file.pack)
    packs: dict[str, _PackInfo] = {}
    for path, text, rule_file in parsed:
        decl = rule_file.pack or by_folder.get(path.parent)
        name = decl.name if decl else path.parent.name
        info = packs.get(name)
        if info is None:
            info = packs[name] = _PackInfo(decl, name, path.parent)
        info.files.append((path, text, rule_file))
    return list(packs.values())


def _evaluate_params(packs: list[_PackInfo], functions: Mapping[str, Callable[..., Any]], fail) -> None:
    for info in packs:
        declared: dict[str, tuple[str, int]] = {}
        for path, text, rule_file in info.files:
            for param in rule_file.params:
                if param.name in declared:
                    where = declared[param.name]
                    fail(rule_error(f"param {param.name!r} is declared twice in pack {info.name} "
                                    f"(first at {where[0]}:{where[1]})",
                                    source=str(path), text=text, line=param.line, column=param.column))
                    continue
                declared[param.name] = (str(path), param.line)
                compiler = Compiler(source=str(path), text=text, functions=functions,
                                    params=info.params, in_rule=False)
                try:
                    fn = compiler.expr(param.expr, compiler.root_scope())
                    info.params[param.name] = fn({"$s": _ParamState(), "$doc": None, "$at": None})
                except RuleError as exc:
                    fail(exc)
                except (RuleRuntimeError, BudgetExceeded) as exc:
                    reason = exc if isinstance(exc, RuleRuntimeError) else "param is too large to compute"
                    fail(rule_error(f"param {param.name!r} cannot be computed: {reason}", source=str(path),
                                    text=text, line=param.line, column=param.column))
                except RecursionError:
                    fail(rule_error(f"param {param.name!r} is nested too deeply", source=str(path),
                                    text=text, line=param.line, column=param.column))


def _apply_pack_overrides(packs: list[_PackInfo], overriding: Sequence[str], fail) -> None:
    """Params of the ``overriding`` packs replace the same-named params of every other pack.

    This is how a regional pack sets a national param (``param weight_total = 90``)
    for the documents it applies to; the configuration's ``[params]`` still win.
    """
    for source in (p for p in packs if p.name in overriding):
        for name, value in source.params.items():
            for target in packs:
                if target is source or name not in target.params:
                    continue
                default = target.params[name]
                if isinstance(default, Decimal) != isinstance(value, Decimal):
                    fail(RuleError(f"param {name!r} of pack {source.name} must be of the same type as "
                                   f"in pack {target.name} (its default is {default})", source=str(source.folder)))
                    continue
                target.params[name] = value


def _apply_overrides(packs: list[_PackInfo], overrides: Mapping[str, object], fail) -> None:
    for key, raw in overrides.items():
        pack_name, _, name = key.rpartition(".")
        targets = [p for p in packs if (not pack_name or p.name == pack_name) and name in p.params]
        if not targets:
            known = [p2 for p in packs for p2 in (*p.params, *(f"{p.name}.{q}" for q in p.params))]
            fail(RuleError(f"unknown rule param {key!r}{did_you_mean(key, known)}"))
            continue
        try:
            value = _to_rule_value(raw)
        except RuleError as exc:
            fail(RuleError(f"param {key!r}: {exc.message}"))
            continue
        for info in targets:
            default = info.params[name]
            if isinstance(default, Decimal) and not isinstance(value, Decimal):
                fail(RuleError(f"param {key!r} must be a number (its default is {default})"))
                continue
            info.params[name] = value


def _compile_rule(decl: ast.RuleDecl, info: _PackInfo, path: Path, text: str,
                  functions: Mapping[str, Callable[..., Any]]) -> Rule:
    compiler = Compiler(source=str(path), text=text, functions=functions, params=info.params)
    severity_text = decl.severity or DEFAULT_SEVERITY
    try:
        severity = Severity.parse(severity_text)
    except ValueError:
        line, column = decl.severity_pos or (decl.line, decl.column)
        hint = did_you_mean(severity_text, [s.value for s in Severity])
        raise rule_error(f"unknown severity {severity_text!r}; expected note, warning or error{hint}",
                         source=str(path), text=text, line=line, column=column) from None
    try:
        closures = tuple(compiler.statements(decl.body, compiler.root_scope(), top=True))
    except RecursionError:
        raise rule_error("rule is nested too deeply", source=str(path), text=text,
                         line=decl.line, column=decl.column) from None
    return Rule(
        id=decl.id,
        title=decl.title,
        severity=severity,
        tags=decl.tags,
        pack=info.name,
        reference=decl.reference or (info.decl.reference if info.decl else None),
        description=decl.description,
        params=effective_params({n: info.params[n] for n in compiler.used_params}),
        source=decl.source,
        file=str(path),
        line=decl.line,
        code=RuleCode(closures, functools.partial(_generate, decl, path, text, functions, dict(info.params)),
                      len(decl.source)),
    )


def _generate(decl: ast.RuleDecl, path: Path, text: str, functions: Mapping[str, Callable[..., Any]],
              params: Mapping[str, Any]) -> Callable[[dict], Any]:
    """The rule as one generated Python function (see :mod:`compliance.dsl.tiers`)."""
    compiler = Compiler(source=str(path), text=text, functions=functions, params=params)
    return compile_rule(compiler, decl)


# ---- public entry points ------------------------------------------------------------


_PAUSE = threading.Lock()
_BUILDING = 0
_COLLECTOR_WAS_ON = True


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a rule set is built.

    Building makes tens of thousands of objects that all live on (syntax trees,
    closures); each collection pass on the way would walk every one of them and
    free none, which took a third of the compile time.  Reference counting still
    frees everything else; the collector resumes, as it was, when the build ends.
    """
    global _BUILDING, _COLLECTOR_WAS_ON
    with _PAUSE:  # builds in several threads: the first pauses, the last restores what it found
        if _BUILDING == 0:
            _COLLECTOR_WAS_ON = gc.isenabled()
            gc.disable()
        _BUILDING += 1
    try:
        yield
    finally:
        with _PAUSE:
            _BUILDING -= 1
            if _BUILDING == 0 and _COLLECTOR_WAS_ON:
                gc.enable()



def load_rule_set(paths: Sequence[Path], *, functions: Mapping[str, Callable[..., Any]] | None = None,
                  params: Mapping[str, object] | None = None, overriding_packs: Sequence[str] = ()) -> RuleSet:
    """Load and compile the rules under ``paths``; raise :class:`RuleError` for the first error.

    ``overriding_packs`` name packs whose params replace same-named params of the
    other packs (a jurisdiction's pack over the national one); ``params`` (the
    configuration) apply after them.  Compiled once per process for the same
    files (by content), params, overriding packs and functions.
    """
    functions = dict(functions or {})
    params = dict(params or {})
    sources = _sources(paths)
    key = (
        tuple((str(path), content_hash(text)) for path, text in sources),
        tuple(sorted((k, repr(v)) for k, v in params.items())),
        tuple(sorted((k, id(v)) for k, v in functions.items())),
        tuple(sorted(overriding_packs)),
    )
    cached = _COMPILED.get(key)
    if cached is None:
        with _collector_paused():
            cached = _build(sources, functions, params, None, tuple(overriding_packs))
        if len(_COMPILED) > 32:
            _COMPILED.clear()
        _COMPILED[key] = cached
    return cached


def check_rule_files(paths: Sequence[Path], *, functions: Mapping[str, Callable[..., Any]] | None = None,
                     params: Mapping[str, object] | None = None) -> list[RuleError]:
    """Every error in the rule files (syntax, names, params, duplicate ids), without running them."""
    errors: list[RuleError] = []
    try:
        with _collector_paused():
            _build(_sources(paths), dict(functions or {}), dict(params or {}), errors)
    except RuleError as exc:  # unreadable or missing files
        errors.append(exc)
    return errors


__all__ = ["cache_dir", "check_rule_files", "load_rule_set", "parse_file", "rule_files"]
