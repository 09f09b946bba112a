"""Shared by the Shanghai tests: one engine, the four bundled PDFs, findings as comparable records."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Sequence

from compliance.engine import Engine
from compliance.findings import Finding
from compliance.model import Document
from compliance.plugins import hooks
from plugins_builtin.formats.pdf_extract import extract_pdf
from plugins_builtin.formats.pieces import Piece
from plugins_builtin.formats.to_document import pieces_to_document

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[0] / "fixtures" / "shanghai"
PDFS = tuple(sorted(FIXTURES.glob("*.pdf")))


@functools.lru_cache(maxsize=None)
def engine() -> Engine:
    return Engine()


@functools.lru_cache(maxsize=None)
def pieces(path: Path) -> tuple[Piece, ...]:
    """The PDF's extracted pieces (text lines and table grids), read once."""
    return tuple(extract_pdf(path.read_bytes(), source=str(path)))


def document_from(path: Path, parts: Sequence[Piece]) -> Document:
    """A document built from (possibly changed) pieces, enriched as a loaded one is."""
    document = pieces_to_document(str(path), parts, "pdf")
    return hooks.enrich_document(engine().pm, document, [])


@functools.lru_cache(maxsize=None)
def misfires() -> dict[str, dict[str, str]]:
    """National rules that misfire on this layout, per document stem: rule id → why (see misfires.toml)."""
    with open(HERE / "misfires.toml", "rb") as handle:
        return tomllib.load(handle)


def excluded(stem: str) -> set[str]:
    data = misfires()
    return set(data.get("all", {})) | set(data.get(stem, {}))


def record(finding: Finding) -> dict[str, Any]:
    """A finding as the golden file keeps it: rule, page, message, the compared values."""
    span = finding.location.span
    return {
        "rule": finding.rule,
        "page": span.page if span is not None else None,
        "message": finding.message,
        "values": {k: str(v) for k, v in sorted(finding.values.items())},
    }


def findings(document: Document, stem: str) -> list[dict[str, Any]]:
    """The reviewed findings of a document: every finding but those of rules listed as misfiring."""
    result = engine().check_document(document)
    drop = excluded(stem)
    out = [record(f) for f in result.findings if f.rule not in drop]
    return sorted(out, key=lambda r: (r["rule"], r["page"] or 0, r["message"]))
