"""``compliance check`` through the CLI: output, exit codes, selection, policy and bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

from compliance.cli import main


def add_config(workdir: Path, text: str) -> Path:
    """Append ``text`` to the working directory's ``compliance.toml``."""
    path = workdir / "compliance.toml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def findings(run) -> list[tuple[str, str]]:
    data = json.loads(run.out)
    return [(f["rule"], f["severity"]) for d in data["documents"] for f in d["findings"]]


def test_text_report_lines_quotes_and_markers(cli) -> None:
    run = cli("bazhou.txt")
    assert run.code == 1
    lines = run.out.splitlines()
    at = lines.index("bazhou.txt:320:11: error DEMO-ERR-001 演示：金额与合计不符")
    assert lines[at + 1] == "  320 | 301 03 奖金   384.69  384.69  "
    assert lines[at + 2] == "      |               ^^^^^^"
    assert lines[at + 3] == "    stated=384.69, computed=0.00"
    assert "bazhou.txt:147:1: warning DEMO-WARN-001 演示：表2标题提示" in lines
    assert "bazhou.txt:105:1: note DEMO-NOTE-001 演示：说明" in lines
    assert lines[-2:] == [
        "bazhou.txt: 4 rule(s): 3 fail, 1 not applicable",
        "1 document(s) checked: 1 error(s), 2 warning(s), 1 note(s)",
    ]
    assert "\x1b[" not in run.out


def test_text_report_names_rules_that_could_not_judge(cli) -> None:
    run = cli("bazhou.txt", "-p", "demo_crashing_check", "--select", "CRASH")
    assert run.out.splitlines()[-3:-1] == [
        "bazhou.txt: 1 rule(s): 1 error",
        "  error: CRASH-001 会崩溃的检查: ZeroDivisionError: division by zero",
    ]


def test_colour_only_when_asked_or_on_a_terminal(cli, monkeypatch) -> None:
    coloured = cli("bazhou.txt", "--color", "always")
    assert "\x1b[31;1merror\x1b[0m \x1b[1mDEMO-ERR-001\x1b[0m" in coloured.out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in cli("bazhou.txt").out


def test_fail_on_thresholds(cli) -> None:
    assert cli("bazhou.txt", "--fail-on", "never").code == 0
    assert cli("bazhou.txt", "--fail-on", "error").code == 1
    assert cli("bazhou.txt", "--ignore", "DEMO-ERR", "--fail-on", "error").code == 0
    assert cli("bazhou.txt", "--ignore", "DEMO-ERR", "--fail-on", "warning").code == 1
    assert cli("bazhou.txt", "--ignore", "DEMO-ERR,DEMO-WARN", "--fail-on", "warning").code == 0
    assert cli("bazhou.txt", "--ignore", "DEMO-ERR,DEMO-WARN", "--fail-on", "note").code == 1


def test_select_and_ignore_by_id_prefix_and_tag(cli) -> None:
    assert findings(cli("bazhou.txt", "--format", "json", "--select", "DEMO-WARN")) == [
        ("DEMO-WARN-001", "warning"), ("DEMO-WARN-001", "warning")]
    assert findings(cli("bazhou.txt", "--format", "json", "--select", "structure")) == [
        ("DEMO-WARN-001", "warning"), ("DEMO-WARN-001", "warning")]
    assert findings(cli("bazhou.txt", "--format", "json", "--ignore", "DEMO-WARN", "--ignore", "arith")) == [
        ("DEMO-NOTE-001", "note")]


def test_an_unknown_rule_id_in_select_is_a_one_line_usage_error(cli) -> None:
    run = cli("bazhou.txt", "--select", "DEMO-EROR-001")
    assert run.code == 2
    assert run.err == (
        "compliance: error: command line: select: 'DEMO-EROR-001' matches no rule id, tag or pack "
        "(did you mean 'DEMO-ERR-001'?)\n")
    assert run.out == ""


