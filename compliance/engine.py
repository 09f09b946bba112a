"""Orchestration only: load → enrich → rules → Python checks → post-process → report.

The engine owns no domain knowledge.  Plugins load and enrich documents and
contribute rule packs, rule functions, Python checks, post-processors and
reporters; the configuration selects and tunes them.  Jurisdiction selection
is generic: a pack named ``<scope>.<name>`` runs on every document when it has
one segment or its last segment is ``national``; otherwise only where the
document's jurisdiction (``Document.meta["jurisdiction"]``, set by a domain
plugin, or forced by the configuration) equals that last segment.  Such a
regional pack's params override same-named params of the always-run packs for
its documents only (:meth:`Engine.rule_set_for`).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import multiprocessing
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

from attrs import evolve

from compliance.api import read_bytes
from compliance.config import Config, Waiver
from compliance.errors import ComplianceError, ConfigError, PluginError, RuleError, UnsupportedFormatError
from compliance.findings import Finding, Location, Outcome, RuleResult, Severity
from compliance.model import Document
from compliance.plugins import hooks
from compliance.plugins.checks import Check, CheckContext, NotApplicable, NotEvaluated
from compliance.plugins.manager import PluginFailure, create_manager
from compliance.report import DocumentError, DocumentResult, PackInfo, Report, RuleInfo, outcome_for
from compliance.suggest import did_you_mean

#: Pack name segments that run on every document, whatever its jurisdiction.
ALWAYS_RUN_SCOPES = frozenset({"national"})
#: Rule id of the finding that reports an expired waiver.
EXPIRED_WAIVER_RULE = "WAIVER-EXPIRED"
#: How many source lines a finding may quote in a report.
MAX_QUOTED_LINES = 3


class RuleSetLike(Protocol):
    """What the engine needs from a compiled rule set (see :mod:`compliance.dsl`)."""

    packs: Sequence[Any]
    rules: Sequence[Any]

    def evaluate(self, document: Document, *, rule_ids: Iterable[str] | None = None) -> tuple[RuleResult, ...]: ...


class _EmptyRuleSet:
    """The rule set of a run with no rule packs."""

    packs: tuple[Any, ...] = ()
    rules: tuple[Any, ...] = ()

    def evaluate(self, document: Document, *, rule_ids: Iterable[str] | None = None) -> tuple[RuleResult, ...]:
        return ()


def pack_applies(pack: str | None, jurisdiction: str | None) -> bool:
    """Whether rules of ``pack`` run on a document of ``jurisdiction`` (see the module docstring)."""
    if not pack:
        return True
    segments = pack.split(".")
    if len(segments) == 1 or segments[-1] in ALWAYS_RUN_SCOPES:
        return True
    return jurisdiction is not None and segments[-1] == jurisdiction


def _matches(selector: str, info: RuleInfo) -> bool:
    """ruff-style selection: a selector is a rule id prefix, a tag, or a pack name (prefix)."""
    return (
        info.id.startswith(selector)
        or selector in info.tags
        or (info.pack is not None and (info.pack == selector or info.pack.startswith(selector + ".")))
    )


def _rule_info(rule: Any) -> RuleInfo:
    return RuleInfo(
        id=rule.id,
        title=rule.title,
        severity=rule.severity if isinstance(rule.severity, Severity) else Severity.parse(str(rule.severity)),
        pack=rule.pack,
        reference=getattr(rule, "reference", None),
        description=getattr(rule, "description", None),
        tags=tuple(getattr(rule, "tags", ()) or ()),
        kind="rule",
    )


def _check_info(check: Check) -> RuleInfo:
    return RuleInfo(
        id=check.id,
        title=check.title,
        severity=check.severity,
        pack=check.pack,
        reference=check.reference,
        description=check.description,
        tags=check.tags,
        kind="check",
    )


def _pack_info(pack: Any) -> PackInfo:
    return PackInfo(
        name=pack.name,
        title=getattr(pack, "title", None),
        version=getattr(pack, "version", None),
        reference=getattr(pack, "reference", None),
        content_hash=getattr(pack, "content_hash", None),
    )


class Engine:
    """One configured run: a fresh plugin manager, the compiled rules and checks, and the policy.

    Build one per run; :meth:`check_document` and :meth:`check_paths` may be
    called many times.  ``plugin_objects`` (already-built plugins) and
    ``rule_set`` (a compiled rule set) serve embedding and tests.
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        plugins: Iterable[str] = (),
        plugin_objects: Iterable[object] = (),
        rule_set: RuleSetLike | None = None,
        entry_points: bool = True,
        today: dt.date | None = None,
    ) -> None:
        self.config = config or Config()
        self.today = today or dt.date.today()
        strict = self.config.strict_plugins
        self.pm, load_failures = create_manager(
            (*self.config.plugins, *plugins), strict=strict, entry_points=entry_points, objects=plugin_objects
        )
        self._failures: list[PluginFailure] = list(load_failures)
        #: Where hooks record failures; ``None`` makes them raise (strict).
        self._sink: list[PluginFailure] | None = None if strict else self._failures
        #: The pack paths and functions the rule set was compiled from (None: given ready-made).
        self._sources: tuple[list[Path], Mapping[str, Any]] | None = None
        self._by_jurisdiction: dict[str, RuleSetLike] = {}
        self.rule_set = rule_set if rule_set is not None else self._compile_rules()
        self.checks = hooks.python_checks(self.pm, self._sink)
        self.rules = tuple(_rule_info(r) for r in self.rule_set.rules) + tuple(_check_info(c) for c in self.checks)
        clashes = sorted({r.id for r in self.rule_set.rules} & {c.id for c in self.checks})
        if clashes:
            raise PluginError(f"rule id(s) defined both in a rule pack and as a Python check: {', '.join(clashes)}")
        self._validate_rule_references()
        self.selected = frozenset(info.id for info in self.rules if self._selected(info))
        self._suffixes: frozenset[str] | None = None

    # -- assembling the run -------------------------------------------------------------

    def _compile_rules(self) -> RuleSetLike:
        packs = list(hooks.rule_packs_by_plugin(self.pm, self._sink))
        functions = hooks.dsl_functions(self.pm, self._sink)
        while packs:
            try:
                rule_set = self._compile([path for _, path in packs], functions)
                self._sources = ([path for _, path in packs], functions)
                return rule_set
            except RuleError as exc:
                owner = _pack_owner(exc, packs)
                if owner is None or self._sink is None:
                    raise  # a configuration error, or strict: stop the run
                # A plugin's broken pack is dropped, like a plugin that fails to load.
                self._sink.append(PluginFailure(owner, f"plugin {owner!r} contributed a rule pack that does not compile: {exc.where}: {exc.message}"))
                packs = [(name, path) for name, path in packs if name != owner]
        return _EmptyRuleSet()

    def _compile(self, paths: Sequence[Path], functions: Mapping[str, Any], overriding: Sequence[str] = ()) -> RuleSetLike:
        from compliance.dsl import load_rule_set  # the rule language is only needed when packs exist

        # The rounding policy goes only to rule sets whose rules read it: the
        # rule language rejects parameters nobody declared.
        params = self.config.rule_params(declared=frozenset())
        rule_set = load_rule_set(paths, functions=functions, params=params, overriding_packs=overriding)
        declared = frozenset(name for rule in rule_set.rules for name in getattr(rule, "params", {}) or {})
        full = self.config.rule_params(declared)
        if full != params:
            rule_set = load_rule_set(paths, functions=functions, params=full, overriding_packs=overriding)
        return rule_set

    def rule_set_for(self, jurisdiction: str | None) -> RuleSetLike:
        """The rules as compiled for ``jurisdiction``: its packs' params override the national ones.

        A regional pack that declares a param of the same name as an always-run
        pack (``param weight_total = 90``) sets it for that pack's documents
        only.  Each jurisdiction's rule set is compiled once per engine (and
        cached per process by the rule language); a rule set given to the
        engine ready-made is used as it is.
        """
        if self._sources is None or jurisdiction is None:
            return self.rule_set
        compiled = self._by_jurisdiction.get(jurisdiction)
        if compiled is None:
            regional = sorted(
                p.name for p in self.rule_set.packs
                if pack_applies(p.name, jurisdiction) and not pack_applies(p.name, None)
            )
            paths, functions = self._sources
            compiled = self._compile(paths, functions, regional) if regional else self.rule_set
            self._by_jurisdiction[jurisdiction] = compiled
        return compiled

    def _validate_rule_references(self) -> None:
        """Selectors and severity overrides that match no rule are configuration errors."""
        ids = [info.id for info in self.rules]
        words = ids + sorted({t for info in self.rules for t in info.tags}) + sorted({i.pack for i in self.rules if i.pack})
        for key, selectors in (("select", self.config.select), ("ignore", self.config.ignore)):
            for selector in selectors:
                if not any(_matches(selector, info) for info in self.rules):
                    raise ConfigError(
                        f"{key}: {selector!r} matches no rule id, tag or pack{did_you_mean(selector, words)}",
                        source=self.config.source_of(key),
                    )
        for rule_id in self.config.severity:
            if not any(i.startswith(rule_id) for i in ids):
                raise ConfigError(
                    f"severity: {rule_id!r} matches no rule id{did_you_mean(rule_id, ids)}",
                    source=self.config.source_of("severity"),
                )

    def _selected(self, info: RuleInfo) -> bool:
        config = self.config
        if config.packs and not any(info.pack and _matches_pack(p, info.pack) for p in config.packs):
            return False
        if config.select and not any(_matches(s, info) for s in config.select):
            return False
        return not any(_matches(s, info) for s in config.ignore)

    @property
    def failures(self) -> tuple[PluginFailure, ...]:
        return tuple(self._failures)

    # -- checking ---------------------------------------------------------------------

    def load(self, path: Path) -> Document:
        """Read, load and enrich one file (plugin failures in enrichment are recorded, not raised)."""
        document = hooks.load_document(self.pm, path, read_bytes(path))
        return hooks.enrich_document(self.pm, document, self._sink)

    def check_document(self, document: Document, *, path: str | None = None) -> DocumentResult:
        """Run every selected rule and check that applies to ``document``."""
        jurisdiction = self.config.jurisdiction or document.meta.get("jurisdiction") or None
        applicable = [i for i in self.rules if i.id in self.selected and pack_applies(i.pack, jurisdiction)]
        applicable_ids = {i.id for i in applicable}
        rule_ids = sorted(i.id for i in applicable if i.kind == "rule")
        results: list[RuleResult] = []
        if rule_ids:
            results.extend(self.rule_set_for(jurisdiction).evaluate(document, rule_ids=rule_ids))
        locate = _locator(document)
        results.extend(self._run_check(c, document, locate) for c in self.checks if c.id in applicable_ids)
        results = self._post_process(document, results)
        results = self._apply_policy(document.path if path is None else path, results)
        packs = sorted({i.pack for i in applicable if i.pack})
        return DocumentResult(
            path=document.path if path is None else path,
            results=tuple(results),
            packs=tuple(packs),
            jurisdiction=jurisdiction,
            quotes=_quotes(document, results),
        )

    def check_path(self, path: str) -> DocumentResult:
        """Check one file; an unreadable file gives a document result in ``error`` status."""
        try:
            document = self.load(Path(path))
            return self.check_document(document, path=path)
        except (ComplianceError, OSError) as exc:
            if isinstance(exc, PluginError) and self._sink is None:
                raise  # strict: a broken plugin stops the run
            message = getattr(exc, "message", None) or str(exc)
            return DocumentResult(path=path, status="error", error=DocumentError(type(exc).__name__, message))

    def check_paths(self, paths: Sequence[str], *, jobs: int = 1) -> Report:
        """Check files and directories; results come in the order given, whatever ``jobs``."""
        files = self.expand(paths)
        if jobs > 1 and len(files) > 1:
            documents = _parallel(self, files, jobs)
        else:
            documents = [self.check_path(f) for f in files]
        return self.report(documents)

    def report(self, documents: Iterable[DocumentResult]) -> Report:
        """The report of the run over ``documents`` (packs, rules, config hash and warnings included)."""
        from compliance import __version__

        documents = tuple(documents)
        warnings = [f.message for f in self._failures]
        for waiver in self.config.waivers:
            if waiver.expired(self.today):
                warnings.append(_expired_message(waiver))
        rules = self.rules
        if any(r.rule == EXPIRED_WAIVER_RULE for d in documents for r in d.results):
            rules = rules + (RuleInfo(EXPIRED_WAIVER_RULE, "豁免已过期", Severity.WARNING, kind="config"),)
        return Report(
            version=__version__,
            documents=documents,
            rules=rules,
            packs=tuple(_pack_info(p) for p in self.rule_set.packs),
            config_hash=self.config.digest(),
            warnings=tuple(dict.fromkeys(warnings)),
        )

    # -- directory walks --------------------------------------------------------------

    def expand(self, paths: Sequence[str]) -> list[str]:
        """Files as given, and the files under each directory (sorted, recursively) that a loader reads."""
        files: list[str] = []
        for given in paths:
            path = Path(given)
            if not path.is_dir():
                files.append(given)
                continue
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                if self._wanted(found):
                    files.append(str(found))
        return files

    def _wanted(self, path: Path) -> bool:
        if self._suffixes is None:
            self._suffixes = hooks.document_suffixes(self.pm, self._sink)
        if self._suffixes:
            return path.suffix.lower() in self._suffixes
        # No loader declared its suffixes: offer the file and keep it if some loader reads it.
        try:
            hooks.load_document(self.pm, path, read_bytes(path))
        except UnsupportedFormatError:
            return False
        except ComplianceError:
            return True
        return True

    # -- one document's pipeline ------------------------------------------------------

    def _run_check(self, check: Check, document: Document, locate: Callable[[Any], Location]) -> RuleResult:
        context = CheckContext(check=check, params=MappingProxyType(dict(self.config.params)), locate=locate)
        base = RuleResult(
            rule=check.id,
            title=check.title,
            outcome=Outcome.PASS,
            severity=check.severity,
            pack=check.pack,
            reference=check.reference,
        )
        try:
            findings = tuple(check.function(document, context) or ())
        except NotApplicable as exc:
            return evolve(base, outcome=Outcome.NOT_APPLICABLE, reason=str(exc) or None)
        except NotEvaluated as exc:
            return evolve(base, outcome=Outcome.NOT_EVALUATED, reason=str(exc) or None)
        except Exception as exc:  # noqa: BLE001 - a broken check is reported, the run goes on
            owner = getattr(check.function, "__module__", None) or "?"
            reason = f"{type(exc).__name__}: {exc}"
            if self._sink is None:
                raise PluginError(f"check {check.id} (plugin {owner!r}) raised: {reason}", source=document.path) from exc
            self._sink.append(PluginFailure(str(owner), f"check {check.id} (plugin {owner!r}) raised: {reason}"))
            failure = Finding(
                rule=check.id,
                severity=Severity.ERROR,
                message=f"检查 {check.id} 在本文档上运行失败：{reason}",
                pack=check.pack,
            )
            return evolve(base, outcome=Outcome.ERROR, reason=reason, findings=(failure,))
        return evolve(base, outcome=Outcome.FAIL if findings else Outcome.PASS, findings=findings)

    def _post_process(self, document: Document, results: list[RuleResult]) -> list[RuleResult]:
        before = tuple(f for r in results for f in r.findings)
        after = hooks.process_findings(self.pm, document, before, self._sink)
        if after == before:
            return results
        by_rule: dict[str, list[Finding]] = {}
        for finding in after:
            by_rule.setdefault(finding.rule, []).append(finding)
        regrouped = []
        for result in results:
            found = tuple(by_rule.pop(result.rule, ()))
            regrouped.append(evolve(result, findings=found, outcome=outcome_for(found, result.outcome)))
        for rule_id, extra in by_rule.items():  # findings a post-processor added under a new id
            info = next((i for i in self.rules if i.id == rule_id), None)
            regrouped.append(
                RuleResult(
                    rule=rule_id,
                    title=info.title if info else rule_id,
                    outcome=Outcome.FAIL,
                    severity=extra[0].severity,
                    findings=tuple(extra),
                    pack=extra[0].pack,
                )
            )
        return regrouped

    def _apply_policy(self, path: str, results: list[RuleResult]) -> list[RuleResult]:
        """Configured severity overrides, then waivers (expired ones stop applying and are reported)."""
        config = self.config
        active = [w for w in config.waivers if w.covers_document(path) and not w.expired(self.today)]
        expired = [w for w in config.waivers if w.covers_document(path) and w.expired(self.today)]

        def adjust(finding: Finding) -> Finding:
            severity = config.severity_for(finding.rule)
            if severity is not None:
                finding = evolve(finding, severity=severity)
            waiver = next((w for w in active if w.covers_rule(finding.rule)), None)
            return evolve(finding, waived=waiver.reason) if waiver else finding

        adjusted = [
            evolve(r, findings=tuple(adjust(f) for f in r.findings), severity=config.severity_for(r.rule) or r.severity)
            for r in results
        ]
        if expired:
            findings = tuple(
                Finding(rule=EXPIRED_WAIVER_RULE, severity=Severity.WARNING, message=_expired_message(w)) for w in expired
            )
            adjusted.append(
                RuleResult(
                    rule=EXPIRED_WAIVER_RULE,
                    title="豁免已过期",
                    outcome=Outcome.FAIL,
                    severity=Severity.WARNING,
                    findings=findings,
                )
            )
        return adjusted


