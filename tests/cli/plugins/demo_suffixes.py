"""A test plugin declaring that ``.txt`` files are documents (for directory walks)."""

from __future__ import annotations

from compliance import hookimpl


@hookimpl
def compliance_register_suffixes():
    return [".txt"]
