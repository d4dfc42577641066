"""Generated bars that exercise a registry's conditions.

Verification compares a closure with its JSON on every bar; a condition
that never holds, or whose inputs never come near its thresholds, proves
nothing. So the data is shaped by the conditions themselves (the
heuristics, column by column):

- OHLCV: a random walk of the close around 100 (mean-reverting in log
  price), prices in cents; the open near the previous close, with a large
  gap on ~3% of bars; high >= max(open, close) and low <= min(open, close);
  ~2% flat bars (open = high = low = close); volume positive, whole.
- ``cdl*`` (and any ``pattern_col``): -100, 0 or 100, 0 in a short prefix
  (TA-Lib's integer outputs).
- ``atr*``: the mean true range over the name's window (14 by default), on
  the price scale of the bars' ranges; ``bar_range``: high - low.
- A column compared with a price column or used as a level (``level_col``,
  ``ref_col``, a column ``col_b``/``ref``, a column added to or compared
  with ``close`` in an ``expr``), and the catalog's price levels by name
  (``sma_``, ``ema_``, ``bb_upper`` ...): an EMA of the close over the
  name's window, shifted up (``upper``/``high``/``r1`` ...) or down by an
  ATR, plus noise, in cents, equal to the close on ~2% of bars.
- ``volume_*``: a moving average of the volume; ``obv*`` and columns
  compared with them: a signed-volume walk.
- Any other column: a smooth bounded oscillator over the column's usual
  range by name (``rsi`` 0..100, ``willr`` -100..0 ...) widened to span
  every constant it is compared with, and equal to one of those
  constants on ~4% of bars (so ``>`` against ``>=`` drift shows).
  Columns compared with each other share one underlying process (they
  cross).
- Indicator columns start with a NaN prefix (the name's window plus a
  few bars, at most a fifth of the data) and hold no NaN after it, as
  TA-Lib's do: closures may rightly skip interior NaN checks.

Every column has its own random stream seeded by the seed and its name,
so adding a condition does not change the other columns.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

from .expr import (
    columns_read,
    num_columns,
    num_constants,
    reach,
    walk_conditions,
    walk_preds,
)
from .rolling import rolling_max, rolling_mean, rolling_min
from .table import canonical

__all__ = ["Synthetic", "synthesize"]

NAN = math.nan
BAR_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "volume")
PRICES: frozenset[str] = frozenset({"open", "high", "low", "close"})
PRICE_LEVEL_PREFIXES: tuple[str, ...] = (
    "sma_", "ema_", "bb_upper", "bb_middle", "bb_lower", "psar", "vwap",
    "ichi_", "pivot_", "kama_", "ht_trendline", "donchian_",
    "typical_price", "dema_", "tema_", "wma_", "keltner_",
)
UPPER_MARKS: tuple[str, ...] = ("upper", "high", "_r1", "_r2", "_r3")
LOWER_MARKS: tuple[str, ...] = ("lower", "low", "_s1", "_s2", "_s3")
# a column's usual range, by name prefix (runtime/indicators/catalog.ts)
NATURAL_RANGES: tuple[tuple[str, float, float], ...] = (
    ("rsi", 0.0, 100.0), ("stoch", 0.0, 100.0), ("willr", -100.0, 0.0),
    ("cci", -250.0, 250.0), ("mfi", 0.0, 100.0), ("adx", 5.0, 60.0),
    ("plus_di", 0.0, 50.0), ("minus_di", 0.0, 50.0),
    ("aroon", 0.0, 100.0), ("cmo", -100.0, 100.0), ("bb_pct", -0.3, 1.3),
    ("bb_width", 0.01, 0.3), ("roc", -10.0, 10.0), ("mom", -6.0, 6.0),
    ("macd", -2.0, 2.0), ("apo", -2.0, 2.0), ("ppo", -3.0, 3.0),
    ("trix", -0.4, 0.4), ("linearreg_slope", -1.0, 1.0),
    ("stddev", 0.2, 4.0), ("adosc", -3e5, 3e5),
)
DEFAULT_RANGE: tuple[float, float] = (0.0, 100.0)
START = datetime(2021, 1, 1, tzinfo=timezone.utc)


@dataclass
class Synthetic:
    """Generated bars: numeric columns, their times, the conditions'
    reach and why each column looks the way it does (its role)."""

    numeric: dict[str, list[float]]
    timestamps: list[str]
    reach: int
    roles: dict[str, str] = field(default_factory=dict)


# ------------------------------------------------------------- analysis

class _Plan:
    """How the conditions use each column: links between columns compared
    with each other, constants compared with, candle patterns."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.constants: dict[str, list[float]] = {}
        self.candles: set[str] = set()
        self.levels: set[str] = set()
        self.spellings: dict[str, list[str]] = {}

    def use(self, name: str) -> str:
        key = canonical(name)
        spellings = self.spellings.setdefault(key, [])
        if name not in spellings:
            spellings.append(name)
        self.parent.setdefault(key, key)
        return key

    def find(self, name: str) -> str:
        name = canonical(name)
        self.parent.setdefault(name, name)
        while self.parent[name] != name:
            self.parent[name] = self.parent[self.parent[name]]
            name = self.parent[name]
        return name

    def link(self, names: Sequence[str]) -> None:
        kept = [n for n in map(canonical, names) if not _special(n)]
        for other in kept[1:]:
            a, b = self.find(kept[0]), self.find(other)
            if a != b:
                self.parent[max(a, b)] = min(a, b)

    def compare(self, name: str, values: Sequence[float]) -> None:
        key = self.use(name)
        known = self.constants.setdefault(key, [])
        known += [v for v in values if math.isfinite(v) and v not in known]

    def group(self, name: str) -> list[str]:
        root = self.find(name)
        return sorted(n for n in self.parent if self.find(n) == root)


