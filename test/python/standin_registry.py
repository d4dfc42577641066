"""A stand-in Python strategy registry for the exporter's tests.

Five small strategies of our own built from the serializable factories:
a crossover, nested all_of/any_of, held_for_n_bars in both call forms, a
hand-written condition with an attached expr, and factory defaults. Its
export must equal test/python/standin-expected.json.

    python3 scripts/export_registry.py \\
        --module test/python/standin_registry.py --out /tmp/standin.json
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from probe_registry import StrategyDef, compare, with_expr  # noqa: E402
from probe_registry.conditions import (  # noqa: E402
    above,
    all_of,
    any_of,
    bearish_divergence,
    below,
    consecutive_higher_closes,
    consecutive_lower_closes,
    crosses_above,
    crosses_below,
    deviation_from,
    falling,
    gap_down,
    held_for_n_bars,
    in_top_pct_of_range,
    pullback_below,
    value_at,
    was_above_then_crosses_below,
    was_below_then_crosses_above,
)


@with_expr({"all": [
    {"min_bars": 1},
    {"finite": ["close", {"col": "close", "lag": 1}, "atr_14"]},
    {"cmp": ">",
     "a": {"op": "sub", "args": ["close", {"col": "close", "lag": 1}]},
     "b": {"op": "mul", "args": [0.5, "atr_14"]}},
]})
def close_jumps_up(frame: Any, idx: int) -> bool:
    """The close rose by more than half an ATR since the previous bar."""
    if idx < 1:
        return False
    close = value_at(frame, "close", idx)
    prev = value_at(frame, "close", idx - 1)
    atr = value_at(frame, "atr_14", idx)
    if not all(math.isfinite(v) for v in (close, prev, atr)):
        return False
    return close - prev > 0.5 * atr


# Listed out of id order on purpose: the export sorts by id.
STRATEGIES: list[StrategyDef] = [
    StrategyDef(
        id=5,
        name="standin_jump_breakout",
        display_name="Stand-in Jump Breakout",
        philosophy="A close far above the previous one, near the bar's "
                   "high, starts a move worth riding for a few weeks.",
        category="breakout",
        direction="long_only",
        tags=["breakout", "long_only", "expr"],
        entry_long=[close_jumps_up, in_top_pct_of_range()],
        exit_long=[falling("close", 2), gap_down()],
        atr_stop_mult=1.5,
        atr_target_mult=3,
        time_stop_bars=20,
        required_indicators=["atr_14"],
        details={"entry_long": "close - previous close > 0.5 ATR, close "
                               "in the top quarter of the bar"},
    ),
    StrategyDef(
        id=1,
        name="standin_ema_cross",
        display_name="Stand-in EMA Cross",
        philosophy="The faster average overtaking the slower one with "
                   "price on the same side marks a new swing.",
        category="trend",
        direction="long_short",
        tags=["trend", "cross"],
        entry_long=[crosses_above("ema_20", "ema_50"),
                    above("close", "ema_50")],
        entry_short=[crosses_below("ema_20", col_b="ema_50"),
                     below("close", ref="ema_50")],
        exit_long=[crosses_below("ema_20", "ema_50")],
        exit_short=[crosses_above("ema_20", "ema_50")],
        trailing_atr_mult=2.0,
        required_indicators=["ema_20", "ema_50", "atr_14"],
        details={"indicators": ["EMA(20)", "EMA(50)", "ATR(14)"]},
    ),
    StrategyDef(
        id=2,
        name="standin_rsi_turn",
        display_name="Stand-in RSI Turn",
        philosophy="A weak RSI that starts to recover, or one climbing "
                   "back through 30, tends to bounce for a few bars.",
        category="mean_reversion",
        direction="long_short",
        tags=["mean_reversion", "rsi"],
        version=2,
        entry_long=[any_of(
            all_of(below("rsi_14", 40), consecutive_higher_closes(2)),
            was_below_then_crosses_above("rsi_14", 30),
        )],
        entry_short=[any_of(
            all_of(above("rsi_14", 60), consecutive_lower_closes(2)),
            was_above_then_crosses_below("rsi_14", 70, lookback=3),
        )],
        exit_long=[above("rsi_14", 55), pullback_below("ema_20")],
        exit_short=[below("rsi_14", 45)],
        atr_stop_mult=2.0,
        atr_target_mult=1.5,
        time_stop_bars=10,
        required_indicators=["rsi_14", "ema_20", "atr_14"],
        details={},
    ),
    StrategyDef(
        id=3,
        name="standin_adosc_pressure",
        display_name="Stand-in A/D Pressure",
        philosophy="Five bars of accumulation with price above its "
                   "trend line is sustained buying; the mirror for "
                   "distribution.",
        category="volume_flow",
        direction="long_short",
        tags=["volume_flow", "held"],
        entry_long=[held_for_n_bars("adosc", ">", 0, 5),
                    above("close", "ema_50")],
        entry_short=[held_for_n_bars("adosc", compare("<", 0), 5),
                     below("close", "ema_50")],
        exit_long=[crosses_below("adosc", 0)],
        exit_short=[crosses_above("adosc", 0.0)],
        trailing_atr_mult=2.5,
        required_indicators=["adosc", "ema_50", "atr_14"],
        details={"exit": "A/D oscillator crosses zero"},
    ),
    StrategyDef(
        id=4,
        name="standin_stretch_fade",
        display_name="Stand-in Stretch Fade",
        philosophy="Price stretched an ATR above its average while "
                   "momentum fades tends to come back to the average.",
        category="mean_reversion",
        direction="short_only",
        tags=["mean_reversion", "short_only", "divergence"],
        entry_short=[deviation_from("close", "ema_20", 1.0, "above"),
                     bearish_divergence("rsi_14")],
        exit_short=[below("close", "ema_20")],
        atr_stop_mult=None,
        atr_target_mult=2.0,
        time_stop_bars=15,
        required_indicators=["ema_20", "rsi_14", "atr_14"],
        details={"entry_short": "close > EMA20 + ATR, RSI lower than 5 "
                                "bars ago while the high is higher"},
    ),
]


def get_all_strategies() -> list[StrategyDef]:
    """The registry, as the reference's registry module exposes it."""
    return list(STRATEGIES)
