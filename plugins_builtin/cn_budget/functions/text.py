"""Rule-language functions for the structure, names and years of a disclosure.

The rule language reads model fields and compares text, but some questions
need a little text work it deliberately cannot do (it has no string slicing,
no regular expressions built from params and no access to the source lines):

* ``concat(a, b, …)``: lists joined (a national list and a region's additions);
  ``+`` in the language is arithmetic only.
* ``doc_meta(key)``: a value of ``Document.meta`` ("year", "department"); rules
  cannot index a mapping.
* ``cn_number(text)``: a heading or table number as an integer ("十三" → 13,
  "7" → 7), to test that numbering runs without gaps.
* ``years_in(text)``: the four-digit years a text names ("2026 年 1 月 1 日" → 2026).
* ``numbers_before(text, words)``: the numbers printed right before some words
  ("单价 50 万元以上" with "万元以上" → "50"), as printed, without grouping commas.
* ``label_value(text, label)``: what follows a label ("项目名称：X" → "X").
* ``similar(a, b)``: two names that are near variants of each other (one
  inserted or dropped word), the mark of a misspelt project name.
* ``section_label(section)``: a section's numbering path below its part
  ("七（一）"), as a reader cites it.
* ``same_name(name)``: every table row and performance table that carries
  exactly this project name, for a finding's related places.
* ``toc_heading(entry)``: the body heading a table-of-contents entry lists
  (same numbering under the same part; an unnumbered chapter by its title);
  the rule decides what a difference means.
* ``toc_children(entry)``: the 目录 entries listed under an entry (a chapter
  of tables, say), up to the next entry of its level or above.
* ``change_reason(fact)``: the words printed after a year-on-year statement,
  up to the next statement on the line, where its reason (主要原因…) stands;
  ``next_fact(fact)`` that next statement (the first part of a breakdown).

* ``split_code(text)`` and ``is_total_label(label)``: the classification-code
  widths (类 3 digits, 款 and 项 2) and the labels of closing rows, which the
  rule-case harness also uses to read compact example rows.

Each is a plain function of model values; the judgement stays in the rules.
"""

from __future__ import annotations

import functools

import re
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from compliance.dsl import needs_document
from compliance.dsl.functions import normalize_text
from compliance.dsl.memo import per_evaluation
from compliance.model import Document, Fact, Paragraph, Section, Span, TocEntry
from plugins_builtin.cn_budget import vocabulary as vocab
from plugins_builtin.cn_budget.tables import split_code

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*(?=年)")
_NUMBER_NOISE = re.compile(r"[第部分（）()、.．\s]")
#: The 目录's stand-in for the department's name at the start of a chapter title.
_LEADING_BODY = re.compile(r"^(?:部门|单位)(?=.)")
#: The style of a chapter heading recognised by its type size, not by a number.
UNNUMBERED = "font"
#: Two names this alike (difflib ratio) and not equal are variants of one name.
SIMILARITY = 0.8


@needs_document
def doc_meta(document: Document, key: Any) -> str | None:
    """``Document.meta[key]``, or blank when the loader did not find it."""
    value = document.meta.get(str(key))
    return value if value else None


def is_total_label(label: Any) -> bool:
    """True for the labels of rows that close a table (总计, 合计, 收入总计 …)."""
    return vocab.tidy(str(label or "")).replace(" ", "") in vocab.TOTAL_LABELS


def concat(*lists: Any) -> tuple[Any, ...]:
    """The items of every list, in order."""
    return tuple(item for items in lists for item in (items or ()))


def cn_number(text: Any) -> Decimal | None:
    """An Arabic or Chinese numeral (up to 九十九, as headings use) as a number; blank if it is neither."""
    if text is None:
        return None
    return _cn_number(text if text.__class__ is str else str(text))


# Rules number every heading and table against every other, and the numbers repeat in every document.
@functools.lru_cache(maxsize=4096)
def _cn_number(text: str) -> Decimal | None:
    raw = _NUMBER_NOISE.sub("", text)
    if raw.isdigit():
        return Decimal(raw)
    if not raw or any(ch not in _DIGITS and ch != "十" for ch in raw):
        return None
    if "十" not in raw:
        return Decimal(_DIGITS[raw]) if len(raw) == 1 else None
    tens, _, units = raw.partition("十")
    value = (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(units, 0) if units else 0)
    return Decimal(value)


