"""The layout and domain vocabulary of Chinese department budget disclosures, as data.

Everything the assembler and the enrichment recognise by its wording lives
here: heading numbering styles, the table caption, the labelled lines under a
table title, header words that mark code and label columns, total-row labels,
table kinds keyed by normalised titles, performance-table column meanings and
jurisdiction markers.  Another region's layout is more rows in these tables
(or an ``extra`` mapping passed to :func:`table_kind`), not more code.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping

#: Chinese numerals as used in headings (一 … 九十九).
_CN = "一二三四五六七八九十百零〇"

#: Heading numbering styles, outermost first: (style, rank, pattern).  Group 1
#: is the number, group 2 the title.  Half- and full-width parentheses both count.
HEADING_STYLES: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("part", 1, re.compile(rf"^第([{_CN}]+)部分\s*(.*)$")),
    ("chinese", 2, re.compile(rf"^([{_CN}]+)、\s*(.*)$")),
    ("paren", 3, re.compile(rf"^[（(]\s*([{_CN}]+)\s*[)）]\s*(.*)$")),
    ("arabic", 4, re.compile(r"^(\d{1,2})[.．、]\s*(\S.*)$")),
)

#: Every heading style starts with one of these (a quick test before the patterns).
HEADING_FIRST_CHARS = frozenset("第（(0123456789" + _CN)
#: A heading's title never ends a sentence; list items that do are paragraphs.
HEADING_REJECT_END = re.compile(r"[。；;！？!?]$")
#: Arabic-numbered lines are list items unless short and free of figures and punctuation.
ARABIC_HEADING_MAX = 30
ARABIC_HEADING_REJECT = re.compile(r"\d|[，,。；;：:！？、]")
HEADING_MAX = 60

#: The table of contents title (spaces removed before matching).
TOC_TITLES = frozenset({"目录"})
#: A TOC entry may be printed as a list item ("- 一、 主要职能").
TOC_ITEM_PREFIX = re.compile(r"^[-•·*]\s+")
#: Dot leaders and a page number after a TOC entry's title ("名词解释 ……………… 5").
TOC_LEADER = re.compile(r"\s*(?:[.．…·]{2,}|…)[.．…·\s]*\d*\s*$")

#: A table caption line: 表 1, 表1, 表 12, or with its title on the same line (表 1：部门收支总体情况表).
CAPTION = re.compile(r"^表\s*(\d+)(?:\s*[:：、.．-]?\s+|\s*[:：、.．-]\s*)?(.*)$")
_META_LABELS = r"编制部门|编制单位|单位|金额单位|预算单位"
#: Labelled lines printed between a table's title and its header.
META_LINE = re.compile(rf"^({_META_LABELS})\s*[:：]\s*(.*)$")
#: Several labels on one line ("编制部门：某单位    单位：万元"): each label and its value.
META_PAIR = re.compile(rf"({_META_LABELS})\s*[:：]\s*(.*?)\s*(?=(?:{_META_LABELS})\s*[:：]|$)")
#: Which meta label gives the table's unit.
UNIT_LABELS = frozenset({"单位", "金额单位"})
#: Money units as printed, and how many 元 one is worth (functions.units converts with it).
UNIT_IN_YUAN: Mapping[str, Decimal] = MappingProxyType({
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
})
#: The money units a table may state.
UNITS = frozenset(UNIT_IN_YUAN)

#: What a rule case's example document prints where the case says nothing (the case harness reads
#: these through the ``case_defaults`` function): the code and label headers of a budget table,
#: the titles of the two performance tables, an indicator's first two levels.
CASE_DEFAULTS: Mapping[str, str] = MappingProxyType({
    "code_header": "科目代码",
    "label_header": "科目名称",
    "perf_title.project": "项目支出绩效目标表",
    "perf_title.department": "部门整体绩效目标表",
    "indicator_level1": "产出指标",
    "indicator_level2": "数量指标",
})
#: Which meta label names the preparing department.
DEPARTMENT_LABELS = frozenset({"编制部门", "编制单位"})

#: Header words marking the classification-code columns.
CODE_HEADERS = frozenset({"科目代码", "类", "款", "项", "科目编码", "功能分类科目编码", "经济分类科目编码", "部门预算经济分类科目编码"})
#: Header words marking the descriptive (label) columns.
LABEL_HEADERS = frozenset(
    {"科目名称", "项目", "项目名称", "“三公”经费支出内容", "单位名称", "功能分类科目名称", "经济分类科目名称", "支出内容"}
)
#: Labels of the rows that close a table (or one side of it).
TOTAL_LABELS = frozenset({"总计", "合计", "收入总计", "支出总计", "本年收入合计", "本年支出合计"})

#: A code at the start of a label cell: "201 一般公共服务支出", "01 基本工资".
LABEL_CODE = re.compile(r"^(\d{2,3})\s+(\S.*)$")
#: A code cell: digits only.
CODE_CELL = re.compile(r"^\d{2,9}$")
#: Printed list markers and "其中：" stripped from row labels (the cell keeps the print).
LABEL_PREFIX_FIRST_CHARS = frozenset("其（(0123456789" + _CN)
LABEL_PREFIX = re.compile(rf"^(?:[{_CN}]+、\s*|\d{{1,2}}[.．、]\s*|[（(][{_CN}\d]+[)）]\s*)?(?:其中[:：]\s*)?")

_KIND_TITLES: dict[str, str] = {
    # The Xinjiang / 巴州 twelve-table layout.
    "部门收支总体情况表": "income_expenditure_summary",
    "部门收入总体情况表": "income_summary",
    "部门支出总体情况表": "expenditure_summary",
    "财政拨款收支预算总体情况表": "fiscal_summary",
    "一般公共预算支出情况表": "general_budget_expenditure",
    "一般公共预算基本支出情况表": "general_budget_basic",
    "一般公共预算项目支出情况表": "general_budget_project",
    "政府性基金预算支出情况表": "gov_fund_expenditure",
    "国有资本经营预算支出情况表": "state_capital_expenditure",
    "财政拨款“三公”经费支出情况表": "three_public",
    "财政拨款委托业务费支出情况表": "entrusted_business",
    "上年结转结余情况表": "carryover",
    # The same tables under the Shanghai nine-table titles.
    "财务收支预算总表": "income_expenditure_summary",
    "收入预算总表": "income_summary",
    "支出预算总表": "expenditure_summary",
    "财政拨款收支预算总表": "fiscal_summary",
    "一般公共预算支出功能分类预算表": "general_budget_expenditure",
    "政府性基金预算支出功能分类预算表": "gov_fund_expenditure",
    "国有资本经营预算支出功能分类预算表": "state_capital_expenditure",
    "一般公共预算基本支出部门预算经济分类预算表": "general_budget_basic",
    "“三公”经费和机关运行经费预算表": "three_public",
    # And under the central-department template's titles.
    "部门收支总表": "income_expenditure_summary",
    "部门收入总表": "income_summary",
    "部门支出总表": "expenditure_summary",
    "财政拨款收支总表": "fiscal_summary",
    "一般公共预算支出表": "general_budget_expenditure",
    "一般公共预算基本支出表": "general_budget_basic",
    "一般公共预算“三公”经费支出表": "three_public",
    "政府性基金预算支出表": "gov_fund_expenditure",
    "国有资本经营预算支出表": "state_capital_expenditure",
}
#: Kinds printed as two tables side by side (income left, expenditure right).
TWO_SIDED_KINDS = frozenset({"income_expenditure_summary", "fiscal_summary"})
#: How a side is named from its top header group.
SIDE_NAMES: tuple[tuple[str, str], ...] = (("收入", "income"), ("支出", "expenditure"))

#: A paragraph that explains an empty table.
EMPTY_TABLE_NOTE = re.compile(r"(为空表|无.{0,20}故本表为空|本表无数据)")

#: Performance target table titles → PerfTable.kind.
PERF_TITLES: Mapping[str, str] = {
    "部门整体绩效目标表": "department",
    "项目支出绩效目标表": "project",
}
#: The line under a perf title giving its period: "(2026 年)".
PERF_PERIOD = re.compile(r"^[（(]\s*(\d{4})\s*年?\s*[)）]$")
#: Indicator column header → Indicator field.
PERF_COLUMNS: Mapping[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "指标值": "target",
    "指标设定依据": "basis",
    "指标值设置依据": "basis",
    "上年完成值": "last_year",
    "分值权重": "weight",
    "指标分值权重": "weight",
    "指标赋分规则": "scoring",
    "佐证资料": "evidence",
}
#: Labelled cells before the indicator header → PerfTable field.
PERF_LABELS: Mapping[str, str] = {
    "部门名称（盖章）": "project",
    "部门名称": "project",
    "预算单位": "owner",
    "项目名称": "project",
    "项目负责人": "manager",
    "部门联系人": "manager",
    "联系电话": "phone",
    "年度绩效目标": "goal",
    "项目总体目标": "goal",
}
#: Operators of a target value, after spaces and full-width forms are folded.
TARGET_OPERATORS = {"≥": ">=", "≤": "<=", "＝": "=", "＞": ">", "＜": "<", "》=": ">=", "《=": "<="}
TARGET = re.compile(r"^(>=|<=|=|>|<)?\s*([+-]?\d[\d,]*(?:\.\d+)?)\s*(.*)$")

#: Jurisdiction markers, searched in the title and the department name.
JURISDICTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("xinjiang", ("新疆", "巴州", "巴音郭楞")),
    ("shanghai", ("上海",)),
)
YEAR = re.compile(r"(20\d\d)\s*年")

_SPACE_IN_CJK = re.compile(r"(?<=[^\x00-\x7f])[ \u3000]+(?=[^\x00-\x7f])")
_TITLE_NOISE = re.compile(r"[\s\u3000\"'“”‘’「」]+")


def tidy(text: str) -> str:
    """Remove spaces a layout put between CJK characters ("财政拨款 （补助）小计")."""
    text = text.strip()
    return _SPACE_IN_CJK.sub("", text) if " " in text or "\u3000" in text else text


def normalise_title(title: str) -> str:
    """A title as a lookup key: NFKC (full-width digits, radical look-alikes), no spaces, no quotes
    of any style, full-width parentheses.  The printed title is kept for display."""
    key = _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", title))
    return key.replace("(", "（").replace(")", "）")


#: Table kinds keyed by normalised title (see :func:`normalise_title`).  A
#: jurisdiction plugin passes its own titles to :func:`table_kind` as ``extra``.
TABLE_KINDS: Mapping[str, str] = MappingProxyType({normalise_title(t): k for t, k in _KIND_TITLES.items()})


def table_kind(title: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The kind of a table with this title, or ``None`` when no table of kinds knows it.

    ``extra`` maps further titles to kinds and wins over the built-in table.
    A title may carry a year or the department in front ("2026年部门财务收支预算总表"):
    the longest known title it ends with counts.
    """
    key = normalise_title(title)
    tables = [{normalise_title(t): k for t, k in extra.items()}] if extra else []
    tables.append(TABLE_KINDS)  # type: ignore[arg-type]
    for kinds in tables:
        if key in kinds:
            return kinds[key]
    for kinds in tables:
        endings = [t for t in kinds if key.endswith(t)]
        if endings:
            return kinds[max(endings, key=len)]
    return None
