"""The Python API for embedding: load a document, check documents, read the report.

::

    import compliance
    report = compliance.check("disclosure.txt")
    for finding in report.findings:
        print(finding.rule, finding.severity.value, finding.message)
    print(report.to_json())

The CLI is a thin layer over these functions.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any, Iterable, Mapping

from compliance.config import Config
from compliance.errors import LoadError
from compliance.model import Document
from compliance.plugins import hooks
from compliance.plugins.manager import create_manager
from compliance.report import Report


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


def check(
    path_or_document: str | PathLike[str] | Document | Iterable[str | PathLike[str]],
    config: Config | Mapping[str, Any] | None = None,
    *,
    plugins: Iterable[str] = (),
    plugin_objects: Iterable[object] = (),
) -> Report:
    """Check a file, a directory, several paths or an already loaded document; return the report.

    ``config`` is a :class:`~compliance.config.Config` or a mapping shaped like
    the TOML file (``{"select": ["CN-TAB"], "fail-on": "warning"}``); by
    default no configuration file is read, so embedding is reproducible.
    ``plugins`` names extra plugin modules (as ``-p``), ``plugin_objects`` adds
    already-built plugins.  A document that cannot be read appears in the
    report with ``status == "error"``; configuration and plugin errors raise
    :class:`~compliance.errors.ComplianceError`.
    """
    from compliance.engine import Engine

    if not isinstance(config, Config):
        config = Config.from_mapping(config or {}, source="api")
    engine = Engine(config, plugins=plugins, plugin_objects=plugin_objects)
    if isinstance(path_or_document, Document):
        return engine.report([engine.check_document(path_or_document)])
    if isinstance(path_or_document, (str, PathLike)):
        paths = [str(path_or_document)]
    else:
        paths = [str(p) for p in path_or_document]
    return engine.check_paths(paths)
