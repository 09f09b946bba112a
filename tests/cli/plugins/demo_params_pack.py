"""A test plugin contributing a rule pack that declares the rounding parameters."""

from __future__ import annotations

from pathlib import Path

from compliance import hookimpl


@hookimpl
def compliance_register_rule_packs():
    return [Path(__file__).parent / "params_pack"]