def years_in(text: Any) -> tuple[str, ...]:
    """Every four-digit year printed before 年 ("2026 年", "2025年底"), as text like ``doc_meta("year")``."""
    return _years_in(text if text.__class__ is str else str(text or ""))


@functools.lru_cache(maxsize=4096)
def _years_in(text: str) -> tuple[str, ...]:
    return tuple(_YEAR.findall(text))


def numbers_before(text: Any, words: Any) -> tuple[str, ...]:
    """Each number printed just before ``words`` (spaces between allowed), as text without commas."""
    pattern = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*" + re.escape(str(words)))
    return tuple(m.group(1).replace(",", "") for m in pattern.finditer(str(text or "")))


def label_value(text: Any, label: Any) -> str | None:
    """The text after ``label`` and its colon ("项目名称：X" → "X"); blank when the label is absent."""
    text, label = str(text or ""), str(label)
    start = text.find(label)
    if start < 0:
        return None
    value = text[start + len(label):].lstrip(" ：:").strip()
    return value or None


def similar(a: Any, b: Any) -> bool:
    """True when two texts differ but are near variants (normalised, difflib ratio ≥ 0.8)."""
    if a.__class__ is str and b.__class__ is str:
        # Rules compare every statement with every name, and the same pairs in every evaluation.
        return _similar_texts(a, b)
    return _similar(a, b)


def _similar(a: Any, b: Any) -> bool:
    left, right = normalize_text(str(a or "")), normalize_text(str(b or ""))
    if not left or not right or left == right:
        return False
    return _near_variants(left, right)


@functools.lru_cache(maxsize=8192)
def _similar_texts(a: str, b: str) -> bool:
    return _similar(a, b)


@functools.lru_cache(maxsize=4096)
def _near_variants(left: str, right: str) -> bool:
    # Rules ask this of every fact against every name, so the cheap upper bounds of
    # the ratio go first and answers are remembered (the strings repeat across rules).
    matcher = SequenceMatcher(None, left, right)
    return (
        matcher.real_quick_ratio() >= SIMILARITY
        and matcher.quick_ratio() >= SIMILARITY
        and matcher.ratio() >= SIMILARITY
    )


@needs_document
def section_label(document: Document, section: Any) -> str:
    """"七（一）" for 第三部分 › 七 › （一）: the numbers below the top-level part."""
    if not isinstance(section, Section):
        raise TypeError("section_label() takes a section")

    def path(sections: tuple[Section, ...], trail: tuple[Section, ...]) -> tuple[Section, ...] | None:
        for candidate in sections:
            if candidate is section:
                return trail + (candidate,)
            found = path(candidate.children, trail + (candidate,))
            if found is not None:
                return found
        return None

    steps = path(document.sections, ()) or (section,)
    below = steps[1:] if len(steps) > 1 else steps
    return "".join(s.key for s in below)


@needs_document
def same_name(document: Document, name: Any) -> tuple[Any, ...]:
    """Rows (by label) and performance tables (by project) named exactly ``name``."""
    name = str(name or "")
    rows = tuple(r for t in document.tables for r in t.rows if r.label == name)
    return rows + tuple(p for p in document.perf_tables if p.project == name)


class _Toc:
    """A document's 目录 read once per evaluation: where each entry stands, the outermost level, each entry's part.

    Rules ask for the heading and the children of every entry.
    """

    __slots__ = ("entries", "top", "positions", "parts")

    def __init__(self, document: Document) -> None:
        entries = document.toc.entries if document.toc else ()
        self.entries = entries
        #: The level of the outermost entries (1 for 第N部分; 2 where the 目录 lists 一、二、… only).
        self.top = min((e.level for e in entries), default=1) if document.toc else 1
        #: Each entry's position (by id, the entry kept beside it) as :meth:`position` scans for it:
        #: the first entry equal to it (same number, title, level, style) at the same place.
        self.positions: dict[int, tuple[int, TocEntry]] = {}
        #: For each position, the last outermost entry before it.
        self.parts: list[TocEntry | None] = []
        first_of: dict[tuple[str, str, int, str, Span], int] = {}
        part: TocEntry | None = None
        for index, entry in enumerate(entries):
            first = first_of.setdefault((entry.number, entry.title, entry.level, entry.style, entry.span), index)
            self.positions[id(entry)] = (first, entry)
            self.parts.append(part)
            if entry.level == self.top:
                part = entry

    def position(self, entry: TocEntry) -> int | None:
        """Where ``entry`` stands in the 目录: the first entry that is it, or is equal to it at the same place."""
        hit = self.positions.get(id(entry))
        if hit is not None and hit[1] is entry:
            return hit[0]
        return next((i for i, e in enumerate(self.entries) if e is entry or e == entry and e.span == entry.span), None)

    def part_of(self, entry: TocEntry) -> TocEntry | None:
        """The outermost entry (a 第N部分, or a chapter 一、 of a 目录 without parts) the entry stands under."""
        position = self.position(entry)
        return None if position is None else self.parts[position]


