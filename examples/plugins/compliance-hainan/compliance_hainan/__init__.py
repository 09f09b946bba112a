"""Example jurisdiction plugin: 海南 (Hainan) disclosures, written only against the documented hooks.

It contributes one of each kind of extension:

* a **loader** for ``.hnb`` files (a small tab-separated publication format),
  and the suffix so that directory walks find them;
* an **enrichment** that marks disclosures from Hainan with their jurisdiction,
  so the ``cn.hainan`` pack runs on them whichever loader read them;
* a **rule function** ``hn_top_level_sum(table, column)`` for the rule language;
* a **rule pack** ``cn.hainan`` (``rules/hainan``) that uses the function;
* a **Python check** ``HN-PY-001`` for what the rule language does not say.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from attrs import evolve

from compliance import Check, hookimpl
from compliance.model import Document

from compliance_hainan.checks import amounts_in_wanyuan
from compliance_hainan.functions import hn_top_level_sum
from compliance_hainan.loader import SUFFIX, load_hnb

JURISDICTION = "hainan"


@hookimpl
def compliance_load_document(path: Path, data: bytes) -> Document | None:
    return load_hnb(path, data) if path.suffix.lower() == SUFFIX else None


@hookimpl
def compliance_register_suffixes() -> list[str]:
    return [SUFFIX]


# Normal priority: installed plugins run before the built-in enrichment, which keeps a
# jurisdiction already set; a layout-only guess (the built-in Xinjiang plugin's) runs last.
@hookimpl
def compliance_enrich_document(document: Document) -> Document | None:
    if document.meta.get("jurisdiction") or "海南" not in document.title:
        return None
    return evolve(document, meta={**document.meta, "jurisdiction": JURISDICTION})


@hookimpl
def compliance_register_functions() -> dict[str, object]:
    return {"hn_top_level_sum": hn_top_level_sum}


@hookimpl
def compliance_register_rule_packs() -> list[Path]:
    return [Path(str(files("compliance_hainan") / "rules" / "hainan"))]


@hookimpl
def compliance_register_checks() -> list[Check]:
    return [
        Check(
            "HN-PY-001",
            "金额单位须为万元",
            amounts_in_wanyuan,
            severity="warning",
            pack="cn.hainan",
            tags=("unit",),
            reference="示例：海南省部门预算公开补充规定 第二条",
            description="海南省要求公开表一律以万元为单位，便于跨部门比较。",
        )
    ]
