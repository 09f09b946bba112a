"""Narrative facts: the figures the explanations state, with the subject each speaks of.

Extraction is table-driven: a sentence is cut into clauses, each clause is
matched against :data:`CLAUSE_PATTERNS`, and the subject text before a figure
is cleaned by :data:`SUBJECT_RULES`.  A new phrasing is a new row in these
tables, not new code.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable, Iterator, Sequence

from compliance.model import Fact, Paragraph, ParseIssue, Section, Span

NUM = r"\d[\d,]*(?:\.\d+)?"
UNIT = r"万元|亿元|元"
#: Units of things counted in prose (vehicles, equipment, projects, targets).
COUNT_UNIT = r"辆|台|套|个"

#: Sentences end at these marks; clauses at commas (a comma inside "3,037.70" is not one).
SENTENCE_END = re.compile(r"[。；;！？]")
CLAUSE_END = re.compile(r"，|,(?!\d)")

#: The year compared with: 上年, or the year itself ("比2024年预算增加…", "与2024年预算持平").
LAST_YEAR = r"(?:上年|\d{4}\s*年)(?:度)?(?:预算)?"
#: Words saying a figure did not change; a clause with one may state no number ("与上年持平").
UNCHANGED = r"持平|一致|相同|无变化|不变"

#: Clause patterns, tried in order; the first that matches names the clause.
CLAUSE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("change", re.compile(rf"^(?P<subject>.*?)(?:比\s*{LAST_YEAR})?(?P<direction>增加|减少)\s*(?P<delta>{NUM})\s*(?P<unit>{UNIT})$")),
    # "与2025年预算持平", "比上年预算持平", "与2024年预算一致0万元": a change of zero.
    ("unchanged", re.compile(rf"^(?P<subject>.*?)(?:与|比|同|和)\s*{LAST_YEAR}\s*(?:相比)?\s*(?:{UNCHANGED})"
                             rf"(?:\s*(?P<amount>{NUM})\s*(?P<unit>{UNIT}))?$")),
    ("percent", re.compile(rf"^(?P<direction>增长|下降)\s*(?P<percent>{NUM})\s*%$")),
    ("share", re.compile(rf"^占(?:比)?\s*(?P<share>{NUM})\s*%$")),
    ("amount", re.compile(rf"^(?P<subject>.*?)\s*(?P<amount>{NUM})\s*(?P<unit>{UNIT})$")),
    ("count", re.compile(rf"^(?P<subject>.*?\D)\s*(?P<amount>\d+)\s*(?P<unit>{COUNT_UNIT})$")),
)
DIRECTIONS = {"增加": "increase", "减少": "decrease", "增长": "increase", "下降": "decrease"}

#: Subject clean-up, applied in order ("{department}" is the document's department).
SUBJECT_RULES: tuple[tuple[str, str], ...] = (
    (r"^\d+[.．、]\s*", ""),                               # list marker "1. "
    (r"^(?P<s>.+?)[:：]\s*\d{4}\s*年\s*预算数为$", r"\g<s>"),  # "…（项）：2026 年预算数为"
    (r"^.*?(?:包括|其中)\s*[:：]\s*", ""),                  # "收入预算包括：…", "其中：…"
    (r"^{department}\s*", ""),
    (r"^\d{4}\s*年(?:的)?\s*", ""),                        # "2026 年的…"
    (r"^比\s*(?:上年|\d{4}\s*年)(?:预算)?$", ""),
    (r"(?<=经费)(?:财政拨款)?(?:预算)?(?:数为|为)?$", ""),    # "机关运行经费财政拨款预算", "…经费数为"
    (r"(?:数为)$", ""),
    (r"[:：]$", ""),
)
#: Subjects that only make sense with the clause before them ("房屋 5,128.00 平方米，价值 …").
GENERIC_SUBJECTS = frozenset({"价值", "涉及预算金额"})
_LEADING_NOUN = re.compile(r"^(?:\d+[.．、]\s*)?(?:其中[:：])?\s*([^\d\s，,]+)")

#: A functional-classification path spelled in prose: "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）".
CODE_PATH = re.compile(r"(?P<name>.+?)[（(](?P<level>类|款|项)[）)]")
#: The item number a 类/款/项 name may start with ("1. 教育支出").
_ITEM_NUMBER = re.compile(r"^\d+[.．、]\s*")
#: A clause or sentence opening the parts of the figure before it ("其中：", "包括：").
BREAKDOWN_OPENER = re.compile(r"^(?:其中|包括)\s*[:：]")
#: A paragraph ending so announces that the paragraphs after it list the parts.
BREAKDOWN_TRAILER = re.compile(r"(?:其中|包括)\s*[:：]?\s*$")

#: Labelled paragraphs of a project explanation.
PROJECT_HEADING = re.compile(r"^项目名称\s*[:：]\s*(.+)$")
BUDGET_LABEL = re.compile(rf"^预算安排规模\s*[:：]\s*(?P<amount>{NUM})\s*(?P<unit>{UNIT})")
ALLOCATION_LABEL = re.compile(r"^资金分配情况\s*[:：]\s*")


_DIGIT = re.compile(r"\d")
_UNCHANGED_WORD = re.compile(UNCHANGED)
#: Paragraphs without one of these state no figure worth reading.
_FIGURE_HINT = re.compile(r"\d\s*(?:万元|亿元|元|%|辆|台|套|个)")


class _Clause:
    __slots__ = ("text", "start", "kind", "match")

    def __init__(self, text: str, start: int) -> None:
        self.text, self.start = text, start
        self.kind: str | None = None
        self.match: re.Match[str] | None = None
        if not _DIGIT.search(text) and not _UNCHANGED_WORD.search(text):
            return
        for kind, pattern in CLAUSE_PATTERNS:
            match = pattern.match(text)
            if match:
                self.kind, self.match = kind, match
                break


def _pieces(text: str, start: int, splitter: re.Pattern[str]) -> Iterator[tuple[str, int]]:
    position = 0
    for match in splitter.finditer(text):
        yield from _stripped(text[position : match.start()], start + position)
        position = match.end()
    yield from _stripped(text[position:], start + position)


def _stripped(piece: str, start: int) -> Iterator[tuple[str, int]]:
    stripped = piece.strip()
    if stripped:
        yield stripped, start + piece.index(stripped)


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


class FactExtractor:
    """Extracts facts from one document's paragraphs; knows its department for subject clean-up."""

    def __init__(self, department: str | None) -> None:
        dept = re.escape(department) if department else r"(?!)"
        self.rules = tuple((re.compile(p.replace("{department}", dept)), r) for p, r in SUBJECT_RULES)

    def subject(self, text: str) -> str:
        for pattern, replacement in self.rules:
            text = pattern.sub(replacement, text, count=1).strip()
        return text

    # -- walking the document ----------------------------------------------------
    def document_facts(self, sections: Sequence[Section], preamble: Sequence[object]) -> tuple[Fact, ...]:
        facts: list[Fact] = []
        self._blocks(preamble, None, None, facts)
        for section in sections:
            self._section(section, (), None, facts)
        return tuple(facts)

    def _section(self, section: Section, path: tuple[str, ...], project: str | None, facts: list[Fact]) -> None:
        path = path + (section.key,)
        match = PROJECT_HEADING.match(section.title)
        project = match.group(1).strip() if match else project
        self._blocks(section.blocks, "/".join(path), project, facts)
        for child in section.children:
            self._section(child, path, project, facts)

    def _blocks(self, blocks: Iterable[object], section: str | None, project: str | None, facts: list[Fact]) -> None:
        """Append the facts of these blocks to ``facts`` (which also holds every earlier fact)."""
        budget: Fact | None = None
        listing: _Breakdown | None = None  # parts listed one per paragraph after "…，其中："
        for block in blocks:
            if not isinstance(block, Paragraph):
                continue
            text = block.text
            if project:
                match = BUDGET_LABEL.match(text)
                if match:
                    budget = Fact("amount", project, text, block.span, amount=_decimal(match.group("amount")),
                                  unit=match.group("unit"), section=section)
                    facts.append(budget)
                    continue
                match = ALLOCATION_LABEL.match(text)
                if match:
                    facts.append(self._allocation(block, match.end(), project, budget, section))
                    continue
            first = len(facts)
            self.paragraph_facts(block, section, facts)
            stated = next((f for f in facts[first:] if f.kind in ("amount", "share")), None)
            if BREAKDOWN_TRAILER.search(text) and stated is not None:
                if listing is not None:
                    listing.close(facts, section)
                listing = _Breakdown(stated)
            elif listing is not None and stated is not None:
                listing.parts.append(stated)
        if listing is not None:
            listing.close(facts, section)

    # -- one paragraph -------------------------------------------------------------
    def paragraph_facts(self, paragraph: Paragraph, section: str | None, facts: list[Fact] | None = None) -> list[Fact]:
        """Append the amount, share, change, count and breakdown facts stated in one paragraph to ``facts``."""
        facts = [] if facts is None else facts
        if not _FIGURE_HINT.search(paragraph.text):
            return facts
        state = _Parts()
        for sentence, start in _pieces(paragraph.text, 0, SENTENCE_END):
            clauses = [_Clause(t, s) for t, s in _pieces(sentence, start, CLAUSE_END)]
            self._sentence(clauses, paragraph, section, facts, state)
            state.end_sentence(facts, section)
        state.close(facts, section)
        return facts

    def _sentence(self, clauses: list[_Clause], paragraph: Paragraph, section: str | None, facts: list[Fact],
                  state: "_Parts") -> None:
        """Read one sentence's clauses into facts; ``state`` follows the "其中：" lists open in the paragraph."""
        # A sentence that opens with the comparison ("…0.83万元。与2025年预算持平") speaks of the figure before it.
        last: Fact | None = state.previous.get("money")
        index = 0
        while index < len(clauses):
            clause = clauses[index]
            match = clause.match
            following = clauses[index + 1] if index + 1 < len(clauses) else None
            if BREAKDOWN_OPENER.match(clause.text):
                state.open(first_clause=index == 0)
            if clause.kind == "change" and match:
                percent = following.match if following is not None and following.kind == "percent" else None
                end = following if percent else clause
                subject, amount = self._compared(match, last, section, facts)
                direction = DIRECTIONS[match.group("direction")]
                issues: tuple[ParseIssue, ...] = ()
                span = self._span(paragraph, clause, end)
                if percent and DIRECTIONS[percent.group("direction")] != direction:
                    issues = (ParseIssue("direction-mismatch", f"增减方向前后不一致：{clause.text}，{end.text}", span),)
                facts.append(Fact(
                    "change", subject, f"{clause.text}，{end.text}" if percent else clause.text, span,
                    amount=amount, unit=match.group("unit"), delta=_decimal(match.group("delta")),
                    direction=direction, percent=_decimal(percent.group("percent")) if percent else None,
                    section=section, issues=issues,
                ))
                index += 2 if percent else 1
                continue
            if clause.kind == "unchanged" and match:
                subject, amount = self._compared(match, last, section, facts)
                unit = match.group("unit") or (last.unit if last is not None else None)
                facts.append(Fact("change", subject, clause.text, self._span(paragraph, clause, clause),
                                  amount=amount, unit=unit, delta=Decimal(0), section=section))
                index += 1
                continue
            if clause.kind == "count" and match:
                counted = Fact("count", self.subject(match.group("subject")), clause.text,
                               self._span(paragraph, clause, clause), amount=_decimal(match.group("amount")),
                               unit=match.group("unit"), section=section)
                facts.append(counted)
                state.stated(counted)
                index += 1
                continue
            if clause.kind == "amount" and match:
                subject = self.subject(match.group("subject"))
                if subject in GENERIC_SUBJECTS and index > 0:
                    noun = _LEADING_NOUN.match(clauses[index - 1].text)
                    subject = (noun.group(1) if noun else "") + subject
                share = following.match if following is not None and following.kind == "share" else None
                end = following if share else clause
                last = Fact(
                    "share" if share else "amount", subject,
                    f"{clause.text}，{end.text}" if share else clause.text, self._span(paragraph, clause, end),
                    amount=_decimal(match.group("amount")), unit=match.group("unit"),
                    share=_decimal(share.group("share")) if share else None, section=section,
                )
                facts.append(last)
                state.stated(last)
                index += 2 if share else 1
                continue
            index += 1

    def _compared(self, match: re.Match[str], last: Fact | None, section: str | None,
                  facts: list[Fact]) -> tuple[str, Decimal | None]:
        """The subject and current amount of a change: its own words, else the figure stated just before it."""
        subject = self.subject(match.group("subject"))
        if not subject and last is not None:
            return last.subject, last.amount
        return subject, _amount_of(subject, section, facts) if subject else None

    def _allocation(self, paragraph: Paragraph, offset: int, project: str, budget: Fact | None,
                    section: str | None) -> Fact:
        items: list[Fact] = []
        body = paragraph.text[offset:]
        for sentence, start in _pieces(body, offset, SENTENCE_END):
            for text, position in _pieces(sentence, start, CLAUSE_END):
                clause = _Clause(text, position)
                if clause.kind == "amount" and clause.match:
                    items.append(Fact("amount", self.subject(clause.match.group("subject")), text,
                                      self._span(paragraph, clause, clause), amount=_decimal(clause.match.group("amount")),
                                      unit=clause.match.group("unit"), section=section))
        return Fact("allocation", project, paragraph.text, paragraph.span,
                    amount=budget.amount if budget else None, unit=budget.unit if budget else None,
                    items=tuple(items), section=section)

    @staticmethod
    def _span(paragraph: Paragraph, first: _Clause, last: _Clause) -> Span:
        span = paragraph.span
        if span.last_line != span.start_line:
            return span  # a wrapped paragraph: columns past its first line are not known here
        start = span.start_column + first.start
        return Span(span.start_line, start, span.start_line, span.start_column + last.start + len(last.text) - 1,
                    page=span.page)


