"""Helpers shared by the built-in reporters: where a finding points, and how to say it."""

from __future__ import annotations

from compliance import Finding, Location


def position(path: str, location: Location) -> str:
    """``path:line:col`` (or ``path:line``, or ``path``) for a finding's location.

    A span with a page (a PDF) is quoted by page and meaning instead, ``path: page 9,
    表3, row 20103, column 支出预算/合计``: its line numbers refer to text the loader
    generated, which the reader of the PDF never sees.
    """
    span = location.span
    if span is not None and span.page is not None:
        parts = [f"page {span.page}"]
        if location.table:
            parts.append(location.table)
        if location.row:
            parts.append(f"row {location.row}")
        if location.column_path:
            parts.append(f"column {'/'.join(location.column_path)}")
        return f"{path}: {', '.join(parts)}"
    if span is None or span.start_line < 1:
        return path
    if span.start_column:
        return f"{path}:{span.start_line}:{span.start_column}"
    return f"{path}:{span.start_line}"


def place(location: Location) -> str:
    """The place in the document's meaning: ``表6 / 30201 / 一般公共预算/基本支出``."""
    parts = [location.table or "", location.row or "", "/".join(location.column_path)]
    text = " / ".join(p for p in parts if p)
    return text or (location.section or "")


def values_text(finding: Finding) -> str:
    """``stated=2147.33, computed=2147.32``: both sides of a mismatch."""
    return ", ".join(f"{k}={v}" for k, v in finding.values.items())
