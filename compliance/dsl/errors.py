"""Errors a rule author can act on: position, the offending line with a caret, and "did you mean"."""

from __future__ import annotations

from compliance.errors import RuleError
from compliance.suggest import did_you_mean


def caret_detail(text: str, line: int, column: int) -> str:
    """The offending source line and a caret under ``column`` (1-based)."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    source_line = lines[line - 1]
    # Wide (CJK) characters take two columns in a terminal; pad the caret to match.
    prefix = source_line[: max(column - 1, 0)]
    pad = "".join("\t" if ch == "\t" else ("  " if _is_wide(ch) else " ") for ch in prefix)
    return f"{source_line}\n{pad}^"


def _is_wide(ch: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F")


def rule_error(message: str, *, source: str, text: str | None, line: int | None, column: int | None) -> RuleError:
    detail = caret_detail(text, line, column or 1) if text is not None and line else None
    return RuleError(message, source=source, line=line, column=column, detail=detail or None)


__all__ = ["caret_detail", "did_you_mean", "rule_error"]
