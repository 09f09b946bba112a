"""Opening Office Open XML packages (.docx, .xlsx) safely, with errors that say what the file is."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from compliance.errors import LoadError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Largest uncompressed document part read (a guard against zip bombs).
MAX_PART_BYTES = 200 * 1024 * 1024


def open_package(data: bytes, source: str, kind: str, suffix: str) -> zipfile.ZipFile:
    """The OOXML package in ``data``, or a :class:`LoadError` saying what the file really is."""
    if data.startswith(_OLE_MAGIC):
        raise LoadError(
            f"not a {suffix} file: this is a legacy binary {kind} file (or an encrypted one) "
            f"saved under a {suffix} name; save it as {suffix} first",
            source=source,
        )
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise LoadError(f"not a {suffix} file: not a ZIP package ({exc})", source=source) from exc


def read_part(package: zipfile.ZipFile, name: str, source: str, max_bytes: int = MAX_PART_BYTES) -> bytes:
    """One part of the package, with its uncompressed size checked first."""
    try:
        info = package.getinfo(name)
    except KeyError as exc:
        raise LoadError(f"damaged package: it has no {name}", source=source) from exc
    if info.file_size > max_bytes:
        raise LoadError(f"{name} unpacks to {info.file_size:,} bytes, more than the limit of {max_bytes:,}",
                        source=source)
    try:
        return package.read(name)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise LoadError(f"damaged package: {name} cannot be read ({exc})", source=source) from exc


def parse_xml(data: bytes, source: str) -> Any:
    """Parse package XML safely (no entities, no network)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LoadError(f"damaged package XML: {exc}", source=source) from exc