class _Parts:
    """The "其中：" lists of one paragraph: money and counts (辆, 台) each have their own.

    A figure stated before "其中：" in the same sentence heads the list; a
    sentence that opens with "其中：" continues from the previous sentence's
    figures ("车辆 21 辆，价值 535.82 万元；其中：一般公务用车 0 辆，价值 0.00 万元；…").
    """

    def __init__(self) -> None:
        self.last: dict[str, Fact] = {}       # this sentence's last figure, by measure
        self.previous: dict[str, Fact] = {}   # the previous sentences' last figures
        self.lists: dict[str, _Breakdown] = {}

    def open(self, *, first_clause: bool) -> None:
        heads = dict(self.previous) if first_clause else {}
        heads.update(self.last)
        for measure, head in heads.items():
            if measure not in self.lists:
                self.lists[measure] = _Breakdown(head)
                # Opened mid-sentence, the list ends with the sentence; opened at its start, with the paragraph.
                self.lists[measure].carry = first_clause

    def stated(self, fact: Fact) -> None:
        measure = _measure(fact)
        current = self.lists.get(measure)
        if current is not None and current.head is not fact:
            current.parts.append(fact)
        self.last[measure] = fact

    def end_sentence(self, facts: list[Fact], section: str | None) -> None:
        self.previous.update(self.last)
        self.last = {}
        for measure, breakdown in list(self.lists.items()):
            if not breakdown.carry:
                breakdown.close(facts, section)
                del self.lists[measure]

    def close(self, facts: list[Fact], section: str | None) -> None:
        for breakdown in self.lists.values():
            breakdown.close(facts, section)


