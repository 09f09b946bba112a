"""Single-change variants (mutants) of the bundled sample, and whether the checker notices each.

A mutant is the sample's text with one change a reviewer worries about: one figure in a
table (the performance tables' budget figures included), one amount or percentage in the
explanations (第三部分), a deleted table, explanation section or empty-table note, a
changed performance weight or cost indicator, a table's unit changed from 万元 to 元.  The places to change come from the sample's own model (cell
spans, section spans, indicator spans), so nothing is hard-coded but the kinds.

A mutant is *detected* when the check of the mutated text gives a finding the unmutated
sample does not have (by fingerprint, severity and compared figures: :func:`identity`),
at the changed place:

- a changed figure: the finding's location or one of its related places is on the changed line
  (a sum pointing at its total while showing the changed term counts: it shows the change);
- a changed weight or budget figure of a performance table: anywhere in that table (rules
  check the weights' total and the budget lines as the table's, and point at the table);
- a deleted table, section or note, or a changed unit: inside the table or section concerned,
  at the line where the deletion closed up, or naming the table or section in its message.

Loading is in-process: one engine, the text loaded from bytes, no files written.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from compliance.engine import Engine
from compliance.findings import Finding
from compliance.model import Document
from compliance.plugins import hooks
from compliance.report import DocumentResult, fingerprint

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"

#: Kinds of change, in report order.
KINDS = (
    "table_figure",
    "prose_figure",
    "perf_figure",
    "perf_weight",
    "cost_indicator",
    "table_unit",
    "delete_table",
    "delete_section",
    "delete_subsection",
    "delete_empty_note",
)
#: Kinds run on request only (``report.py --kind table_cent``): a cent more in every table cell.
EXTRA_KINDS = ("table_cent",)

#: An amount or a percentage as printed in prose: 3,034.10 万元, 7.41%, 85 万元.
PROSE_FIGURE = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?=\s*(?:万元|%))")
#: A two-decimal amount in a performance table's head: 3,034.10, 20.80, 0.00.
PERF_FIGURE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d])")
#: A performance target with a money amount: <=8.39 万元, < =16.20 万元.
COST_TARGET = re.compile(r"(\d+(?:\.\d+)?)(?=\s*万元)")
UNIT_LINE = "单位：万元"


class Place(NamedTuple):
    """Where a change is expected to be reported, in the mutant's line numbers."""

    lines: frozenset[int]  # a finding located (or related) on one of these lines is at the place
    words: tuple[str, ...] = ()  # or a finding whose message names one of these


class Mutant(NamedTuple):
    """One single-change variant of the sample."""

    kind: str
    description: str
    text: str
    place: Place


class Outcome(NamedTuple):
    """What the check of one mutant found."""

    mutant: Mutant
    detected: bool
    new_findings: tuple[str, ...]  # messages of new findings anywhere (for explaining misses)


def bump(figure: str, step: Decimal = Decimal(1)) -> str:
    """``figure`` plus ``step`` (one unit of its integer part), printed the same way (commas, decimals)."""
    decimals = len(figure.split(".")[1]) if "." in figure else 0
    value = Decimal(figure.replace(",", "")) + step
    text = f"{value:,.{decimals}f}" if "," in figure else f"{value:.{decimals}f}"
    return text


def _replace_on_line(lines: list[str], number: int, start: int, end: int, new: str) -> str:
    """The text with characters [start, end) (0-based) of line ``number`` (1-based) replaced."""
    changed = list(lines)
    line = changed[number - 1]
    changed[number - 1] = line[:start] + new + line[end:]
    return "".join(changed)


def _delete_lines(lines: list[str], first: int, last: int) -> str:
    """The text without lines first..last (1-based, inclusive)."""
    return "".join(lines[: first - 1] + lines[last:])


# -- the generators, one per kind -------------------------------------------------------


