"""Built-in plugin for Chinese department budget disclosures (部门预算公开).

Implements ``compliance_enrich_document``: table kinds matched from titles,
two-sided tables split into sides, empty tables and the sentence explaining
them, narrative facts, and the document's department, year and jurisdiction.
The layout assembler (:mod:`.assemble`) that loaders feed with blocks lives
here too, with its vocabulary (:mod:`.vocabulary`).
"""

from __future__ import annotations

from compliance import hookimpl
from compliance.model import Document
from plugins_builtin.cn_budget.enrich import enrich as _enrich
from plugins_builtin.cn_budget.functions import FUNCTIONS


@hookimpl
def compliance_enrich_document(document: Document) -> Document | None:
    return _enrich(document)


@hookimpl
def compliance_register_functions() -> dict[str, object]:
    return dict(FUNCTIONS)
