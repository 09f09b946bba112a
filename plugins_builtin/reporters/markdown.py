"""Built-in reporter: a review-ready Markdown summary for a ticket or a pull-request comment.

A summary table of the documents, then for each document its findings
(severity, rule, where, message, the compared values) and, folded, its
compliance matrix: every rule with its outcome.
"""

from __future__ import annotations

from compliance import DocumentResult, Report, hookimpl

from plugins_builtin.reporters._shared import place, position, values_text

FORMAT = "markdown"
_OUTCOME_LABEL = {
    "pass": "✅ pass",
    "fail": "❌ fail",
    "not_applicable": "➖ not applicable",
    "not_evaluated": "⚠️ not evaluated",
    "error": "💥 error",
}


@hookimpl
def compliance_register_formats() -> dict[str, str]:
    return {FORMAT: "review-ready Markdown summary"}


@hookimpl
def compliance_render_report(report: Report, format: str) -> str | None:
    if format != FORMAT:
        return None
    summary = report.summary()
    out = [
        "# Compliance report",
        "",
        f"{summary['documents']} document(s): **{summary['error']} error(s)**, {summary['warning']} warning(s), "
        f"{summary['note']} note(s); {summary['waived']} waived, {summary['baselined']} baselined.",
        "",
        "| Document | Status | Errors | Warnings | Notes | Waived |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for document in report.documents:
        counts = {"error": 0, "warning": 0, "note": 0}
        for finding in document.active_findings:
            counts[finding.severity.value] += 1
        waived = len(document.findings) - len(document.active_findings)
        out.append(
            f"| {_cell(document.path)} | {document.status} | {counts['error']} | {counts['warning']} | "
            f"{counts['note']} | {waived} |"
        )
    for warning in report.warnings:
        out.extend(["", f"> ⚠️ {_cell(warning)}"])
    for document in report.documents:
        out.extend(_document(document))
    return "\n".join(out) + "\n"


def _document(document: DocumentResult) -> list[str]:
    out = ["", f"## {_cell(document.path)}", ""]
    if document.status != "ok":
        message = document.error.message if document.error else "could not be read"
        return out + [f"**Could not be read:** {_cell(message)}"]
    findings = document.active_findings
    if findings:
        out += ["| Severity | Rule | Where | Message | Values |", "| --- | --- | --- | --- | --- |"]
        for f in findings:
            where = position(document.path, f.location).removeprefix(document.path).lstrip(":")
            where = " ".join(p for p in (f"line {where}" if where else "", place(f.location)) if p)
            out.append(
                f"| {f.severity.value} | `{f.rule}` | {_cell(where)} | {_cell(f.message)} | {_cell(values_text(f))} |"
            )
    else:
        out.append("No findings.")
    out += ["", "<details><summary>Compliance matrix</summary>", "", "| Rule | Title | Outcome | Findings |",
            "| --- | --- | --- | ---: |"]
    for result in document.results:
        label = _OUTCOME_LABEL.get(result.outcome.value, result.outcome.value)
        out.append(f"| `{result.rule}` | {_cell(result.title)} | {label} | {len(result.findings)} |")
    out += ["", "</details>"]
    return out


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, newlines as breaks."""
    return text.replace("|", "\\|").replace("\n", "<br>")
