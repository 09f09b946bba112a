"""Rule-language functions for budget disclosures, one module per area, merged here.

Each module exposes ``FUNCTIONS``: a mapping from the name rules call to a
plain callable.  The plugin contributes the merged mapping through
``compliance_register_functions``.
"""

from __future__ import annotations

from types import MappingProxyType

from plugins_builtin.cn_budget.functions import narrative, tables, text, units

FUNCTIONS = MappingProxyType({**units.FUNCTIONS, **text.FUNCTIONS, **tables.FUNCTIONS, **narrative.FUNCTIONS})
