"""A fresh plugin manager per run, with every plugin loaded one at a time and named on failure.

Plugins come through three doors, as in pytest: the ``compliance`` entry-point
group (built-ins included), ``plugins = [...]`` in the configuration, and
``-p module`` on the command line.  ``-p no:NAME`` blocks a plugin by name.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from typing import Iterable

import attrs
import pluggy

from compliance.errors import PluginError
from compliance.plugins import PROJECT_NAME, hookspecs

ENTRY_POINT_GROUP = PROJECT_NAME
#: Prefix of ``-p`` values that block a plugin instead of loading one.
BLOCK_PREFIX = "no:"


@attrs.frozen
class PluginFailure:
    """A plugin that could not be loaded, or raised in a hook; the run goes on without it unless strict."""

    name: str
    message: str


def _registration_order(ep: importlib.metadata.EntryPoint) -> tuple[bool, str]:
    """Built-ins (our own distribution's entry points) first, then the others, each by name.

    Hooks are called last-registered first, so an installed plugin is asked
    before the built-ins: a jurisdiction's loader or reporter can take over a
    file or a format that a built-in would also accept.
    """
    dist = getattr(ep, "dist", None)
    builtin = dist is not None and (dist.metadata["Name"] or "").lower() == PROJECT_NAME
    return (not builtin, ep.name)


def create_manager(
    extra: Iterable[str] = (),
    *,
    strict: bool = False,
    entry_points: bool = True,
    objects: Iterable[object] = (),
) -> tuple[pluggy.PluginManager, tuple[PluginFailure, ...]]:
    """Build a new manager with the entry-point plugins, the named ``extra`` modules and ``objects``.

    ``extra`` holds module names (``-p`` and the config's ``plugins``); a
    name ``no:NAME`` blocks the plugin registered as ``NAME``.  ``objects``
    are already-built plugin objects (for embedding and tests).  A plugin
    that fails to import is recorded in the returned failures (or raises
    :class:`PluginError` when ``strict``).
    """
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    failures: list[PluginFailure] = []
    names = list(extra)
    for name in names:
        if name.startswith(BLOCK_PREFIX):
            pm.set_blocked(name[len(BLOCK_PREFIX):])

    def fail(name: str, exc: BaseException) -> None:
        message = f"plugin {name!r} failed to load: {type(exc).__name__}: {exc}"
        if strict:
            raise PluginError(message) from exc
        failures.append(PluginFailure(name, message))

    def register(plugin: object, name: str) -> None:
        pm.register(plugin, name=name)
        # A misspelled hook name is an error of that plugin alone.
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            pm.unregister(name=name)
            raise PluginError(str(exc)) from exc

    if entry_points:
        for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=_registration_order):
            if pm.has_plugin(ep.name) or pm.is_blocked(ep.name):
                continue
            try:
                register(ep.load(), ep.name)
            except Exception as exc:  # noqa: BLE001 - any import failure is reported by name
                fail(ep.name, exc)
    for module_name in names:
        if module_name.startswith(BLOCK_PREFIX) or pm.has_plugin(module_name) or pm.is_blocked(module_name):
            continue
        try:
            module = importlib.import_module(module_name)
            # Named with -p while also installed through its entry point: one registration.
            if not pm.is_registered(module):
                register(module, module_name)
        except Exception as exc:  # noqa: BLE001
            fail(module_name, exc)
    for index, plugin in enumerate(objects):
        name = getattr(plugin, "__name__", None) or f"{type(plugin).__name__}-{index}"
        try:
            register(plugin, name)
        except Exception as exc:  # noqa: BLE001
            fail(name, exc)
    return pm, tuple(failures)
