"""Built-in reporter: the JSON report, the stable contract for review workflows.

Its layout is documented by ``docs/report.schema.json``; the text is
:meth:`compliance.Report.to_json` (deterministic: fixed key order, no timestamps).
"""

from __future__ import annotations

from compliance import Report, hookimpl

FORMAT = "json"


@hookimpl
def compliance_register_formats() -> dict[str, str]:
    return {FORMAT: "machine-readable report (documented by docs/report.schema.json)"}


@hookimpl
def compliance_render_report(report: Report, format: str) -> str | None:
    return report.to_json() if format == FORMAT else None
