"""The expression form's rolling windows, operation for operation.

A port of runtime/kernels/numpy.ts (``pairwiseSum``) and
runtime/kernels/rolling.ts: the compiled TypeScript reproduces what the
reference's pandas/numpy closures compute down to the last bit, and the
Python evaluator must agree with it bar for bar, so every sum is added in
the same order. In particular a window is *not* summed with ``sum()``
(compensated since Python 3.12) nor left to right: numpy adds blocks of
up to 128 values with eight running sums and splits longer runs in two.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from functools import reduce
from operator import add

__all__ = [
    "linear_percentile",
    "pairwise_sum",
    "rolling_max",
    "rolling_mean",
    "rolling_min",
    "rolling_percentile",
]

NAN = math.nan


def pairwise_sum(values: Sequence[float], start: int, count: int) -> float:
    """numpy's float64 ``add.reduce`` of ``count`` values from ``start``."""
    if count < 8:
        total = 0.0
        for k in range(start, start + count):
            total += values[k]
        return total
    if count <= 128:
        whole = count - count % 8
        # eight running sums r0..r7, each over every eighth value
        r = [reduce(add, values[start + j:start + whole:8])
             for j in range(8)]
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5])
                                                   + (r[6] + r[7]))
        for k in range(start + whole, start + count):
            total += values[k]
        return total
    half = count // 2
    half -= half % 8
    return (pairwise_sum(values, start, half)
            + pairwise_sum(values, start + half, count - half))


def rolling_mean(values: Sequence[float], window: int) -> list[float]:
    """Mean of the ``window`` values ending at each bar (numpy's sum);
    NaN while the window is incomplete or holds a NaN."""
    return _rolling(values, window, lambda start: (
        0.0 + pairwise_sum(values, start, window)) / window)


def rolling_min(values: Sequence[float], window: int) -> list[float]:
    """Minimum of the window (the first of equal values); NaN likewise."""
    # builtin min/max keep the first of equal values, as the kernel's
    # strict comparison does (it matters only for -0.0 against 0.0)
    return _rolling(values, window,
                    lambda start: min(values[start:start + window]))


def rolling_max(values: Sequence[float], window: int) -> list[float]:
    """Maximum of the window (the first of equal values); NaN likewise."""
    return _rolling(values, window,
                    lambda start: max(values[start:start + window]))


def _rolling(values: Sequence[float], window: int,
             reduce: Callable[[int], float]) -> list[float]:
    """``reduce(start)`` of each complete window without a NaN, else NaN."""
    out = [NAN] * len(values)
    last_nan = -1
    for j, v in enumerate(values):
        if v != v:
            last_nan = j
        start = j - window + 1
        if start >= 0 and last_nan < start:
            out[j] = reduce(start)
    return out


def rolling_percentile(values: Sequence[float], window: int, q: float,
                       min_count: int) -> list[float]:
    """numpy's linear ``percentile(window, q)`` of the non-NaN values
    among the last ``window`` bars (fewer at the start); NaN when fewer
    than ``min_count`` remain. A sorted copy of the window slides along:
    removal and insertion at the leftmost equal position, as the kernel's
    lower bound does."""
    out = [NAN] * len(values)
    ordered: list[float] = []
    quantile = float(q) / 100.0
    for j, entering in enumerate(values):
        leaving = j - window
        if leaving >= 0 and values[leaving] == values[leaving]:
            del ordered[bisect.bisect_left(ordered, values[leaving])]
        if entering == entering:
            bisect.insort_left(ordered, entering)
        size = len(ordered)
        if size >= min_count and size > 0:
            out[j] = linear_percentile(ordered, size, quantile)
    return out


def linear_percentile(ordered: Sequence[float], size: int,
                      quantile: float) -> float:
    """numpy's ``_quantile`` with the linear method over sorted values.

    As numpy (and the kernel): at or past the last index both neighbours
    are the last value and gamma is the virtual index plus one; the lerp
    runs anyway, so an infinite end value gives inf - inf = NaN.
    """
    virtual = (size - 1) * quantile
    if virtual >= size - 1:
        previous = following = size - 1
        gamma = virtual - -1
    elif virtual < 0:
        previous = following = 0
        gamma = virtual - 0
    else:
        previous = math.floor(virtual)
        following = previous + 1
        gamma = virtual - previous
    a = ordered[previous]
    b = ordered[following]
    diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma
