"""The one "did you mean" every user error shares, so rule, config and CLI messages read alike.

It lives beside :mod:`compliance.errors` rather than in it: that module stays
free of dependencies beyond typing (see the architecture test).
"""

from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6, prefix: str = "") -> str:
    """`` (did you mean 'x'?)`` for the choice closest to ``word`` (shown after ``prefix``), or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f" (did you mean {prefix + close[0]!r}?)" if close else ""


__all__ = ["did_you_mean"]
