"""compliance: a rule-based compliance checker for government budget disclosures.

Public API: :func:`check` and :func:`load`, the :class:`Report` they return,
:data:`hookimpl` and :class:`Check` for plugin authors, the model types in
:mod:`compliance.model` and the finding types in :mod:`compliance.findings`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from compliance.api import check, load  # noqa: E402 - after __version__, which the engine reads
from compliance.config import Config, load_config  # noqa: E402
from compliance.findings import Finding, Location, Outcome, RuleResult, Severity  # noqa: E402
from compliance.plugins import hookimpl  # noqa: E402
from compliance.plugins.checks import Check, CheckContext, NotApplicable, NotEvaluated  # noqa: E402
from compliance.report import DocumentResult, Report  # noqa: E402

__all__ = [
    "Check",
    "CheckContext",
    "Config",
    "DocumentResult",
    "Finding",
    "Location",
    "NotApplicable",
    "NotEvaluated",
    "Outcome",
    "Report",
    "RuleResult",
    "Severity",
    "__version__",
    "check",
    "hookimpl",
    "load",
    "load_config",
]
