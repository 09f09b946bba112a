"""Built-in loader for the text form of a disclosure (``.txt``: prose lines and tab-separated rows).

bytes → text (UTF-8, with or without BOM; GB18030 detected and read; UTF-16
with a BOM) → lines → layout blocks → the budget-disclosure assembler.
Binary, empty and undecodable files are refused with a :class:`LoadError`
naming the file and, where it helps, the line.  Columns in spans count
characters, not bytes.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from attrs import evolve

from compliance import hookimpl
from compliance.errors import LoadError
from compliance.model import Document
from plugins_builtin.cn_budget.assemble import assemble
from plugins_builtin.cn_budget.blocks import BLANK, PROSE, ROW, Block

SUFFIXES = frozenset({".txt", ".text"})
#: Formats other loaders read; the text loader never claims them by sniffing.
OTHER_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".html", ".htm", ".json", ".zip"})
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x7fELF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff")
_SNIFF_BYTES = 4096
#: Control characters a text document never holds (tab, newline, CR and form feed are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read in, or a :class:`LoadError`."""
    source = str(path)
    if data.startswith(codecs.BOM_UTF8):
        data, candidates = data[len(codecs.BOM_UTF8):], ("utf-8",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise LoadError(f"binary file (NUL byte at offset {nul}), not a text document",
                            source=source, line=_line_of(data, nul))
        candidates = ("utf-8", "gb18030")
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    else:
        assert first_error is not None
        bad = data[first_error.start]
        raise LoadError(
            f"cannot decode the file as {' or '.join(c.upper() for c in candidates)} text: "
            f"byte 0x{bad:02x} is not valid {first_error.encoding.upper()}",
            source=source,
            line=_line_of(data, first_error.start),
        )
    if not text.strip():
        raise LoadError("empty document: the file holds no text", source=source)
    control = _CONTROL.search(text)
    if control is not None:
        raise LoadError(f"binary content (control character U+{ord(control.group()):04X}), not a text document",
                        source=source, line=text.count("\n", 0, control.start()) + 1)
    return text, encoding


def to_blocks(lines: list[str]) -> list[Block]:
    """One block per line: tab-separated rows keep each cell's start column."""
    blocks: list[Block] = []
    append = blocks.append
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            append(Block(BLANK, number, 1, ""))
            continue
        column = 1 if stripped is line or not line[0].isspace() else len(line) - len(line.lstrip()) + 1
        if "\t" in line:
            cells = []
            start = 1
            for part in line.split("\t"):
                text = part.strip()
                if text is part or not text:
                    cells.append((text, start))
                else:
                    cells.append((text, start + part.index(text)))
                start += len(part) + 1
            append(Block(ROW, number, column, stripped, tuple(cells)))
        else:
            append(Block(PROSE, number, column, stripped))
    return blocks


def load_text(path: Path, data: bytes) -> Document:
    """Load a text disclosure (no enrichment)."""
    text, encoding = decode(path, data)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    document = assemble(str(path), to_blocks(lines), lines, "text")
    if encoding != "utf-8":
        document = evolve(document, meta={**document.meta, "encoding": encoding})
    return document


def sniff(data: bytes) -> bool:
    """Does ``data`` look like a text document (no binary signature, no NUL, decodable head)?"""
    head = data[:_SNIFF_BYTES]
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head or head.lstrip().startswith(b"<"):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


@hookimpl
def compliance_load_document(path: Path, data: bytes) -> Document | None:
    suffix = path.suffix.lower()
    if suffix in SUFFIXES or (suffix not in OTHER_SUFFIXES and sniff(data)):
        return load_text(path, data)
    return None
