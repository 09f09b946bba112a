"""Rule-language functions tying the explanations (情况说明) to the tables and performance tables.

A stated figure names a table figure by its subject and by the explanation it
stands in ("基本支出" under 支出预算情况说明 is 表3's 基本支出 total; under
一般公共预算当年拨款情况说明 it is 表5's).  :data:`LINKS` says which, as data:
one row per kind of statement, tried in order, the first whose context and
subject match wins.  A new phrasing or table layout is a new row here.

Every function takes and returns plain values or model objects; a reference to
a table figure is a read-only mapping with ``value`` (in the stated unit, or
``None`` when the cell is blank), ``place`` (how a reviewer finds it: 表2「总计」
一般公共预算列), ``at`` (the cell, row or perf table to point at) and ``found``
(whether the named row and column exist).
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Mapping, Sequence

from attrs import frozen

from compliance.dsl import needs_document
from compliance.dsl.memo import current_memo, evaluation_table
from compliance.dsl.functions import half_unit, normalize_text
from compliance.model import Column, Document, Fact, Indicator, PerfTable, Row, Table
from plugins_builtin.cn_budget import vocabulary as vocab
from plugins_builtin.cn_budget.facts import subject_path
from plugins_builtin.cn_budget.functions.units import to_unit


@frozen
class Ref:
    """A table figure: ``table`` a kind, ``side`` of a two-sided table, ``row`` and ``column`` selectors.

    ``row``: ``"total"`` (the total row), ``"path"`` (the 类/款/项 path the subject
    spells), ``"label:TEXT"`` (the row so labelled; ``{name}`` is the subject's
    ``name`` group).  ``column``: ``"first"`` (the first amount column) or a
    header name or path ending (``"财政拨款/小计"``); ``{name}`` as above.
    ``perf:KIND:KEY`` in ``table`` reads the budget line KEY of the perf tables
    of that kind, summed.
    """

    table: str
    row: str = "total"
    column: str = "first"
    side: str | None = None


@frozen
class Link:
    """Statements whose section titles match ``context`` and subject matches ``subject`` name ``refs``.

    ``share_of`` is the figure a share (占 x%) of this subject is a share of.
    """

    context: re.Pattern[str]
    subject: re.Pattern[str]
    refs: tuple[Ref, ...]
    share_of: Ref | None = None


#: A table kind's national title, for saying which table a statement could not be checked against.
_TITLES = {kind: title for title, kind in reversed(tuple(vocab.TABLE_KINDS.items()))}


def _link(context: str, subject: str, *refs: Ref, share_of: Ref | None = None) -> Link:
    return Link(re.compile(context), re.compile(subject), refs, share_of)


# Contexts: the words of the explanation's heading (its own or an enclosing one).
_OVERALL = r"收支预算情况的?总体说明"
_FISCAL = r"财政拨款收支预算"
_INCOME = r"收入预算情况"
_SPENDING = r"支出预算情况说明"
_GENERAL = r"一般公共预算当年拨款"
_BASIC = r"基本支出情况"
_THREE = r"三公"
_ENTRUSTED = r"委托业务费"
_CARRYOVER = r"结转结余"
_OPERATION = r"运行经费"
_PERFORMANCE = r"预算绩效"
_PROCUREMENT = r"政府采购"

_INCOME_TOTAL = Ref("income_expenditure_summary", side="income")
_SPENDING_TOTAL = Ref("income_expenditure_summary", side="expenditure")

#: Which table figure each kind of statement names; the first matching row wins.
LINKS: tuple[Link, ...] = (
    _link(_FISCAL, r"^(?:财政拨款收支总预算|财政拨款收支预算总额)$",
          Ref("fiscal_summary", side="income"), Ref("fiscal_summary", side="expenditure")),
    _link(_FISCAL, r"^一般公共预算(?:拨款)?$", Ref("fiscal_summary", "label:一般公共预算", side="income")),
    _link(_FISCAL, r"^(?P<name>.+支出)$", Ref("fiscal_summary", "label:{name}", "一般公共预算", side="expenditure")),
    _link(_OVERALL, r"^(?:收支总预算|收支预算总额)$", _INCOME_TOTAL, _SPENDING_TOTAL),
    _link(_INCOME, r"^(?:部门)?收入预算(?:合计|总额)?$", _INCOME_TOTAL, Ref("income_summary", column="总计")),
    _link(_INCOME, r"^一般公共预算(?:拨款)?$", Ref("income_summary", column="一般公共预算"),
          share_of=Ref("income_summary", column="总计")),
    _link(_INCOME, r"^(?P<name>.+)$", Ref("income_summary", column="{name}"),
          share_of=Ref("income_summary", column="总计")),
    _link(_SPENDING, r"^(?:部门)?支出预算(?:合计|总额)?$", _SPENDING_TOTAL, Ref("expenditure_summary", column="合计")),
    _link(_SPENDING, r"^(?P<name>基本支出|项目支出)$", Ref("expenditure_summary", column="{name}"),
          share_of=Ref("expenditure_summary", column="合计")),
    _link(_GENERAL, r"^一般公共预算(?:拨款|当年拨款)?(?:合计|总额)?$", Ref("general_budget_expenditure", column="合计")),
    _link(_GENERAL, r"^(?P<name>基本支出|项目支出)$", Ref("general_budget_expenditure", column="{name}"),
          share_of=Ref("general_budget_expenditure", column="合计")),
    _link(_GENERAL, r"（(?:类|款|项)）$", Ref("general_budget_expenditure", "path", "合计"),
          share_of=Ref("general_budget_expenditure", column="合计")),
    _link(_BASIC, r"^(?:一般公共预算)?基本支出(?:合计)?$", Ref("general_budget_basic", column="合计")),
    _link(_BASIC, r"^(?P<name>人员经费|公用经费)$", Ref("general_budget_basic", column="{name}"),
          share_of=Ref("general_budget_basic", column="合计")),
    _link(_THREE, r"三公.*经费$", Ref("three_public", column="合计")),
    _link(_THREE, r"^(?P<name>.+)$", Ref("three_public", "label:{name}", "合计")),
    _link(_ENTRUSTED, r"^委托业务费$", Ref("entrusted_business", column="合计")),
    _link(_ENTRUSTED, r"^(?P<name>.+?)委托业务费$", Ref("entrusted_business", "label:{name}", "合计")),
    _link(_CARRYOVER, r"^上年结转结余$", Ref("carryover", column="合计"), Ref("income_expenditure_summary", "label:上年结转结余", side="income")),
    _link(_CARRYOVER, r"^(?P<name>财政拨款|非财政拨款)$", Ref("carryover", column="{name}/小计")),
    _link(_CARRYOVER, r"^(?P<name>.+?)\s*结转(?:结余)?$", Ref("carryover", "label:{name}", "合计")),
    _link(_OPERATION, r"^机关运行经费$", Ref("general_budget_basic", column="公用经费")),
    _link(_PERFORMANCE, r"整体.*涉及预算金额$", _INCOME_TOTAL, Ref("perf:department:合计")),
    _link(_PERFORMANCE, r"^财政拨款项目涉及预算金额$", Ref("general_budget_project", column="项目支出合计"),
          Ref("perf:project:财政拨款")),
    _link(_PERFORMANCE, r"^非财政拨款项目涉及预算金额$", Ref("perf:project:其他资金")),
)

#: Budget lines of a perf table that are its total, not a part of it.
PERF_TOTAL_KEYS = ("合计", "年度预算总额", "资金总额", "预算总额")
#: Words a cost indicator or an allocation item adds to the thing it costs ("专线租赁成本" ~ "专线租赁费用").
_COST_NOISE = re.compile(r"(?:成本|费用|经费|资金|支出|预算)$")
_LEVEL_SUFFIX = re.compile(r"指标$")


# ---- the document, indexed once -----------------------------------------------------


#: A lookup's "not worked out yet" (``None`` is an answer: no such column).
_UNKNOWN = object()


class _Index:
    """Section titles by fact section path, and a few lookups, for one document."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.titles: dict[str, str] = {}
        for section in document.sections:
            self._walk(section, (), ())
        self.tables: dict[str, Table] = {}
        for table in document.tables:
            if table.kind and table.kind not in self.tables:
                self.tables[table.kind] = table
        #: Rows by normalised label, per table (id): labels are compared many times.
        self.labels: dict[int, dict[str, Row]] = {}
        #: The 类 rows of a table (by id), and the children of a row (by id), by normalised label:
        #: the steps of the 类 → 款 → 项 paths statements spell.
        self.steps: dict[tuple[str, int], dict[str, Row]] = {}
        #: The amount column a reference names, per table (id) and column selector.
        self.columns: dict[tuple[int, str], Column | None] = {}
        #: What each fact (id) is tied to, computed once for all rules that ask.
        self.figures: dict[int, tuple[Mapping[str, Any], ...]] = {}
        #: The first change stated for each (section, subject), built on first use.
        self.changes: dict[tuple[str | None, str], Fact] | None = None
        self.by_amount: dict[Decimal, list[Fact]] | None = None
        self.statements: dict[tuple[str | None, str], Fact] | None = None

    def row_by_label(self, table: Table, label: str) -> Row | None:
        rows = self.labels.get(id(table))
        if rows is None:
            # Built whole, then published: with --jobs another thread may read the entry at any moment.
            rows = {}
            for row in table.rows:
                rows.setdefault(_key(row.label), row)
            self.labels[id(table)] = rows
        return rows.get(_key(label))

    def row_by_path(self, table: Table, path: Sequence[str]) -> Row | None:
        """The row reached by following 类 → 款 → 项 names down the code hierarchy (the first of a name at each step)."""
        found: Row | None = None
        for name in path:
            step = self._step("table", table) if found is None else self._step("row", found)
            found = step.get(_key(name))
            if found is None:
                return None
        return found

    def _step(self, kind: str, owner: Any) -> dict[str, Row]:
        """The rows one step down from ``owner`` (a table's 类 rows, or a row's children) by normalised label."""
        key = (kind, id(owner))
        step = self.steps.get(key)
        if step is None:
            step = {}
            for row in (r for r in owner.rows if r.level == 1) if kind == "table" else owner.children:
                step.setdefault(_key(row.label), row)
            self.steps[key] = step  # published whole (threads under --jobs share the index)
        return step

    def amount_column(self, table: Table, wanted: str) -> Column | None:
        """The amount column ``wanted`` selects ("first", a header name or a path ending), once per table."""
        key = (id(table), wanted)
        found = self.columns.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self.columns[key] = _amount_column(table, wanted)
        return found  # type: ignore[return-value]

    def _walk(self, section: Any, path: tuple[str, ...], titles: tuple[str, ...]) -> None:
        path, titles = path + (section.key,), titles + (section.title,)
        self.titles["/".join(path)] = " / ".join(titles)
        for child in section.children:
            self._walk(child, path, titles)

    def context(self, fact: Fact) -> str:
        return self.titles.get(fact.section or "", "")


