"""Built-in plugin for the Shanghai (上海) layout of department and unit budget disclosures.

Contributes the ``cn.shanghai`` rule pack (``rules/shanghai``), which runs
only on documents whose jurisdiction is ``shanghai`` (the cn_budget enrichment
detects 上海 in the title or the 编制部门), and the functions its rules call:
classification code lists shipped as data (:mod:`.codes`) and readers of the
Shanghai 编制说明 sentences (:mod:`.functions`).  The nine Shanghai table
titles are mapped to the national table kinds by the shared vocabulary;
what differs in this layout is said by the pack's params and rules.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from compliance import hookimpl
from plugins_builtin.shanghai.functions import FUNCTIONS


@hookimpl
def compliance_register_rule_packs() -> list[Path]:
    return [Path(str(files("rules") / "shanghai"))]


@hookimpl
def compliance_register_functions() -> dict[str, object]:
    return dict(FUNCTIONS)
