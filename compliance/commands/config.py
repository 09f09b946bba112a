"""Placeholder for the `config` command; replaced by its implementation."""

from __future__ import annotations


def add_parser(subparsers) -> None:  # pragma: no cover - placeholder
    subparsers.add_parser("config", help="(not implemented yet)")
