"""The typed facade: the only code that touches ``pm.hook``.

Hooks are called by keyword, so specifications can gain parameters without
breaking plugins.  Hooks that chain (enrichment, post-processing) or collect
(registrations) are called one implementation at a time, so an exception
names the plugin that raised it.  Where the run can go on without that
plugin, the failure is appended to ``failures`` (when given) instead of
raised: the caller reports it and carries on, or stops when strict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pluggy

from compliance.errors import ConfigError, LoadError, PluginError, UnsupportedFormatError
from compliance.findings import Finding
from compliance.model import Document
from compliance.plugins.checks import Check
from compliance.plugins.manager import PluginFailure
from compliance.suggest import did_you_mean


def _impls(pm: pluggy.PluginManager, hook_name: str) -> Iterator[Any]:
    """Implementations in pluggy's call order (last registered first, honouring tryfirst/trylast)."""
    return reversed(getattr(pm.hook, hook_name).get_hookimpls())


def _plugin_error(impl: Any, hook_name: str, exc: Exception, source: str | None = None) -> PluginError:
    return PluginError(
        f"plugin {impl.plugin_name!r} raised in {hook_name}: {type(exc).__name__}: {exc}", source=source
    )


def _call(impl: Any, hook_name: str, failures: list[PluginFailure] | None, source: str | None, **kwargs: Any) -> Any:
    """Call one implementation; on error record it in ``failures`` (returning None) or raise."""
    try:
        return impl.function(**{name: kwargs[name] for name in impl.argnames})
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - name the plugin that broke
        error = _plugin_error(impl, hook_name, exc, source)
        if failures is None:
            raise error from exc
        failures.append(PluginFailure(impl.plugin_name, str(error)))
        return None


def load_document(pm: pluggy.PluginManager, path: Path, data: bytes) -> Document:
    """The document read by the first loader that accepts ``path``; a loader that crashes is named."""
    for impl in _impls(pm, "compliance_load_document"):
        document = _call(impl, "compliance_load_document", None, str(path), path=path, data=data)
        if document is not None:
            return document
    raise UnsupportedFormatError(
        f"no loader reads files like this (suffix {path.suffix or 'none'!r})", source=str(path)
    )


def enrich_document(
    pm: pluggy.PluginManager, document: Document, failures: list[PluginFailure] | None = None
) -> Document:
    # Enrichers run in sequence, each on the previous one's result.
    for impl in _impls(pm, "compliance_enrich_document"):
        result = _call(impl, "compliance_enrich_document", failures, document.path, document=document)
        if result is not None:
            document = result
    return document


def rule_pack_paths(pm: pluggy.PluginManager, failures: list[PluginFailure] | None = None) -> tuple[Path, ...]:
    """Every rule pack path contributed by the registered plugins, in registration order."""
    return tuple(path for _, path in rule_packs_by_plugin(pm, failures))


def rule_packs_by_plugin(
    pm: pluggy.PluginManager, failures: list[PluginFailure] | None = None
) -> tuple[tuple[str, Path], ...]:
    """``(plugin name, pack path)`` for every contributed pack, in registration order."""
    packs: list[tuple[str, Path]] = []
    for impl in reversed(list(_impls(pm, "compliance_register_rule_packs"))):
        for path in _call(impl, "compliance_register_rule_packs", failures, None) or ():
            packs.append((impl.plugin_name, Path(path)))
    return tuple(packs)


def dsl_functions(pm: pluggy.PluginManager, failures: list[PluginFailure] | None = None) -> dict[str, object]:
    """The functions plugins add to the rule language; a name claimed twice is an error."""
    merged: dict[str, object] = {}
    owners: dict[str, str] = {}
    for impl in reversed(list(_impls(pm, "compliance_register_functions"))):
        for name, function in (_call(impl, "compliance_register_functions", failures, None) or {}).items():
            if name in merged:
                raise PluginError(
                    f"rule function {name!r} is defined by both {owners[name]!r} and {impl.plugin_name!r}"
                )
            merged[name] = function
            owners[name] = impl.plugin_name
    return merged


