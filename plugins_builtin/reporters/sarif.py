"""Built-in reporter: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; the driver lists every rule that ran with its title, description and
reference (``helpUri`` when the reference is a web address); each finding is a
result with its region, related locations, the place in the document's meaning
as a logical location, and the stable fingerprint.  Waived findings carry an
external suppression with the waiver's reason; unreadable documents are tool
execution notifications.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from compliance import DocumentResult, Finding, Location, Report, hookimpl
from compliance.report import RuleInfo

from plugins_builtin.reporters._shared import place

FORMAT = "sarif"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "complianceFingerprint/v1"


@hookimpl
def compliance_register_formats() -> dict[str, str]:
    return {FORMAT: "SARIF 2.1.0 for code-scanning viewers"}


@hookimpl
def compliance_render_report(report: Report, format: str) -> str | None:
    if format != FORMAT:
        return None
    return json.dumps(sarif_log(report), ensure_ascii=False, indent=2) + "\n"


def sarif_log(report: Report) -> dict[str, Any]:
    index = {rule.id: i for i, rule in enumerate(report.rules)}
    results = [
        _result(document, finding, fingerprints[id(finding)], index)
        for document in report.documents
        for fingerprints in (document.fingerprints(),)
        for finding in document.findings
    ]
    notifications = [
        {
            "level": "error",
            "message": {"text": document.error.message if document.error else "could not be read"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(document.path)}}}],
        }
        for document in report.documents
        if document.status != "ok"
    ] + [{"level": "warning", "message": {"text": warning}} for warning in report.warnings]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "compliance",
                        "version": report.version,
                        "rules": [_rule(rule) for rule in report.rules],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": all(d.status == "ok" for d in report.documents),
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "artifacts": [{"location": {"uri": _uri(d.path)}} for d in report.documents],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {
                    "configHash": report.config_hash,
                    "packs": [p.to_dict() for p in report.packs],
                    # The compliance matrix: every rule's outcome on every document.
                    "matrix": [
                        {
                            "document": document.path,
                            "rules": [
                                {"rule": r.rule, "outcome": r.outcome.value, "reason": r.reason}
                                for r in document.results
                            ],
                        }
                        for document in report.documents
                    ],
                },
            }
        ],
    }


def _rule(rule: RuleInfo) -> dict[str, Any]:
    description = rule.description or rule.title
    help_text = description if not rule.reference else f"{description}\n\n依据：{rule.reference}"
    entry: dict[str, Any] = {
        "id": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": description},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": {"tags": list(rule.tags), "pack": rule.pack, "reference": rule.reference, "kind": rule.kind},
    }
    if rule.reference and rule.reference.startswith(("http://", "https://")):
        entry["helpUri"] = rule.reference
    return entry


def _result(document: DocumentResult, finding: Finding, fingerprint: str, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": finding.severity.value,
        "message": {"text": finding.message},
        "locations": [_location(document.path, finding.location)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"values": dict(finding.values), "pack": finding.pack},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.related:
        result["relatedLocations"] = [
            {"id": i, **_location(document.path, related)} for i, related in enumerate(finding.related, start=1)
        ]
    if finding.waived is not None:
        result["suppressions"] = [{"kind": "external", "justification": finding.waived}]
    return result


def _location(path: str, location: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    span = location.span
    if span is not None and span.start_line >= 1:
        region: dict[str, Any] = {"startLine": span.start_line, "endLine": span.last_line}
        if span.start_column and span.start_column >= 1:
            region["startColumn"] = span.start_column
        if span.end_column and span.end_column >= 1:
            # SARIF end columns are exclusive; spans are inclusive.
            region["endColumn"] = span.end_column + 1
        physical["region"] = region
    entry: dict[str, Any] = {"physicalLocation": physical}
    meaning = place(location)
    if meaning:
        entry["logicalLocations"] = [{"fullyQualifiedName": meaning}]
    return entry


def _uri(path: str) -> str:
    return quote(PurePath(path).as_posix(), safe="/:")
