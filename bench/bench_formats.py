"""Load time per format: PDF against pdfplumber's own extraction, Word/Excel/HTML against 100 ms.

Usage: python bench/bench_formats.py [--runs N]

For each PDF (the four Shanghai disclosures and the rendered sample) it prints
the median time of our whole load (extraction, continuation joins, assembly
into the model, boxes restored; no enrichment) and of pdfplumber's own
``extract_tables()`` + ``extract_text()`` on every page of the same file, per
page and as a ratio (target: at most 1.3).  For the sample rendered as .docx,
.xlsx and .html it prints the median load time (target: under 100 ms).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import measure, paired_median_ms  # noqa: E402
from plugins_builtin.formats.docx_loader import load_docx  # noqa: E402
from plugins_builtin.formats.html_loader import load_html  # noqa: E402
from plugins_builtin.formats.pdf_loader import load_pdf  # noqa: E402
from plugins_builtin.formats.xlsx_loader import load_xlsx  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
PDF_RATIO_TARGET = 1.3
OFFICE_TARGET_MS = 100.0


def pdfplumber_baseline(data: bytes) -> int:
    """pdfplumber's own work on the file: tables and text of every page."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()
            page.close()
        return len(pdf.pages)


def page_count(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    pdfs = sorted((FIXTURES / "shanghai").glob("*.pdf")) + [FIXTURES / "formats" / "bazhou-2026-budget.pdf"]
    print(f"PDF (median of {args.runs}; ratio target <= {PDF_RATIO_TARGET})")
    print(f"{'file':44} {'pages':>5} {'ours ms':>9} {'ms/page':>8} {'plumber ms':>11} {'ms/page':>8} {'ratio':>6}")
    ratios = []
    for path in pdfs:
        data = path.read_bytes()
        pages = page_count(data)
        ours, theirs = paired_median_ms(lambda: load_pdf(path, data), lambda: pdfplumber_baseline(data), args.runs)
        ratios.append(ours / theirs)
        print(f"{path.name:44} {pages:5d} {ours:9.1f} {ours / pages:8.1f} {theirs:11.1f} {theirs / pages:8.1f} "
              f"{ours / theirs:6.2f}")
    print(f"median ratio {statistics.median(ratios):.2f} (worst {max(ratios):.2f})")

    print(f"\nOffice and web formats, the sample (median of {args.runs}; target < {OFFICE_TARGET_MS:.0f} ms)")
    for suffix, load in (("docx", load_docx), ("xlsx", load_xlsx), ("html", load_html)):
        path = FIXTURES / "formats" / f"bazhou-2026-budget.{suffix}"
        data = path.read_bytes()
        ms, _fastest = measure(lambda: load(path, data), args.runs)
        verdict = "ok" if ms < OFFICE_TARGET_MS else "OVER"
        print(f"{path.name:44} {ms:9.1f} ms  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