#: Outside an evaluation of the rules, the last document's index in a one-item slot; ``--jobs``
#: runs checks in threads, so the slot is read and written under a lock and a caller returns the
#: index it built, never the slot's content.
_INDEX: list[_Index] = []
_INDEX_LOCK = threading.Lock()


def _index(document: Document) -> _Index:
    """One index per document, kept while rules run on it (a check runs many rules on one document).

    While rules are evaluated it lives exactly as long as that evaluation.
    """
    memo = current_memo()
    if memo is not None:
        return memo.of("narrative.index", document, _Index)
    with _INDEX_LOCK:
        if _INDEX and _INDEX[0].document is document:
            return _INDEX[0]
    index = _Index(document)
    with _INDEX_LOCK:
        _INDEX[:] = [index]
    return index


# ---- resolving references -----------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _key(label: str) -> str:
    """A label as rows are matched by; a pure function of the text, and the same 科目 names recur in every document."""
    return normalize_text(_strip_label(label))


_LABEL_NOISE = re.compile(r"^(?:其中\s*[:：]\s*|\d+[.．、]\s*|[一二三四五六七八九十]+、)|（小计）$|\(小计\)$")


@functools.lru_cache(maxsize=4096)
def _strip_label(text: str) -> str:
    return _LABEL_NOISE.sub("", text.strip())


