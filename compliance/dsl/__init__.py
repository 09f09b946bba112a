"""The rule language: regulators' requirements as small, readable rule files.

Public API::

    rule_set = load_rule_set(paths, functions=..., params=...)
    results = rule_set.evaluate(document)      # one RuleResult per rule
    errors = check_rule_files(paths)           # every error, for `compliance rules check`

No Lark type leaves this package: syntax and name errors are
:class:`compliance.errors.RuleError` with file, line, column and a caret.
"""

from __future__ import annotations

from compliance.dsl.functions import BUILTINS, Missing, needs_document
from compliance.dsl.loader import cache_dir, check_rule_files, load_rule_set
from compliance.dsl.runtime import DEFAULT_STEP_BUDGET, Pack, Rule, RuleSet

__all__ = [
    "BUILTINS",
    "DEFAULT_STEP_BUDGET",
    "Missing",
    "Pack",
    "Rule",
    "RuleSet",
    "cache_dir",
    "check_rule_files",
    "load_rule_set",
    "needs_document",
]
