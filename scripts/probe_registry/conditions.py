"""The reference's 29 condition factories, serializable, standard library only.

Each factory returns a ``Condition``: call it as ``condition(frame, idx)``
where ``frame`` maps a column name to its values (a dict of lists, or a
pandas DataFrame: ``.iloc`` is used when present) and ``idx`` is the bar's
position; it also carries its registry JSON (``to_json(condition)``).

The semantics are those of docs/registry.md, which the compiled TypeScript
implements (test/python checks the two agree bar for bar): IEEE doubles,
a comparison with NaN is false, a condition reading bar ``idx - k`` is
false while ``idx < k``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Optional, Union

from .serializable import (
    COMPARISON_OPS,
    Comparison,
    ConditionFn,
    serializable,
)

__all__ = [
    "above", "all_of", "any_of", "bearish_divergence", "below",
    "breaks_above_level", "breaks_below_level", "bullish_divergence",
    "candle_bearish", "candle_bullish", "consecutive_higher_closes",
    "consecutive_lower_closes", "crosses_above", "crosses_below",
    "deviation_from", "falling", "gap_down", "gap_up", "held_for_n_bars",
    "in_bottom_pct_of_range", "in_top_pct_of_range", "narrowest_range",
    "pullback_below", "pullback_to", "range_exceeds_atr", "rising",
    "squeeze", "was_above_then_crosses_below",
    "was_below_then_crosses_above",
]

Ref = Union[str, float, int]
Frame = Any  # Mapping[str, Sequence[float]] or a pandas DataFrame


def value_at(frame: Frame, col: str, idx: int) -> float:
    """The column's value at position ``idx``, as a float."""
    column = frame[col]
    iloc = getattr(column, "iloc", None)
    return float(iloc[idx] if iloc is not None else column[idx])


def _ref(frame: Frame, ref: Ref, idx: int) -> float:
    if isinstance(ref, str):
        return value_at(frame, ref, idx)
    return float(ref)


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _window(frame: Frame, col: str, start: int, stop: int) -> list[float]:
    return [value_at(frame, col, k) for k in range(start, stop)]


def _strictly(values: Sequence[float],
              holds: Callable[[float, float], bool]) -> bool:
    if any(math.isnan(v) for v in values):
        return False
    return all(holds(values[k - 1], values[k])
               for k in range(1, len(values)))


def _check_int(name: str, value: object, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int) \
            or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, "
                         f"got {value!r}")


# ------------------------------------------------------------------ crosses

@serializable
def crosses_above(col_a: str, col_b: Ref) -> ConditionFn:
    """col_a crosses above col_b (a column or a number) on this bar."""
    def check(frame: Frame, idx: int) -> bool:
        if idx < 1:
            return False
        a0, a1 = value_at(frame, col_a, idx), value_at(frame, col_a, idx - 1)
        b0, b1 = _ref(frame, col_b, idx), _ref(frame, col_b, idx - 1)
        return _finite(a0, a1, b0, b1) and a1 <= b1 and a0 > b0
    return check


@serializable
def crosses_below(col_a: str, col_b: Ref) -> ConditionFn:
    """col_a crosses below col_b (a column or a number) on this bar."""
    def check(frame: Frame, idx: int) -> bool:
        if idx < 1:
            return False
        a0, a1 = value_at(frame, col_a, idx), value_at(frame, col_a, idx - 1)
        b0, b1 = _ref(frame, col_b, idx), _ref(frame, col_b, idx - 1)
        return _finite(a0, a1, b0, b1) and a1 >= b1 and a0 < b0
    return check


# --------------------------------------------------------------- thresholds

@serializable
def above(col: str, ref: Ref) -> ConditionFn:
    """col above ref (a column or a number)."""
    def check(frame: Frame, idx: int) -> bool:
        v, r = value_at(frame, col, idx), _ref(frame, ref, idx)
        return _finite(v, r) and v > r
    return check


@serializable
def below(col: str, ref: Ref) -> ConditionFn:
    """col below ref (a column or a number)."""
    def check(frame: Frame, idx: int) -> bool:
        v, r = value_at(frame, col, idx), _ref(frame, ref, idx)
        return _finite(v, r) and v < r
    return check


