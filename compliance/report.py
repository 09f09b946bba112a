"""The report of a run: per document, the compliance matrix and its findings.

A :class:`Report` is plain data, complete enough for every output format:
the rules that ran with their metadata, the packs used with their versions and
content hashes, the effective configuration's hash, and for each document the
outcome of every rule, its findings and the source lines they cite.  The same
inputs give the same report, byte for byte (no timestamps, stable order).

Fingerprints identify a finding by its rule and its place in the document's
meaning (section, table, row, column path) and the names of the values it
compares, never by line number, so ``--baseline`` recognises a finding after
the text around it has moved.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

from attrs import evolve, field, frozen

from compliance.errors import ConfigError
from compliance.findings import Finding, Location, Outcome, RuleResult, Severity

TOOL_NAME = "compliance"
#: Version of the JSON report layout (``docs/report.schema.json``).
REPORT_FORMAT_VERSION = "1"


def _readonly(mapping: Mapping[Any, Any] | None) -> Mapping[Any, Any]:
    return MappingProxyType(dict(mapping or {}))


@frozen
class RenderOptions:
    """How a reporter should render: ``color`` for a terminal that wants ANSI colours."""

    color: bool = False


@frozen
class RuleInfo:
    """What a report says about a rule or Python check that ran: its metadata, not its outcome."""

    id: str
    title: str
    severity: Severity
    pack: str | None = None
    reference: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    kind: str = "rule"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity.value,
            "pack": self.pack,
            "reference": self.reference,
            "description": self.description,
            "tags": list(self.tags),
            "kind": self.kind,
        }


@frozen
class PackInfo:
    """A rule pack used by the run, with the hash of its content."""

    name: str
    title: str | None = None
    version: str | None = None
    reference: str | None = None
    content_hash: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "reference": self.reference,
            "content_hash": self.content_hash,
        }


@frozen
class DocumentError:
    """Why a document could not be checked: the error's type name and its one-line message."""

    type: str
    message: str


def fingerprint(finding: Finding) -> str:
    """A stable identity for ``finding``: rule + place in the document's meaning + compared value names."""
    location = finding.location
    parts = [
        finding.rule,
        location.section or "",
        location.table or "",
        location.row or "",
        "/".join(location.column_path),
        ",".join(sorted(finding.values)),
    ]
    if not any(parts[1:5]):
        # A finding with no place in the meaning (e.g. a missing table) is
        # told apart by its message, which names what is missing.
        parts.append(finding.message)
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:20]


