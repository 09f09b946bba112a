"""compliance: a rule-based compliance checker for government budget disclosures.

Public API: :func:`load`, :data:`hookimpl`, the model types in
:mod:`compliance.model` and the finding types in :mod:`compliance.findings`.
"""

from __future__ import annotations

from compliance.api import load
from compliance.findings import Finding, Outcome, RuleResult, Severity
from compliance.plugins import hookimpl

__version__ = "0.1.0"

__all__ = ["Finding", "Outcome", "RuleResult", "Severity", "__version__", "hookimpl", "load"]
