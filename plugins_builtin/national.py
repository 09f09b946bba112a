"""Built-in plugin: contributes the national rule pack (``rules/national``).

The pack ships as package data of the ``rules`` package, so it is found in an
installed wheel as well as in a source checkout.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from compliance import hookimpl


@hookimpl
def compliance_register_rule_packs() -> list[Path]:
    return [Path(str(files("rules") / "national"))]