def _find_row(index: "_Index", table: Table, selector: str, subject: str) -> Row | None:
    if selector == "total":
        return table.total
    if selector == "path":
        return index.row_by_path(table, _subject_path(subject))
    return index.row_by_label(table, selector.split(":", 1)[1])


#: The 类/款/项 names of a subject: a pure function of the text, asked of every subject spelling a path.
_subject_path = functools.lru_cache(maxsize=1024)(subject_path)


def _side(table: Table, side: str | None) -> Table:
    if side is None:
        return table
    for part in table.sides:
        if part.side == side:
            return part
    return table


def _reference(index: _Index, ref: Ref, fact: Fact, name: str) -> Mapping[str, Any] | None:
    if ref.table.startswith("perf:"):
        return _perf_reference(index.document, ref)
    table = index.tables.get(ref.table)
    if table is None:
        return _ref(None, f"文档未公开「{_TITLES.get(ref.table, ref.table)}」", None, False)
    table = _side(table, ref.side)
    row = _find_row(index, table, ref.row.replace("{name}", name), fact.subject)
    column = index.amount_column(table, ref.column.replace("{name}", name))
    label = table.label if table.number else table.title
    if row is None or column is None:
        what = "行" if row is None else "列"
        return _ref(None, f"{label}中没有与「{fact.subject}」对应的{what}", table, False)
    cell = row.cell(column.index)
    value = cell.value if cell is not None else None
    if value is not None and table.unit and fact.unit and table.unit != fact.unit:
        value = to_unit(value, table.unit, fact.unit)
    place = f"{label}「{_strip_label(row.label)}」{column.name}列"
    return _ref(value, place, cell if cell is not None and not cell.blank else row, True)


