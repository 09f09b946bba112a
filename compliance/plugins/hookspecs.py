"""Hook specifications: the only contract between the core and plugins.

Every hook is named ``compliance_<verb>_<noun>``, is called by keyword from
:mod:`compliance.plugins.hooks` only, and documents each parameter here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from compliance.plugins import _hookspec

if TYPE_CHECKING:  # pragma: no cover
    from compliance.model import Document


@_hookspec(firstresult=True)
def compliance_load_document(path: Path, data: bytes) -> "Document | None":
    """Turn a file into a :class:`~compliance.model.Document`.

    Called once per input file; stops at the first non-None result.  A loader
    that does not handle the file (by suffix or by sniffing ``data``) returns
    ``None``.  A loader that handles it but cannot read it raises
    :class:`~compliance.errors.LoadError` naming the file and line.

    :param path: the file as given by the user.
    :param data: its whole content, read once by the core.
    :return: the loaded document, or ``None`` to let another loader try.
    """


@_hookspec
def compliance_enrich_document(document: "Document") -> "Document | None":
    """Add domain structure and facts to a loaded document.

    Called after loading, once per plugin, in plugin order; each
    implementation receives the document as the previous one returned it and
    returns a new document (built with :func:`attrs.evolve`) or ``None`` to
    leave it unchanged.

    :param document: the document so far.
    :return: the enriched document, or ``None``.
    """


@_hookspec
def compliance_register_rule_packs() -> "list[Path]":
    """Contribute rule packs: directories (or single ``.rules`` files) of rules in the rule language.

    Called once per run when the rule set is assembled; results from every
    plugin are collected, in plugin registration order.

    :return: paths of pack directories or rule files.
    """


@_hookspec
def compliance_register_functions() -> "dict[str, object]":
    """Contribute functions callable from rules, by name.

    Called once per run before rules are compiled; every plugin's mapping is
    merged (a name defined twice is an error naming both plugins).  Each value
    is a plain Python callable taking and returning model values
    (``Decimal``, ``str``, model elements, tuples).

    :return: a mapping from function name to callable.
    """
