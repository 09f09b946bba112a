"""A jurisdiction's pack sets national params for its own documents only, through the CLI.

The demo plugin contributes ``demo.national`` (rule DEMO-WEIGHT: every performance
table's weights total ``weight_total``, default 100) and ``demo.xinjiang``, which
declares ``weight_total = 90``.  The sample's five performance tables total 90.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compliance.cli import main
from compliance.engine import Engine

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parents[1] / "examples" / "bazhou-2026-budget.txt"
BASE = ("-p", "no:national", "-p", "no:xinjiang", "-p", "no:shanghai", "-p", "demo_regional", "--select", "DEMO", "--format", "json")
NATIONAL_DEFAULT = "「新疆巴州人民政府办公室」分值权重合计 90，应为 100"


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """The sample, and a copy without the 新疆/巴州 markers (no jurisdiction detected)."""
    shutil.copyfile(SAMPLE, tmp_path / "bazhou.txt")
    plain = SAMPLE.read_text(encoding="utf-8").replace("新疆", "某省").replace("巴州", "某州")
    (tmp_path / "plain.txt").write_text(plain, encoding="utf-8")
    (tmp_path / "compliance.toml").write_text("", encoding="utf-8")  # the run's config: defaults
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(HERE / "plugins"))
    return tmp_path


def run(capsys, *args: str) -> dict[str, dict]:
    main(["check", *args, *BASE])
    report = json.loads(capsys.readouterr().out)
    return {Path(d["path"]).name: d for d in report["documents"]}


def messages(document: dict) -> list[str]:
    return [f["message"] for f in document["findings"]]


def test_detected_xinjiang_document_gets_the_regional_param(workdir, capsys) -> None:
    documents = run(capsys, "bazhou.txt")
    assert documents["bazhou.txt"]["jurisdiction"] == "xinjiang"
    assert [(r["rule"], r["outcome"]) for r in documents["bazhou.txt"]["matrix"]] == [("DEMO-WEIGHT", "pass")]


def test_other_documents_in_the_same_run_keep_the_national_default(workdir, capsys) -> None:
    documents = run(capsys, "bazhou.txt", "plain.txt")
    assert messages(documents["bazhou.txt"]) == []
    assert documents["plain.txt"]["jurisdiction"] is None
    assert len(messages(documents["plain.txt"])) == 5
    assert messages(documents["plain.txt"])[0] == NATIONAL_DEFAULT.replace("新疆巴州", "某省某州")


def test_forced_jurisdiction_decides(workdir, capsys) -> None:
    other = run(capsys, "bazhou.txt", "--jurisdiction", "other")["bazhou.txt"]
    assert len(messages(other)) == 5 and messages(other)[0] == NATIONAL_DEFAULT
    forced = run(capsys, "plain.txt", "--jurisdiction", "xinjiang")["plain.txt"]
    assert messages(forced) == []


def test_configured_param_wins_over_the_regional_pack(workdir, capsys) -> None:
    (workdir / "compliance.toml").write_text("[params]\nweight_total = 95\n", encoding="utf-8")
    documents = run(capsys, "bazhou.txt")
    assert messages(documents["bazhou.txt"])[0] == "「新疆巴州人民政府办公室」分值权重合计 90，应为 95"


def test_each_jurisdiction_is_compiled_once_per_engine(workdir) -> None:
    engine = Engine(plugins=["demo_regional", "no:national", "no:xinjiang", "no:shanghai"])
    xinjiang = engine.rule_set_for("xinjiang")
    assert engine.rule_set_for("xinjiang") is xinjiang
    assert engine.rule_set_for(None) is engine.rule_set is engine.rule_set_for("other")
    assert xinjiang.rule("DEMO-WEIGHT").params["weight_total"] == 90
    assert engine.rule_set.rule("DEMO-WEIGHT").params["weight_total"] == 100


def test_a_regional_param_of_another_type_is_an_error(tmp_path) -> None:
    from compliance.dsl import load_rule_set
    from compliance.errors import RuleError

    national = HERE / "plugins" / "regional_packs" / "national"
    regional = tmp_path / "xinjiang"
    regional.mkdir()
    (regional / "pack.rules").write_text('pack demo.xinjiang "演示" version "1"\n\nparam weight_total = "九十"\n', encoding="utf-8")
    assert load_rule_set([national, regional]).rule("DEMO-WEIGHT").params["weight_total"] == 100
    with pytest.raises(RuleError) as caught:
        load_rule_set([national, regional], overriding_packs=["demo.xinjiang"])
    assert caught.value.message == (
        "param 'weight_total' of pack demo.xinjiang must be of the same type as in pack demo.national (its default is 100)"
    )
