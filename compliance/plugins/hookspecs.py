"""Hook specifications: the only contract between the core and plugins.

Every hook is named ``compliance_<verb>_<noun>``, is called by keyword from
:mod:`compliance.plugins.hooks` only, and documents each parameter here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from compliance.plugins import _hookspec

if TYPE_CHECKING:  # pragma: no cover
    from compliance.findings import Finding
    from compliance.model import Document
    from compliance.plugins.checks import Check
    from compliance.report import RenderOptions, Report


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


@_hookspec
def compliance_register_suffixes() -> "list[str]":
    """Declare the file suffixes a loader reads (e.g. ``[".txt"]``), for directory walks.

    Called once per run when a directory is given on the command line; every
    plugin's suffixes are collected.  Files named on the command line are
    always offered to the loaders whatever their suffix; inside a directory,
    only files with a declared suffix are checked.  When no plugin declares
    any suffix, every file in the directory is offered and files that no
    loader accepts are skipped.

    :return: suffixes with their leading dot, compared case-insensitively.
    """


@_hookspec
def compliance_register_checks() -> "list[Check]":
    """Contribute Python checks, for requirements the rule language cannot express.

    Called once per run, when the checks are assembled; every plugin's list is
    collected, in plugin registration order.  Each
    :class:`~compliance.plugins.checks.Check` carries its id, title,
    severity, pack and the function that inspects a document.  A check takes
    part in selection, jurisdiction, waivers and reports exactly as a rule does.

    :return: the checks this plugin adds.
    """


@_hookspec
def compliance_process_findings(
    document: "Document", findings: "tuple[Finding, ...]"
) -> "tuple[Finding, ...] | None":
    """Post-process the findings of one document (e.g. a jurisdiction downgrades a severity).

    Called once per document after every rule and check has run and before
    the configuration's severity overrides and waivers apply; implementations
    run in sequence, each on the previous one's result.  Build changed
    findings with :func:`attrs.evolve`; a finding may be dropped or added.  A
    rule whose findings all disappear passes.

    :param document: the checked (enriched) document.
    :param findings: every finding on the document so far, in report order.
    :return: the new findings, or ``None`` to leave them unchanged.
    """


@_hookspec
def compliance_register_formats() -> "dict[str, str]":
    """Declare report formats, by name, with a one-line description for ``--help``.

    Called once per run; every plugin's mapping is merged.  A format named
    here must be rendered by the same plugin's
    :func:`compliance_render_report`.

    :return: a mapping from format name (e.g. ``"json"``) to its description.
    """


@_hookspec(firstresult=True)
def compliance_render_report(report: "Report", format: str, options: "RenderOptions") -> "str | None":
    """Render a whole report in one output format.

    Called once per run, after every document is checked; stops at the first
    non-None result.  A reporter that does not know ``format`` returns
    ``None``.  Output must be deterministic: the same report renders to the
    same text, byte for byte.

    :param report: the :class:`~compliance.report.Report` of the run.
    :param format: the format name asked for (``--format``).
    :param options: how to render (e.g. ``options.color`` for terminals).
    :return: the rendered text, or ``None`` to let another reporter try.
    """
