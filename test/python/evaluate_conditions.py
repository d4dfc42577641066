"""Evaluate Python conditions over columns computed by probe, for comparison.

    python3 test/python/evaluate_conditions.py catalog COLUMNS.json
    python3 test/python/evaluate_conditions.py standin COLUMNS.json

COLUMNS.json is ``{"length": n, "columns": {name: [value, ...]}}`` with
NaN and infinities written as the strings "NaN", "Infinity", "-Infinity".
``catalog`` prints, for conditions built with every serializable factory,
``[{"json": <registry JSON>, "bars": [i, ...]}]``: the bars where the
Python condition holds. ``standin`` prints, for each strategy of
standin_registry.py, the bars where each side holds (entry: every
condition, none when the list is empty; exit: any condition). The vitest
side compiles the same JSON and checks the compiled code agrees.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
sys.path.insert(0, HERE)

from probe_registry import compare, to_json  # noqa: E402
from probe_registry.conditions import (  # noqa: E402
    above,
    all_of,
    any_of,
    bearish_divergence,
    below,
    breaks_above_level,
    breaks_below_level,
    bullish_divergence,
    candle_bearish,
    candle_bullish,
    consecutive_higher_closes,
    consecutive_lower_closes,
    crosses_above,
    crosses_below,
    deviation_from,
    falling,
    gap_down,
    gap_up,
    held_for_n_bars,
    in_bottom_pct_of_range,
    in_top_pct_of_range,
    narrowest_range,
    pullback_below,
    pullback_to,
    range_exceeds_atr,
    rising,
    squeeze,
    was_above_then_crosses_below,
    was_below_then_crosses_above,
)
from standin_registry import STRATEGIES, close_jumps_up  # noqa: E402

Condition = Callable[[Any, int], bool]


def catalog() -> list[Condition]:
    """Conditions using every factory, defaults and explicit values."""
    return [
        crosses_above("macd", "macd_signal"),
        crosses_above("rsi_14", 50),
        crosses_below("stoch_k", "stoch_d"),
        crosses_below("cci_20", -100.0),
        above("close", "sma_50"),
        above("rsi_14", 70),
        below("close", "bb_lower"),
        below("willr_14", -80),
        rising("ema_20", 3),
        rising("close", 1),
        falling("obv", 2),
        all_of(above("rsi_14", 50), rising("ema_20", 2)),
        any_of(below("rsi_14", 30), crosses_above("macd", 0)),
        all_of(any_of(above("close", "ema_20"), below("rsi_14", 40)),
               falling("stoch_k", 1)),
        pullback_to("ema_20"),
        pullback_to("sma_50", 1.0),
        pullback_below("ema_50"),
        pullback_below("sma_20", 0.25),
        bullish_divergence("rsi_14"),
        bullish_divergence("macd_hist", 10),
        bearish_divergence("cci_20"),
        bearish_divergence("mfi_14", 3),
        candle_bullish("cdl_engulfing"),
        candle_bullish("cdl_hammer"),
        candle_bearish("cdl_engulfing"),
        candle_bearish("cdl_shooting_star"),
        consecutive_higher_closes(3),
        consecutive_lower_closes(2),
        squeeze("bb_width"),
        squeeze("bb_width", 20),
        squeeze("atr_14", 10),
        range_exceeds_atr(1.5),
        narrowest_range(),
        narrowest_range(4),
        breaks_above_level("sma_20"),
        breaks_below_level("ema_50"),
        breaks_above_level("donchian_high_20"),
        in_top_pct_of_range(),
        in_top_pct_of_range(0.1),
        in_bottom_pct_of_range(),
        in_bottom_pct_of_range(0.4),
        gap_up(),
        gap_up(0.2),
        gap_down(),
        gap_down(0.2),
        deviation_from("close", "ema_20", 1.5),
        deviation_from("close", "sma_50", 1.0, "above"),
        was_below_then_crosses_above("rsi_14", 30),
        was_below_then_crosses_above("stoch_k", 20, 3),
        was_above_then_crosses_below("rsi_14", 70),
        was_above_then_crosses_below("cci_20", 100, lookback=10),
        held_for_n_bars("adosc", ">", 0, 5),
        held_for_n_bars("rsi_14", ">=", 50, 3),
        held_for_n_bars("macd_hist", compare("<", 0), 4),
        held_for_n_bars("cdl_doji", "==", 0, 2),
        held_for_n_bars("rsi_14", "!=", 50, 2),
        held_for_n_bars("rsi_14", "<=", 45.5, n_bars=2),
        close_jumps_up,
    ]


def load_columns(path: str) -> tuple[int, dict[str, list[float]]]:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    columns = {name: [float(v) for v in values]
               for name, values in data["columns"].items()}
    return int(data["length"]), columns


def holds(condition: Condition, frame: Any, length: int) -> list[int]:
    return [i for i in range(length) if condition(frame, i)]


def side_bars(conditions: list[Condition], frame: Any, length: int,
              every: bool) -> list[int]:
    if not conditions:
        return []
    combine = all if every else any
    return [i for i in range(length)
            if combine(c(frame, i) for c in conditions)]


def main(argv: list[str]) -> int:
    mode, path = argv
    length, frame = load_columns(path)
    if mode == "catalog":
        out: Any = [{"json": to_json(c), "bars": holds(c, frame, length)}
                    for c in catalog()]
    elif mode == "standin":
        out = {
            str(s.id): {
                side: side_bars(getattr(s, side), frame, length,
                                side.startswith("entry"))
                for side in ("entry_long", "entry_short", "exit_long",
                             "exit_short")
            }
            for s in STRATEGIES
        }
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
