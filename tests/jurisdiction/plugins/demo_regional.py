"""Test plugin: a national pack and a Xinjiang pack that sets the national ``weight_total`` to 90."""

from pathlib import Path

from compliance import hookimpl

PACKS = Path(__file__).parent / "regional_packs"


@hookimpl
def compliance_register_rule_packs() -> list[Path]:
    return [PACKS / "national", PACKS / "xinjiang"]