def _perf_reference(document: Document, ref: Ref) -> Mapping[str, Any] | None:
    _, kind, key = ref.table.split(":", 2)
    perfs = tuple(p for p in document.perf_tables if p.kind == kind)
    if not perfs:
        return None
    values = [p.budget.get(key) for p in perfs]
    if all(v is None for v in values):
        return _ref(None, f"绩效目标表未列「{key}」", perfs, False)
    total = sum((v for v in values if v is not None), Decimal(0))
    what = "部门整体绩效目标表" if kind == "department" else f"{len(perfs)} 张项目支出绩效目标表"
    place = f"{what}「{key}」" + ("合计" if len(perfs) > 1 else "")
    return _ref(total, place, perfs, True)


def _amount_column(table: Table, wanted: str) -> Column | None:
    if wanted == "first":
        return table.amount_columns[0] if table.amount_columns else None
    column = table.column(tuple(wanted.split("/")))
    return column if column is not None and column.role == "amount" else None


def _ref(value: Decimal | None, place: str, at: Any, found: bool) -> Mapping[str, Any]:
    return MappingProxyType({"value": value, "place": place, "at": at, "found": found})


def _link_of(index: _Index, fact: Fact) -> tuple[Link, str] | None:
    return _link_for(index.context(fact), fact.subject)


@functools.lru_cache(maxsize=4096)
def _link_for(context: str, subject: str) -> tuple[Link, str] | None:
    """The link of a statement by its context and subject: texts only (:data:`LINKS` is fixed), and they recur."""
    return _first_link(_context_links(context), subject)


@functools.lru_cache(maxsize=1024)
def _context_links(context: str) -> tuple[Link, ...]:
    """The links whose context pattern matches a section context, in :data:`LINKS` order."""
    return tuple(link for link in LINKS if link.context.search(context)) if context else ()


def _first_link(links: tuple[Link, ...], subject: str) -> tuple[Link, str] | None:
    """The first of ``links`` (those of the statement's context) whose subject pattern the subject matches."""
    for link in links:
        match = link.subject.search(subject)
        if match:
            return link, (match.groupdict().get("name") or "").strip()
    return None


@needs_document
def text_figures(document: Document, fact: Fact) -> tuple[Mapping[str, Any], ...]:
    """The table figures a stated amount names (none when the statement is not tied to a table)."""
    index = _index(document)
    cached = index.figures.get(id(fact))
    if cached is not None:
        return cached
    found = _link_of(index, fact)
    figures: tuple[Mapping[str, Any], ...] = ()
    if found is not None:
        link, name = found
        out = []
        for ref in link.refs:
            figure = _reference(index, ref, fact, name)
            if figure is not None:
                out.append(figure)
        figures = tuple(out)
    index.figures[id(fact)] = figures
    return figures