def test_jurisdiction_packs_run_only_for_their_jurisdiction(cli, workdir) -> None:
    assert "DEMO-JUR-001" not in cli("bazhou.txt").out
    assert "bazhou.txt:105:1: error DEMO-JUR-001 演示：仅限某地的要求" in cli("bazhou.txt", "--jurisdiction", "somewhere").out
    add_config(workdir, 'jurisdiction = "somewhere"\n')
    assert "DEMO-JUR-001" in cli("bazhou.txt").out


def test_severity_overrides_from_the_config_file(cli, workdir) -> None:
    add_config(workdir, '[severity]\n"DEMO-ERR-001" = "warning"\n')
    run = cli("bazhou.txt", "--format", "json")
    assert ("DEMO-ERR-001", "warning") in findings(run)
    assert run.code == 0
    assert cli("bazhou.txt", "--fail-on", "warning").code == 1


def test_a_waiver_silences_a_finding_until_it_expires(cli, workdir) -> None:
    config = add_config(
        workdir, '[[waivers]]\nrule = "DEMO-ERR-001"\ndocuments = "*.txt"\nreason = "经审核同意"\nexpires = 2999-12-31\n')
    run = cli("bazhou.txt", "--format", "json")
    assert run.code == 0
    data = json.loads(run.out)
    waived = [f for f in data["documents"][0]["findings"] if f["waived"]]
    assert [(f["rule"], f["waived"]) for f in waived] == [("DEMO-ERR-001", "经审核同意")]
    assert data["summary"]["waived"] == 1 and data["summary"]["error"] == 0
    assert "DEMO-ERR-001" not in cli("bazhou.txt").out

    config.write_text(config.read_text(encoding="utf-8").replace("2999-12-31", "2000-01-01"), encoding="utf-8")
    expired = cli("bazhou.txt", "--format", "json")
    assert expired.code == 1
    assert ("DEMO-ERR-001", "error") in findings(expired)
    assert ("WAIVER-EXPIRED", "warning") in findings(expired)
    assert "compliance: warning: 豁免已于 2000-01-01 过期，不再生效：DEMO-ERR-001（经审核同意）" in expired.err


def test_a_config_typo_is_a_one_line_error_with_a_suggestion(cli, workdir) -> None:
    add_config(workdir, 'fial-on = "warning"\n')
    run = cli("bazhou.txt")
    assert run.code == 2
    assert run.err == f"compliance: error: {workdir / 'compliance.toml'}: unknown key 'fial-on' (did you mean 'fail-on'?)\n"


def test_unreadable_documents_exit_3_and_the_others_are_still_reported(cli, workdir) -> None:
    run = cli("missing.txt", "bazhou.txt", "--format", "json")
    assert run.code == 3
    data = json.loads(run.out)
    assert [(d["path"], d["status"], d["error"]) for d in data["documents"]] == [
        ("missing.txt", "error", {"type": "LoadError", "message": "no such file"}),
        ("bazhou.txt", "ok", None),
    ]
    assert len(data["documents"][1]["findings"]) == 4
    assert run.err == "compliance: error: missing.txt: no such file\n"


def test_an_unknown_format_is_a_usage_error(cli) -> None:
    run = cli("bazhou.txt", "--format", "jsn")
    assert run.code == 2
    assert run.err.startswith("compliance: error: unknown report format 'jsn' (known: json, junit, markdown, sarif, text")
    assert run.err.endswith(") (did you mean 'json'?)\n")


def test_a_plugin_that_raises_is_named_and_the_run_goes_on(cli) -> None:
    run = cli("bazhou.txt", "-p", "demo_broken", "-p", "demo_unimportable")
    assert run.code == 1
    assert run.err.splitlines() == [
        "compliance: warning: plugin 'demo_unimportable' failed to load: ImportError: missing dependency 'nonexistent_lib'",
        "compliance: warning: bazhou.txt: plugin 'demo_broken' raised in compliance_enrich_document: RuntimeError: enricher exploded",
        "compliance: warning: bazhou.txt: plugin 'demo_broken' raised in compliance_process_findings: ValueError: post-processor exploded",
    ]
    assert "DEMO-ERR-001" in run.out


