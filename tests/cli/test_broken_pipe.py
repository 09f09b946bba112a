"""A reader that stops early (``compliance … | head``) is not an error: no traceback, exit 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bazhou-2026-budget.txt"


@pytest.mark.parametrize(
    ("arguments", "first_bytes"),
    [
        (["parse", str(SAMPLE), "--format", "json"], b"{"),
        (["rules", "list", "--long"], b"CN-"),
    ],
    ids=["parse", "rules-list"],
)
def test_reader_closing_the_pipe_early_is_not_an_error(arguments: list[str], first_bytes: bytes) -> None:
    # Both outputs are larger than a pipe's buffer, so the writer meets the closed pipe.
    command = [sys.executable, "-m", "compliance.cli", *arguments]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        head = process.stdout.read(20)
        process.stdout.close()
        errors = process.stderr.read()
        assert process.wait(timeout=60) == 0
    assert head.startswith(first_bytes)
    assert errors == b""
