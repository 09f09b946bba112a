"""The example jurisdiction plugin in examples/plugins/: installed for real, all four extensions show up.

It is exercised twice: loaded with ``-p`` from its source folder, and installed
with pip (its own entry point, no ``-p``) into a target directory that a fresh
``python -m compliance.cli`` process finds on its path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from compliance.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "plugins" / "compliance-hainan"
SAMPLE = EXAMPLE / "samples" / "demo.hnb"


def assert_all_four_extensions_ran(report: dict) -> None:
    (document,) = report["documents"]
    assert (document["status"], document["jurisdiction"]) == ("ok", "hainan")
    assert "cn.hainan" in document["packs"] and "cn.national" in document["packs"]
    assert {p["name"]: p["version"] for p in report["packs"]}["cn.hainan"] == "0.1.0"
    kinds = {r["id"]: (r["kind"], r["pack"]) for r in report["rules"]}
    assert kinds["HN-TAB-001"] == ("rule", "cn.hainan")
    assert kinds["HN-PY-001"] == ("check", "cn.hainan")
    hainan = [f for f in document["findings"] if f["rule"].startswith("HN-")]
    # The loader read the tables (lines and cells), the rule pack's rule called the plugin's
    # function, and the Python check ran.
    assert [(f["rule"], f["location"]["line"], f["location"]["column"], f["values"]) for f in hainan] == [
        ("HN-TAB-001", 11, 10, {"stated": "131.00", "computed": "130.00"}),
        ("HN-PY-001", 13, 1, {"stated": "元", "expected": "万元"}),
    ]
    assert hainan[0]["message"] == "表1「一般公共预算支出情况表」合计为 131.00，各类级科目合计 130.00"


def test_loaded_with_p_from_its_source(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.chdir(tmp_path)
    code = main(["check", str(SAMPLE), "-p", "compliance_hainan", "--format", "json"])
    assert code == 1
    assert_all_four_extensions_ran(json.loads(capsys.readouterr().out))


def test_installed_with_pip_and_found_through_its_entry_point(tmp_path) -> None:
    source = tmp_path / "src"
    shutil.copytree(EXAMPLE, source)  # build in a copy: pip builds in the source tree
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(target), str(source)],
        check=True, capture_output=True, text=True,
    )
    assert (target / "compliance_hainan" / "rules" / "hainan" / "pack.rules").is_file()
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "compliance.cli", "check", str(SAMPLE), "--format", "json", "--isolated"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert run.returncode == 1, run.stderr
    assert run.stderr == ""
    assert_all_four_extensions_ran(json.loads(run.stdout))


def test_its_enrichment_marks_a_text_disclosure_from_its_jurisdiction(tmp_path, monkeypatch, capsys) -> None:
    text = (ROOT / "examples" / "bazhou-2026-budget.txt").read_text(encoding="utf-8")
    renamed = text.replace("新疆巴州", "海南三亚").replace("巴州", "三亚").replace("新疆", "海南")
    (tmp_path / "sanya.txt").write_text(renamed, encoding="utf-8")
    monkeypatch.syspath_prepend(str(EXAMPLE))
    monkeypatch.chdir(tmp_path)
    main(["check", "sanya.txt", "-p", "compliance_hainan", "--format", "json", "--isolated"])
    sanya = json.loads(capsys.readouterr().out)["documents"][0]
    assert sanya["jurisdiction"] == "hainan"
    assert "cn.hainan" in sanya["packs"]
    assert {m["rule"] for m in sanya["matrix"]} >= {"HN-TAB-001", "HN-PY-001"}
