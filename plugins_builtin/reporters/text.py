"""Built-in reporter: text for people at a terminal.

Findings are grouped by document, one line each
(``path:line:col: severity RULE-ID message``), followed by the source line(s)
they cite with the offending figure marked by carets; then the document's
compliance matrix in brief (outcomes counted, and each rule that could not be
evaluated or failed to run, with why); then a summary.  Colour
only when the caller asks for it (a terminal without ``NO_COLOR``).
Markers are aligned by display width, so they sit under Chinese text too.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation

from compliance import DocumentResult, Finding, Location, Outcome, Report, hookimpl
from compliance.numbers import format_amount
from compliance.report import RenderOptions

from plugins_builtin.reporters._shared import position, values_text

FORMAT = "text"
#: Tabs in quoted lines are shown as spaces, so that markers line up under them.
TAB_SIZE = 4
_COLOURS = {"error": "31;1", "warning": "33;1", "note": "36", "rule": "1", "mark": "32;1", "dim": "2"}


@hookimpl
def compliance_register_formats() -> dict[str, str]:
    return {FORMAT: "findings grouped by document, with the cited source lines (default)"}


@hookimpl
def compliance_render_report(report: Report, format: str, options: RenderOptions) -> str | None:
    if format != FORMAT:
        return None
    paint = _painter(options.color)
    out: list[str] = []
    for document in report.documents:
        out.extend(_document(document, paint))
    out.append(_summary(report))
    return "\n".join(out) + "\n"


def _painter(color: bool):
    def paint(kind: str, text: str) -> str:
        return f"\x1b[{_COLOURS[kind]}m{text}\x1b[0m" if color and text else text

    return paint


def _document(document: DocumentResult, paint) -> list[str]:
    if document.status != "ok":
        message = document.error.message if document.error else "could not be read"
        return [f"{document.path}: {paint('error', 'error')} {message}"]
    lines: list[str] = []
    for finding in document.active_findings:
        severity = finding.severity.value
        lines.append(
            f"{position(document.path, finding.location)}: {paint(severity, severity)} "
            f"{paint('rule', finding.rule)} {finding.message}"
        )
        lines.extend(_quote(document, finding, finding.location, paint))
        for related in finding.related:
            lines.extend(_quote(document, finding, related, paint, label="related"))
        if finding.values:
            lines.append(f"    {paint('dim', values_text(finding))}")
    lines.extend(_matrix(document))
    return lines


def _matrix(document: DocumentResult) -> list[str]:
    """The compliance matrix in brief: outcomes counted, and every rule that could not judge, with why."""
    if not document.results:
        return []
    counts = Counter(result.outcome for result in document.results)
    tally = ", ".join(f"{counts[o]} {o.value.replace('_', ' ')}" for o in Outcome if counts[o])
    lines = [f"{document.path}: {len(document.results)} rule(s): {tally}"]
    for result in document.results:
        if result.outcome in (Outcome.NOT_EVALUATED, Outcome.ERROR):
            label = result.outcome.value.replace("_", " ")
            lines.append(f"  {label}: {result.rule} {result.title}: {result.reason or ''}".rstrip(": "))
    return lines


def _quote(document: DocumentResult, finding: Finding, location: Location, paint, label: str = "") -> list[str]:
    span = location.span
    if span is None or span.start_line < 1:
        return []
    out: list[str] = []
    numbers = [n for n in document.quotes if span.start_line <= n <= span.last_line]
    width = len(str(max(numbers))) if numbers else 1
    for number in numbers:
        text = document.quotes[number]
        prefix = f"{label} " if label and number == numbers[0] else ""
        out.append(f"  {prefix}{number:>{width}} | {text.expandtabs(TAB_SIZE)}")
        marker = _marker(text, finding, location, number)
        if marker:
            gutter = " " * (len(prefix) + width)
            out.append(f"  {gutter} | {paint('mark', marker)}")
    return out


def _marker(text: str, finding: Finding, location: Location, number: int) -> str:
    """Carets under the offending figure: the span's own columns when it is a part of one line,
    else a compared value found in the line (a finding on a whole row or paragraph)."""
    span = location.span
    if span is not None and span.start_line == number == span.last_line and span.end_column:
        start = max(span.start_column - 1, 0)
        if start > 0 or span.end_column < len(text.rstrip()):
            end = max(span.end_column, start + 1)
            return " " * _width(text[:start]) + "^" * max(1, _width(text[start:end]))
    if location is finding.location:
        for candidate in _figures(finding):
            start = text.find(candidate)
            if start >= 0:
                return " " * _width(text[:start]) + "^" * max(1, _width(candidate))
    return ""


def _figures(finding: Finding) -> list[str]:
    """How the compared values may be printed: as given, and with thousands separators."""
    figures: list[str] = []
    for value in finding.values.values():
        figures.append(value)
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            continue
        if number.is_finite():
            figures.append(format_amount(number))
    return [f for f in dict.fromkeys(figures) if f]


def _width(text: str) -> int:
    """Display width of a line prefix: tabs expanded, wide (CJK) characters counted twice."""
    text = text.expandtabs(TAB_SIZE)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _summary(report: Report) -> str:
    summary = report.summary()
    parts = [f"{summary['error']} error(s)", f"{summary['warning']} warning(s)", f"{summary['note']} note(s)"]
    extra = [f"{summary[key]} {key}" for key in ("waived", "baselined", "unreadable") if summary[key]]
    documents = summary["documents"]
    tail = f" ({', '.join(extra)})" if extra else ""
    return f"{documents} document(s) checked: {', '.join(parts)}{tail}"