def _special(name: str) -> bool:
    return name.startswith(("atr", "cdl")) or name == "bar_range"


def _additive(num: Any) -> list[str]:
    """Columns a number moves with (sums and differences of columns, a
    column times a constant), not ones it is only scaled by."""
    if isinstance(num, str):
        return [num]
    if not isinstance(num, Mapping):
        return []
    if "col" in num:
        return [num["col"]]
    if "rolling" in num:
        return _additive(num.get("of"))
    args = list(num.get("args", ()))
    op = num.get("op")
    if op == "mul" and len(args) == 2:
        left, right = args
        if isinstance(left, (int, float)):
            return _additive(right)
        if isinstance(right, (int, float)):
            return _additive(left)
        return []
    if op == "div" and args:
        return _additive(args[0])
    return [c for a in args for c in _additive(a)]


def _analyze(conditions: Sequence[Mapping[str, Any]],
             required: Sequence[str]) -> _Plan:
    plan = _Plan()
    for name in required:
        plan.use(name)
    for condition in conditions:
        for name in columns_read(condition):
            plan.use(name)
        for c in walk_conditions(condition):
            _analyze_one(plan, c)
    return plan


def _analyze_one(plan: _Plan, c: Mapping[str, Any]) -> None:
    kind = c.get("type")
    pairs = (("col_a", "col_b"), ("col", "ref"))
    for left, right in pairs:
        if isinstance(c.get(left), str) and right in c:
            if isinstance(c[right], str):
                plan.link([c[left], c[right]])
            elif isinstance(c[right], (int, float)):
                plan.compare(c[left], [float(c[right])])
    for param in ("level_col", "ref_col"):
        if isinstance(c.get(param), str):
            plan.levels.add(canonical(c[param]))
            plan.link([c[param], "close"])
    if kind == "deviation_from" and isinstance(c.get("col"), str):
        plan.link([c["col"], "close"])
    if isinstance(c.get("pattern_col"), str):
        plan.candles.add(plan.use(c["pattern_col"]))
    for param in ("threshold", "value"):
        if isinstance(c.get("col"), str) and isinstance(c.get(param),
                                                        (int, float)):
            plan.compare(c["col"], [float(c[param])])
    if kind == "expr":
        for pred in walk_preds(c.get("when")):
            if "cmp" not in pred:
                continue
            a, b = pred.get("a"), pred.get("b")
            moving = _additive(a) + _additive(b)
            plan.link(moving)
            sides = (num_columns(a), num_columns(b))
            if bool(sides[0]) != bool(sides[1]):
                constants = num_constants(a) + num_constants(b)
                for name in sides[0] + sides[1]:
                    plan.compare(name, constants)


# ----------------------------------------------------------- generating

def _digits(name: str, default: int) -> int:
    found = re.findall(r"\d+", name)
    return int(found[-1]) if found else default


def _stream(seed: int, name: str) -> random.Random:
    return random.Random(f"{seed}/{name}")