# ---------------------------------------------------------------- direction

@serializable
def rising(col: str, bars: int) -> ConditionFn:
    """col strictly rising over the last ``bars`` steps."""
    _check_int("bars", bars)

    def check(frame: Frame, idx: int) -> bool:
        if idx < bars:
            return False
        window = _window(frame, col, idx - bars, idx + 1)
        return _strictly(window, lambda prev, cur: cur > prev)
    return check


@serializable
def falling(col: str, bars: int) -> ConditionFn:
    """col strictly falling over the last ``bars`` steps."""
    _check_int("bars", bars)

    def check(frame: Frame, idx: int) -> bool:
        if idx < bars:
            return False
        window = _window(frame, col, idx - bars, idx + 1)
        return _strictly(window, lambda prev, cur: cur < prev)
    return check


# -------------------------------------------------------------- combinators

@serializable
def all_of(*conditions: ConditionFn) -> ConditionFn:
    """Every sub-condition holds."""
    def check(frame: Frame, idx: int) -> bool:
        return all(c(frame, idx) for c in conditions)
    return check


@serializable
def any_of(*conditions: ConditionFn) -> ConditionFn:
    """At least one sub-condition holds."""
    def check(frame: Frame, idx: int) -> bool:
        return any(c(frame, idx) for c in conditions)
    return check


# ---------------------------------------------------------------- pullbacks

@serializable
def pullback_to(level_col: str,
                tolerance_atr_mult: float = 0.5) -> ConditionFn:
    """The low reaches level + tolerance*ATR, the close stays above."""
    def check(frame: Frame, idx: int) -> bool:
        low = value_at(frame, "low", idx)
        close = value_at(frame, "close", idx)
        level = value_at(frame, level_col, idx)
        atr = value_at(frame, "atr_14", idx)
        if not _finite(low, close, level, atr):
            return False
        return low <= level + tolerance_atr_mult * atr and close > level
    return check


@serializable
def pullback_below(level_col: str,
                   tolerance_atr_mult: float = 0.5) -> ConditionFn:
    """The high reaches level - tolerance*ATR, the close stays below."""
    def check(frame: Frame, idx: int) -> bool:
        high = value_at(frame, "high", idx)
        close = value_at(frame, "close", idx)
        level = value_at(frame, level_col, idx)
        atr = value_at(frame, "atr_14", idx)
        if not _finite(high, close, level, atr):
            return False
        return high >= level - tolerance_atr_mult * atr and close < level
    return check


# --------------------------------------------------------------- divergence

def _divergence(price: str, indicator_col: str, lookback: int,
                bullish: bool) -> ConditionFn:
    def check(frame: Frame, idx: int) -> bool:
        if idx < lookback:
            return False
        p0 = value_at(frame, price, idx)
        p1 = value_at(frame, price, idx - lookback)
        i0 = value_at(frame, indicator_col, idx)
        i1 = value_at(frame, indicator_col, idx - lookback)
        if not _finite(p0, p1, i0, i1):
            return False
        if bullish:
            return p0 < p1 and i0 > i1
        return p0 > p1 and i0 < i1
    return check


@serializable
def bullish_divergence(indicator_col: str, lookback: int = 5) -> ConditionFn:
    """A lower low than ``lookback`` bars ago with a higher indicator."""
    return _divergence("low", indicator_col, lookback, True)


@serializable
def bearish_divergence(indicator_col: str, lookback: int = 5) -> ConditionFn:
    """A higher high than ``lookback`` bars ago with a lower indicator."""
    return _divergence("high", indicator_col, lookback, False)


# ------------------------------------------------------------------ candles

@serializable
def candle_bullish(pattern_col: str) -> ConditionFn:
    """The candle pattern column is positive."""
    def check(frame: Frame, idx: int) -> bool:
        v = value_at(frame, pattern_col, idx)
        return _finite(v) and v > 0
    return check


@serializable
def candle_bearish(pattern_col: str) -> ConditionFn:
    """The candle pattern column is negative."""
    def check(frame: Frame, idx: int) -> bool:
        v = value_at(frame, pattern_col, idx)
        return _finite(v) and v < 0
    return check


