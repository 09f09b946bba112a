"""The public harness for rule cases: prove a rule with small example documents.

A case file is TOML, kept beside the rules it tests (``rules/<pack>/cases/*.toml``)::

    rule = "CN-TAB-002"                  # default rule for the cases below
    # rules = "../"                      # the rule files (default: the pack folder)
    # [params]                           # param overrides for every case here
    # weight_total = 90

    [[case]]
    name = "an empty table without an explanation"
    outcome = "fail"                     # pass | fail | not_applicable | not_evaluated | error
    absent = ["表9"]                     # message fragments that must not appear
    [[case.findings]]                    # every finding expected, in order
    message = "表8「政府性基金预算支出情况表」为空表，但未说明原因"
    line = 1                             # optional: line, table, row, column, severity, values
    [[case.document.tables]]
    number = "8"
    title = "政府性基金预算支出情况表"
    empty = true

``document`` is either an inline description (see :func:`build_document`) or a
path to a real document, loaded with the installed plugins.  ``compliance rules
test`` and pytest both run cases through :func:`run_case_files`.
"""

from __future__ import annotations

import functools
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from attrs import field, frozen

from compliance.errors import ComplianceError, RuleError
from compliance.findings import Finding, RuleResult
from compliance.model import (
    Cell,
    Column,
    Document,
    Fact,
    Indicator,
    Paragraph,
    PerfTable,
    Row,
    Section,
    Span,
    Table,
    Target,
    Toc,
    TocEntry,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

@frozen
class Dialect:
    """How compact case rows read, supplied by the domain plugin, never by the core.

    ``split_code`` turns a printed code without separators ("2010302") into its
    parts; ``is_total`` says whether a row label with no code closes the table
    ("总计").  Rows that give their code split ("201 03 02" or a list) and their
    kind explicitly (``kind = "total"``) need neither.  ``defaults`` names what a
    case leaves out: ``code_header`` and ``label_header`` (the two leading columns
    of a table), ``perf_title.<kind>`` (a performance table's title),
    ``indicator_level1`` and ``indicator_level2``; without them the core's
    neutral :data:`NEUTRAL_DEFAULTS` apply.
    """

    split_code: Callable[[str], Sequence[str]] | None = None
    is_total: Callable[[str], bool] | None = None
    defaults: Mapping[str, str] = field(factory=dict)

    def default(self, key: str) -> str:
        """The plugin's name for ``key``, else the neutral one."""
        return self.defaults.get(key, NEUTRAL_DEFAULTS.get(key, ""))


#: Names that say nothing of any jurisdiction or template: the harness's fallback.
NEUTRAL_DEFAULTS: Mapping[str, str] = {"code_header": "code", "label_header": "label"}


#: No domain knowledge: compact codes stay whole and no label makes a total row.
PLAIN = Dialect()


@functools.lru_cache(maxsize=1)
def installed_dialect() -> Dialect:
    """The dialect of the installed plugins: their ``split_code`` and ``is_total_label`` functions."""
    from compliance.plugins import hooks
    from compliance.plugins.manager import create_manager

    pm, _failures = create_manager()
    return dialect_from(hooks.dsl_functions(pm))


def dialect_from(functions: Mapping[str, Callable[..., Any]] | None) -> Dialect:
    """A dialect from rule-language functions named ``split_code``, ``is_total_label`` and ``case_defaults``."""
    functions = functions or {}
    defaults = functions.get("case_defaults")
    return Dialect(functions.get("split_code"), functions.get("is_total_label"), dict(defaults()) if defaults else {})


# ---- building example documents ------------------------------------------------


class _Lines:
    """Gives each built element the next source line, so cases can pin findings to lines."""

    def __init__(self) -> None:
        self.line = 0

    def next(self) -> Span:
        self.line += 1
        return Span(self.line)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except ArithmeticError:
        raise RuleError(f"not an amount: {value!r} (give the column a role, e.g. {{name = \"项目名称\", role = \"text\"}})") from None


def split_code(code: Any, dialect: Dialect = PLAIN) -> tuple[str, ...]:
    """A row's code in parts: a list as given, ``"201 03 02"`` split on spaces, else the dialect's split."""
    if isinstance(code, (list, tuple)):
        return tuple(str(part) for part in code if str(part))
    text = str(code or "").strip()
    if not text:
        return ()
    if " " in text:
        return tuple(text.split())
    return tuple(dialect.split_code(text)) if dialect.split_code else (text,)


def _column(index: int, spec: Any) -> Column:
    """``"财政拨款/一般公共预算"`` (an amount column's header path) or ``{name = "项目名称", role = "text"}``."""
    if isinstance(spec, Mapping):
        return Column(index, tuple(str(spec["name"]).split("/")), spec.get("role", "amount"))
    return Column(index, tuple(str(spec).split("/")), "amount")


def _row_spec(raw: Any) -> dict[str, Any]:
    """A row as ``[code, label, cell…]`` or ``{code, label, cells, kind}``."""
    if isinstance(raw, Mapping):
        return {"code": raw.get("code", ""), "label": raw.get("label", ""), "cells": list(raw.get("cells", ())),
                "kind": raw.get("kind")}
    code, label, *cells = raw
    return {"code": code, "label": label, "cells": cells, "kind": None}


def build_table(spec: Mapping[str, Any], lines: _Lines | None = None, dialect: Dialect | None = None) -> Table:
    """A table from a compact description.

    ``columns`` names the columns after the code and label columns: a string is
    an amount column (``"财政拨款/一般公共预算"`` for a header path), ``{name =
    "项目名称", role = "text"}`` a column of another role.  ``rows`` are
    ``[code, label, cell…]`` lists or ``{code, label, cells, kind}`` tables; a
    code is ``""`` (none), split on spaces (``"201 03 02"``), a list of parts, or
    a compact code the dialect splits.  ``kind = "total"`` (or ``total = [label,
    cell…]`` on the table) makes a closing total row; a compact row with no code
    is a total when the dialect says its label is one.  Each row's ``children``
    are the rows one level below it.
    """
    lines = lines or _Lines()
    dialect = installed_dialect() if dialect is None else dialect
    span = lines.next()
    columns = [Column(0, (dialect.default("code_header"),), "code"), Column(1, (dialect.default("label_header"),), "label")]
    columns += [_column(i + 2, c) for i, c in enumerate(spec.get("columns", ()))]
    raws = [_row_spec(r) for r in spec.get("rows", ())]
    if "total" in spec:
        label, *cells = spec["total"]
        raws.append({"code": "", "label": label, "cells": cells, "kind": "total"})
    rows: list[Row] = []
    for index, raw in enumerate(raws):
        row_span = lines.next()
        code = split_code(raw["code"], dialect)
        label = str(raw["label"])
        printed = raw["code"] if isinstance(raw["code"], str) else " ".join(code)
        cells = (Cell(0, printed, span=row_span), Cell(1, label, span=row_span))
        for i, value in enumerate(raw["cells"]):
            role = columns[i + 2].role if i + 2 < len(columns) else "amount"
            text = "" if value in (None, "") else str(value)
            cells += (Cell(i + 2, text, _decimal(value) if role == "amount" else None, span=row_span),)
        kind = raw["kind"] or ("total" if not code and dialect.is_total and dialect.is_total(label) else "body")
        rows.append(Row(index, label, cells, span=row_span, code=code, level=len(code) or None,
                        parent_code="".join(code[:-1]) or None if len(code) > 1 else None, kind=kind))
    rows = _link_children(rows)
    explanation = spec.get("explanation")
    return Table(
        title=spec["title"],
        columns=tuple(columns),
        rows=tuple(rows),
        span=span,
        number=str(spec["number"]) if "number" in spec else None,
        kind=spec.get("kind"),
        unit=spec.get("unit", "万元"),
        empty=bool(spec.get("empty", False)),
        explanation=Paragraph(explanation, lines.next(), role="empty_table_explanation") if explanation else None,
    )


def _link_children(rows: list[Row]) -> list[Row]:
    """Set ``children`` deepest level first, so a 类 row's 款 children carry their own 项 children."""
    from attrs import evolve

    by_index = {row.index: row for row in rows}
    levels = sorted({row.level for row in rows if row.level}, reverse=True)
    for level in levels:
        for row in list(by_index.values()):
            if row.level != level:
                continue
            children = tuple(
                by_index[r.index] for r in rows
                if r.level == level + 1 and r.parent_code == row.code_text
            )
            by_index[row.index] = evolve(row, children=children)
    return [by_index[row.index] for row in rows]


def build_perf(spec: Mapping[str, Any], lines: _Lines, dialect: Dialect | None = None) -> PerfTable:
    """``indicators`` are ``[name, weight]`` pairs or tables with the Indicator's fields."""
    dialect = installed_dialect() if dialect is None else dialect
    span = lines.next()
    indicators = []
    for raw in spec.get("indicators", ()):
        item = dict(zip(("name", "weight"), raw)) if isinstance(raw, list) else dict(raw)
        indicators.append(Indicator(
            level1=item.get("level1", dialect.default("indicator_level1")),
            level2=item.get("level2", dialect.default("indicator_level2")),
            name=item["name"],
            target=Target(str(item.get("target", ""))),
            span=lines.next(),
            weight=_decimal(item.get("weight")),
        ))
    kind = spec.get("kind", "project")
    title = spec.get("title", dialect.default(f"perf_title.{kind}"))
    return PerfTable(kind=kind, title=title, project=spec.get("project", ""), indicators=tuple(indicators), span=span)


def build_fact(spec: Mapping[str, Any], lines: _Lines) -> Fact:
    numbers = {k: _decimal(spec.get(k)) for k in ("amount", "percent", "share", "delta")}
    return Fact(
        kind=spec.get("kind", "amount"),
        subject=spec.get("subject", ""),
        text=spec.get("text", ""),
        span=lines.next(),
        unit=spec.get("unit", "万元"),
        direction=spec.get("direction"),
        section=spec.get("section"),
        **numbers,
    )


def _build_toc(titles: Sequence[str], lines: _Lines) -> Toc:
    first = lines.next()
    entries = tuple(TocEntry(str(n), title, 1, lines.next()) for n, title in enumerate(titles, start=1))
    last = entries[-1].span if entries else first
    return Toc(entries, Span.covering(first, last))


def build_document(spec: Mapping[str, Any], dialect: Dialect | None = None) -> Document:
    """An example document from a description: ``toc``, ``sections``, ``tables``, ``perf_tables``, ``facts``.

    Elements get consecutive line numbers in this order: the table of contents
    (``toc``: a list of entry titles, one line each, after a 目录 line), each section heading
    (with its tables, perf tables and facts under it), then the top-level tables,
    perf tables and facts.  ``dialect`` reads compact codes and total labels
    (default: the installed plugins'; :data:`PLAIN` for none).
    """
    dialect = installed_dialect() if dialect is None else dialect
    lines = _Lines()
    toc = _build_toc(spec["toc"], lines) if "toc" in spec else None
    tables: list[Table] = []
    perfs: list[PerfTable] = []
    facts: list[Fact] = []

    def section(raw: Mapping[str, Any], level: int) -> Section:
        span = lines.next()
        blocks: list[Any] = []
        for t in raw.get("tables", ()):
            tables.append(build_table(t, lines, dialect))
            blocks.append(tables[-1])
        for p in raw.get("perf_tables", ()):
            perfs.append(build_perf(p, lines, dialect))
            blocks.append(perfs[-1])
        for f in raw.get("facts", ()):
            facts.append(build_fact(f, lines))
        children = tuple(section(c, level + 1) for c in raw.get("sections", ()))
        return Section(str(raw["number"]), raw.get("title", ""), level, span, blocks=tuple(blocks), children=children)

    sections = tuple(section(s, 1) for s in spec.get("sections", ()))
    tables += [build_table(t, lines, dialect) for t in spec.get("tables", ())]
    perfs += [build_perf(p, lines, dialect) for p in spec.get("perf_tables", ())]
    facts += [build_fact(f, lines) for f in spec.get("facts", ())]
    paragraphs = tuple(t.explanation for t in tables if t.explanation is not None)
    return Document(
        path=spec.get("path", "<example>"),
        title=spec.get("title", "示例文档"),
        sections=sections,
        toc=toc,
        tables=tuple(tables),
        perf_tables=tuple(perfs),
        paragraphs=paragraphs,
        facts=tuple(facts),
        meta=spec.get("meta", {}),
    )


# ---- cases --------------------------------------------------------------------------


@frozen
class CaseResult:
    """The verdict on one case: ``problems`` says what differed (empty when it passed)."""

    file: str
    name: str
    rule: str
    problems: tuple[str, ...]
    result: RuleResult | None = None

    @property
    def passed(self) -> bool:
        return not self.problems


def _finding_problems(expected: Sequence[Mapping[str, Any]], actual: Sequence[Finding],
                      absent: Iterable[str]) -> list[str]:
    problems: list[str] = []
    if len(expected) != len(actual):
        problems.append(f"expected {len(expected)} finding(s), got {len(actual)}: "
                        + "; ".join(f.message for f in actual))
    for number, (want, got) in enumerate(zip(expected, actual), start=1):
        checks = {
            "message": got.message,
            "severity": got.severity.value,
            "line": got.location.span.start_line if got.location.span else None,
            "table": got.location.table,
            "row": got.location.row,
            "column": "/".join(got.location.column_path),
            "section": got.location.section,
            "related": len(got.related),
        }
        for key, want_value in want.items():
            if key == "values":
                for name, value in want_value.items():
                    if got.values.get(name) != str(value):
                        problems.append(f"finding {number}: values[{name!r}] is {got.values.get(name)!r}, expected {str(value)!r}")
                continue
            if key not in checks:
                problems.append(f"finding {number}: unknown expectation key {key!r}")
            elif checks[key] != want_value:
                problems.append(f"finding {number}: {key} is {checks[key]!r}, expected {want_value!r}")
    for fragment in absent:
        for finding in actual:
            if fragment in finding.message:
                problems.append(f"a finding mentions {fragment!r}, which must be absent: {finding.message}")
    return problems


def _rules_path(case_file: Path, spec: Mapping[str, Any]) -> Path:
    if "rules" in spec:
        return (case_file.parent / spec["rules"]).resolve()
    folder = case_file.parent
    return folder.parent if folder.name == "cases" else folder


def _document(case: Mapping[str, Any], case_file: Path, load: Callable[[Path], Document],
              dialect: Dialect) -> Document:
    document = case.get("document", {})
    if isinstance(document, str):
        return load((case_file.parent / document).resolve())
    return build_document(document, dialect)


def run_case_file(path: Path, *, functions: Mapping[str, Callable[..., Any]] | None = None,
                  load: Callable[[Path], Document] | None = None) -> list[CaseResult]:
    """Run every case of one case file.

    ``functions`` are the rule-language functions (default: the installed
    plugins'); their ``split_code`` and ``is_total_label`` also read compact
    rows of inline documents (see :class:`Dialect`).  ``load`` reads documents
    given by path (default: :func:`compliance.load` with the installed plugins).
    """
    from compliance.dsl import load_rule_set

    if functions is None:
        from compliance.plugins import hooks
        from compliance.plugins.manager import create_manager

        functions = hooks.dsl_functions(create_manager()[0])
    dialect = dialect_from(functions)

    if load is None:
        from compliance.api import load as load_document

        load = load_document
    try:
        # Decimals, as the configuration reads TOML: an unquoted 2147.30 keeps its printed places.
        spec = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"cannot read rule cases: {exc}", source=str(path)) from exc
    rule_set = load_rule_set([_rules_path(path, spec)], functions=functions, params=spec.get("params"))
    results: list[CaseResult] = []
    for number, case in enumerate(spec.get("case", ()), start=1):
        name = case.get("name", f"case {number}")
        rule_id = case.get("rule", spec.get("rule"))
        if rule_id is None:
            results.append(CaseResult(str(path), name, "?", ("no rule named (set rule = \"ID\")",)))
            continue
        if "params" in case:
            case_rules = load_rule_set([_rules_path(path, spec)], functions=functions,
                                       params={**spec.get("params", {}), **case["params"]})
        else:
            case_rules = rule_set
        try:
            document = _document(case, path, load, dialect)
            (result,) = case_rules.evaluate(document, rule_ids=[rule_id])
        except ComplianceError as exc:
            results.append(CaseResult(str(path), name, rule_id, (f"could not run: {exc}",)))
            continue
        problems: list[str] = []
        if "outcome" in case and result.outcome.value != case["outcome"]:
            problems.append(f"outcome is {result.outcome.value}, expected {case['outcome']}"
                            + (f" ({result.reason})" if result.reason else ""))
        if "reason" in case and case["reason"] not in (result.reason or ""):
            problems.append(f"reason is {result.reason!r}, expected it to contain {case['reason']!r}")
        if "findings" in case or "absent" in case:
            problems += _finding_problems(case.get("findings", ()), result.findings, case.get("absent", ()))
        results.append(CaseResult(str(path), name, rule_id, tuple(problems), result))
    return results


def case_files(paths: Iterable[Path]) -> list[Path]:
    """Case files named, or found under ``cases`` folders of the folders named."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.toml") if "cases" in p.parts))
        else:
            found.append(path)
    return found


def run_case_files(paths: Iterable[Path], **options: Any) -> list[CaseResult]:
    return [result for path in case_files(paths) for result in run_case_file(path, **options)]


__all__ = [
    "PLAIN", "CaseResult", "Dialect", "build_document", "build_table", "case_files", "dialect_from",
    "installed_dialect", "run_case_file", "run_case_files", "split_code",
]
