"""What ``compliance parse FILE`` prints works for every format (the loaders registered as plugins)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import compliance
from compliance.commands.parse import tree_lines
from compliance.serialize import document_to_dict

from conftest import LOADERS, SHANGHAI


@pytest.mark.parametrize("fmt", sorted(LOADERS))
def test_parse_outline_and_json_for_each_format(fmt: str, renderings: dict[str, Path]) -> None:
    path = renderings[fmt]
    document = compliance.load(path, plugins=[LOADERS[fmt]])
    lines = tree_lines(document)
    assert lines[0] == f"2026 年新疆巴州人民政府办公室部门预算公开  ({path}, {fmt})"
    data = json.loads(json.dumps(document_to_dict(document), ensure_ascii=False))
    assert len(data["tables"]) == 12


def test_parse_of_a_real_pdf_shows_pages_and_boxes() -> None:
    path = SHANGHAI / "putuo-sifaju-2026-dept-budget.pdf"
    document = compliance.load(path, plugins=[LOADERS["pdf"]])
    assert document.meta["jurisdiction"] == "shanghai"
    outline = "\n".join(tree_lines(document))
    assert "[p22]" in outline
    data = document_to_dict(document)
    first_row = data["tables"][0]["rows"][0]
    assert first_row["span"]["page"] == 10
    assert first_row["span"]["bbox"] is not None