def _toc(document: Document) -> _Toc:
    return per_evaluation("text.toc", document, _Toc)


def _same_number(section: Section, entry: TocEntry) -> bool:
    return section.number == entry.number and (not entry.style or not section.style or section.style == entry.style)


def _chapter_words(title: str) -> str:
    """A 目录 title as an unnumbered chapter heading contains it: normalised, a leading 部门/单位 dropped.

    Such headings print the department's own name where the 目录 says 部门 or 单位
    (目录 "部门主要职能", heading "上海市普陀区司法局主要职能").
    """
    return _LEADING_BODY.sub("", normalize_text(title))


def _top_heading(document: Document, entry: TocEntry) -> Section | None:
    """The top-level section an outermost 目录 entry lists: by number, or by title when the chapters are unnumbered."""
    numbered = next((s for s in document.sections if _same_number(s, entry)), None)
    if numbered is not None:
        return numbered
    words = _chapter_words(entry.title)
    if not words:
        return None
    return next((s for s in document.sections
                 if s.style == UNNUMBERED and words in normalize_text(s.title)), None)


@needs_document
def toc_heading(document: Document, entry: Any) -> Section | None:
    """The body section a table-of-contents entry lists.

    An outermost entry is the top-level section of the same number or, where the
    chapters are unnumbered headings known by their type size, the one whose title
    contains the entry's; an entry under it is the heading of the same number and
    level within that chapter, never a same-numbered heading of another chapter.
    """
    if not isinstance(entry, TocEntry):
        raise TypeError("toc_heading() takes an entry of document.toc.entries")
    # Three rules ask it of every entry.
    return per_evaluation("text.toc_heading", entry, lambda e: _toc_heading(document, e))


def _toc_heading(document: Document, entry: TocEntry) -> Section | None:
    toc = _toc(document)
    if entry.level <= toc.top:
        return _top_heading(document, entry)
    part = toc.part_of(entry)
    # Every entry of a part looks for the part's chapter: once per part and evaluation.
    chapter = per_evaluation("text.top_heading", part, lambda p: _top_heading(document, p)) if part is not None else None
    if part is not None and chapter is None:
        return None
    headings = per_evaluation("text.headings_below", document, _headings_below)
    for parent in [chapter] if chapter is not None else document.sections:
        for section in headings[id(parent)].get((entry.level, entry.number), ()):
            if _same_number(section, entry):
                return section
    return None


def _headings_below(document: Document) -> dict[int, dict[tuple[int, str], list[Section]]]:
    """For each top-level section (by id), the sections under it by level and number, in reading order.

    Every 目录 entry below a chapter is looked for among the chapter's headings.
    """
    out: dict[int, dict[tuple[int, str], list[Section]]] = {}
    for top in document.sections:
        below: dict[tuple[int, str], list[Section]] = {}
        for section in top.walk():
            if section is not top:
                below.setdefault((section.level, section.number), []).append(section)
        out[id(top)] = below
    return out


@needs_document
def toc_children(document: Document, entry: Any) -> tuple[TocEntry, ...]:
    """The 目录 entries listed under ``entry``: the deeper ones after it, up to the next of its level or above."""
    if not isinstance(entry, TocEntry):
        raise TypeError("toc_children() takes an entry of document.toc.entries")
    return per_evaluation("text.toc_children", entry, lambda e: _toc_children(document, e))


def _toc_children(document: Document, entry: TocEntry) -> tuple[TocEntry, ...]:
    toc = _toc(document)
    start = toc.position(entry)
    if start is None:
        return ()
    children = []
    for candidate in toc.entries[start + 1:]:
        if candidate.level <= entry.level:
            break
        children.append(candidate)
    return tuple(children)


