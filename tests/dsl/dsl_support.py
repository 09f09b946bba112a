"""Support for the rule-language tests: rule text in, results out."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import attrs

from compliance.dsl import ast, load_rule_set
from compliance.findings import RuleResult
from compliance.model import Document
from compliance.testing import build_document

PACK_HEADER = 'pack test.pack "测试规则包" version "1"\n'


def write_rules(folder: Path, text: str, name: str = "test.rules") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run_rules(tmp_path: Path, text: str, document: Document | Mapping[str, Any], *,
              params: Mapping[str, object] | None = None, functions=None) -> dict[str, RuleResult]:
    """Load ``text`` as a rule file and evaluate it; results keyed by rule id."""
    path = write_rules(tmp_path / "rules", PACK_HEADER + text)
    rule_set = load_rule_set([path], params=params, functions=functions)
    if not isinstance(document, Document):
        document = build_document(document)
    return {result.rule: result for result in rule_set.evaluate(document)}


def node_positions(node: object) -> list[tuple[str, int, int]]:
    """Every node's class and position, depth first: what AST equality ignores."""
    found: list[tuple[str, int, int]] = []
    if isinstance(node, ast.Node):
        found.append((type(node).__name__, node.line, node.column))
        for attribute in attrs.fields(type(node)):
            found.extend(node_positions(getattr(node, attribute.name)))
    elif isinstance(node, tuple):
        for item in node:
            found.extend(node_positions(item))
    return found
