"""The AST cache format: every rule file in the repository survives a JSON round trip, positions included."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.dsl import ast, ast_json
from compliance.dsl.parser import parse_text

from dsl_support import node_positions

REPO = Path(__file__).resolve().parents[2]
RULE_FILES = sorted((REPO / "rules").rglob("*.rules"))


@pytest.mark.parametrize("path", RULE_FILES, ids=[str(p.relative_to(REPO)) for p in RULE_FILES])
def test_rule_files_round_trip(path: Path) -> None:
    parsed = parse_text(path.read_text(encoding="utf-8"), str(path))
    restored = ast_json.loads(ast_json.dumps(parsed))
    assert restored == parsed
    assert node_positions(restored) == node_positions(parsed)
    assert [r.source for r in restored.rules] == [r.source for r in parsed.rules]


def test_decimals_stay_exact() -> None:
    restored = ast_json.loads(ast_json.dumps(ast.Number(Decimal("2147.330"), line=3, column=9)))
    assert (restored, str(restored.value), restored.line, restored.column) == (
        ast.Number(Decimal("2147.330")), "2147.330", 3, 9)


@pytest.mark.parametrize("text", [
    '{"N": ["Popen", 1, 1, ["touch", "x"]]}',
    '{"N": ["Number", 1, 1, {"$d": "not a number"}]}',
    '{"N": ["Number", 1, 1, {"$d": "1"}, "nonsense"]}',
    '{"N": ["Number", "1", 1, {"$d": "1"}]}',
    '{"value": 1}',
    '{"N": ["Number", 1, 1, {"$d": "1"}], "$d": "2"}',
    '[1.5]',
    'not json',
], ids=["a class outside the AST", "a bad decimal", "a field too many", "a position not a number", "no tag",
        "two tags", "a float", "not JSON"])
def test_anything_else_is_a_format_error(text: str) -> None:
    with pytest.raises(ast_json.CacheFormatError):
        ast_json.loads(text)


def test_a_tree_too_deep_to_write_raises_recursion_error() -> None:
    # The loader then skips the cache entry; the encoder tracks no cycles, but still its depth.
    node: ast.Node = ast.Name("x", line=1, column=1)
    for _ in range(100_000):
        node = ast.Neg(node, line=1, column=1)
    with pytest.raises(RecursionError):
        ast_json.dumps(node)
