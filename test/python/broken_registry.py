"""A registry the exporter must refuse: hand-written conditions without JSON.

Strategy 7 hides a plain closure inside an any_of of its short exit and a
lambda in the reference's held_for_n_bars form in its long entry; strategy
8 is fine; strategy 9 (as the reference's strategy 92 did) has two
hand-written conditions inside one all_of, and lambdas the exporter can
and cannot turn into compare(). The export must fail naming each strategy,
side and position, every problem, not the first of each all_of.
"""

from __future__ import annotations

import os
import sys
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from probe_registry import StrategyDef  # noqa: E402
from probe_registry.conditions import (  # noqa: E402
    above,
    all_of,
    any_of,
    below,
    held_for_n_bars,
    value_at,
)


def close_above_open(frame: Any, idx: int) -> bool:
    """A green bar: hand-written, with no expr attached."""
    return value_at(frame, "close", idx) > value_at(frame, "open", idx)


def small_body(frame: Any, idx: int) -> bool:
    """A doji-like bar: hand-written, with no expr attached."""
    body = abs(value_at(frame, "close", idx) - value_at(frame, "open", idx))
    return body < 0.1 * (value_at(frame, "high", idx)
                         - value_at(frame, "low", idx))


STRATEGIES: list[StrategyDef] = [
    StrategyDef(
        id=7,
        name="broken_closures",
        display_name="Broken Closures",
        philosophy="Conditions written by hand cannot be exported.",
        category="trend",
        direction="long_short",
        entry_long=[held_for_n_bars("adosc", lambda v: v > 0, 5)],
        entry_short=[below("close", "ema_50")],
        exit_long=[above("rsi_14", 70)],
        exit_short=[any_of(below("rsi_14", 30), close_above_open)],
        required_indicators=["adosc", "atr_14"],
    ),
    StrategyDef(
        id=8,
        name="fine",
        display_name="Fine",
        philosophy="Built from serializable factories only.",
        category="trend",
        direction="long_only",
        entry_long=[above("close", "ema_50")],
        required_indicators=["ema_50", "atr_14"],
    ),
    StrategyDef(
        id=9,
        name="two_bad_in_all_of",
        display_name="Two Bad In All Of",
        philosophy="Every problem is listed, not the first of each all_of.",
        category="mean_reversion",
        direction="long_short",
        entry_long=[all_of(above("close", "ema_50"), close_above_open,
                           small_body)],
        entry_short=[held_for_n_bars("adosc", lambda v: v < 0, 5)],
        exit_long=[held_for_n_bars("rsi_14", lambda v: 30 < v < 70, 3)],
        exit_short=[below("rsi_14", 30)],
        required_indicators=["adosc", "ema_50", "rsi_14", "atr_14"],
    ),
]
