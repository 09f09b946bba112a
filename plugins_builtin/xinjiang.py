"""Built-in plugin for the Xinjiang (新疆, 巴州) twelve-table layout: contributes the ``cn.xinjiang`` pack.

The pack (``rules/xinjiang``) runs only on documents whose jurisdiction is
``xinjiang``.  The cn_budget enrichment sets ``Document.meta["jurisdiction"]``
from the 新疆/巴州 markers in the title and the 编制部门; where there are none,
this plugin recognises the layout itself (:func:`has_xinjiang_layout`);
``--jurisdiction xinjiang`` forces it either way.  The pack's params that share
a name with the national pack's (``weight_total``, ``required_tables``) replace
them for those documents only: the engine compiles one rule set per
jurisdiction for that.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from attrs import evolve

from compliance import hookimpl
from compliance.model import Document

JURISDICTION = "xinjiang"
#: Table kinds only the twelve-table layout publishes (the national and Shanghai layouts have nine tables).
LAYOUT_KINDS = frozenset({"entrusted_business", "carryover"})
#: How many numbered tables the layout has.
LAYOUT_TABLES = 12


def has_xinjiang_layout(document: Document) -> bool:
    """Whether ``document`` is laid out as the Xinjiang template: twelve tables, 委托业务费 and 上年结转结余 among them."""
    numbers = {t.number for t in document.tables if t.number}
    kinds = {t.kind for t in document.tables}
    return LAYOUT_KINDS <= kinds and len(numbers) == LAYOUT_TABLES


@hookimpl
def compliance_register_rule_packs() -> list[Path]:
    return [Path(str(files("rules") / "xinjiang"))]


@hookimpl(trylast=True)
def compliance_enrich_document(document: Document) -> Document | None:
    """Mark a document with no detected jurisdiction as Xinjiang when its layout is the twelve-table one.

    Runs last, after the cn_budget enrichment has set table kinds and looked for markers.
    """
    if document.meta.get("jurisdiction") or not has_xinjiang_layout(document):
        return None
    return evolve(document, meta={**document.meta, "jurisdiction": JURISDICTION})
