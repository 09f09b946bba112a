"""Built-in plugin for the Xinjiang (新疆, 巴州) twelve-table layout: contributes the ``cn.xinjiang`` pack.

The pack (``rules/xinjiang``) runs only on documents whose jurisdiction is
``xinjiang``: the cn_budget enrichment sets ``Document.meta["jurisdiction"]``
from the 新疆/巴州 markers in the title and the 编制部门, and ``--jurisdiction
xinjiang`` forces it.  The pack's params that share a name with the national
pack's (``weight_total``, ``required_tables``) replace them for those documents
only; the engine compiles one rule set per jurisdiction for that.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from compliance import hookimpl


@hookimpl
def compliance_register_rule_packs() -> list[Path]:
    return [Path(str(files("rules") / "xinjiang"))]