def table_figures(document: Document, lines: list[str], *, kind: str = "table_figure",
                  step: Decimal = Decimal(1)) -> Iterator[Mutant]:
    """Every non-blank amount cell of every table, plus ``step`` (one, or a cent)."""
    seen: set[tuple[int, int]] = set()
    for table in document.tables:
        for part in (table, *table.sides):
            amount = {c.index for c in part.columns if c.role == "amount"}
            for row in part.rows:
                for cell in row.cells:
                    span = cell.span
                    if cell.value is None or cell.column not in amount or span is None:
                        continue
                    key = (span.start_line, span.start_column)
                    if key in seen:
                        continue
                    seen.add(key)
                    start, end = span.start_column - 1, span.end_column
                    printed = lines[span.start_line - 1][start:end]
                    new = bump(printed, step)
                    yield Mutant(
                        kind,
                        f"{table.label}「{row.label}」{printed} → {new} (line {span.start_line})",
                        _replace_on_line(lines, span.start_line, start, end, new),
                        Place(frozenset({span.start_line})),
                    )


def prose_figures(document: Document, lines: list[str]) -> Iterator[Mutant]:
    """Every amount (万元) and percentage in the explanations' prose (第三部分, tables aside)."""
    part = document.section("第三部分")
    perf_lines = {n for p in document.perf_tables for n in range(p.span.start_line, p.span.last_line + 1)}
    for number in range(part.span.start_line, part.span.last_line + 1):
        line = lines[number - 1]
        if number in perf_lines or "\t" in line:
            continue
        for match in PROSE_FIGURE.finditer(line):
            printed = match.group(0)
            new = bump(printed)
            yield Mutant(
                "prose_figure",
                f"{printed} → {new} (line {number}: {line.strip()[:30]}…)",
                _replace_on_line(lines, number, match.start(), match.end(), new),
                Place(frozenset({number})),
            )


def perf_figures(document: Document, lines: list[str]) -> Iterator[Mutant]:
    """Every budget figure in a performance table's head (年度预算总额, 财政拨款, 上级安排 …)."""
    for perf in document.perf_tables:
        rows = frozenset(range(perf.span.start_line, perf.span.last_line + 1))
        indicator_lines = {i.span.start_line for i in perf.indicators if i.span is not None}
        for number in range(perf.span.start_line, perf.span.last_line + 1):
            if number in indicator_lines:
                continue
            line = lines[number - 1]
            for match in PERF_FIGURE.finditer(line):
                new = bump(match.group(0))
                yield Mutant(
                    "perf_figure",
                    f"「{perf.project}」{match.group(0)} → {new} (line {number})",
                    _replace_on_line(lines, number, match.start(), match.end(), new),
                    Place(rows),
                )


def perf_weights(document: Document, lines: list[str]) -> Iterator[Mutant]:
    """Every indicator weight (分值权重) of every performance table, plus one."""
    for perf in document.perf_tables:
        rows = frozenset(range(perf.span.start_line, perf.span.last_line + 1))
        for indicator in perf.indicators:
            if indicator.weight is None or indicator.span is None:
                continue
            number = indicator.span.start_line
            line = lines[number - 1]
            cells = line.rstrip("\n").split("\t")
            printed = f"{indicator.weight}"
            index = _weight_index(cells, printed)
            if index is None:
                continue
            start = sum(len(c) + 1 for c in cells[:index])
            new = bump(printed)
            yield Mutant(
                "perf_weight",
                f"「{perf.project}」{indicator.name} 权重 {printed} → {new} (line {number})",
                _replace_on_line(lines, number, start, start + len(printed), new),
                Place(rows | {number}),
            )


def _weight_index(cells: Sequence[str], printed: str) -> int | None:
    """The cell holding the weight: the last cell that is exactly the weight (weights follow targets)."""
    found = [i for i, c in enumerate(cells) if c.strip() == printed]
    return found[-1] if found else None