# ------------------------------------------------------ consecutive closes

@serializable
def consecutive_higher_closes(count: int) -> ConditionFn:
    """Each of the last ``count`` closes above the one before."""
    _check_int("count", count)

    def check(frame: Frame, idx: int) -> bool:
        if idx < count:
            return False
        closes = _window(frame, "close", idx - count, idx + 1)
        return _strictly(closes, lambda prev, cur: cur > prev)
    return check


@serializable
def consecutive_lower_closes(count: int) -> ConditionFn:
    """Each of the last ``count`` closes below the one before."""
    _check_int("count", count)

    def check(frame: Frame, idx: int) -> bool:
        if idx < count:
            return False
        closes = _window(frame, "close", idx - count, idx + 1)
        return _strictly(closes, lambda prev, cur: cur < prev)
    return check


# --------------------------------------------------------------- volatility

@serializable
def squeeze(width_col: str, lookback: int = 50) -> ConditionFn:
    """width_col at the minimum of its last ``lookback`` values."""
    _check_int("lookback", lookback)

    def check(frame: Frame, idx: int) -> bool:
        if idx < lookback:
            return False
        window = _window(frame, width_col, idx - lookback + 1, idx + 1)
        if any(math.isnan(v) for v in window):
            return False
        return value_at(frame, width_col, idx) <= min(window)
    return check


@serializable
def range_exceeds_atr(multiplier: float) -> ConditionFn:
    """high - low above ``multiplier`` ATRs."""
    def check(frame: Frame, idx: int) -> bool:
        width = value_at(frame, "high", idx) - value_at(frame, "low", idx)
        atr = value_at(frame, "atr_14", idx)
        return _finite(width, atr) and width > multiplier * atr
    return check


@serializable
def narrowest_range(lookback: int = 7) -> ConditionFn:
    """This bar's range is the smallest of the last ``lookback`` bars."""
    _check_int("lookback", lookback)

    def check(frame: Frame, idx: int) -> bool:
        if idx < lookback - 1:
            return False
        ranges = [value_at(frame, "high", k) - value_at(frame, "low", k)
                  for k in range(idx - lookback + 1, idx + 1)]
        if any(math.isnan(v) for v in ranges):
            return False
        current = value_at(frame, "high", idx) - value_at(frame, "low", idx)
        return current <= min(ranges)
    return check


# ---------------------------------------------------------------- breakouts

@serializable
def breaks_above_level(level_col: str) -> ConditionFn:
    """The close crosses above level_col on this bar."""
    return crosses_above("close", level_col)


@serializable
def breaks_below_level(level_col: str) -> ConditionFn:
    """The close crosses below level_col on this bar."""
    return crosses_below("close", level_col)


# ------------------------------------------------------- range position

def _position(frame: Frame, idx: int) -> Optional[float]:
    h = value_at(frame, "high", idx)
    low = value_at(frame, "low", idx)
    c = value_at(frame, "close", idx)
    if not _finite(h, low, c) or h == low:
        return None
    return (c - low) / (h - low)


@serializable
def in_top_pct_of_range(pct: float = 0.25) -> ConditionFn:
    """The close in the top ``pct`` of the bar's range."""
    def check(frame: Frame, idx: int) -> bool:
        position = _position(frame, idx)
        return position is not None and position >= 1.0 - pct
    return check


@serializable
def in_bottom_pct_of_range(pct: float = 0.25) -> ConditionFn:
    """The close in the bottom ``pct`` of the bar's range."""
    def check(frame: Frame, idx: int) -> bool:
        position = _position(frame, idx)
        return position is not None and position <= pct
    return check


# --------------------------------------------------------------------- gaps

@serializable
def gap_up(atr_mult: float = 1.0) -> ConditionFn:
    """The open above the previous close by more than ``atr_mult`` ATRs."""
    def check(frame: Frame, idx: int) -> bool:
        if idx < 1:
            return False
        o = value_at(frame, "open", idx)
        c = value_at(frame, "close", idx - 1)
        atr = value_at(frame, "atr_14", idx)
        return _finite(o, c, atr) and o > c + atr_mult * atr
    return check


