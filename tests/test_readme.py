"""The README's quick start and Python example stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_command = "pip install '.[test]' && pytest"
    assert test_command in code_blocks("sh")[1]
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_quick_start_checks_the_bundled_sample() -> None:
    first = code_blocks("sh")[0].strip()
    assert first == "pip install . && compliance check examples/bazhou-2026-budget.txt"
    assert (ROOT / "examples" / "bazhou-2026-budget.txt").is_file()


def test_python_example_runs_and_prints_what_it_says(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    (example,) = code_blocks("python")
    exec(compile(example, "README.md", "exec"), {})  # noqa: S102 - our own documentation
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "部门收入总体情况表 万元 3037.70"
    assert any(line.startswith("CN-NAME-001 error ") for line in out)
    assert '"tool": {' in "\n".join(out)
