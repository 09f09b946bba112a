"""The AST cache format: every rule file in the repository survives a JSON round trip, positions included."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from compliance.dsl import ast, ast_json
from compliance.dsl.parser import parse_text

REPO = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((REPO / "rules").rglob("*.rules"))


def _positions(node: object) -> list[tuple[str, int, int]]:
    """Every node's class and position, depth first: what equality ignores."""
    found: list[tuple[str, int, int]] = []
    if isinstance(node, ast.Node):
        found.append((type(node).__name__, node.line, node.column))
        for attribute in attrs.fields(type(node)):
            found.extend(_positions(getattr(node, attribute.name)))
    elif isinstance(node, tuple):
        for item in node:
            found.extend(_positions(item))
    return found


@pytest.mark.parametrize("path", RULE_FILES, ids=[str(p.relative_to(REPO)) for p in RULE_FILES])
def test_rule_files_round_trip(path: Path) -> None:
    parsed = parse_text(path.read_text(encoding="utf-8"), str(path))
    restored = ast_json.loads(ast_json.dumps(parsed))
    assert restored == parsed
    assert _positions(restored) == _positions(parsed)
    assert [r.source for r in restored.rules] == [r.source for r in parsed.rules]


def test_decimals_stay_exact() -> None:
    restored = ast_json.loads(ast_json.dumps(ast.Number(Decimal("2147.330"), line=3, column=9)))
    assert (restored, str(restored.value), restored.line, restored.column) == (
        ast.Number(Decimal("2147.330")), "2147.330", 3, 9)


@pytest.mark.parametrize("text", [
    '{"$": "Popen", "args": ["touch", "x"]}',
    '{"$": "Number", "value": {"$d": "not a number"}}',
    '{"$": "Number", "nonsense": 1}',
    '{"value": 1}',
    '[1.5]',
    'not json',
], ids=["a class outside the AST", "a bad decimal", "an unknown field", "no tag", "a float", "not JSON"])
def test_anything_else_is_a_format_error(text: str) -> None:
    with pytest.raises(ast_json.CacheFormatError):
        ast_json.loads(text)