def _pack_owner(error: RuleError, packs: Sequence[tuple[str, Path]]) -> str | None:
    """The plugin whose pack holds the file ``error`` is about (None: not a pack file, e.g. a bad param)."""
    if not error.source:
        return None
    source = Path(error.source).resolve()
    for name, path in packs:
        root = path.resolve()
        if source == root or root in source.parents:
            return name
    return None


def _matches_pack(selector: str, pack: str) -> bool:
    return pack == selector or pack.startswith(selector + ".")


def _expired_message(waiver: Waiver) -> str:
    return f"豁免已于 {waiver.expires} 过期，不再生效：{waiver.rule}（{waiver.reason}）"


def _locator(document: Document) -> Callable[[Any], Location]:
    """Locate elements of ``document``; the index over it is built on first use, once."""
    index: list[Any] = []

    def locate(element: Any) -> Location:
        if not index:
            try:
                from compliance.locations import LocationIndex
            except ImportError:  # pragma: no cover - only before the locations module exists
                return Location(span=getattr(element, "span", None))
            index.append(LocationIndex(document))
        return index[0].locate(element)

    return locate


def _quotes(document: Document, results: Iterable[RuleResult]) -> Mapping[int, str]:
    """Source lines cited by the findings (their location and related places), for reports."""
    lines = document.lines
    quoted: dict[int, str] = {}
    for result in results:
        for finding in result.findings:
            for location in (finding.location, *finding.related):
                span = location.span
                if span is None or span.start_line < 1:
                    continue
                last = min(span.last_line, span.start_line + MAX_QUOTED_LINES - 1)
                for number in range(span.start_line, last + 1):
                    if number <= len(lines):
                        quoted[number] = lines[number - 1]
    return dict(sorted(quoted.items()))


