"""Shared fixtures for the format loaders: fixture paths, the plugin modules, the sample rendered, small PDF builders.

The sample's PDF, Word, Excel and HTML forms are not kept in the repository:
``scripts/render_sample.py`` makes them once per test session (nothing
generated is committed; the renderer is deterministic, see test_same_model).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHANGHAI = FIXTURES / "shanghai"
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"
RENDER_SCRIPT = ROOT / "scripts" / "render_sample.py"

#: The loader plugins by format, registered explicitly (their entry points are declared in the project file).
LOADERS = {
    "pdf": "plugins_builtin.formats.pdf_loader",
    "docx": "plugins_builtin.formats.docx_loader",
    "xlsx": "plugins_builtin.formats.xlsx_loader",
    "html": "plugins_builtin.formats.html_loader",
}


def render_module() -> ModuleType:
    """``scripts/render_sample.py`` as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("render_sample", RENDER_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: its dataclasses look their module up while being defined.
    sys.modules["render_sample"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def renderings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample rendered into every format (pdf, docx, xlsx, html) → the file's path; made once per session."""
    return render_module().render_all(SAMPLE, tmp_path_factory.mktemp("renderings"))


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