def _following(document: Document, fact: Fact) -> Fact | None:
    """The next statement of the same kind on the line where ``fact`` ends."""
    line, start = fact.span.last_line, fact.span.end_column or 0
    by_kind = per_evaluation("text.facts_by_line", document, lambda _document: {})
    on_lines = by_kind.get(fact.kind)
    if on_lines is None:
        # Rules ask of one kind of statement (changes): the others are never indexed.
        on_lines = by_kind[fact.kind] = _facts_by_line(document, fact.kind)
    on_line = on_lines.get(line, ())
    later = [f for f in on_line if f.span.start_column > start]
    return min(later, key=lambda f: f.span.start_column) if later else None


def _facts_by_line(document: Document, kind: str) -> dict[int, list[Fact]]:
    """The facts of one kind by first line, in document order."""
    by_line: dict[int, list[Fact]] = {}
    for f in document.facts:
        if f.kind == kind:
            by_line.setdefault(f.span.start_line, []).append(f)
    return by_line


@needs_document
def next_fact(document: Document, fact: Any) -> Fact | None:
    """The next statement of the same kind on the same line (a breakdown's first part), or blank."""
    if not isinstance(fact, Fact):
        raise TypeError("next_fact() takes a fact")
    return _following(document, fact)


@needs_document
def change_reason(document: Document, fact: Any) -> str:
    """The words after a statement on its source line, up to the next statement there (blank when none).

    When a later paragraph of the section gives the reason for the changes of the
    statement's direction ("财政拨款收入支出增加的主要原因是…", after the paragraphs
    stating the 收入 and 支出 changes), that paragraph's text follows.
    """
    if not isinstance(fact, Fact):
        raise TypeError("change_reason() takes a fact")
    line = fact.span.last_line
    if not 0 < line <= len(document.lines):
        return ""
    text = document.lines[line - 1]
    start = fact.span.end_column or len(text)
    following = _following(document, fact)
    end = following.span.start_column - 1 if following is not None else len(text)
    words = text[start:end].strip()
    reason = _reason_paragraph(document, fact)
    return f"{words} {reason.text}".strip() if reason is not None else words


#: A paragraph that explains the changes stated before it, by their direction.
_REASON_PARAGRAPH = {
    "increase": re.compile(r"(?:增加|增长)的?主要原因"),
    "decrease": re.compile(r"(?:减少|下降)的?主要原因"),
}


def _reason_paragraph(document: Document, fact: Fact) -> Paragraph | None:
    """The paragraph after the statement's own (and after further paragraphs stating changes) that gives their reason."""
    pattern = _REASON_PARAGRAPH.get(fact.direction or "")
    if pattern is None:
        return None
    candidate = per_evaluation("text.reason_candidates", document, _reason_candidates).get(fact.span.start_line)
    return candidate if candidate is not None and pattern.search(candidate.text) else None


def _reason_candidates(document: Document) -> dict[int, Paragraph | None]:
    """For each line of a paragraph, the first later paragraph of its section that states no change.

    A line is answered for the first paragraph holding it, in section order.
    """
    changes = {f.span.start_line for f in document.facts if f.kind == "change"}
    by_line: dict[int, Paragraph | None] = {}
    for top in document.sections:
        for section in top.walk():
            # (first line, last line, candidate) of each paragraph, from the last one back, so that
            # the nearest later paragraph without a change is at hand.
            entries: list[tuple[int, int, Paragraph | None]] = []
            following: Paragraph | None = None
            for block in reversed(section.blocks):
                if not isinstance(block, Paragraph):
                    continue
                first, last = block.span.start_line, block.span.last_line
                entries.append((first, last, following))
                # Most paragraphs are one line long: a set lookup instead of a range.
                if (first not in changes) if first == last else changes.isdisjoint(range(first, last + 1)):
                    following = block
            for first, last, candidate in reversed(entries):
                if first == last:
                    if first not in by_line:
                        by_line[first] = candidate
                    continue
                for line in range(first, last + 1):
                    if line not in by_line:
                        by_line[line] = candidate
    return by_line


FUNCTIONS = {
    "concat": concat,
    "split_code": split_code,
    "is_total_label": is_total_label,
    "doc_meta": doc_meta,
    "cn_number": cn_number,
    "years_in": years_in,
    "label_value": label_value,
    "numbers_before": numbers_before,
    "similar": similar,
    "toc_heading": toc_heading,
    "toc_children": toc_children,
    "section_label": section_label,
    "same_name": same_name,
    "change_reason": change_reason,
    "next_fact": next_fact,
}
