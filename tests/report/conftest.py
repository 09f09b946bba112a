"""Reports rendered from a real run on the bundled sample with the demo checks of the CLI tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compliance.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"
DEMO_PLUGINS = ROOT / "tests" / "cli" / "plugins"


@pytest.fixture
def render(tmp_path, monkeypatch, capsys):
    """``render(format, *args)`` → the report text of ``missing.txt`` (unreadable) and ``bazhou.txt``."""
    shutil.copyfile(SAMPLE, tmp_path / "bazhou.txt")
    (tmp_path / "compliance.toml").write_text(
        'select = ["DEMO"]\n[[waivers]]\nrule = "DEMO-NOTE-001"\nreason = "已知"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(DEMO_PLUGINS))

    def run(fmt: str, *args: str) -> str:
        main(["check", "missing.txt", "bazhou.txt", "--format", fmt, "-p", "no:national", "-p", "demo_checks", *args])
        return capsys.readouterr().out

    return run