@serializable
def gap_down(atr_mult: float = 1.0) -> ConditionFn:
    """The open below the previous close by more than ``atr_mult`` ATRs."""
    def check(frame: Frame, idx: int) -> bool:
        if idx < 1:
            return False
        o = value_at(frame, "open", idx)
        c = value_at(frame, "close", idx - 1)
        atr = value_at(frame, "atr_14", idx)
        return _finite(o, c, atr) and o < c - atr_mult * atr
    return check


# ---------------------------------------------------------------- deviation

@serializable
def deviation_from(col: str, ref_col: str, atr_mult: float,
                   direction: str = "below") -> ConditionFn:
    """col more than ``atr_mult`` ATRs below (or above) ref_col."""
    if direction not in ("below", "above"):
        raise ValueError(f"direction must be 'below' or 'above', "
                         f"got {direction!r}")

    def check(frame: Frame, idx: int) -> bool:
        v = value_at(frame, col, idx)
        r = value_at(frame, ref_col, idx)
        atr = value_at(frame, "atr_14", idx)
        if not _finite(v, r, atr):
            return False
        if direction == "below":
            return r - v > atr_mult * atr
        return v - r > atr_mult * atr
    return check


# ------------------------------------------------------------ held / state

def _crossed_after(col: str, threshold: float, lookback: int,
                   upward: bool) -> ConditionFn:
    def check(frame: Frame, idx: int) -> bool:
        if idx < lookback:
            return False
        cur = value_at(frame, col, idx)
        prev = value_at(frame, col, idx - 1)
        if not _finite(cur, prev):
            return False
        window = _window(frame, col, idx - lookback, idx)
        if upward:
            return (prev <= threshold < cur
                    and any(v < threshold for v in window))
        return (prev >= threshold > cur
                and any(v > threshold for v in window))
    return check


@serializable
def was_below_then_crosses_above(col: str, threshold: float,
                                 lookback: int = 5) -> ConditionFn:
    """col crosses above threshold after being below it lately."""
    _check_int("lookback", lookback)
    return _crossed_after(col, threshold, lookback, True)


@serializable
def was_above_then_crosses_below(col: str, threshold: float,
                                 lookback: int = 5) -> ConditionFn:
    """col crosses below threshold after being above it lately."""
    _check_int("lookback", lookback)
    return _crossed_after(col, threshold, lookback, False)


@serializable
def held_for_n_bars(
    col: str,
    op: Union[str, Comparison, Callable[[float], bool]],
    value: Optional[float] = None,
    n_bars: Optional[int] = None,
) -> ConditionFn:
    """For each of the last ``n_bars`` bars, col finite and ``col op value``.

    ``held_for_n_bars("adosc", ">", 0, 5)`` is the registry's form. The
    reference's ``held_for_n_bars(col, predicate, n_bars)`` works too:
    with ``compare(">", 0)`` as the predicate it exports the same; with a
    lambda it runs but cannot be exported.
    """
    predicate: Callable[[float], bool]
    if callable(op):
        # the reference's form: (col, predicate, n_bars)
        if value is not None and n_bars is not None:
            raise TypeError("held_for_n_bars(col, predicate, n_bars) takes "
                            "no fourth argument")
        predicate = op
        if value is not None:
            n_bars = value  # type: ignore[assignment]
    else:
        test = COMPARISON_OPS.get(op)
        if test is None:
            raise ValueError(f"unknown comparison {op!r}: use one of "
                             f"{' '.join(COMPARISON_OPS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"held_for_n_bars: value must be a number, "
                            f"got {value!r}")
        threshold = float(value)

        def predicate(v: float) -> bool:
            return test(v, threshold)
    _check_int("n_bars", n_bars)
    bars = int(n_bars or 0)

    def check(frame: Frame, idx: int) -> bool:
        if idx < bars - 1:
            return False
        for k in range(idx - bars + 1, idx + 1):
            v = value_at(frame, col, k)
            if not _finite(v) or not predicate(v):
                return False
        return True
    return check


FACTORIES: Mapping[str, Callable[..., Any]] = {
    name: globals()[name] for name in __all__
}