@needs_document
def share_base(document: Document, fact: Fact) -> Mapping[str, Any] | None:
    """The table figure a share (占 x%) of this subject is a share of."""
    index = _index(document)
    found = _link_of(index, fact)
    if found is None or found[0].share_of is None:
        return None
    return _reference(index, found[0].share_of, fact, found[1])


def as_printed(value: Decimal | None, like: Decimal | None) -> Decimal | None:
    """``value`` rounded (half up) to the printed decimals of ``like``: 3,037.704 as 3,037.70; 85.4 as 85."""
    if value is None or like is None:
        return value
    # Most figures print 0 to 2 decimals: same_quantum asks that without building as_tuple()'s digits.
    for quantum in _COMMON_QUANTA:
        if like.same_quantum(quantum):
            break
    else:
        exponent = min(like.as_tuple().exponent, 0)
        quantum = _QUANTA.get(exponent)
        if quantum is None:
            quantum = _QUANTA[exponent] = Decimal(1).scaleb(exponent)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


#: 1, 0.1, 0.01 … by exponent: figures print a handful of decimals, so this stays small.
_QUANTA: dict[int, Decimal] = {}
#: The quanta of figures printed with 2, 0 and 1 decimals, most common first.
_COMMON_QUANTA = (Decimal("0.01"), Decimal(1), Decimal("0.1"))


# ---- projects: allocation lists, 表7 rows, perf tables, cost indicators -----------------


def _similarity(a: str, b: str) -> Decimal:
    """Dice coefficient of the character pairs of two names (single characters when either is one long).

    Pairs shared are counted as a multiset: a pair printed twice in both names counts twice.
    """
    if a.__class__ is str and b.__class__ is str:
        return _text_similarity(a, b)
    return _dice(_name_pairs(a), _name_pairs(b))


@functools.lru_cache(maxsize=8192)
def _text_similarity(a: str, b: str) -> Decimal:
    # Rules match every project name against every row, perf table and allocation list,
    # and the same names in every evaluation: a pure function of two texts, remembered.
    return _dice(_name_pairs(a), _name_pairs(b))


def _dice(name_a: tuple[str, Counter[str]], name_b: tuple[str, Counter[str]]) -> Decimal:
    """:func:`_similarity` of two names as :func:`_name_pairs` gives them."""
    (a, pairs_a), (b, pairs_b) = name_a, name_b
    if not a or not b:
        return Decimal(0)
    if a == b:
        return Decimal(1)
    if len(a) < 2 or len(b) < 2:
        pairs_a, pairs_b = Counter(a), Counter(b)
    common = sum(min(pairs_a[pair], pairs_b[pair]) for pair in pairs_a.keys() & pairs_b.keys())
    return Decimal(2 * common) / Decimal(sum(pairs_a.values()) + sum(pairs_b.values()))


def _name_pairs(name: str) -> tuple[str, Counter[str]]:
    """A name normalised, with its character pairs counted (the counts are only read, never changed).

    Rules match every project name against every row, perf table and allocation
    list: each name is read once.
    """
    if name.__class__ is not str:
        return _count_pairs(normalize_text(name))
    return _text_pairs(name)


@functools.lru_cache(maxsize=4096)
def _text_pairs(name: str) -> tuple[str, Counter[str]]:
    return _count_pairs(normalize_text(name))


def _count_pairs(text: str) -> tuple[str, Counter[str]]:
    return text, Counter(text[i : i + 2] for i in range(len(text) - 1))


#: How alike two project names must be to be one project printed two ways (a dropped 人民 is alike).
PROJECT_SIMILARITY = Decimal("0.8")


@needs_document
def project_row(document: Document, name: str) -> Row | None:
    """表7's row for the project ``name`` (names that differ by a word or two still match)."""
    if not isinstance(name, str):
        return _project_row(document, name)
    # Several rules look up the same projects; each name is compared with every row once per evaluation.
    found = evaluation_table("narrative.project_row")
    if name not in found:
        found[name] = _project_row(document, name)
    return found[name]


