"""A test plugin whose Python check raises."""

from __future__ import annotations

from compliance import Check, hookimpl


def _crash(document, ctx):
    raise ZeroDivisionError("division by zero")


@hookimpl
def compliance_register_checks():
    return [Check("CRASH-001", "会崩溃的检查", _crash, pack="crash.national")]
