"""Placeholder for the `rules` command; replaced by its implementation."""

from __future__ import annotations


def add_parser(subparsers) -> None:  # pragma: no cover - placeholder
    subparsers.add_parser("rules", help="(not implemented yet)")