def test_strict_plugins_stop_the_run_with_the_plugins_name(cli) -> None:
    run = cli("bazhou.txt", "-p", "demo_broken", "--strict-plugins")
    assert run.code == 2
    assert run.err == (
        "compliance: error: bazhou.txt: plugin 'demo_broken' raised in compliance_enrich_document: "
        "RuntimeError: enricher exploded\n")
    assert cli("bazhou.txt", "-p", "demo_unimportable", "--strict-plugins").code == 2


def test_a_crashing_check_gives_an_error_outcome_not_a_traceback(cli) -> None:
    run = cli("bazhou.txt", "-p", "demo_crashing_check", "--select", "CRASH", "--format", "json")
    data = json.loads(run.out)
    matrix = {m["rule"]: (m["outcome"], m["reason"]) for m in data["documents"][0]["matrix"]}
    assert matrix["CRASH-001"] == ("error", "ZeroDivisionError: division by zero")
    assert "compliance: warning: check CRASH-001 (plugin 'demo_crashing_check') raised" in run.err
    assert run.code == 1


def test_post_processing_plugin_through_the_cli(cli) -> None:
    run = cli("bazhou.txt", "-p", "demo_downgrade", "--format", "json")
    assert sorted(findings(run)) == [("DEMO-ERR-001", "note"), ("DEMO-WARN-001", "warning"), ("DEMO-WARN-001", "warning")]
    assert run.code == 0