def cost_indicators(document: Document, lines: list[str]) -> Iterator[Mutant]:
    """Every money target of a 成本指标 (cost indicator), plus one."""
    for perf in document.perf_tables:
        for indicator in perf.indicators:
            if not (indicator.level1 or "").startswith("成本") or indicator.target is None or indicator.span is None:
                continue
            number = indicator.span.start_line
            line = lines[number - 1]
            at = line.find(indicator.target.text.strip()) if indicator.target.text else -1
            match = COST_TARGET.search(line, max(at, 0))
            if match is None:
                continue
            new = bump(match.group(1))
            yield Mutant(
                "cost_indicator",
                f"「{perf.project}」{indicator.name} {match.group(1)} → {new} (line {number})",
                _replace_on_line(lines, number, match.start(1), match.end(1), new),
                Place(frozenset({number})),
            )


def table_units(document: Document, lines: list[str]) -> Iterator[Mutant]:
    """Each table's first 单位：万元 line changed to 单位：元."""
    for table in document.tables:
        span = table.span
        for number in range(span.start_line, span.last_line + 1):
            if lines[number - 1].strip() == UNIT_LINE:
                text = _replace_on_line(lines, number, 0, len(lines[number - 1].rstrip("\n")), "单位：元")
                yield Mutant(
                    "table_unit",
                    f"{table.label} 单位 万元 → 元 (line {number})",
                    text,
                    Place(frozenset(range(span.start_line, span.last_line + 1)), (table.label,)),
                )
                break


def _caption_line(lines: list[str], table_start: int, label_number: str) -> int:
    """The ``表 N`` caption line printed above a table (or the table's first line)."""
    for number in range(table_start, max(table_start - 6, 0), -1):
        if re.fullmatch(rf"表\s*{label_number}", lines[number - 1].strip()):
            return number
    return table_start


def deleted_tables(document: Document, lines: list[str]) -> Iterator[Mutant]:
    """Each table deleted from its caption to its last line (an empty table's note stays)."""
    for table in document.tables:
        first = _caption_line(lines, table.span.start_line, table.number or "")
        last = table.span.last_line
        yield Mutant(
            "delete_table",
            f"{table.label}「{table.title}」deleted (lines {first}-{last})",
            _delete_lines(lines, first, last),
            Place(frozenset({first - 1, first}), (table.title, table.label)),
        )


def deleted_sections(document: Document, lines: list[str]) -> Iterator[Mutant]:
    """Each explanation of 第三部分 deleted (heading to its end), then each of its sub-sections."""
    part = document.section("第三部分")
    for kind, sections in (("delete_section", part.children), ("delete_subsection", [c for s in part.children for c in s.children])):
        for section in sections:
            first, last = section.span.start_line, section.span.last_line
            while last < len(lines) and not lines[last].strip():
                last += 1  # the blank lines after it go with it
            yield Mutant(
                kind,
                f"{section.number}「{section.title[:24]}」deleted (lines {first}-{last})",
                _delete_lines(lines, first, last),
                Place(frozenset({first - 1, first}), (section.title, f"第{section.number}项", section.title.partition("：")[2])),
            )


def deleted_notes(document: Document, lines: list[str]) -> Iterator[Mutant]:
    """Each empty table's note: under the table, and repeated in the explanations (there the
    place is also the heading of the explanation that loses it)."""
    for table in document.tables:
        if not table.empty:
            continue
        for number, line in enumerate(lines, 1):
            if "为空表" in line and table.title in line:
                heading = _enclosing_heading(document, number)
                yield Mutant(
                    "delete_empty_note",
                    f"{table.label} note deleted (line {number})",
                    _delete_lines(lines, number, number),
                    Place(frozenset(range(table.span.start_line, table.span.last_line + 1)) | {number - 1, number, heading},
                          (table.label, table.title)),
                )


def _enclosing_heading(document: Document, number: int) -> int:
    """The heading line of the innermost section holding line ``number`` (0 if none)."""
    found = 0
    stack = list(document.sections)
    while stack:
        section = stack.pop()
        if section.span.start_line <= number <= section.span.last_line:
            found = max(found, section.span.start_line)
            stack.extend(section.children)
    return found


