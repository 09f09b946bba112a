"""A two-row header with 款 under 科目名称 (no group row above): the 款 code sits in the label cell."""

from __future__ import annotations

from pathlib import Path

import compliance

TABLE = (
    "表 2\n\n一般公共预算基本支出情况表\n\n编制部门：某某局\n\n单位：万元\n\n"
    "科目代码\t科目名称\t合计\t人员经费\t公用经费\n类\t款\t\t\t\n"
    "301\t工资福利支出\t60.00\t60.00\t\n301\t01 基本工资\t60.00\t60.00\t\n\t总计\t60.00\t60.00\t\n"
)


def test_a_lone_label_header_is_not_taken_for_a_shifted_group(tmp_path: Path) -> None:
    path = tmp_path / "basic.txt"
    path.write_text(TABLE, encoding="utf-8")
    table = compliance.load(path).tables[0]
    assert [(c.path, c.role) for c in table.columns[:2]] == [(("科目代码", "类"), "code"), (("科目名称", "款"), "label")]
    assert [(r.code, r.label, r.kind) for r in table.rows] == [
        (("301",), "工资福利支出", "body"), (("301", "01"), "基本工资", "body"), ((), "总计", "total"),
    ]
    assert [r.label for r in table.rows[0].children] == ["基本工资"]