def _measure(fact: Fact) -> str:
    """Money adds to money and vehicles to vehicles: a list's parts share their head's measure."""
    return "money" if fact.kind in ("amount", "share") else f"{fact.kind}:{fact.unit}"


class _Breakdown:
    """A stated figure and the parts stated after its "其中：" or "包括：", in one or several sentences or paragraphs."""

    __slots__ = ("head", "parts", "carry")

    def __init__(self, head: Fact) -> None:
        self.head = head
        self.parts: list[Fact] = []
        self.carry = False

    def close(self, facts: list[Fact], section: str | None) -> None:
        """Append the ``breakdown`` fact (the head's subject and amount, the parts as items), if any part was stated."""
        if not self.parts:
            return
        head, last = self.head, self.parts[-1]
        span = Span.covering(head.span, last.span) if last.span.start_line >= head.span.start_line else head.span
        facts.append(Fact("breakdown", head.subject, head.text, span, amount=head.amount, unit=head.unit,
                          items=tuple(self.parts), section=section))


def subject_path(subject: str) -> tuple[str, ...]:
    """The 类/款/项 names a subject spells: "教育支出（类）进修及培训（款）培训支出（项）" → three names."""
    names = []
    for match in CODE_PATH.finditer(subject):
        name = _ITEM_NUMBER.sub("", match.group("name")).strip()
        names.append(name)
    return tuple(names)


def _amount_of(subject: str, section: str | None, earlier: Sequence[Fact]) -> Decimal | None:
    """The amount stated earlier in the same section for this subject (e.g. the 三公 items)."""
    for fact in reversed(earlier):
        if fact.section == section and fact.subject == subject and fact.kind in ("amount", "share"):
            return fact.amount
    return None


def extract_facts(sections: Sequence[Section], preamble: Sequence[object], department: str | None) -> tuple[Fact, ...]:
    """Every fact stated in the document's paragraphs, in document order."""
    return FactExtractor(department).document_facts(sections, preamble)
