"""Shared fixtures for the format loaders: fixture paths, the plugin modules, small PDF builders."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHANGHAI = FIXTURES / "shanghai"
FORMATS = FIXTURES / "formats"
SAMPLE = Path(__file__).resolve().parent.parent.parent / "examples" / "bazhou-2026-budget.txt"

#: The loader plugins by format, registered explicitly (their entry points are declared in the project file).
LOADERS = {
    "pdf": "plugins_builtin.formats.pdf_loader",
    "docx": "plugins_builtin.formats.docx_loader",
    "xlsx": "plugins_builtin.formats.xlsx_loader",
    "html": "plugins_builtin.formats.html_loader",
}


@pytest.fixture(scope="session")
def make_pdf(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Build a small PDF with reportlab: ``draw(canvas, page_number)`` is called for each page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    folder = tmp_path_factory.mktemp("pdfs")

    def build(name: str, draw: Callable[[object, int], None], pages: int = 1, **options: object) -> Path:
        path = folder / name
        pdf = canvas.Canvas(str(path), invariant=1, **options)
        for number in range(1, pages + 1):
            draw(pdf, number)
            pdf.showPage()
        pdf.save()
        return path

    return build


def cell_texts(rows: Iterable[object]) -> list[list[str]]:
    """The texts of model rows, for readable assertions."""
    return [[cell.text for cell in row.cells] for row in rows]  # type: ignore[attr-defined]
