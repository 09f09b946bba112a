"""Configuration: discovery, keys, provenance, waivers, the digest, and ``compliance config show``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from compliance.cli import main
from compliance.config import Config, find_config_file, load_config
from compliance.errors import ConfigError
from compliance.findings import Severity

ROOT = Path(__file__).resolve().parents[2]


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_found_by_walking_up_from_the_checked_file(tmp_path) -> None:
    config = write(tmp_path / "compliance.toml", 'fail-on = "warning"\n')
    deep = write(tmp_path / "a" / "b" / "doc.txt", "")
    assert find_config_file(deep) == config
    assert load_config(deep).fail_on == "warning"


def test_compliance_toml_wins_over_pyproject_and_pyproject_needs_its_section(tmp_path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.compliance]\nfail-on = "note"\n')
    inner = tmp_path / "inner"
    write(inner / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config_file(inner) == tmp_path / "pyproject.toml"
    assert load_config(inner).fail_on == "note"
    write(tmp_path / "compliance.toml", 'fail-on = "never"\n')
    assert load_config(inner).fail_on == "never"


def test_no_file_gives_defaults_and_isolated_ignores_files(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(tmp_path) == Config()
    write(tmp_path / "compliance.toml", 'fail-on = "never"\n')
    assert load_config(tmp_path, isolated=True) == Config()


def test_every_key_is_read(tmp_path) -> None:
    config = load_config(path=write(tmp_path / "compliance.toml", """
packs = ["cn.national"]
jurisdiction = "somewhere"
select = ["CN-TAB", "structure"]
ignore = ["CN-PERF-003"]
plugins = ["my_plugin"]
strict-plugins = true
format = "sarif"
fail-on = "warning"

[severity]
"CN-NAR" = "note"

[params]
weight_total = 90
"cn.national.tolerance" = 0.02

[rounding]
policy = "rounding"
tolerance = 0.01

[[waivers]]
rule = "CN-TAB-002"
documents = "2026/*.txt"
reason = "空表说明另行公开"
expires = 2026-12-31
"""))
    assert (config.packs, config.jurisdiction, config.select, config.ignore, config.plugins) == (
        ("cn.national",), "somewhere", ("CN-TAB", "structure"), ("CN-PERF-003",), ("my_plugin",))
    assert (config.strict_plugins, config.format, config.fail_on) == (True, "sarif", "warning")
    assert dict(config.severity) == {"CN-NAR": Severity.NOTE}
    # Money-like numbers are Decimal, never float.
    assert dict(config.params) == {"weight_total": 90, "cn.national.tolerance": Decimal("0.02")}
    assert (config.rounding_policy, config.tolerance) == ("rounding", Decimal("0.01"))
    (waiver,) = config.waivers
    assert (waiver.rule, waiver.documents, waiver.reason, waiver.expires) == (
        "CN-TAB-002", "2026/*.txt", "空表说明另行公开", dt.date(2026, 12, 31))
    assert waiver.covers_document("2026/bazhou.txt") and not waiver.covers_document("2025/bazhou.txt")


def test_rounding_params_reach_rules_only_when_declared() -> None:
    config = Config.from_mapping({"params": {"weight_total": 90}, "rounding": {"policy": "exact", "tolerance": "0.01"}})
    assert config.rule_params(frozenset()) == {"weight_total": 90}
    assert config.rule_params(frozenset({"tolerance"})) == {"weight_total": 90, "tolerance": Decimal("0.01")}
    assert config.rule_params(None) == {"weight_total": 90, "rounding_policy": "exact", "tolerance": Decimal("0.01")}


@pytest.mark.parametrize(("text", "message"), [
    ('selct = ["A"]\n', "unknown key 'selct' (did you mean 'select'?)"),
    ('[rounding]\npolcy = "exact"\n', "unknown key 'rounding.polcy' (did you mean 'rounding.policy'?)"),
    ('[[waivers]]\nrule = "A"\nreason = "r"\nexpiry = 2026-01-01\n', "unknown key 'waivers.expiry' (did you mean 'waivers.expires'?)"),
    ('[[waivers]]\nrule = "A"\n', "every waiver needs a 'reason' (a non-empty string)"),
    ('fail-on = "warnings"\n', "'fail-on' must be one of error, warning, note, never, not 'warnings' (did you mean 'warning'?)"),
    ('[severity]\nA = "fatal"\n', "'severity.A' must be one of note, warning, error, not 'fatal'"),
    ('[rounding]\ntolerance = -1\n', "'rounding.tolerance' must be a non-negative number, not -1"),
    ('select = "A" = 1\n', "invalid TOML"),
])
def test_bad_configuration_is_one_clear_error(tmp_path, text, message) -> None:
    path = write(tmp_path / "compliance.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path=path)
    assert caught.value.message.startswith(message)
    assert caught.value.source == str(path)


def test_provenance_and_command_line_overrides(tmp_path) -> None:
    path = write(tmp_path / "compliance.toml", 'fail-on = "warning"\nselect = ["A"]\n')
    config = load_config(path=path).with_overrides(select=["B"], jurisdiction=None)
    assert config.select == ("B",)
    assert (config.source_of("fail-on"), config.source_of("select"), config.source_of("format")) == (
        str(path), "command line", "default")


def test_digest_is_stable_and_ignores_the_output_format() -> None:
    a = Config.from_mapping({"select": ["A"], "format": "json"})
    b = Config.from_mapping({"format": "sarif", "select": ["A"]})
    assert a.digest() == b.digest()
    assert a.digest() != Config.from_mapping({"select": ["B"]}).digest()
    assert a.digest().startswith("sha256:") and len(a.digest()) == 71


def test_config_show_prints_values_and_where_they_came_from(tmp_path, monkeypatch, capsys) -> None:
    path = write(tmp_path / "compliance.toml", 'fail-on = "warning"\n[[waivers]]\nrule = "A"\nreason = "因故"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["config", "show"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"# configuration file: {path}"
    assert f'fail-on = "warning"  # {path}' in lines
    assert 'format = "text"  # default' in lines
    assert lines[-4:] == [f"[[waivers]]  # {path}", 'rule = "A"', 'documents = "*"', 'reason = "因故"']

    assert main(["config", "show", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["values"]["fail-on"] == "warning" and data["sources"]["fail-on"] == str(path)
    assert data["hash"] == load_config(path=path).digest()


def test_config_show_reports_a_typo_in_one_line(tmp_path, monkeypatch, capsys) -> None:
    path = write(tmp_path / "compliance.toml", 'fail_on = "warning"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["config", "show"]) == 2
    assert capsys.readouterr().err == f"compliance: error: {path}: unknown key 'fail_on' (did you mean 'fail-on'?)\n"


def test_the_documented_example_configuration_is_valid(tmp_path) -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    block = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    config = load_config(path=write(tmp_path / "compliance.toml", block))
    assert config.fail_on == "error" and config.rounding_policy == "rounding"
    assert [w.rule for w in config.waivers] == ["CN-TAB-002"]