def test_output_file_is_written_whole_and_nothing_else_is_left(cli, workdir) -> None:
    run = cli("bazhou.txt", "--format", "json", "--output", "out/report.json")
    assert run.code == 2 and "cannot write report" in run.err  # the directory does not exist
    (workdir / "out").mkdir()
    run = cli("bazhou.txt", "--format", "json", "--output", "out/report.json")
    assert run.code == 1 and run.out == ""
    assert json.loads((workdir / "out" / "report.json").read_text(encoding="utf-8"))["summary"]["error"] == 1
    assert [p.name for p in (workdir / "out").iterdir()] == ["report.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert (workdir / "out" / "report.json").stat().st_mode & 0o777 == 0o666 & ~umask


def test_reports_are_deterministic_and_jobs_keep_the_input_order(cli, workdir) -> None:
    for name in ("c.txt", "a.txt", "b.txt"):
        (workdir / name).write_bytes((workdir / "bazhou.txt").read_bytes())
    serial = cli("c.txt", "a.txt", "b.txt", "--format", "json")
    parallel = cli("c.txt", "a.txt", "b.txt", "--format", "json", "--jobs", "3")
    assert serial.out == parallel.out
    assert [d["path"] for d in json.loads(parallel.out)["documents"]] == ["c.txt", "a.txt", "b.txt"]
    assert cli("c.txt", "a.txt", "b.txt", "--format", "json").out == serial.out


def test_directories_are_walked_recursively_by_declared_suffix(cli, workdir) -> None:
    tree = workdir / "tree" / "sub"
    tree.mkdir(parents=True)
    (tree / "z.txt").write_bytes((workdir / "bazhou.txt").read_bytes())
    (workdir / "tree" / "a.txt").write_bytes((workdir / "bazhou.txt").read_bytes())
    (workdir / "tree" / "notes.md").write_text("# not a disclosure\n", encoding="utf-8")
    run = cli("tree", "--format", "json", "-p", "demo_suffixes")
    assert [d["path"] for d in json.loads(run.out)["documents"]] == [
        str(Path("tree") / "a.txt"), str(Path("tree") / "sub" / "z.txt")]


def test_baseline_reports_only_new_findings_even_after_lines_moved(cli, workdir) -> None:
    old = cli("bazhou.txt", "--format", "json")
    (workdir / "old.json").write_text(old.out, encoding="utf-8")
    sample = workdir / "bazhou.txt"
    sample.write_text("\n\n\n" + sample.read_text(encoding="utf-8"), encoding="utf-8")

    moved = cli("bazhou.txt", "--format", "json")
    assert [f["location"]["line"] for f in json.loads(moved.out)["documents"][0]["findings"]] == [108, 150, 194, 323]
    same = cli("bazhou.txt", "--format", "json", "--baseline", "old.json")
    data = json.loads(same.out)
    assert data["documents"][0]["findings"] == []
    assert data["summary"]["baselined"] == 4
    assert same.code == 0

    new = cli("bazhou.txt", "--format", "json", "--baseline", "old.json", "--jurisdiction", "somewhere")
    assert findings(new) == [("DEMO-JUR-001", "error")]
    assert new.code == 1


def test_a_bad_baseline_is_a_usage_error(cli, workdir) -> None:
    (workdir / "old.json").write_text('{"documents": [{"path": "x"}]}', encoding="utf-8")
    run = cli("bazhou.txt", "--baseline", "old.json")
    assert run.code == 2
    assert run.err == (
        "compliance: error: old.json: baseline is not a compliance JSON report "
        "(missing documents/findings/fingerprint)\n")


def test_debug_shows_the_traceback(workdir) -> None:
    import pytest

    from compliance.errors import ConfigError

    with pytest.raises(ConfigError):
        main(["--debug", "check", "bazhou.txt", "--select", "NOPE", "-p", "no:national", "-p", "demo_checks"])


def test_plugins_listed_in_the_config_file_are_loaded(workdir, capsys) -> None:
    add_config(workdir, 'plugins = ["demo_checks"]\n')
    code = main(["check", "bazhou.txt", "-p", "no:national", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in data["documents"][0]["findings"]] == [
        "DEMO-NOTE-001", "DEMO-WARN-001", "DEMO-WARN-001", "DEMO-ERR-001"]
    assert code == 1


def test_p_no_blocks_a_builtin_reporter(cli) -> None:
    run = cli("bazhou.txt", "--format", "markdown", "-p", "no:report_markdown")
    assert run.code == 2
    assert "unknown report format 'markdown'" in run.err


def test_plugin_warnings_from_parallel_workers_reach_the_user(cli, workdir) -> None:
    (workdir / "copy.txt").write_bytes((workdir / "bazhou.txt").read_bytes())
    serial = cli("bazhou.txt", "copy.txt", "-p", "demo_broken", "--format", "json")
    parallel = cli("bazhou.txt", "copy.txt", "-p", "demo_broken", "--format", "json", "--jobs", "2")
    assert parallel.err == serial.err
    assert "compliance: warning: copy.txt: plugin 'demo_broken' raised in compliance_enrich_document" in parallel.err
    assert parallel.out == serial.out


def test_a_file_no_loader_reads_is_one_line_and_exit_3(cli, workdir) -> None:
    (workdir / "scan.bin").write_bytes(bytes(range(256)) * 4)
    run = cli("scan.bin")
    assert run.code == 3
    assert run.err == "compliance: error: scan.bin: no loader reads files like this (suffix '.bin')\n"
    assert run.out.splitlines() == [
        "scan.bin: error no loader reads files like this (suffix '.bin')",
        "1 document(s) checked: 0 error(s), 0 warning(s), 0 note(s) (1 unreadable)",
    ]


def test_a_plugins_broken_rule_pack_is_dropped_with_its_name(cli) -> None:
    run = cli("bazhou.txt", "-p", "demo_broken_pack")
    assert run.code == 1
    (warning,) = run.err.splitlines()
    assert warning.startswith(
        "compliance: warning: plugin 'demo_broken_pack' contributed a rule pack that does not compile: ")
    assert "broken_pack/pack.rules:4:" in warning
    assert "DEMO-ERR-001" in run.out
    strict = cli("bazhou.txt", "-p", "demo_broken_pack", "--strict-plugins")
    assert strict.code == 2 and "broken_pack/pack.rules:4:" in strict.err
