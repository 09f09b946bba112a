"""A test plugin contributing a rule pack with a syntax error."""

from __future__ import annotations

from pathlib import Path

from compliance import hookimpl


@hookimpl
def compliance_register_rule_packs():
    return [Path(__file__).parent / "broken_pack"]