def table_cents(document: Document, lines: list[str]) -> Iterator[Mutant]:
    """Every non-blank amount cell plus 0.01: within rounding of a sum, so at best a note."""
    return table_figures(document, lines, kind="table_cent", step=Decimal("0.01"))


GENERATORS: tuple[Callable[[Document, list[str]], Iterable[Mutant]], ...] = (
    table_figures, prose_figures, perf_figures, perf_weights, cost_indicators, table_units,
    deleted_tables, deleted_sections, deleted_notes, table_cents,
)


# -- running them ------------------------------------------------------------------------


class Checker:
    """One engine; checks texts in-process and compares with the unmutated sample."""

    def __init__(self, plugins: Sequence[str] = ()) -> None:
        self.engine = Engine(plugins=plugins)
        self.text = SAMPLE.read_text(encoding="utf-8")
        self.lines = self.text.splitlines(keepends=True)
        self.document = self.load(self.text)
        self.baseline = Counter(identity(f) for f in self.check(self.text).findings)
        #: The mutants a run works through (set by the runner; workers read it by index).
        self.all_mutants: list[Mutant] = []

    def load(self, text: str) -> Document:
        document = hooks.load_document(self.engine.pm, SAMPLE, text.encode("utf-8"))
        return hooks.enrich_document(self.engine.pm, document, [])

    def check(self, text: str) -> DocumentResult:
        return self.engine.check_document(self.load(text), path=str(SAMPLE))

    def mutants(self, kinds: Iterable[str] = KINDS) -> list[Mutant]:
        wanted = set(kinds)
        return [m for g in GENERATORS for m in g(self.document, self.lines) if m.kind in wanted]

    def run(self, mutant: Mutant) -> Outcome:
        result = self.check(mutant.text)
        seen: Counter[str] = Counter()
        new = []
        for finding in result.findings:
            key = identity(finding)
            seen[key] += 1
            if seen[key] > self.baseline[key]:
                new.append(finding)
        detected = any(_at_place(f, mutant.place) for f in new)
        return Outcome(mutant, detected, tuple(f"{f.rule} {f.message}" for f in new))


def identity(finding: Finding) -> str:
    """A finding's fingerprint, with its severity and compared figures.

    The fingerprint alone names the place and the rule, not the figures, so that a
    baseline survives text moving around; here a finding the sample already has
    that now shows other figures (or turns from a note into an error) is the
    checker noticing the change, and counts as new.
    """
    values = ",".join(f"{k}={v}" for k, v in sorted(finding.values.items()))
    return f"{fingerprint(finding)}|{finding.severity.value}|{values}"


def _at_place(finding: Finding, place: Place) -> bool:
    for location in (finding.location, *finding.related):
        span = location.span
        if span is not None and span.start_line in place.lines:
            return True
    return any(word and word in finding.message for word in place.words)


def rates(outcomes: Iterable[Outcome]) -> dict[str, tuple[int, int]]:
    """Kind → (detected, total)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for outcome in outcomes:
        counts[outcome.mutant.kind][0] += outcome.detected
        counts[outcome.mutant.kind][1] += 1
    return {kind: (counts[kind][0], counts[kind][1]) for kind in KINDS + EXTRA_KINDS if kind in counts}


def format_report(outcomes: Sequence[Outcome], *, misses: bool = True) -> str:
    """Per-kind detection rates, then every miss with what was found instead."""
    out = []
    for kind, (found, total) in rates(outcomes).items():
        out.append(f"{kind:<18} {found:>4}/{total:<4} {100 * found / total:6.1f}%")
    if misses:
        for outcome in outcomes:
            if outcome.detected:
                continue
            extra = f" — elsewhere: {outcome.new_findings[0][:80]}" if outcome.new_findings else ""
            out.append(f"MISS {outcome.mutant.kind}: {outcome.mutant.description}{extra}")
    return "\n".join(out)
