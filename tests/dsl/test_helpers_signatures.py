"""Small helpers of the loader and the syntax errors, called as their callers call them."""

from __future__ import annotations

from pathlib import Path

from compliance.dsl import ast, loader
from compliance.dsl.syntax_errors import dedent_line


def test_dedent_line_needs_only_the_text() -> None:
    text = 'rule A-1 "t"\n    expect true\n\n  # a comment\n  expect false\n'
    assert dedent_line(text) == 5


def test_packs_are_grouped_from_the_parsed_files_alone(tmp_path: Path) -> None:
    declared = ast.PackDecl("national", "全国")
    first = ast.RuleFile(str(tmp_path / "a" / "x.rules"), declared, (), ())
    sibling = ast.RuleFile(str(tmp_path / "a" / "y.rules"), None, (), ())
    elsewhere = ast.RuleFile(str(tmp_path / "regional" / "z.rules"), None, (), ())
    parsed = [(Path(f.path), "", f) for f in (first, sibling, elsewhere)]
    packs = loader._group_packs(parsed)
    assert [(p.name, p.decl, [path.name for path, _t, _f in p.files]) for p in packs] == [
        ("national", declared, ["x.rules", "y.rules"]),
        ("regional", None, ["z.rules"]),
    ]