def _ar(rng: random.Random, n: int, phi: float = 0.97,
        jumps: float = 0.0) -> list[float]:
    """A smooth process with unit variance that jumps to a fresh level on
    a ``jumps`` share of the bars (thresholds crossed after a long stay
    on one side)."""
    scale = math.sqrt(1 - phi * phi)
    x = rng.gauss(0.0, 1.0)
    out = []
    for _ in range(n):
        if rng.random() < jumps:
            x = rng.gauss(0.0, 1.0)
        else:
            x = phi * x + scale * rng.gauss(0.0, 1.0)
        out.append(x)
    return out


def _bars(seed: int, n: int) -> dict[str, list[float]]:
    rng = _stream(seed, "bars")
    o, h, lo, c, v = ([0.0] * n for _ in range(5))
    previous = 100.0
    for i in range(n):
        if i > 0 and rng.random() < 0.02:
            o[i] = h[i] = lo[i] = c[i] = previous
        else:
            if i > 0 and rng.random() < 0.03:
                gap = rng.choice((-1, 1)) * rng.uniform(1.5, 4.0) * 0.012
            else:
                gap = rng.gauss(0.0, 0.002)
            o[i] = round(previous * (1 + gap), 2)
            step = rng.gauss(0.0, 0.012) - 0.01 * math.log(o[i] / 100.0)
            c[i] = round(o[i] * math.exp(step), 2)
            wick = 0.02 if rng.random() < 0.08 else 0.005
            h[i] = round(max(o[i], c[i]) + abs(rng.gauss(0, wick)) * o[i],
                         2)
            lo[i] = round(min(o[i], c[i]) - abs(rng.gauss(0, wick)) * o[i],
                          2)
            lo[i] = max(lo[i], 0.01)
        v[i] = float(max(1, round(math.exp(rng.gauss(math.log(1e6), 0.4)))))
        previous = c[i]
    return {"open": o, "high": h, "low": lo, "close": c, "volume": v}


def _true_range(b: Mapping[str, list[float]]) -> list[float]:
    h, lo, c = b["high"], b["low"], b["close"]
    return [h[i] - lo[i] if i == 0 else
            max(h[i] - lo[i], abs(h[i] - c[i - 1]), abs(lo[i] - c[i - 1]))
            for i in range(len(c))]


def _ema(values: Sequence[float], span: int) -> list[float]:
    alpha = 2.0 / (span + 1)
    out, level = [], values[0]
    for v in values:
        level += alpha * (v - level)
        out.append(level)
    return out


def _natural(name: str) -> tuple[float, float]:
    for prefix, lo, hi in NATURAL_RANGES:
        if name.startswith(prefix):
            return lo, hi
    return DEFAULT_RANGE


