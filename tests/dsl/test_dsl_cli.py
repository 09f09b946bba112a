"""`compliance rules list | explain | check | test` through the CLI root."""

from __future__ import annotations

import re
from pathlib import Path

from compliance.cli import main

from dsl_support import PACK_HEADER, write_rules

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = ROOT / "rules" / "national"


def declared_rule_ids(pack: Path) -> set[str]:
    """Rule ids as the pack's files declare them, read straight from the text."""
    return {
        match.group(1)
        for path in pack.glob("*.rules")
        for match in re.finditer(r"^rule (\S+)", path.read_text(encoding="utf-8"), flags=re.M)
    }


def declared_case_count(pack: Path) -> int:
    return sum(path.read_text(encoding="utf-8").count("[[case]]") for path in (pack / "cases").glob("*.toml"))


def test_list_shows_every_national_rule(capsys) -> None:
    assert main(["rules", "list", "--rules", str(NATIONAL)]) == 0
    lines = capsys.readouterr().out.splitlines()
    (tab_001,) = [i for i, line in enumerate(lines) if line.startswith("CN-TAB-001 ")]
    assert lines[tab_001].split() == ["CN-TAB-001", "error", "cn.national", "公开表齐全", "[structure,", "completeness]"]
    # Under each rule, the regulation it cites.
    assert lines[tab_001 + 1].strip() == "↳ 财预〔2016〕143号 第九条"
    rule_lines, reference_lines = lines[0::2], lines[1::2]
    assert {line.split()[0] for line in rule_lines} == declared_rule_ids(NATIONAL)
    assert all(line.lstrip().startswith("↳ ") and "(no reference)" not in line for line in reference_lines)


def test_explain_shows_metadata_params_and_source(capsys) -> None:
    assert main(["rules", "explain", "CN-PERF-001", "--rules", str(NATIONAL)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CN-PERF-001  绩效指标分值权重合计\nseverity:  warning\npack:      cn.national 2026.1 (全国部门预算公开基本要求)\n")
    assert "params:\n  weight_total = 100\n" in out
    assert '    let total = sum(p.indicators.weight)\n' in out


def test_list_long_explains_every_rule(capsys) -> None:
    assert main(["rules", "list", "--long", "--rules", str(NATIONAL)]) == 0
    out = capsys.readouterr().out
    assert out.count("severity:  ") == len(declared_rule_ids(NATIONAL))
    assert "params:\n  required_tables = 部门收支总体情况表、部门收入总体情况表、" in out


def test_explain_unknown_id_suggests(capsys) -> None:
    assert main(["rules", "explain", "CN-TAB-01", "--rules", str(NATIONAL)]) == 2
    assert "unknown rule id 'CN-TAB-01' (did you mean 'CN-TAB-001'?)" in capsys.readouterr().err


def test_check_exits_2_listing_every_error(tmp_path: Path, capsys) -> None:
    write_rules(tmp_path, PACK_HEADER + 'rule A-1 "t"\n  expect tabels exists\nrule A-2 "t"\n  expect x = 1\n')
    assert main(["rules", "check", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert f"{tmp_path / 'test.rules'}:4:1: unknown name 'tabels'" not in out  # column is that of the name
    assert f"{tmp_path / 'test.rules'}:3:10: unknown name 'tabels' (did you mean 'tables'?)" in out
    assert f"{tmp_path / 'test.rules'}:5:12: syntax error: unexpected '='" in out
    assert out.rstrip().endswith("2 error(s)")


def test_check_passes_the_shipped_rules(capsys) -> None:
    assert main(["rules", "check", str(NATIONAL)]) == 0
    assert capsys.readouterr().out == "rule files are valid\n"


def test_test_runs_cases_and_reports_each(tmp_path: Path, capsys) -> None:
    assert main(["rules", "test", str(NATIONAL)]) == 0
    out = capsys.readouterr().out
    assert "PASS  CN-TAB-002  an empty table without an explanation points at the table" in out
    assert out.rstrip().endswith(f"{declared_case_count(NATIONAL)} passed, 0 failed")
    folder = tmp_path / "pack"
    write_rules(folder, PACK_HEADER + 'rule R-1 "t"\n  expect count(tables) == 1\n')
    (folder / "cases").mkdir()
    (folder / "cases" / "r.toml").write_text('rule = "R-1"\n[[case]]\nname = "无表"\noutcome = "pass"\n', encoding="utf-8")
    assert main(["rules", "test", str(folder)]) == 2
    out = capsys.readouterr().out
    assert "FAIL  R-1  无表" in out and "      outcome is fail, expected pass" in out


def test_params_come_from_the_config_file(tmp_path: Path, capsys) -> None:
    config = tmp_path / "compliance.toml"
    config.write_text("[params]\nweight_total = 90\n", encoding="utf-8")
    assert main(["rules", "explain", "CN-PERF-001", "--rules", str(NATIONAL), "--config", str(config)]) == 0
    assert "params:\n  weight_total = 90\n" in capsys.readouterr().out