def _project_row(document: Document, name: str) -> Row | None:
    table = _index(document).tables.get("general_budget_project")
    if table is None:
        return None
    best = max(((_similarity(r.label, name), r) for r in table.body_rows if r.kind == "body"),
               key=lambda pair: pair[0], default=(Decimal(0), None))
    return best[1] if best[0] >= PROJECT_SIMILARITY else None


@needs_document
def project_perf(document: Document, name: str) -> PerfTable | None:
    """The project's performance target table."""
    best = max(((_similarity(p.project, name), p) for p in document.perf_tables if p.kind == "project"),
               key=lambda pair: pair[0], default=(Decimal(0), None))
    return best[1] if best[0] >= PROJECT_SIMILARITY else None


@needs_document
def project_allocation(document: Document, name: str) -> Fact | None:
    """The allocation list (资金分配情况) stated for the project ``name``."""
    best = max(((_similarity(f.subject, name), f) for f in document.facts if f.kind == "allocation"),
               key=lambda pair: pair[0], default=(Decimal(0), None))
    return best[1] if best[0] >= PROJECT_SIMILARITY else None


def is_cost_indicator(indicator: Indicator) -> bool:
    """A 成本指标 whose target is an amount of money (<=16.20 万元)."""
    target = indicator.target
    return ("成本" in indicator.level1 or "成本" in indicator.level2) and target.value is not None \
        and (target.unit or "").strip() in vocab.UNITS


def _cost_name(text: str) -> str:
    return _COST_NOISE.sub("", normalize_text(text))


@functools.lru_cache(maxsize=4096)
def _cost_similarity(indicator: str, item: str) -> Decimal:
    """How alike an indicator's and an allocation item's names are, their cost endings dropped (pure text)."""
    return _dice(_name_pairs(_cost_name(indicator)), _name_pairs(_cost_name(item)))


#: A pair is accepted on names alone from this similarity; with equal or near amounts from any similarity.
NAME_SIMILARITY = Decimal("0.3")


def cost_pairs(perf: PerfTable, allocation: Fact | None) -> tuple[Mapping[str, Any], ...]:
    """Each money cost indicator paired with the allocation item it costs.

    Pairs are chosen one to one, best first, by a score of name likeness (the
    Dice coefficient of character pairs, after dropping 成本/费用 endings) plus
    1 for an equal amount or 0.5 for an amount within 5%.  A pair needs names
    alike (≥ 0.3), or an equal or near amount and at least one shared
    character pair; so "专线租赁成本" finds "专线租赁费用", "设备购置成本" finds
    "购买办公设备" at the same amount, and "专线服务费成本 8.39" finds the
    remaining "租赁专线 8.38" by their shared 专线 and near amount.  When one
    indicator and one item are left over, each the only one, they are paired
    too (by elimination), so a changed amount never hides its indicator.
    """
    if allocation is None:
        return ()
    # unpaired_costs() and the rule ask for the same pairs.
    known = evaluation_table("narrative.cost_pairs")
    hit = known.get((id(perf), id(allocation)))
    if hit is None or hit[0] is not perf or hit[1] is not allocation:
        hit = known[(id(perf), id(allocation))] = (perf, allocation, _cost_pairs(perf, allocation))
    return hit[2]


def _cost_pairs(perf: PerfTable, allocation: Fact) -> tuple[Mapping[str, Any], ...]:
    indicators = [i for i in perf.indicators if is_cost_indicator(i)]
    items = list(allocation.items)
    scored = []
    for i_index, indicator in enumerate(indicators):
        value = to_unit(indicator.target.value, indicator.target.unit.strip(), allocation.unit or "万元")
        for j_index, item in enumerate(items):
            names = _cost_similarity(indicator.name, item.subject)
            amount = _amount_score(value, item.amount)
            if names >= NAME_SIMILARITY or (amount > 0 and names > 0):
                scored.append((names + amount, i_index, j_index, value))
    scored.sort(key=lambda entry: (-entry[0], entry[1], entry[2]))
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs: list[tuple[int, Mapping[str, Any]]] = []
    for _score, i_index, j_index, value in scored:
        if i_index in used_i or j_index in used_j:
            continue
        used_i.add(i_index)
        used_j.add(j_index)
        pairs.append((i_index, MappingProxyType({"indicator": indicators[i_index], "item": items[j_index], "value": value})))
    left_i = [k for k in range(len(indicators)) if k not in used_i]
    left_j = [k for k in range(len(items)) if k not in used_j]
    if len(left_i) == 1 and len(left_j) == 1:
        # The last indicator and the last item, each the only one left: they cost the same thing.
        value = to_unit(indicators[left_i[0]].target.value, indicators[left_i[0]].target.unit.strip(),
                        allocation.unit or "万元")
        pairs.append((left_i[0], MappingProxyType({"indicator": indicators[left_i[0]], "item": items[left_j[0]],
                                                   "value": value})))
    return tuple(pair for _, pair in sorted(pairs, key=lambda entry: entry[0]))


