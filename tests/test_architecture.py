"""Import directions that keep the core generic (see docs/architecture in the README).

The core (``compliance``) never imports the built-in plugins or the rule
packs; plugins reach the core only through its public modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_core_never_imports_builtin_plugins_or_rule_packs() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in {"plugins_builtin", "rules"}
        )
        for path in python_files("compliance")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_model_and_errors_depend_on_attrs_only() -> None:
    allowed = {"attrs", "decimal", "types", "typing", "__future__", "enum"}
    for name in ("model.py", "errors.py"):
        imports = {m.split(".")[0] for m in imported_modules(ROOT / "compliance" / name)}
        assert imports <= allowed, (name, imports - allowed)


def test_lark_stays_inside_the_rule_language_package() -> None:
    leaks = [
        str(path.relative_to(ROOT))
        for path in python_files("compliance")
        if "dsl" not in path.parts and any(m.split(".")[0] == "lark" for m in imported_modules(path))
    ]
    assert leaks == []


def test_core_names_no_jurisdiction_or_table_title() -> None:
    # Domain words belong to plugins and rule packs; the core speaks of tables and rows.
    domain_words = ("新疆", "巴州", "上海", "部门收支总体情况表", "三公", "xinjiang", "shanghai",
                    "项目支出绩效目标表", "部门整体绩效目标表", "科目代码", "科目名称", "产出指标")
    hits = [
        f"{path.relative_to(ROOT)}: {word}"
        for path in python_files("compliance")
        for word in domain_words
        if word in path.read_text(encoding="utf-8")
    ]
    assert hits == []
