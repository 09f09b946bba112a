"""Bad input gives one clear LoadError for that document (or a correct model), never garbage.

Each case is a file a regulator could be handed: damaged, encrypted, scanned,
mis-encoded, renamed, over the limits.  A batch goes on with the others.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Callable

import pytest

import compliance
from compliance.errors import LoadError
from plugins_builtin.formats.docx_loader import load_docx
from plugins_builtin.formats.html_loader import load_html
from plugins_builtin.formats.pdf_extract import TextLayerStats
from plugins_builtin.formats.pdf_loader import load_pdf
from plugins_builtin.formats.xlsx_loader import load_xlsx

from conftest import LOADERS, SHANGHAI

SIFAJU = SHANGHAI / "putuo-sifaju-2026-dept-budget.pdf"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def refused(load: Callable[..., object], path: Path, data: bytes, **limits: int) -> str:
    with pytest.raises(LoadError) as caught:
        load(path, data, **limits)
    assert caught.value.source == str(path)
    return caught.value.message


# --------------------------------------------------------------------------- PDF


def test_truncated_pdf() -> None:
    data = SIFAJU.read_bytes()
    message = refused(load_pdf, Path("cut.pdf"), data[: len(data) // 2])
    assert message.startswith("not a readable PDF (truncated or damaged")


def test_pdf_header_with_garbage_after_it() -> None:
    message = refused(load_pdf, Path("junk.pdf"), b"%PDF-1.4\n" + b"garbage " * 50)
    assert "not a readable PDF" in message


def test_file_named_pdf_that_is_not_one() -> None:
    assert refused(load_pdf, Path("page.pdf"), b"<html>not a pdf</html>") == "not a PDF file (no %PDF header)"


def test_encrypted_pdf_needing_a_password(make_pdf: Callable[..., Path]) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = make_pdf("locked.pdf", lambda c, n: c.drawString(100, 700, "budget"),
                    encrypt=StandardEncryption("secret", canPrint=0))
    message = refused(load_pdf, path, path.read_bytes())
    assert message == "encrypted PDF: it needs a password to open; publish or supply an unencrypted copy"


def test_encrypted_pdf_with_an_empty_user_password_opens(make_pdf: Callable[..., Path]) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    def draw(c: object, n: int) -> None:
        c.drawString(72, 700, "Budget disclosure")  # type: ignore[attr-defined]
        c.drawString(72, 650, "The department has no subordinate units; its total budget is 3,037.70.")  # type: ignore[attr-defined]

    path = make_pdf("permissions-only.pdf", draw, encrypt=StandardEncryption("", ownerPassword="owner"))
    document = load_pdf(path, path.read_bytes())
    assert document.title == "Budget disclosure"
    assert [p.text for p in document.paragraphs] == [
        "The department has no subordinate units; its total budget is 3,037.70."
    ]


def test_image_only_pdf(make_pdf: Callable[..., Path], tmp_path: Path) -> None:
    from PIL import Image

    picture = tmp_path / "scan.png"
    Image.new("RGB", (120, 80), (250, 250, 250)).save(picture)
    path = make_pdf("scan.pdf", lambda c, n: c.drawImage(str(picture), 50, 400, 480, 320), pages=3)
    message = refused(load_pdf, path, path.read_bytes())
    assert message == "no extractable text layer (scanned or image-only pages); OCR it first"


def test_pdf_whose_font_has_no_unicode_map_reads_as_cid_glyphs(make_pdf: Callable[..., Path]) -> None:
    def draw(c: object, n: int) -> None:
        c.setFont("STSong-Light", 12)  # type: ignore[attr-defined]
        for i in range(20):
            c.drawString(50, 780 - 20 * i, "部门收支总体情况表 一般公共预算 3,037.70 万元")  # type: ignore[attr-defined]

    path = make_pdf("cid.pdf", draw)
    # Same glyph codes, but under Identity-H with no ToUnicode map: what fonts without one look like.
    data = path.read_bytes().replace(b"/UniGB-UCS2-H", b"/Identity-H  ")
    message = refused(load_pdf, path, data)
    assert message.startswith("no extractable text layer: ")
    assert "unmapped glyphs ((cid:N)) or mojibake; OCR it first" in message


def test_pdf_of_mojibake(make_pdf: Callable[..., Path]) -> None:
    def draw(c: object, n: int) -> None:
        for i in range(30):
            c.drawString(50, 780 - 20 * i, "Ã¤Â½Â Ã¥Â¹Â´Ã©Â¢Â„Ã§Â®Â—")  # type: ignore[attr-defined]

    path = make_pdf("mojibake.pdf", draw)
    assert "mojibake; OCR it first" in refused(load_pdf, path, path.read_bytes())


def test_text_layer_verdicts() -> None:
    assert TextLayerStats(chars=900, pages=3).verdict() is None
    assert TextLayerStats(chars=0, pages=2).verdict() is not None
    assert TextLayerStats(chars=6, images=3, pages=3).verdict() is not None  # stamped page numbers on scans
    assert TextLayerStats(chars=1000, cid=150, pages=1).verdict() is None
    assert "300 of 1000" in (TextLayerStats(chars=1000, cid=300, pages=1).verdict() or "")


def test_pdf_over_the_page_limit(make_pdf: Callable[..., Path]) -> None:
    path = make_pdf("long.pdf", lambda c, n: c.drawString(72, 720, f"page {n}"), pages=500)
    assert refused(load_pdf, path, path.read_bytes()) == "PDF has 500 pages, more than the limit of 300"
    assert refused(load_pdf, path, path.read_bytes(), max_pages=499) == "PDF has 500 pages, more than the limit of 499"


def test_file_over_the_size_limit() -> None:
    data = SIFAJU.read_bytes()
    message = refused(load_pdf, SIFAJU, data, max_bytes=100_000)
    assert message == f"file is {len(data):,} bytes, more than the limit of 100,000 bytes"


# --------------------------------------------------------------------------- Word


def test_doc_renamed_to_docx() -> None:
    message = refused(load_docx, Path("report.docx"), OLE_HEADER)
    assert message.startswith("not a .docx file: this is a legacy binary Word (.doc) file (or an encrypted one)")


def test_docx_that_is_not_a_zip() -> None:
    assert refused(load_docx, Path("x.docx"), b"plain text").startswith("not a .docx file: not a ZIP package")


def test_zip_without_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("hello.txt", "hi")
    assert refused(load_docx, Path("x.docx"), buffer.getvalue()) == "damaged package: it has no word/document.xml"


def test_docx_with_broken_xml() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", "<w:document><w:body>")
    assert refused(load_docx, Path("x.docx"), buffer.getvalue()).startswith("damaged package XML")


# --------------------------------------------------------------------------- Excel


def test_xlsx_with_formulas_and_no_cached_values(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "表1"
    sheet.append(["项目", "金额"])
    sheet.append(["甲", 1])
    sheet.append(["乙", 2])
    sheet.append(["合计", "=SUM(B2:B3)"])
    path = tmp_path / "formulas.xlsx"
    workbook.save(path)
    message = refused(load_xlsx, path, path.read_bytes())
    assert message.startswith("1 formula cell(s) have no cached value (sheet1!B4)")
    assert message.endswith("open and save the workbook in a spreadsheet program so the figures are stored")


def test_xls_renamed_to_xlsx() -> None:
    message = refused(load_xlsx, Path("book.xlsx"), OLE_HEADER)
    assert message.startswith("not a .xlsx file: this is a legacy binary Excel (.xls) file")


def test_xlsx_over_the_row_limit(renderings: dict[str, Path]) -> None:
    path = renderings["xlsx"]
    assert "has more than 10 rows, the limit" in refused(load_xlsx, path, path.read_bytes(), max_rows=10)


# --------------------------------------------------------------------------- HTML


def test_html_page_without_tables_gives_a_model_that_says_so() -> None:
    notice = "本部门 2026 年部门预算及相关说明已按规定随本级预算草案一并报送，具体表格见附件，请下载查阅。"
    page = f"<html><body><h1>部门预算公开</h1><p>{notice}</p></body></html>"
    document = load_html(Path("notice.html"), page.encode("utf-8"))
    assert document.tables == ()
    assert [i.code for i in document.issues] == ["no-tables"]
    assert document.title == "部门预算公开"
    assert [p.text for p in document.paragraphs] == [notice]


def test_html_page_with_nothing_in_it() -> None:
    message = refused(load_html, Path("empty.html"), b"<html><head><title>x</title></head><body> </body></html>")
    assert message == "the page has no text and no tables"


def test_html_declaring_an_unknown_charset() -> None:
    page = b'<html><head><meta charset="klingon-8"></head><body><p>x</p></body></html>'
    assert refused(load_html, Path("x.html"), page) == "the page declares an unknown charset 'klingon-8'"


def test_html_declared_gb2312_is_read_as_gb18030() -> None:
    # 镕 and 䶮 are outside GB2312 (GBK / GB18030 only): publishers still label such pages GB2312.
    body = "<p>朱镕基 䶮</p><table><tr><td>项目</td><td>金额</td></tr><tr><td>合计</td><td>1.00</td></tr></table>"
    page = f'<html><head><meta charset="gb2312"></head><body>{body}</body></html>'.encode("gb18030")
    document = load_html(Path("gb.html"), page)
    assert document.title == "朱镕基 䶮"
    assert document.tables[0].rows[-1].cell(1).value is not None  # type: ignore[union-attr]


def test_html_that_cannot_be_decoded_as_declared() -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>预算</p></body></html>'.encode("gb18030")
    assert refused(load_html, Path("x.html"), page).startswith("cannot decode the page as UTF-8 (byte 0x")


# --------------------------------------------------------------------------- a batch goes on


def test_a_batch_reports_the_bad_document_and_checks_the_others(tmp_path: Path, renderings: dict[str, Path]) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00" * 64)
    good = renderings["html"]
    report = compliance.check([broken, good], plugins=[LOADERS["pdf"], LOADERS["html"]])
    statuses = {Path(d.path).name: d.status for d in report.documents}
    assert statuses == {"broken.pdf": "error", "bazhou-2026-budget.html": "ok"}
    error = next(d.error for d in report.documents if d.status == "error")
    assert error is not None and "not a readable PDF" in error.message
