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

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from attrs import frozen

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

#: Code part widths of the functional classification: 类 3 digits, 款 2, 项 2.
CODE_WIDTHS = (3, 2, 2)
_TOTAL_LABELS = ("总计", "合计")


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
    return Decimal(str(value).replace(",", ""))


def split_code(code: str) -> tuple[str, ...]:
    """``"2010302"`` → ``("201", "03", "02")``."""
    parts, position = [], 0
    for width in CODE_WIDTHS:
        if position >= len(code):
            break
        parts.append(code[position : position + width])
        position += width
    return tuple(parts)


def build_table(spec: Mapping[str, Any], lines: _Lines | None = None) -> Table:
    """A table from a compact description.

    ``columns`` names the amount columns (``"财政拨款/一般公共预算"`` for a
    header path); ``rows`` are ``[code, label, amount…]`` lists (code ``""``
    for none; ``"总计"``/``"合计"`` rows become totals).  Codes are split as
    类/款/项 and each row's ``children`` are the rows one level below it.
    """
    lines = lines or _Lines()
    span = lines.next()
    names = list(spec.get("columns", ()))
    columns = [Column(0, ("科目代码",), "code"), Column(1, ("科目名称",), "label")]
    columns += [Column(i + 2, tuple(n.split("/")), "amount") for i, n in enumerate(names)]
    rows: list[Row] = []
    for index, raw in enumerate(spec.get("rows", ())):
        code_text, label, *amounts = raw
        row_span = lines.next()
        code = split_code(str(code_text))
        cells = (Cell(0, str(code_text), span=row_span), Cell(1, label, span=row_span)) + tuple(
            Cell(i + 2, "" if a in (None, "") else str(a), _decimal(a), span=row_span) for i, a in enumerate(amounts)
        )
        kind = "total" if not code and label.replace(" ", "") in _TOTAL_LABELS else "body"
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
    """Set ``children`` bottom-up, so a 类 row's 款 children carry their own 项 children."""
    from attrs import evolve

    by_index = {row.index: row for row in rows}
    for level in (2, 1):
        for row in list(by_index.values()):
            if row.level != level:
                continue
            children = tuple(
                by_index[r.index] for r in rows
                if r.level == level + 1 and r.parent_code == row.code_text
            )
            by_index[row.index] = evolve(row, children=children)
    return [by_index[row.index] for row in rows]


def build_perf(spec: Mapping[str, Any], lines: _Lines) -> PerfTable:
    """``indicators`` are ``[name, weight]`` pairs or tables with the Indicator's fields."""
    span = lines.next()
    indicators = []
    for raw in spec.get("indicators", ()):
        item = dict(zip(("name", "weight"), raw)) if isinstance(raw, list) else dict(raw)
        indicators.append(Indicator(
            level1=item.get("level1", "产出指标"),
            level2=item.get("level2", "数量指标"),
            name=item["name"],
            target=Target(str(item.get("target", ""))),
            span=lines.next(),
            weight=_decimal(item.get("weight")),
        ))
    kind = spec.get("kind", "project")
    title = spec.get("title", "项目支出绩效目标表" if kind == "project" else "部门整体绩效目标表")
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


def build_document(spec: Mapping[str, Any]) -> Document:
    """An example document from a description: ``toc``, ``sections``, ``tables``, ``perf_tables``, ``facts``.

    Elements get consecutive line numbers in this order: the table of contents
    (``toc``: a list of entry titles, one line each, after a 目录 line), each section heading
    (with its tables, perf tables and facts under it), then the top-level tables,
    perf tables and facts.
    """
    lines = _Lines()
    toc = _build_toc(spec["toc"], lines) if "toc" in spec else None
    tables: list[Table] = []
    perfs: list[PerfTable] = []
    facts: list[Fact] = []

    def section(raw: Mapping[str, Any], level: int) -> Section:
        span = lines.next()
        blocks: list[Any] = []
        for t in raw.get("tables", ()):
            tables.append(build_table(t, lines))
            blocks.append(tables[-1])
        for p in raw.get("perf_tables", ()):
            perfs.append(build_perf(p, lines))
            blocks.append(perfs[-1])
        for f in raw.get("facts", ()):
            facts.append(build_fact(f, lines))
        children = tuple(section(c, level + 1) for c in raw.get("sections", ()))
        return Section(str(raw["number"]), raw.get("title", ""), level, span, blocks=tuple(blocks), children=children)

    sections = tuple(section(s, 1) for s in spec.get("sections", ()))
    tables += [build_table(t, lines) for t in spec.get("tables", ())]
    perfs += [build_perf(p, lines) for p in spec.get("perf_tables", ())]
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


def _document(case: Mapping[str, Any], case_file: Path, load: Callable[[Path], Document]) -> Document:
    document = case.get("document", {})
    if isinstance(document, str):
        return load((case_file.parent / document).resolve())
    return build_document(document)


def run_case_file(path: Path, *, functions: Mapping[str, Callable[..., Any]] | None = None,
                  load: Callable[[Path], Document] | None = None) -> list[CaseResult]:
    """Run every case of one case file."""
    from compliance.dsl import load_rule_set

    if load is None:
        from compliance.api import load as load_document

        load = load_document
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
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
            document = _document(case, path, load)
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


__all__ = ["CaseResult", "build_document", "build_table", "case_files", "run_case_file", "run_case_files", "split_code"]
