"""Every example in docs/rule-language.md runs and produces the result printed under it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from compliance.dsl import load_rule_set
from compliance.errors import RuleError
from compliance.testing import build_document

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DOC = Path(__file__).resolve().parents[2] / "docs" / "rule-language.md"
BLOCK = re.compile(r"^```([\w-]+(?: \w+)?)\n(.*?)^```$", re.M | re.S)
HEADER = 'pack doc.examples "文档示例"\n'


def _blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def _examples() -> list[tuple[str, str, str]]:
    blocks = _blocks()
    examples = []
    for (kind, text), (next_kind, result) in zip(blocks, blocks[1:]):
        if kind in ("rules", "rules-error"):
            assert next_kind == "result", f"example without a result block:\n{text}"
            examples.append((kind, text, result))
    return examples


def _document():
    (spec,) = [text for kind, text in _blocks() if kind == "toml document"]
    return build_document(tomllib.loads(spec))


def test_the_page_has_examples_for_the_constructs() -> None:
    text = "\n".join(t for _k, t, _r in _examples())
    for construct in ("pack ", "param ", "severity", "reference", "description", "for ", " where ", "let ", "when ",
                      "else \"", "message", "at ", "related", "values", "within rounding", "within 0.01", "??",
                      " ~ ", "contains", "matches", " in ", "not in", "any ", "all ", "none ", "count ", "satisfies",
                      "[t.number for", "if ", "exists", "table(", ".row(", ".column(", ".value(", ".cell(", "children",
                      "sum(", "min(", "max(", "abs(", "round(", "len(", "text(", "normalize("):
        assert construct in text, construct


@pytest.mark.parametrize("kind, text, result", _examples(), ids=lambda v: v.split('"')[0][:30] if isinstance(v, str) else v)
def test_doc_example(tmp_path: Path, kind: str, text: str, result: str) -> None:
    source = text if text.startswith("pack ") else HEADER + text
    path = tmp_path / "example.rules"
    path.write_text(source, encoding="utf-8")
    expected = result.strip().splitlines()
    if kind == "rules-error":
        with pytest.raises(RuleError) as caught:
            load_rule_set([path])
        assert caught.value.message == expected[0]
        return
    (outcome,) = load_rule_set([path]).evaluate(_document())
    messages = [line for line in expected[1:] if not line.startswith("reason: ")]
    reasons = [line[len("reason: "):] for line in expected[1:] if line.startswith("reason: ")]
    assert outcome.outcome.value == expected[0], outcome.reason
    assert [f.message for f in outcome.findings] == messages
    if reasons:
        assert outcome.reason == reasons[0]