def dsl_functions_by_plugin(
    pm: pluggy.PluginManager, failures: list[PluginFailure] | None = None
) -> tuple[tuple[str, str, object], ...]:
    """``(function name, plugin name, callable)`` for every contributed rule function, in registration order.

    Unlike :func:`dsl_functions` this does not merge, so a name claimed twice
    appears twice (once per plugin): it answers "who adds what", for listings.
    """
    triples: list[tuple[str, str, object]] = []
    for impl in reversed(list(_impls(pm, "compliance_register_functions"))):
        for name, function in (_call(impl, "compliance_register_functions", failures, None) or {}).items():
            triples.append((name, impl.plugin_name, function))
    return tuple(triples)


def document_suffixes(pm: pluggy.PluginManager, failures: list[PluginFailure] | None = None) -> frozenset[str]:
    """Suffixes (lower-case, with the dot) that some loader declares it reads."""
    suffixes: set[str] = set()
    for impl in _impls(pm, "compliance_register_suffixes"):
        suffixes.update(s.lower() for s in _call(impl, "compliance_register_suffixes", failures, None) or ())
    return frozenset(suffixes)


def python_checks(pm: pluggy.PluginManager, failures: list[PluginFailure] | None = None) -> tuple[Check, ...]:
    """Every Python check, in plugin registration order; an id claimed twice is an error naming both plugins."""
    checks: list[Check] = []
    owners: dict[str, str] = {}
    for impl in reversed(list(_impls(pm, "compliance_register_checks"))):
        for check in _call(impl, "compliance_register_checks", failures, None) or ():
            if not isinstance(check, Check):
                raise PluginError(
                    f"plugin {impl.plugin_name!r} registered {check!r}, which is not a compliance Check"
                )
            if check.id in owners:
                raise PluginError(
                    f"check id {check.id!r} is registered by both {owners[check.id]!r} and {impl.plugin_name!r}"
                )
            owners[check.id] = impl.plugin_name
            checks.append(check)
    return tuple(checks)


def process_findings(
    pm: pluggy.PluginManager,
    document: Document,
    findings: tuple[Finding, ...],
    failures: list[PluginFailure] | None = None,
) -> tuple[Finding, ...]:
    """Findings after every post-processor ran in sequence; a raising post-processor is skipped."""
    for impl in _impls(pm, "compliance_process_findings"):
        result = _call(
            impl, "compliance_process_findings", failures, document.path, document=document, findings=findings
        )
        if result is not None:
            findings = tuple(result)
    return findings


def report_formats(pm: pluggy.PluginManager, failures: list[PluginFailure] | None = None) -> dict[str, str]:
    """Format name → description, from every reporter plugin, sorted by name."""
    formats: dict[str, str] = {}
    for impl in _impls(pm, "compliance_register_formats"):
        formats.update(_call(impl, "compliance_register_formats", failures, None) or {})
    return dict(sorted(formats.items()))


def check_format(pm: pluggy.PluginManager, format: str) -> None:
    """Raise :class:`ConfigError` (with a "did you mean") unless some reporter declares ``format``."""
    known = report_formats(pm)
    if format in known:
        return
    raise ConfigError(f"unknown report format {format!r} (known: {', '.join(known) or 'none'})"
                      f"{did_you_mean(format, known)}")


def render_report(pm: pluggy.PluginManager, report: Any, format: str, options: Any) -> str:
    """The report rendered by the first reporter that knows ``format``."""
    check_format(pm, format)
    for impl in _impls(pm, "compliance_render_report"):
        text = _call(impl, "compliance_render_report", None, None, report=report, format=format, options=options)
        if text is not None:
            return text
    raise PluginError(f"report format {format!r} is declared but no plugin renders it")
