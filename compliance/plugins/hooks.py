"""The typed facade: the only code that touches ``pm.hook``.

Hooks are called by keyword, so specifications can gain parameters without
breaking plugins.
"""

from __future__ import annotations

from pathlib import Path

import pluggy

from compliance.errors import LoadError, PluginError, UnsupportedFormatError
from compliance.model import Document


def load_document(pm: pluggy.PluginManager, path: Path, data: bytes) -> Document:
    document = pm.hook.compliance_load_document(path=path, data=data)
    if document is None:
        raise UnsupportedFormatError(
            f"no loader reads files like this (suffix {path.suffix or 'none'!r})", source=str(path)
        )
    return document


def enrich_document(pm: pluggy.PluginManager, document: Document) -> Document:
    # Enrichers run in sequence, each on the previous one's result, so they are
    # called one implementation at a time rather than as a collected hook.
    caller = pm.hook.compliance_enrich_document
    for impl in reversed(caller.get_hookimpls()):
        try:
            result = impl.function(document=document)
        except LoadError:
            raise
        except Exception as exc:  # noqa: BLE001 - name the plugin that broke
            raise PluginError(
                f"plugin {impl.plugin_name!r} raised in compliance_enrich_document: "
                f"{type(exc).__name__}: {exc}",
                source=document.path,
            ) from exc
        if result is not None:
            document = result
    return document


def rule_pack_paths(pm: pluggy.PluginManager) -> tuple[Path, ...]:
    """Every rule pack path contributed by the registered plugins, in registration order."""
    results = pm.hook.compliance_register_rule_packs()
    # pluggy returns results last-registered first; reverse for registration order.
    return tuple(Path(p) for paths in reversed(results) for p in paths)


def dsl_functions(pm: pluggy.PluginManager) -> dict[str, object]:
    """The functions plugins add to the rule language; a name claimed twice is an error."""
    merged: dict[str, object] = {}
    owners: dict[str, str] = {}
    caller = pm.hook.compliance_register_functions
    for impl in reversed(caller.get_hookimpls()):
        for name, function in (impl.function() or {}).items():
            if name in merged:
                raise PluginError(
                    f"rule function {name!r} is defined by both {owners[name]!r} and {impl.plugin_name!r}"
                )
            merged[name] = function
            owners[name] = impl.plugin_name
    return merged
