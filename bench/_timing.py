"""Timing shared by the bench scripts: medians (and minimums) of repeated runs, in milliseconds."""

from __future__ import annotations

import statistics
import time
from typing import Callable


def measure(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and minimum wall time of ``action`` in milliseconds, after one warm-up run."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000


def paired_median_ms(first: Callable[[], object], second: Callable[[], object], runs: int) -> tuple[float, float]:
    """Medians of two actions timed alternately, so that load on the machine hits both alike."""
    first()
    second()
    a, b = [], []
    for _ in range(runs):
        for action, times in ((first, a), (second, b)):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
    return statistics.median(a) * 1000, statistics.median(b) * 1000