def unpaired_costs(perf: PerfTable, allocation: Fact | None) -> tuple[Indicator, ...]:
    """Money cost indicators no allocation item could be paired with."""
    paired = {id(p["indicator"]) for p in cost_pairs(perf, allocation)}
    return tuple(i for i in perf.indicators if is_cost_indicator(i) and id(i) not in paired)


def _amount_score(a: Decimal | None, b: Decimal | None) -> Decimal:
    if a is None or b is None:
        return _NO_SCORE
    if a == b:
        return _EQUAL_SCORE
    if abs(a - b) <= max(abs(a), abs(b)) * _NEAR:
        return _NEAR_SCORE
    return _NO_SCORE


#: Amount scores (every pair of indicator and item is scored: built once, not per pair).
_NO_SCORE, _EQUAL_SCORE, _NEAR_SCORE = Decimal(0), Decimal(1), Decimal("0.5")
#: Two amounts within 5% of the larger are near.
_NEAR = Decimal("0.05")


# ---- perf tables -----------------------------------------------------------------------


def budget_total(perf: PerfTable) -> Decimal | None:
    """The perf table's total budget line (合计 / 年度预算总额)."""
    for key in PERF_TOTAL_KEYS:
        if perf.budget.get(key) is not None:
            return perf.budget[key]
    return None


def budget_parts(perf: PerfTable) -> tuple[Decimal | None, ...]:
    """The perf table's budget lines other than its total (上级安排, 本级安排, 其他 / 财政拨款, 其他资金)."""
    return tuple(v for k, v in perf.budget.items() if k not in PERF_TOTAL_KEYS)


def budget_part_names(perf: PerfTable) -> tuple[str, ...]:
    """The names of the perf table's budget lines other than its total, as printed (上级安排, 本级安排 …).

    Messages about a total that its parts do not add up to name the parts the
    table actually prints, which differ between templates.
    """
    return tuple(k for k in perf.budget if k not in PERF_TOTAL_KEYS)


def level_name(text: str | None) -> str:
    """An indicator level without its 指标 ending, normalised: "产出 指标" → "产出"."""
    if text.__class__ is str:
        return _level_name(text)  # type: ignore[arg-type]
    return _LEVEL_SUFFIX.sub("", normalize_text(text or ""))


@functools.lru_cache(maxsize=1024)
def _level_name(text: str) -> str:
    # Rules name the level of every indicator of every perf table: a handful of texts.
    return _LEVEL_SUFFIX.sub("", normalize_text(text))


def signed(fact: Fact) -> Decimal | None:
    """A change's delta with its sign: a decrease is negative."""
    if fact.delta is None:
        return None
    return -fact.delta if fact.direction == "decrease" else fact.delta


@needs_document
def part_changes(document: Document, breakdown: Fact) -> tuple[Fact, ...]:
    """The year-on-year change stated for every part of a breakdown, in order; empty if any part states none.

    A part's change is the first change fact of the same section and subject
    (the "X 万元，比上年增加 Δ 万元" of the same clause, or a later sentence
    that goes through the items again, as the “三公” explanation does).
    """
    index = _index(document)
    if index.changes is None:
        built: dict[tuple[str | None, str], Fact] = {}
        for f in document.facts:
            if f.kind == "change" and f.delta is not None:
                built.setdefault((f.section, f.subject), f)
        index.changes = built  # published whole (threads under --jobs share the index)
    changes = tuple(index.changes.get((part.section, part.subject)) for part in breakdown.items)
    return () if None in changes else changes  # type: ignore[return-value]