class _Generator:
    def __init__(self, plan: _Plan, seed: int, n: int) -> None:
        self.plan, self.seed, self.n = plan, seed, n
        self.bars = _bars(seed, n)
        ranges = _true_range(self.bars)
        self.range_mean = [v if v == v else ranges[i] for i, v in
                           enumerate(rolling_mean(ranges, 14))]
        self.bases: dict[str, list[float]] = {}

    def role(self, name: str) -> str:
        plan = self.plan
        if name.startswith("cdl") or name in plan.candles:
            return "candle"
        if name.startswith("atr"):
            return "atr"
        if name == "bar_range":
            return "bar_range"
        group = plan.group(name)
        if any(m in PRICES or m.startswith(PRICE_LEVEL_PREFIXES)
               or m in plan.levels for m in group) \
                or name.startswith(PRICE_LEVEL_PREFIXES):
            return "price"
        if name.startswith("volume") or "volume" in group:
            return "volume_mean"
        if any(m.startswith("obv") for m in group):
            return "flow"
        return "oscillator"

    def column(self, name: str, role: str) -> list[float]:
        rng = _stream(self.seed, name)
        make: dict[str, Callable[[str, random.Random], list[float]]] = {
            "candle": self._candle, "atr": self._atr,
            "bar_range": self._bar_range, "price": self._price,
            "volume_mean": self._volume_mean, "flow": self._flow,
            "oscillator": self._oscillator,
        }
        values = make[role](name, rng)
        if role in ("candle", "bar_range"):
            return values
        window = _digits(name, 0)
        prefix = window + rng.randint(0, 5) if window else rng.randint(0, 30)
        prefix = min(prefix, self.n // 5)
        first = next((i for i, v in enumerate(values) if v == v), self.n)
        return [NAN] * max(prefix, first) + values[max(prefix, first):]

    def _candle(self, name: str, rng: random.Random) -> list[float]:
        zeros = rng.randint(0, 10)
        return [0.0 if i < zeros else
                rng.choices((0.0, 100.0, -100.0), (0.84, 0.08, 0.08))[0]
                for i in range(self.n)]

    def _atr(self, name: str, rng: random.Random) -> list[float]:
        return rolling_mean(_true_range(self.bars), _digits(name, 14))

    def _bar_range(self, name: str, rng: random.Random) -> list[float]:
        return [h - lo for h, lo in zip(self.bars["high"], self.bars["low"])]

    def _price(self, name: str, rng: random.Random) -> list[float]:
        close = self.bars["close"]
        span = min(max(_digits(name, 10), 2), 60)
        side = 1 if any(m in name for m in UPPER_MARKS) else \
            -1 if any(m in name for m in LOWER_MARKS) else 0
        noise = _ar(rng, self.n, 0.9)
        out = []
        for i, level in enumerate(_ema(close, span)):
            atr = self.range_mean[i]
            value = round(level + atr * (side + 0.35 * noise[i]), 2)
            out.append(close[i] if rng.random() < 0.02 else value)
        return out

    def _volume_mean(self, name: str, rng: random.Random) -> list[float]:
        return rolling_mean(self.bars["volume"], _digits(name, 20))

    def _flow(self, name: str, rng: random.Random) -> list[float]:
        base = self._base(name, lambda _: self._walk())
        window = _digits(name, 0)
        if name.endswith(f"_high_{window}") and window:
            return rolling_max(base, window)
        if name.endswith(f"_low_{window}") and window:
            return rolling_min(base, window)
        noise = _ar(rng, self.n, 0.9)
        return [float(round(b + 3e5 * x)) for b, x in zip(base, noise)]

    def _walk(self) -> list[float]:
        """On-balance volume of the bars."""
        close, volume = self.bars["close"], self.bars["volume"]
        out, total = [], 0.0
        for i in range(self.n):
            if i > 0:
                total += math.copysign(volume[i], close[i] - close[i - 1]) \
                    if close[i] != close[i - 1] else 0.0
            out.append(total)
        return out

    def _base(self, name: str,
              make: Callable[[random.Random], list[float]]) -> list[float]:
        key = self.plan.group(name)[0]
        if key not in self.bases:
            self.bases[key] = make(_stream(self.seed, f"group/{key}"))
        return self.bases[key]

    def _oscillator(self, name: str, rng: random.Random) -> list[float]:
        group = self.plan.group(name)
        lo = min(_natural(m)[0] for m in group)
        hi = max(_natural(m)[1] for m in group)
        constants = sorted({c for m in group
                            for c in self.plan.constants.get(m, [])})
        own = self.plan.constants.get(name, [])
        low, high = min([lo, *constants]), max([hi, *constants])
        pad = 0.05 * (high - low) if high > low else 1.0
        low = max(low - pad, 0.0) if lo >= 0 and low >= 0 else low - pad
        high += pad
        decimals = max(0, 3 - math.floor(math.log10(high - low)))
        base = self._base(name, lambda r: _ar(r, self.n, jumps=0.02))
        mine = _ar(rng, self.n, 0.9)
        out = []
        for b, m in zip(base, mine):
            u = 1.0 / (1.0 + math.exp(-1.6 * (0.8 * b + 0.6 * m)))
            value = round(low + (high - low) * u, decimals)
            if own and rng.random() < 0.04:
                value = rng.choice(own)
            out.append(value)
        return out


def synthesize(conditions: Sequence[Mapping[str, Any]],
               required_columns: Sequence[str] = (), *, seed: int = 0,
               bars: Optional[int] = None) -> Synthetic:
    """Columns for ``conditions`` (registry JSON): OHLCV, then every column
    read or required, under each spelling used (an alias and its column
    hold the same values)."""
    furthest = max((reach(c) for c in conditions), default=0)
    n = bars if bars is not None else max(1000, 3 * furthest + 200)
    if n < 1:
        raise ValueError(f"bars must be positive, got {n}")
    plan = _analyze(conditions, required_columns)
    generator = _Generator(plan, seed, n)
    numeric: dict[str, list[float]] = {k: list(v)
                                       for k, v in generator.bars.items()}
    roles = {name: "bars" for name in BAR_COLUMNS}
    for key, spellings in plan.spellings.items():
        if key in BAR_COLUMNS:
            continue
        role = generator.role(key)
        values = generator.column(key, role)
        for name in spellings:
            numeric[name] = values if name == spellings[0] else list(values)
            roles[name] = role
    stamps = [(START + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
              for i in range(n)]
    return Synthetic(numeric, stamps, furthest, roles)
