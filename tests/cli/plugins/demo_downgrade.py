"""A test plugin: post-processing that downgrades DEMO-ERR-001 to a note and drops DEMO-NOTE-001."""

from __future__ import annotations

from attrs import evolve

from compliance import Severity, hookimpl


@hookimpl
def compliance_process_findings(document, findings):
    kept = [f for f in findings if f.rule != "DEMO-NOTE-001"]
    return tuple(evolve(f, severity=Severity.NOTE) if f.rule == "DEMO-ERR-001" else f for f in kept)