@needs_document
def same_total_elsewhere(document: Document, breakdown: Fact) -> tuple[Fact, ...]:
    """Changes and breakdowns of the same amount as ``breakdown``, stated under other headings."""
    index = _index(document)
    if index.by_amount is None:
        by_amount: dict[Decimal, list[Fact]] = {}
        for f in document.facts:
            if f.kind in ("change", "breakdown") and f.amount is not None:
                by_amount.setdefault(f.amount, []).append(f)
        index.by_amount = by_amount  # published whole (threads under --jobs share the index)
    return tuple(f for f in index.by_amount.get(breakdown.amount, ()) if f.section != breakdown.section)


#: "财政拨款收入" → source "财政拨款"; its spending twin is "财政拨款支出" or "财政拨款支出预算".
_INCOME_OF = re.compile(r"^(?P<source>.+?)收入(?:预算)?$")


@needs_document
def spending_twin(document: Document, fact: Fact) -> Fact | None:
    """The change stated for the spending of the same source, same section and same amount, as an income change.

    A budget balances for each source of funds: "财政拨款收入 9,628.22 万元，比上年增加 Δ"
    and "财政拨款支出预算 9,628.22 万元，比上年增加 Δ'" speak of the same money, so Δ = Δ'.
    """
    if not isinstance(fact, Fact):
        raise TypeError("spending_twin() takes a fact")
    match = _INCOME_OF.match(fact.subject or "")
    if fact.kind != "change" or match is None or fact.amount is None:
        return None
    twin = re.compile(rf"^{re.escape(match.group('source'))}支出(?:预算)?$")
    return next((f for f in document.facts
                 if f.kind == "change" and f is not fact and f.section == fact.section and f.amount == fact.amount
                 and f.delta is not None and twin.match(f.subject or "")), None)


@needs_document
def budget_statement(document: Document, allocation: Fact) -> Fact:
    """Where a project's 预算安排规模 is printed (the allocation list itself when it is not)."""
    index = _index(document)
    if index.statements is None:
        statements: dict[tuple[str | None, str], Fact] = {}
        for f in document.facts:
            if f.kind == "amount":
                statements.setdefault((f.section, f.subject), f)
        index.statements = statements  # published whole (threads under --jobs share the index)
    return index.statements.get((allocation.section, allocation.subject), allocation)


# ---- percentages ------------------------------------------------------------------------


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part ÷ whole × 100``, unrounded; ``None`` when ``whole`` is zero."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * 100


def percent_agrees(stated: Decimal | None, part: Decimal | None, whole: Decimal | None) -> bool:
    """Whether a printed percentage can be ``part ÷ whole × 100`` for figures printed as these.

    Each printed figure stands for ±half a unit of its last decimal; the stated
    percentage must lie within half a unit of the interval of quotients those
    figures allow.  The test depends on printing alone, not on a rounding
    policy: a quotient is never printed exactly.
    """
    if stated is None or part is None or whole is None:
        return False
    half = half_unit(part), half_unit(whole)
    low_whole, high_whole = whole - half[1], whole + half[1]
    if low_whole <= 0:
        return True  # the whole may be zero: any share is possible
    low = (part - half[0]) / high_whole * 100
    high = (part + half[0]) / low_whole * 100
    return low - half_unit(stated) <= stated <= high + half_unit(stated)


FUNCTIONS = {
    "percent_of": percent_of,
    "percent_agrees": percent_agrees,
    "text_figures": text_figures,
    "share_base": share_base,
    "as_printed": as_printed,
    "project_row": project_row,
    "project_perf": project_perf,
    "project_allocation": project_allocation,
    "cost_pairs": cost_pairs,
    "unpaired_costs": unpaired_costs,
    "is_cost_indicator": is_cost_indicator,
    "budget_total": budget_total,
    "budget_parts": budget_parts,
    "budget_part_names": budget_part_names,
    "level_name": level_name,
    "signed": signed,
    "part_changes": part_changes,
    "same_total_elsewhere": same_total_elsewhere,
    "budget_statement": budget_statement,
    "spending_twin": spending_twin,
}
