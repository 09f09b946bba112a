"""Performance target tables (绩效目标表) from their row blocks.

A perf table has labelled cells first (project, owner, manager, budget
figures, goal), then an indicator header (一级指标 …) and one row per
indicator.  Merged level cells print blank on continuation rows and inherit
from the row above; a row printed one cell to the left is put back in place
and keeps a ``shifted-row`` issue, so nothing is dropped.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Sequence

from compliance.model import Indicator, ParseIssue, PerfTable, Span, Target
from compliance.numbers import AmountError, looks_numeric, parse_amount
from plugins_builtin.cn_budget import vocabulary as vocab
from plugins_builtin.cn_budget.blocks import Block

_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")
_OP_SPACES = re.compile(r"([<>])\s+=")
_LABEL_END = re.compile(r"^(?:其中\s*[:：]\s*)?(.*?)\s*[:：]?$")


def parse_target(text: str) -> Target:
    """``"< =16.20 万元"`` → op ``"<="``, value 16.20, unit ``"万元"``; a date or words keep only text."""
    printed = text.strip()
    folded = printed
    for variant, op in vocab.TARGET_OPERATORS.items():
        if variant in folded:
            folded = folded.replace(variant, op)
    folded = _OP_SPACES.sub(r"\1=", folded)
    match = vocab.TARGET.match(folded)
    if not match:
        return Target(printed)
    op, number, unit = match.group(1), match.group(2), match.group(3).strip()
    # Without an operator only "95%"-like targets count; "2026 年 12 月 1 日前" is a date.
    if op is None and (any(ch.isdigit() for ch in unit) or len(unit) > 4):
        return Target(printed)
    return Target(printed, op, Decimal(number.replace(",", "")), unit or None)


def _is_number(text: str) -> bool:
    return bool(text) and looks_numeric(text)


def _key(text: str) -> str:
    match = _LABEL_END.match(vocab.tidy(text))
    return match.group(1) if match else text


class _PerfDraft:
    """Fields of a perf table gathered from its labelled rows."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.budget: dict[str, Decimal | None] = {}
        self.issues: list[ParseIssue] = []

    def read_labels(self, block: Block) -> None:
        texts = [vocab.tidy(t) for t, _ in block.cells]
        labelled = any(_key(t) in vocab.PERF_LABELS for t in texts if t)
        if not labelled and any(_is_number(t) for t in texts):
            self._read_budget(block, texts)
            return
        position = 0
        while position < len(texts):
            field = vocab.PERF_LABELS.get(_key(texts[position]))
            if field:
                value = next((t for t in texts[position + 1 :] if t), "")
                if value:
                    self.fields.setdefault(field, _TAGS.sub("", value).strip())
                    position = texts.index(value, position + 1)
            position += 1

    def _read_budget(self, block: Block, texts: list[str]) -> None:
        label = ""
        for (raw, column), text in zip(block.cells, texts):
            if _is_number(text):
                key = _key(label) or f"第{column}列"
                try:
                    self.budget[key] = parse_amount(text)
                except (AmountError, ValueError) as exc:
                    span = Span(block.line, column, block.line, column + len(raw) - 1, page=block.page)
                    self.issues.append(ParseIssue("malformed-number", f"数字格式有误：{text}（{exc}）", span))
                label = ""
            elif text:
                label = text


def _columns(header: Sequence[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        field = vocab.PERF_COLUMNS.get(vocab.tidy(text).replace(" ", ""))
        if field and field not in columns:
            columns[field] = index
    return columns


def _cell(texts: Sequence[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    return texts[index].strip() if index is not None and index < len(texts) else ""


def _unshift(texts: list[str], columns: dict[str, int]) -> list[str] | None:
    """Put back a row printed one cell to the left (its weight sits under the weight's left neighbour)."""
    weight, target = columns.get("weight"), columns.get("target")
    if weight is None or target is None or weight >= len(texts):
        return None
    if _is_number(texts[weight]) or not _is_number(texts[weight - 1]):
        return None
    # The target moved under the name column: it reads as a target, not as a name.
    if parse_target(texts[target - 1]).value is None:
        return None
    name = "".join(t for t in texts[: target - 1] if t)
    return ["", "", name] + [""] * (target - 3) + texts[target - 1 :]


def _indicator(block: Block, columns: dict[str, int], previous: tuple[str, str]) -> Indicator:
    texts = [t.strip() for t, _ in block.cells]
    span = Span(block.line, block.cells[0][1], block.line, block.end_column, page=block.page)
    issues: list[ParseIssue] = []
    repaired = _unshift(texts, columns)
    if repaired is not None:
        texts = repaired
        issues.append(ParseIssue("shifted-row", "本行单元格整体左移一格，已按表头复位", span))
    level1 = vocab.tidy(_cell(texts, columns, "level1"))
    level2 = vocab.tidy(_cell(texts, columns, "level2"))
    if not level1:
        # A merged level-1 cell prints once; its level-2 cell continues too unless restated.
        level1 = previous[0]
        level2 = level2 or previous[1]
    elif not level2:
        issues.append(ParseIssue("missing-level2", "二级指标为空", span))
    weight_text = _cell(texts, columns, "weight")
    weight = None
    if weight_text:
        try:
            weight = parse_amount(weight_text)
        except (AmountError, ValueError):
            issues.append(ParseIssue("malformed-weight", f"分值权重不是数字：{weight_text}", span))
    last_year = _cell(texts, columns, "last_year")
    return Indicator(
        level1=level1,
        level2=level2,
        name=vocab.tidy(_cell(texts, columns, "name")),
        target=parse_target(_cell(texts, columns, "target")),
        span=span,
        basis=_cell(texts, columns, "basis") or None,
        last_year=None if last_year in ("", "-", "—", "/") else last_year,
        weight=weight,
        scoring=_cell(texts, columns, "scoring") or None,
        evidence=_cell(texts, columns, "evidence") or None,
        issues=tuple(issues),
    )


def build_perf_table(kind: str, title: str, period: str | None, rows: Sequence[Block], span: Span) -> PerfTable:
    """A :class:`PerfTable` from the rows under a perf title."""
    draft = _PerfDraft()
    columns: dict[str, int] = {}
    indicators: list[Indicator] = []
    previous = ("", "")
    for block in rows:
        if not columns:
            found = _columns([t for t, _ in block.cells])
            if "name" in found and "target" in found:
                columns = found
            else:
                draft.read_labels(block)
            continue
        indicator = _indicator(block, columns, previous)
        previous = (indicator.level1, indicator.level2)
        indicators.append(indicator)
    if not columns:
        draft.issues.append(ParseIssue("no-indicator-header", "绩效目标表缺少“一级指标…”表头", span))
    fields = draft.fields
    owner = fields.get("owner") or (fields.get("project") if kind == "department" else None)
    meta = {"period": period} if period else {}
    if "phone" in fields:
        meta["phone"] = fields["phone"]
    return PerfTable(
        kind=kind,
        title=title,
        project=fields.get("project", ""),
        indicators=tuple(indicators),
        span=span,
        owner=owner,
        manager=fields.get("manager"),
        goal=fields.get("goal"),
        budget=draft.budget,
        issues=tuple(draft.issues),
        meta=meta,
    )
