"""The Python API for embedding: load a document (and, later, check it)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Iterable

from compliance.errors import LoadError
from compliance.model import Document
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager


def read_bytes(path: Path) -> bytes:
    """Read a document's bytes, turning OS errors into a :class:`LoadError` naming the file."""
    if not path.exists():
        raise LoadError("no such file", source=str(path))
    if path.is_dir():
        raise LoadError("is a directory, not a document", source=str(path))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from exc


def load(path: str | PathLike[str], *, plugins: Iterable[str] = ()) -> Document:
    """Load and enrich one document with the installed plugins (and ``plugins`` modules)."""
    pm, _failures = create_manager(plugins)
    file_path = Path(path)
    document = hooks.load_document(pm, file_path, read_bytes(file_path))
    return hooks.enrich_document(pm, document)
