"""A test plugin that raises in enrichment and in post-processing."""

from __future__ import annotations

from compliance import hookimpl


@hookimpl
def compliance_enrich_document(document):
    raise RuntimeError("enricher exploded")


@hookimpl
def compliance_process_findings(document, findings):
    raise ValueError("post-processor exploded")
