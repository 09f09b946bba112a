"""Compiled once per process; parsed ASTs persisted by content hash; a bad cache is harmless."""

from __future__ import annotations

import gc
import json
import os
import pickle
from pathlib import Path

import pytest

from compliance.dsl import cache_dir, load_rule_set
from compliance.dsl import ast_json, loader
from compliance.dsl.parser import parse_text
from compliance.errors import RuleError
from compliance.testing import build_document

from dsl_support import PACK_HEADER, write_rules

TEXT = PACK_HEADER + 'rule R-1 "缓存"\n  expect true\n'


def _ast_files() -> list[Path]:
    return sorted((cache_dir() / "ast").glob("*.json"))


def test_same_files_compile_once_per_process(tmp_path: Path) -> None:
    path = write_rules(tmp_path, TEXT)
    assert load_rule_set([path]) is load_rule_set([path])


def test_a_changed_file_is_recompiled(tmp_path: Path) -> None:
    path = write_rules(tmp_path, TEXT)
    first = load_rule_set([path])
    path.write_text(TEXT.replace("缓存", "改过"), encoding="utf-8")
    assert load_rule_set([path]).rules[0].title == "改过"
    assert first.rules[0].title == "缓存"


def test_parsed_ast_is_stored_and_reused_from_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_rules(tmp_path, TEXT)
    loader._PARSED.clear()
    loader.parse_file(path, TEXT)
    (stored,) = _ast_files()
    assert ast_json.loads(stored.read_text(encoding="utf-8")) == parse_text(TEXT, str(path))
    loader._PARSED.clear()

    def no_parsing(*_args, **_kwargs):
        raise AssertionError("parsed again despite the disk cache")

    monkeypatch.setattr(loader, "parse_text", no_parsing)
    assert loader.parse_file(path, TEXT).rules[0].id == "R-1"


def test_a_corrupt_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    path = write_rules(tmp_path, TEXT)
    loader._PARSED.clear()
    loader.parse_file(path, TEXT)
    (stored,) = _ast_files()
    stored.write_bytes(b"not json")
    loader._PARSED.clear()
    assert loader.parse_file(path, TEXT).rules[0].title == "缓存"
    assert ast_json.loads(stored.read_text(encoding="utf-8")).rules[0].title == "缓存"


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(blocker))
    path = write_rules(tmp_path / "rules", TEXT)
    loader._PARSED.clear()
    assert loader.parse_file(path, TEXT).rules[0].id == "R-1"


def test_cache_dir_defaults_to_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COMPLIANCE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "compliance"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_dir() == Path(os.path.expanduser("~")) / ".cache" / "compliance"


def test_a_corrupt_grammar_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.dsl import parser

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    Path(parser._grammar_cache_file()).write_bytes(b"garbage")
    parser._fast_parser.cache_clear()
    try:
        assert parse_text(TEXT, "x.rules").rules[0].id == "R-1"
    finally:
        parser._fast_parser.cache_clear()


def test_the_parse_table_is_stored_as_json_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.dsl import parser

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    parser._fast_parser.cache_clear()
    try:
        first = parse_text(TEXT, "x.rules")
        stored = Path(parser._grammar_cache_file())
        header, data = (json.loads(line) for line in stored.read_text(encoding="utf-8").split("\n"))
        assert (header["grammar"], len(data["states"]) > 100) == (parser.grammar_hash(), True)
        parser._fast_parser.cache_clear()

        def no_analysis(*_args, **_kwargs):
            raise AssertionError("Lark analysed the grammar again despite the stored table")

        monkeypatch.setattr(parser.tables, "extract", no_analysis)
        again = parse_text(TEXT, "x.rules")
    finally:
        parser._fast_parser.cache_clear()
    assert again == first and again.rules[0].line == first.rules[0].line == 2


def _stored_table() -> tuple[str, dict]:
    """The parse table this test's cache folder holds: its text, and its data line read."""
    from compliance.dsl import parser

    parser._fast_parser.cache_clear()
    parser._fast_parser()  # stores the table in this test's cache folder
    text = Path(parser._grammar_cache_file()).read_text(encoding="utf-8")
    return text, json.loads(text.split("\n")[1])


def test_a_parse_table_with_a_negative_number_is_refused() -> None:
    from compliance.dsl import parser, tables

    text, data = _stored_table()
    data["states"][0][1] = -1  # would count from the end of the actions: a wrong action, not an error
    with pytest.raises(tables.TableFormatError, match="negative"):
        tables.from_json(tables.to_json(data, parser.grammar_hash()), parser.grammar_hash())
    data["states"][0][1] = "1"
    with pytest.raises(tables.TableFormatError):
        tables.from_json(tables.to_json(data, parser.grammar_hash()), parser.grammar_hash())
    with pytest.raises(tables.TableFormatError, match="another grammar"):
        tables.from_json(text, "0" * 16)


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],                       # cut short
    lambda text: text.replace('"rules":[["', '"rules":[[7,"', 1),  # a rule's name altered
    lambda text: text.split("\n")[1],                          # no header
    lambda text: text.split("\n")[0] + "\n" + "[" * 100_000,  # deep nesting
], ids=["truncated", "altered", "headerless", "nested"])
def test_a_damaged_parse_table_is_refused_and_worked_out_again(damage) -> None:
    from compliance.dsl import parser, tables

    text, _ = _stored_table()
    target = Path(parser._grammar_cache_file())
    target.write_text(damage(text), encoding="utf-8")
    with pytest.raises(tables.TableFormatError):
        tables.from_json(target.read_text(encoding="utf-8"), parser.grammar_hash())
    parser._fast_parser.cache_clear()
    try:
        assert parse_text(TEXT, "x.rules").rules[0].title == "缓存"
    finally:
        parser._fast_parser.cache_clear()
    # Written again in full (Lark may number the states otherwise on another analysis).
    assert len(tables.from_json(target.read_text(encoding="utf-8"), parser.grammar_hash()).rules) > 100


