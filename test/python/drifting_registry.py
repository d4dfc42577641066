"""A stand-in registry whose annotation drifted from its closure.

Strategy 69's long exit was annotated as ``close > ema_20 + atr_14``; then
its closure changed to ``+ 1.5 * atr_14`` and the annotation stayed. The
JSON still compiles and exports, so only the verification can see it:
the export must fail naming strategy 69, exit_long[0] and a bar. Its
other hand-written condition (nested in an all_of) still agrees.
"""

from __future__ import annotations

import math
import os
import sys
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from probe_registry import StrategyDef, with_expr  # noqa: E402
from probe_registry.conditions import (  # noqa: E402
    all_of,
    below,
    crosses_above,
    value_at,
)


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


@with_expr({"all": [
    {"finite": ["close", "ema_20", "atr_14"]},
    {"cmp": ">", "a": "close",
     "b": {"op": "add", "args": ["ema_20", "atr_14"]}},
]})
def stretched_above_ema(frame: Any, idx: int) -> bool:
    close = value_at(frame, "close", idx)
    ema = value_at(frame, "ema_20", idx)
    atr = value_at(frame, "atr_14", idx)
    return _finite(close, ema, atr) and close > ema + 1.5 * atr  # drifted


@with_expr({"all": [
    {"min_bars": 1},
    {"finite": ["close", {"col": "close", "lag": 1}]},
    {"cmp": ">", "a": "close", "b": {"col": "close", "lag": 1}},
]})
def close_up(frame: Any, idx: int) -> bool:
    if idx < 1:
        return False
    now, before = value_at(frame, "close", idx), value_at(frame, "close",
                                                          idx - 1)
    return _finite(now, before) and now > before


STRATEGIES: list[StrategyDef] = [
    StrategyDef(
        id=69,
        name="ema_pullback",
        display_name="EMA Pullback",
        philosophy="Buy strength above the EMA, take profit when stretched.",
        category="trend",
        direction="long_only",
        entry_long=[all_of(crosses_above("close", "ema_20"), close_up)],
        exit_long=[stretched_above_ema],
        exit_short=[below("close", "ema_20")],
        required_indicators=["ema_20", "atr_14"],
    ),
]