# -- parallel runs ----------------------------------------------------------------------

#: The engine a forked worker process checks with (inherited from the parent, never pickled).
_WORKER_ENGINE: Engine | None = None


def _check_in_worker(path: str) -> tuple[DocumentResult, tuple[PluginFailure, ...]]:
    """Check one file in a worker; return its result and the plugin failures met on the way."""
    assert _WORKER_ENGINE is not None
    before = len(_WORKER_ENGINE._failures)
    result = _WORKER_ENGINE.check_path(path)
    return result, tuple(_WORKER_ENGINE._failures[before:])


def _mappingproxy(items: dict[Any, Any]) -> MappingProxyType:
    return MappingProxyType(items)


def _reduce_mappingproxy(proxy: MappingProxyType) -> tuple[Any, tuple[dict[Any, Any]]]:
    # The type itself cannot be pickled by reference, so a module function rebuilds it.
    return _mappingproxy, (dict(proxy),)


def _parallel(engine: Engine, files: Sequence[str], jobs: int) -> list[DocumentResult]:
    """Check ``files`` in ``jobs`` forked worker processes; results keep the input order.

    Workers are forked, so they share the compiled engine (plugin manager, rule
    closures) without pickling it; only paths go out and results come back.
    The model's read-only mappings get a reducer for that trip, registered
    with multiprocessing's own pickler only.  Where fork is unavailable,
    threads are used instead (correct, but with little gain).
    """
    global _WORKER_ENGINE
    workers = max(1, min(jobs, len(files)))
    if "fork" not in multiprocessing.get_all_start_methods():
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as threads:
            return list(threads.map(engine.check_path, files))
    ForkingPickler.register(MappingProxyType, _reduce_mappingproxy)
    _WORKER_ENGINE = engine
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            outcomes = list(pool.map(_check_in_worker, files))
    finally:
        _WORKER_ENGINE = None
    for _, failures in outcomes:
        engine._failures.extend(failures)
    return [result for result, _ in outcomes]
