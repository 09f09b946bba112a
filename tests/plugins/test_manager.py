"""The plugin manager: entry points, -p modules, blocking, and failures named and survived."""

from __future__ import annotations

import sys
import types

import pytest

from compliance import hookimpl
from compliance.errors import PluginError
from compliance.plugins.manager import create_manager

BUILTIN_REPORTERS = {"report_text", "report_json", "report_sarif", "report_junit", "report_markdown"}


def _module(name: str, source: str, monkeypatch) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, name, module)
    return module


def test_builtin_plugins_come_through_the_entry_point_group() -> None:
    pm, failures = create_manager()
    names = {name for name, _ in pm.list_name_plugin()}
    assert BUILTIN_REPORTERS <= names
    assert {"text_loader", "cn_budget", "national"} <= names
    assert failures == ()


def test_each_run_gets_a_fresh_manager() -> None:
    first, _ = create_manager()
    second, _ = create_manager()
    assert first is not second
    first.unregister(name="report_text")
    assert second.has_plugin("report_text")


def test_a_module_named_with_p_is_registered(monkeypatch) -> None:
    _module("demo_formats_plugin", """
from compliance import hookimpl

@hookimpl
def compliance_register_formats():
    return {"demo": "a demo format"}
""", monkeypatch)
    pm, failures = create_manager(["demo_formats_plugin"])
    assert pm.has_plugin("demo_formats_plugin")
    assert failures == ()


def test_no_prefix_blocks_a_plugin_by_name() -> None:
    pm, _ = create_manager(["no:report_markdown"])
    assert not pm.has_plugin("report_markdown")
    assert pm.has_plugin("report_json")


def test_a_plugin_that_fails_to_import_is_named_and_skipped() -> None:
    pm, failures = create_manager(["no_such_plugin_module_xyz"])
    assert [f.name for f in failures] == ["no_such_plugin_module_xyz"]
    assert failures[0].message == (
        "plugin 'no_such_plugin_module_xyz' failed to load: "
        "ModuleNotFoundError: No module named 'no_such_plugin_module_xyz'"
    )
    assert pm.has_plugin("report_text")


def test_strict_makes_a_failing_plugin_fatal() -> None:
    with pytest.raises(PluginError, match="plugin 'no_such_plugin_module_xyz' failed to load"):
        create_manager(["no_such_plugin_module_xyz"], strict=True)


def test_a_misspelled_hook_is_reported_for_that_plugin_alone(monkeypatch) -> None:
    _module("typo_plugin", """
from compliance import hookimpl

@hookimpl
def compliance_load_documnet(path, data):
    return None
""", monkeypatch)
    pm, failures = create_manager(["typo_plugin"])
    assert not pm.has_plugin("typo_plugin")
    assert [f.name for f in failures] == ["typo_plugin"]
    assert "compliance_load_documnet" in failures[0].message
    assert pm.has_plugin("report_text")


def test_plugin_objects_are_registered_without_entry_points() -> None:
    class Loader:
        @hookimpl
        def compliance_register_suffixes(self):
            return [".demo"]

    pm, failures = create_manager(entry_points=False, objects=[Loader()])
    assert [name for name, _ in pm.list_name_plugin()] == ["Loader-0"]
    assert failures == ()
