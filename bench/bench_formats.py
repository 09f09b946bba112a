"""Load time per format: PDF against pdfplumber's own extraction, Word/Excel/HTML against 100 ms.

Usage: python bench/bench_formats.py [--runs N]

It first renders the sample into a temporary directory with
scripts/render_sample.py (the renderings are not kept in the repository) and
says so.  For each PDF (the four Shanghai disclosures and the rendered sample)
it prints the median time of our whole load (extraction, continuation joins,
assembly into the model, boxes restored; no enrichment) and of pdfplumber's own
``extract_tables()`` + ``extract_text()`` on every page of the same file, per
page and as a ratio (target: at most 1.3).  For the sample rendered as .docx,
.xlsx and .html it prints the median load time (target: under 100 ms).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from _timing import measure, paired_median_ms  # noqa: E402
from render_sample import SAMPLE, render_all  # noqa: E402
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


def render(folder: Path) -> dict[str, Path]:
    """The sample rendered into every format in ``folder``, saying where and how long it took."""
    start = time.perf_counter()
    rendered = render_all(SAMPLE, folder)
    elapsed = (time.perf_counter() - start) * 1000
    print(f"Rendered {SAMPLE.name} into a temporary directory ({', '.join(rendered)}) "
          f"with scripts/render_sample.py in {elapsed:.0f} ms\n")
    return rendered


def bench_pdfs(pdfs: list[Path], runs: int) -> None:
    """Our PDF load against pdfplumber's own extraction, per file."""
    print(f"PDF (median of {runs}; ratio target <= {PDF_RATIO_TARGET})")
    print(f"{'file':44} {'pages':>5} {'ours ms':>9} {'ms/page':>8} {'plumber ms':>11} {'ms/page':>8} {'ratio':>6}")
    ratios = []
    for path in pdfs:
        data = path.read_bytes()
        pages = page_count(data)
        ours, theirs = paired_median_ms(lambda: load_pdf(path, data), lambda: pdfplumber_baseline(data), runs)
        ratios.append(ours / theirs)
        print(f"{path.name:44} {pages:5d} {ours:9.1f} {ours / pages:8.1f} {theirs:11.1f} {theirs / pages:8.1f} "
              f"{ours / theirs:6.2f}")
    print(f"median ratio {statistics.median(ratios):.2f} (worst {max(ratios):.2f})")


def bench_office(rendered: dict[str, Path], runs: int) -> None:
    """Load time of the sample as .docx, .xlsx and .html against the target."""
    print(f"\nOffice and web formats, the sample (median of {runs}; target < {OFFICE_TARGET_MS:.0f} ms)")
    for suffix, load in (("docx", load_docx), ("xlsx", load_xlsx), ("html", load_html)):
        path = rendered[suffix]
        data = path.read_bytes()
        ms, _fastest = measure(lambda: load(path, data), runs)
        verdict = "ok" if ms < OFFICE_TARGET_MS else "OVER"
        print(f"{path.name:44} {ms:9.1f} ms  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        rendered = render(Path(folder))
        bench_pdfs(sorted((FIXTURES / "shanghai").glob("*.pdf")) + [rendered["pdf"]], args.runs)
        bench_office(rendered, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
