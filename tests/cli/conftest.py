"""Running ``compliance`` in-process on a copy of the bundled sample, with the demo test plugins."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from compliance.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"
PLUGINS = Path(__file__).parent / "plugins"
#: The demo checks alone: the national rule pack is blocked and the configuration file in
#: the working directory selects ``DEMO`` rules, so counts depend on the demo plugin only.
DEMO = ("-p", "no:national", "-p", "demo_checks")
BASE_CONFIG = 'select = ["DEMO"]\n'



class Run(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A working directory holding ``bazhou.txt`` (the sample), with the demo plugins importable."""
    shutil.copyfile(SAMPLE, tmp_path / "bazhou.txt")
    (tmp_path / "compliance.toml").write_text(BASE_CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(PLUGINS))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


@pytest.fixture
def cli(workdir, capsys):
    def run(*args: str, demo: bool = True) -> Run:
        code = main(["check", *args, *(DEMO if demo else ())])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