@frozen
class DocumentResult:
    """One checked document: its status, the outcome of every rule (the matrix) and the cited source lines."""

    path: str
    status: str = "ok"
    error: DocumentError | None = None
    results: tuple[RuleResult, ...] = ()
    #: Names of the packs that applied to this document.
    packs: tuple[str, ...] = ()
    jurisdiction: str | None = None
    #: Line number → source text, for every line a finding cites.
    quotes: Mapping[int, str] = field(factory=dict, converter=_readonly)
    #: Findings dropped because the baseline already had them.
    baselined: int = 0

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding, waived ones included, ordered by place (line), then rule id."""
        found = [f for result in self.results for f in result.findings]
        return tuple(sorted(found, key=_finding_order))

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        """The findings no waiver covers."""
        return tuple(f for f in self.findings if f.waived is None)

    def fingerprints(self) -> dict[int, str]:
        """``id(finding)`` → fingerprint, numbering repeats (``…:2``) so each is unique in the document."""
        seen: Counter[str] = Counter()
        prints: dict[int, str] = {}
        for finding in self.findings:
            base = fingerprint(finding)
            seen[base] += 1
            prints[id(finding)] = base if seen[base] == 1 else f"{base}:{seen[base]}"
        return prints


def _finding_order(finding: Finding) -> tuple[Any, ...]:
    span = finding.location.span
    return (
        span.start_line if span else 0,
        span.start_column if span else 0,
        finding.rule,
        finding.message,
    )


@frozen
class Report:
    """The result of checking one or more documents, in the order they were given."""

    version: str
    documents: tuple[DocumentResult, ...] = ()
    rules: tuple[RuleInfo, ...] = ()
    packs: tuple[PackInfo, ...] = ()
    config_hash: str | None = None
    #: Problems met on the way that did not stop the run (a plugin that failed, an expired waiver…).
    warnings: tuple[str, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of every document, in document order."""
        return tuple(f for document in self.documents for f in document.findings)

    def rule(self, rule_id: str) -> RuleInfo | None:
        for info in self.rules:
            if info.id == rule_id:
                return info
        return None

    def summary(self) -> dict[str, int]:
        """Counts of active findings by severity, plus waived and baselined ones."""
        counts = {"documents": len(self.documents), "error": 0, "warning": 0, "note": 0, "waived": 0}
        for finding in self.findings:
            if finding.waived is not None:
                counts["waived"] += 1
            else:
                counts[finding.severity.value] += 1
        counts["baselined"] = sum(d.baselined for d in self.documents)
        counts["unreadable"] = sum(1 for d in self.documents if d.status != "ok")
        return counts

    def exit_code(self, fail_on: Severity | None) -> int:
        """3 if a document could not be read, else 1 if an active finding reaches ``fail_on``, else 0."""
        if any(d.status != "ok" for d in self.documents):
            return 3
        if fail_on is not None and any(f.severity.rank >= fail_on.rank for d in self.documents for f in d.active_findings):
            return 1
        return 0

    # -- JSON ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The JSON report as a dict; its shape is ``docs/report.schema.json``."""
        return {
            "tool": {"name": TOOL_NAME, "version": self.version},
            "format_version": REPORT_FORMAT_VERSION,
            "config_hash": self.config_hash,
            "packs": [p.to_dict() for p in self.packs],
            "rules": [r.to_dict() for r in self.rules],
            "documents": [_document_dict(d) for d in self.documents],
            "summary": self.summary(),
            "warnings": list(self.warnings),
        }

    def to_json(self) -> str:
        """The JSON report: UTF-8 text, two-space indent, keys in a fixed order, ending in a newline."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def without(self, baseline: Mapping[str, Counter[str]]) -> "Report":
        """This report less the findings already in ``baseline`` (path → fingerprint counts)."""
        everywhere: Counter[str] = sum(baseline.values(), Counter())
        return evolve(self, documents=tuple(_drop_known(d, baseline.get(d.path, everywhere)) for d in self.documents))


def _drop_known(document: DocumentResult, known: Counter[str]) -> DocumentResult:
    prints = document.fingerprints()
    remaining = Counter(known)
    dropped: set[int] = set()
    for finding in document.findings:
        fp = prints[id(finding)]
        if remaining[fp] > 0:
            remaining[fp] -= 1
            dropped.add(id(finding))
    if not dropped:
        return document
    results = tuple(
        evolve(r, findings=tuple(f for f in r.findings if id(f) not in dropped)) for r in document.results
    )
    return evolve(document, results=results, baselined=document.baselined + len(dropped))


def _location_dict(location: Location) -> dict[str, Any]:
    return location.to_dict()


def finding_dict(finding: Finding, fingerprint_text: str) -> dict[str, Any]:
    """One finding as it appears in the JSON report."""
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "pack": finding.pack,
        "location": _location_dict(finding.location),
        "related": [_location_dict(r) for r in finding.related],
        "values": dict(finding.values),
        "fingerprint": fingerprint_text,
        "waived": finding.waived,
    }


def _document_dict(document: DocumentResult) -> dict[str, Any]:
    prints = document.fingerprints()
    return {
        "path": document.path,
        "status": document.status,
        "error": {"type": document.error.type, "message": document.error.message} if document.error else None,
        "jurisdiction": document.jurisdiction,
        "packs": list(document.packs),
        "findings": [finding_dict(f, prints[id(f)]) for f in document.findings],
        "matrix": [
            {
                "rule": r.rule,
                "title": r.title,
                "pack": r.pack,
                "reference": r.reference,
                "severity": r.severity.value,
                "outcome": r.outcome.value,
                "reason": r.reason,
                "findings": [prints[id(f)] for f in sorted(r.findings, key=_finding_order)],
            }
            for r in document.results
        ],
        "baselined": document.baselined,
    }


# -- baseline ---------------------------------------------------------------------------


def read_baseline(path: Path) -> dict[str, Counter[str]]:
    """Fingerprint counts per document path from an earlier JSON report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read baseline: {exc.strerror or exc}", source=str(path)) from exc
    except ValueError as exc:
        raise ConfigError(f"baseline is not a JSON report: {exc}", source=str(path)) from exc
    try:
        return {
            document["path"]: Counter(f["fingerprint"] for f in document["findings"])
            for document in data["documents"]
        }
    except (KeyError, TypeError) as exc:
        raise ConfigError(
            "baseline is not a compliance JSON report (missing documents/findings/fingerprint)",
            source=str(path),
        ) from exc


def outcome_for(findings: Iterable[Finding], previous: Outcome) -> Outcome:
    """A pass/fail outcome recomputed after post-processing changed the findings."""
    if previous not in (Outcome.PASS, Outcome.FAIL):
        return previous
    return Outcome.FAIL if any(True for _ in findings) else Outcome.PASS
