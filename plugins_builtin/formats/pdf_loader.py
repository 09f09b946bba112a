"""Built-in loader for PDF disclosures (pdfplumber, imported only when a PDF is loaded)."""

from __future__ import annotations

from pathlib import Path

from compliance import hookimpl
from compliance.errors import LoadError
from compliance.model import Document
from plugins_builtin.formats import limits

#: The PDF header may follow a little junk; readers look this far for it.
_HEADER_WINDOW = 1024


def is_pdf(path: Path, data: bytes) -> bool:
    return path.suffix.lower() == ".pdf" or data[:_HEADER_WINDOW].lstrip().startswith(b"%PDF")


def load_pdf(
    path: Path,
    data: bytes,
    *,
    max_bytes: int = limits.MAX_BYTES,
    max_pages: int = limits.MAX_PAGES,
) -> Document:
    """Load a PDF disclosure (no enrichment); :class:`LoadError` when it cannot be read."""
    source = str(path)
    limits.check_size(data, source, max_bytes)
    if b"%PDF" not in data[:_HEADER_WINDOW]:
        raise LoadError("not a PDF file (no %PDF header)", source=source)
    from plugins_builtin.formats.pdf_extract import extract_pdf
    from plugins_builtin.formats.to_document import pieces_to_document

    pieces = extract_pdf(data, source=source, max_pages=max_pages)
    return pieces_to_document(source, pieces, "pdf")


@hookimpl
def compliance_load_document(path: Path, data: bytes) -> Document | None:
    if not is_pdf(path, data):
        return None
    return load_pdf(path, data)
