"""Built-in reporter: JUnit XML for CI dashboards.

One test suite per document and one test case per rule run on it: a rule with
active findings fails (each finding one line of the failure text), a rule in
``error`` is an error, ``not_applicable``/``not_evaluated`` rules are skipped
with their reason.  An unreadable document is one errored test case.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from compliance import DocumentResult, Outcome, Report, hookimpl

from plugins_builtin.reporters._shared import position, values_text

FORMAT = "junit"


@hookimpl
def compliance_register_formats() -> dict[str, str]:
    return {FORMAT: "JUnit XML, one test case per rule per document"}


@hookimpl
def compliance_render_report(report: Report, format: str) -> str | None:
    if format != FORMAT:
        return None
    root = ET.Element("testsuites", name="compliance")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for document in report.documents:
        suite = _suite(document)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(document: DocumentResult) -> ET.Element:
    suite = ET.Element("testsuite", name=document.path)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if document.status != "ok":
        case = ET.SubElement(suite, "testcase", name="load", classname=document.path)
        message = document.error.message if document.error else "could not be read"
        ET.SubElement(case, "error", message=message, type=document.error.type if document.error else "LoadError")
        counts["tests"] = counts["errors"] = 1
    for result in document.results:
        counts["tests"] += 1
        case = ET.SubElement(suite, "testcase", name=f"{result.rule} {result.title}", classname=document.path)
        active = [f for f in result.findings if f.waived is None]
        if result.outcome is Outcome.ERROR:
            counts["errors"] += 1
            ET.SubElement(case, "error", message=result.reason or "rule failed to run", type="error").text = _lines(
                document, active
            )
        elif active:
            counts["failures"] += 1
            worst = max(active, key=lambda f: f.severity.rank)
            failure = ET.SubElement(case, "failure", message=worst.message, type=worst.severity.value)
            failure.text = _lines(document, active)
        elif result.outcome in (Outcome.NOT_APPLICABLE, Outcome.NOT_EVALUATED):
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=f"{result.outcome.value}: {result.reason or ''}".rstrip(": "))
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite


def _lines(document: DocumentResult, findings) -> str:
    lines = []
    for finding in findings:
        line = f"{position(document.path, finding.location)}: {finding.severity.value} {finding.message}"
        if finding.values:
            line += f" ({values_text(finding)})"
        lines.append(line)
    return "\n".join(lines)
