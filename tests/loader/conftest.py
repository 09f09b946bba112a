"""Shared fixtures: the real sample disclosure, loaded once, and the hand-made text documents."""

from __future__ import annotations

from pathlib import Path

import pytest

import compliance
from compliance.model import Document

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "bazhou-2026-budget.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "text"


@pytest.fixture(scope="session")
def sample() -> Document:
    return compliance.load(SAMPLE)


@pytest.fixture()
def fixture_path():
    def path(name: str) -> Path:
        return FIXTURES / name

    return path