class _Planted:
    """A pickle that, when loaded, creates ``marker``: what an attacker would plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_cache_folder_others_can_write_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.dsl import parser

    shared = tmp_path / "shared-cache"
    (shared / "ast").mkdir(parents=True)
    shared.chmod(0o777)
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(shared))
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(_Planted(marker))
    key = (parser.grammar_hash(), parser.content_hash(TEXT))
    (shared / "ast" / f"{key[0]}-{key[1]}.json").write_bytes(payload)
    for kind in ("fast", "reference"):  # both parsers' grammar analyses, as they are named
        (shared / f"grammar-{kind}-{parser.grammar_hash()}.lark-cache").write_bytes(b"0\n" + payload)
    loader._PARSED.clear()
    parser._fast_parser.cache_clear()
    parser._reference_lark.cache_clear()
    try:
        path = write_rules(tmp_path / "rules", TEXT)
        assert loader.parse_file(path, TEXT).rules[0].title == "缓存"
        with pytest.raises(RuleError, match="syntax error"):  # the reference parser, for the message
            parse_text(TEXT + "rule R-2 \"坏\"\n  expect = 1\n", "bad.rules")
    finally:
        parser._fast_parser.cache_clear()
        parser._reference_lark.cache_clear()
    assert not marker.exists()
    assert parser._grammar_cache_file("fast") is None
    assert parser._grammar_cache_file("reference") is None
    assert (shared / "ast" / f"{key[0]}-{key[1]}.json").read_bytes() == payload  # neither read nor replaced


def test_a_pickle_planted_as_the_parse_table_is_never_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.dsl import parser

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    marker = tmp_path / "code-ran"
    parser._fast_parser.cache_clear()
    try:
        table = Path(parser._grammar_cache_file())
        table.write_bytes(pickle.dumps(_Planted(marker)))
        assert parse_text(TEXT, "x.rules").rules[0].title == "缓存"
    finally:
        parser._fast_parser.cache_clear()
    assert not marker.exists()
    header = json.loads(table.read_text(encoding="utf-8").split("\n")[0])
    assert header["grammar"] == parser.grammar_hash()  # rebuilt as data


def test_the_cache_folder_is_created_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "fresh"))
    path = write_rules(tmp_path / "rules", TEXT)
    loader._PARSED.clear()
    loader.parse_file(path, TEXT)
    assert (tmp_path / "fresh").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "fresh" / "ast").stat().st_mode & 0o777 == 0o700
    assert len(_ast_files()) == 1


def test_the_ast_cache_is_json_so_a_planted_pickle_never_runs(tmp_path: Path) -> None:
    """Even in a private folder, an AST cache entry is read as JSON: a pickle there is just corrupt."""
    from compliance.dsl import parser

    marker = tmp_path / "code-ran"
    path = write_rules(tmp_path / "rules", TEXT)
    folder = cache_dir() / "ast"
    folder.mkdir(parents=True, exist_ok=True)
    key = (parser.grammar_hash(), parser.content_hash(TEXT))
    (folder / f"{key[0]}-{key[1]}.json").write_bytes(pickle.dumps(_Planted(marker)))
    loader._PARSED.clear()
    assert loader.parse_file(path, TEXT).rules[0].title == "缓存"
    assert not marker.exists()
    assert ast_json.loads((folder / f"{key[0]}-{key[1]}.json").read_text(encoding="utf-8")).rules[0].title == "缓存"


def test_a_rule_set_with_other_params_recompiles_only_the_rules_that_read_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    national = write_rules(tmp_path / "national", 'pack demo.national "全国" version "1"\nparam limit = 3\n'
                           'rule N-1 "读参数"\n  expect 4 <= limit\n    message "上限 {limit}"\n'
                           'rule N-2 "不读参数"\n  expect 1 == 1\n')
    regional = write_rules(tmp_path / "regional", 'pack demo.regional "地方" version "1"\nparam limit = 5\n')
    compiled: list[str] = []
    compile_rule = loader._compile_rule
    monkeypatch.setattr(loader, "_compile_rule", lambda decl, *rest: compiled.append(decl.id) or compile_rule(decl, *rest))

    base = load_rule_set([national, regional])
    overridden = load_rule_set([national, regional], overriding_packs=["demo.regional"])
    assert compiled == ["N-1", "N-2", "N-1"]
    assert overridden.rule("N-2") is base.rule("N-2")
    assert (base.rule("N-1").params["limit"], overridden.rule("N-1").params["limit"]) == (3, 5)
    document = build_document({})
    assert [r.outcome.value for r in base.evaluate(document)] == ["fail", "pass"]
    assert [r.outcome.value for r in overridden.evaluate(document)] == ["pass", "pass"]


def test_building_a_rule_set_pauses_the_cycle_collector_and_restores_it(tmp_path: Path) -> None:
    seen: list[bool] = []
    functions = {"collector_on": lambda: seen.append(gc.isenabled()) or True}
    path = write_rules(tmp_path, PACK_HEADER + 'param on = collector_on()\nrule R-1 "t"\n  expect on\n')
    assert gc.isenabled()
    load_rule_set([path], functions=functions)
    assert seen == [False] and gc.isenabled()
    other = write_rules(tmp_path / "other", PACK_HEADER + 'param on = collector_on()\nrule R-2 "t"\n  expect on\n')
    gc.disable()
    try:
        load_rule_set([other], functions=functions)
        assert seen == [False, False] and not gc.isenabled()  # left off, as the caller had it
    finally:
        gc.enable()
