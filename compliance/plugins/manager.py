"""A fresh plugin manager per run, with every plugin loaded one at a time and named on failure."""

from __future__ import annotations

import importlib
import importlib.metadata
from typing import Iterable

import attrs
import pluggy

from compliance.errors import PluginError
from compliance.plugins import PROJECT_NAME, hookspecs

ENTRY_POINT_GROUP = PROJECT_NAME


@attrs.frozen
class PluginFailure:
    """A plugin that could not be loaded; the run goes on without it unless strict."""

    name: str
    message: str


def create_manager(
    extra: Iterable[str] = (),
    *,
    strict: bool = False,
    entry_points: bool = True,
) -> tuple[pluggy.PluginManager, tuple[PluginFailure, ...]]:
    """Build a new manager with the entry-point plugins and the named ``extra`` modules.

    A plugin that fails to import is recorded in the returned failures (or
    raises :class:`PluginError` when ``strict``).
    """
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    failures: list[PluginFailure] = []

    def fail(name: str, exc: BaseException) -> None:
        message = f"plugin {name!r} failed to load: {type(exc).__name__}: {exc}"
        if strict:
            raise PluginError(message) from exc
        failures.append(PluginFailure(name, message))

    if entry_points:
        for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if pm.has_plugin(ep.name):
                continue
            try:
                pm.register(ep.load(), name=ep.name)
            except Exception as exc:  # noqa: BLE001 - any import failure is reported by name
                fail(ep.name, exc)
    for module_name in extra:
        if pm.has_plugin(module_name):
            continue
        try:
            pm.register(importlib.import_module(module_name), name=module_name)
        except Exception as exc:  # noqa: BLE001
            fail(module_name, exc)
    pm.check_pending()
    return pm, tuple(failures)
