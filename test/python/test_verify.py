"""Unit tests of annotation verification: the expr evaluator (expr.py,
rolling.py), the data (frames.py, synthetic.py) and verify_strategies
(python3 -m unittest; vitest runs them from test/python/unit.test.ts, and
test/python/verify.test.ts checks the evaluator against the compiled
TypeScript on real bars)."""

from __future__ import annotations

import gzip
import json
import math
import os
import random
import sys
import tempfile
import unittest
from typing import Any, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from probe_registry import StrategyDef, with_expr  # noqa: E402
from probe_registry.conditions import (  # noqa: E402
    FACTORIES,
    above,
    all_of,
    crosses_above,
    value_at,
)
from probe_registry.expr import (  # noqa: E402
    ExprError,
    columns_read,
    evaluator,
    reach,
    values,
)
from probe_registry.frames import (  # noqa: E402
    DataError,
    Frame,
    generate,
    load_csv,
    make_frame,
    pandas_available,
)
from probe_registry.rolling import pairwise_sum  # noqa: E402
from probe_registry.verify import (  # noqa: E402
    format_disagreement,
    format_result,
    verify_strategies,
)

numpy: Any
try:
    import numpy
except ImportError:  # numpy is optional: only some checks use it
    numpy = None

NAN = math.nan
INF = math.inf
SIDES = ("entry_long", "entry_short", "exit_long", "exit_short")
PARITY = "/work/shared/parity/synth"


def holds(when: Any, columns: dict[str, list[float]]) -> list[bool]:
    """The expr predicate on every bar of the columns."""
    return evaluator({"type": "expr", "when": when}).mask(columns)


def same(a: list[float], b: list[float]) -> bool:
    """Equal lists, NaN equal to NaN."""
    return len(a) == len(b) and all(
        x == y or (x != x and y != y) for x, y in zip(a, b))


# ------------------------------------------------------------------ expr

class ExprSemanticsTest(unittest.TestCase):
    def test_nan_comparisons_are_false_and_not_equal_is_true(self) -> None:
        cols = {"a": [1.0, NAN, 3.0, NAN], "b": [1.0, 1.0, NAN, NAN]}
        self.assertEqual(holds({"cmp": ">=", "a": "a", "b": "b"}, cols),
                         [True, False, False, False])
        self.assertEqual(holds({"cmp": "==", "a": "a", "b": "b"}, cols),
                         [True, False, False, False])
        self.assertEqual(holds({"cmp": "!=", "a": "a", "b": "b"}, cols),
                         [False, True, True, True])
        self.assertEqual(holds({"not": {"cmp": "<", "a": "a", "b": "b"}},
                               cols), [True, True, True, True])

    def test_max_and_min_are_pythons(self) -> None:
        # max(a, b) is b > a ? b : a: with a NaN first it stays NaN, with
        # the NaN second it is dropped; of 0.0 and -0.0 the first is kept
        cols = {"a": [NAN, 1.0, 0.0, -0.0], "b": [1.0, NAN, -0.0, 0.0]}
        for op in ("max", "min"):
            self.assertEqual(
                holds({"not_nan": [{"op": op, "args": ["a", "b"]}]}, cols),
                [False, True, True, True], op)
        # 1 / max(0.0, -0.0) = 1 / 0.0 = inf; 1 / max(-0.0, 0.0) = -inf
        inverse = {"op": "div", "args": [1, {"op": "max",
                                             "args": ["a", "b"]}]}
        self.assertEqual(holds({"cmp": ">", "a": inverse, "b": 0}, cols),
                         [False, True, True, False])

    def test_division_by_zero_is_ieee(self) -> None:
        cols = {"a": [1.0, -1.0, 0.0, 1.0, NAN],
                "b": [0.0, 0.0, 0.0, -0.0, 0.0]}
        ratio = {"op": "div", "args": ["a", "b"]}
        self.assertEqual(holds({"cmp": "==", "a": ratio, "b": 1e400}, cols),
                         [True, False, False, False, False])
        self.assertEqual(holds({"cmp": "<", "a": ratio, "b": -1e308}, cols),
                         [False, True, False, True, False])
        self.assertEqual(holds({"not_nan": [ratio]}, cols),
                         [True, True, False, True, False])
        self.assertEqual(holds({"finite": [ratio]}, cols), [False] * 5)

    def test_finite_and_not_nan(self) -> None:
        cols = {"a": [1.0, INF, -INF, NAN]}
        self.assertEqual(holds({"finite": ["a"]}, cols),
                         [True, False, False, False])
        self.assertEqual(holds({"not_nan": ["a", 2]}, cols),
                         [True, True, True, False])
        # a constant is finite, as the compiler drops it
        self.assertEqual(holds({"finite": [1e400]}, cols), [True] * 4)

    def test_arithmetic_left_to_right_as_written(self) -> None:
        # (0.1 + 0.2) + 0.3 != 0.1 + (0.2 + 0.3) in doubles
        cols = {"a": [0.1], "b": [0.2], "c": [0.3]}
        left = {"op": "add", "args": [{"op": "add", "args": ["a", "b"]},
                                      "c"]}
        right = {"op": "add", "args": ["a", {"op": "add",
                                             "args": ["b", "c"]}]}
        self.assertEqual(holds({"cmp": "==", "a": left, "b": 0.6}, cols),
                         [False])
        self.assertEqual(holds({"cmp": "==", "a": right, "b": 0.6}, cols),
                         [True])
        self.assertEqual(holds({"cmp": "==", "a": {"op": "abs",
                                                   "args": [-2.5]},
                                "b": 2.5}, cols), [True])

    def test_lags_need_a_guard(self) -> None:
        cols = {"x": [1.0, 2.0, 3.0, 2.0, 5.0]}
        guarded = {"all": [{"min_bars": 2},
                           {"cmp": ">", "a": "x",
                            "b": {"col": "x", "lag": 2}}]}
        self.assertEqual(holds(guarded, cols),
                         [False, False, True, False, True])
        with self.assertRaises(ExprError) as caught:
            evaluator({"type": "expr", "when": {
                "all": [{"min_bars": 1},
                        {"cmp": ">", "a": "x",
                         "b": {"col": "x", "lag": 2}}]}})
        self.assertEqual(caught.exception.path, "when.all[1].b")
        self.assertIn('{"min_bars": 2}', str(caught.exception))

    def test_min_bars(self) -> None:
        cols = {"x": [0.0] * 5}
        self.assertEqual(holds({"min_bars": 3}, cols),
                         [False, False, False, True, True])
        self.assertEqual(holds({"min_bars": 0}, cols), [True] * 5)
        self.assertEqual(holds({"min_bars": 9}, cols), [False] * 5)

    def test_votes(self) -> None:
        cols = {"a": [1.0, 1.0, 0.0, 0.0], "b": [1.0, 0.0, 1.0, 0.0],
                "c": [1.0, 1.0, 1.0, 0.0]}
        votes = [{"cmp": ">", "a": k, "b": 0} for k in "abc"]
        self.assertEqual(holds({"votes": votes, "at_least": 2}, cols),
                         [True, True, True, False])
        self.assertEqual(holds({"votes": votes, "at_least": 3}, cols),
                         [True, False, False, False])

    def test_quantifiers_shift_every_read(self) -> None:
        x = [0.0, 5.0, 1.0, 6.0, 7.0, 8.0, 2.0, 9.0]
        cols = {"x": x}

        def quantified(form: str, lags: list[int],
                       extra: Optional[dict[str, Any]] = None) -> list[bool]:
            node: dict[str, Any] = {form: {"cmp": ">", "a": "x", "b": 4},
                                    "lags": lags, **(extra or {})}
            return holds({"all": [{"min_bars": lags[1]}, node]}, cols)

        expected_every = [i >= 2 and all(x[i - k] > 4 for k in range(3))
                          for i in range(8)]
        self.assertEqual(quantified("every", [0, 2]), expected_every)
        self.assertEqual(quantified("some", [1, 2]),
                         [i >= 2 and any(x[i - k] > 4 for k in (1, 2))
                          for i in range(8)])
        self.assertEqual(quantified("count", [0, 3], {"at_least": 3}),
                         [i >= 3 and sum(x[i - k] > 4 for k in range(4)) >= 3
                          for i in range(8)])
        # a rolling series and a min_bars inside a quantifier move too
        rolled = {"every": {"all": [
            {"min_bars": 1},
            {"cmp": "<", "a": {"rolling": "max", "of": "x", "window": 2,
                               "lag": 1}, "b": 7.5}]}, "lags": [1, 2]}
        windows = [max(x[j - 1:j + 1]) if j >= 1 else NAN for j in range(8)]
        self.assertEqual(
            holds({"all": [{"min_bars": 4}, rolled]}, cols),
            [i >= 4 and all(windows[i - 1 - k] < 7.5 for k in (1, 2))
             for i in range(8)])
        self.assertEqual(holds({"some": {"min_bars": 3}, "lags": [2, 2]},
                               cols), [i >= 5 for i in range(8)])


class RollingTest(unittest.TestCase):
    def test_pairwise_sum_by_hand(self) -> None:
        big = 2.0 ** 53  # adding 1.0 to it is lost (ties to even)
        # 9 values: eight running sums of one value each, then the ninth:
        # ((big + 1) + (1 + 1)) + ((1 + 1) + (1 + 1)) = big + 6, + 1 ties
        # to big + 8; left to right every 1 is lost
        nine = [big] + [1.0] * 8
        self.assertEqual(pairwise_sum(nine, 0, 9), big + 8)
        naive = 0.0
        for v in nine:
            naive += v
        self.assertEqual(naive, big)
        # 136 values split 64 + 72: in the first, big's running sum adds
        # seven ones (lost), the seven others make 8 each: big + 56; the
        # second 72; together big + 128, exactly
        many = [big] + [1.0] * 135
        self.assertEqual(pairwise_sum(many, 0, 136), big + 128)
        self.assertEqual(pairwise_sum([0.5, -0.0], 1, 1), 0.0)

    def test_rolling_mean_windows_as_numpy(self) -> None:
        big = 2.0 ** 53
        cols = {"x": [3.0] + [big] + [1.0] * 140}
        mean = {"rolling": "mean", "of": "x", "window": 136, "lag": 0}
        expected = (big + 128) / 136
        self.assertEqual(holds({"cmp": "==", "a": mean, "b": expected}, cols)
                         [136], True)
        nine = {"rolling": "mean", "of": "x", "window": 9, "lag": 0}
        self.assertEqual(holds({"cmp": "==", "a": nine,
                                "b": (big + 8) / 9}, cols)[9], True)
        # incomplete windows and windows holding a NaN are NaN
        self.assertEqual(holds({"not_nan": [nine]}, cols)[:10],
                         [False] * 8 + [True, True])
        holed = {"x": [1.0, 2.0, NAN, 4.0, 5.0, 6.0]}
        three = {"rolling": "mean", "of": "x", "window": 3, "lag": 0}
        self.assertEqual(holds({"not_nan": [three]}, holed),
                         [False, False, False, False, False, True])

    @unittest.skipIf(numpy is None, "numpy is not installed")
    def test_rolling_mean_against_numpy(self) -> None:
        rng = random.Random(5)
        x = [rng.uniform(-1, 1) * 10 ** rng.randint(-6, 12)
             for _ in range(700)]
        for window in (3, 9, 130, 300, 520):
            mean = {"rolling": "mean", "of": "x", "window": window,
                    "lag": 0}
            for j in (window - 1, window + 17, 699):
                expected = float(numpy.mean(numpy.array(
                    x[j - window + 1:j + 1])))
                self.assertEqual(holds({"cmp": "==", "a": mean,
                                        "b": expected}, {"x": x})[j], True,
                                 (window, j))
                self.assertEqual(
                    pairwise_sum(x, j - window + 1, window),
                    float(numpy.add.reduce(numpy.array(
                        x[j - window + 1:j + 1]))))

    def test_percentile_by_hand(self) -> None:
        x = [1.0, 2.0, 3.0, 4.0, 5.0, NAN, 10.0]

        def pct(q: float, min_count: int = 1) -> list[float]:
            return values({"rolling": "percentile", "of": "x", "window": 5,
                           "q": q, "min_count": min_count, "lag": 0},
                          {"x": x})

        # [1..5]: q=20 -> virtual index 4 * 0.2 = 0.8 -> 1 + 0.8 * (2 - 1)
        self.assertEqual(pct(20)[4], 1.8)
        self.assertEqual(pct(50)[4], 3.0)
        self.assertEqual(pct(0)[4], 1.0)
        self.assertEqual(pct(100)[4], 5.0)
        # fewer values at the start: [1] and [1, 2]; NaN below min_count
        self.assertEqual(pct(50)[:2], [1.0, 1.5])
        self.assertTrue(same(pct(50, min_count=2)[:2], [NAN, 1.5]))
        # the NaN at bar 5 is left out: [2, 3, 4, 5] -> 3.5, then
        # [3, 4, 5, 10] -> 4.5
        self.assertEqual(pct(50)[5:], [3.5, 4.5])
        if numpy is not None:
            for q in (0, 7.5, 20, 50, 83, 100):
                got = pct(q)
                for j in range(len(x)):
                    window = [v for v in x[max(0, j - 4):j + 1] if v == v]
                    self.assertEqual(got[j], float(numpy.percentile(
                        window, q)), (q, j))

    def test_percentile_numpy_quirks(self) -> None:
        # numpy lerps at the top too: inf - inf is NaN for q=100
        cols = {"x": [1.0, INF]}
        top = {"rolling": "percentile", "of": "x", "window": 2, "q": 100,
               "min_count": 1, "lag": 0}
        self.assertEqual(holds({"not_nan": [top]}, cols), [True, False])

    def test_rolling_min_max_of_an_expression_with_lags(self) -> None:
        cols = {"h": [5.0, 6.0, 7.0, 6.5, 9.0],
                "l": [4.0, 5.0, 4.0, 6.0, 8.0]}
        # h[j-1] - l[j]: NaN where it would read before bar 0, so the
        # input is [NaN, 0, 2, 1, -1.5]
        width = {"op": "sub", "args": [{"col": "h", "lag": 1}, "l"]}
        low = {"rolling": "min", "of": width, "window": 2, "lag": 0}
        self.assertTrue(same(values(low, cols), [NAN, NAN, 0.0, 1.0, -1.5]))
        high = {"rolling": "max", "of": width, "window": 3, "lag": 1}
        self.assertTrue(same(values(high, cols), [NAN] * 4 + [2.0]))
        self.assertEqual(holds({"all": [{"min_bars": 1},
                                        {"cmp": "==", "a": high, "b": 2.0}]},
                               cols), [False] * 4 + [True])


class EvaluatorTest(unittest.TestCase):
    def test_factory_types_and_nested_expr(self) -> None:
        cols = {"close": [1.0, 3.0, 2.0, 4.0], "ema_20": [2.0, 2.0, 2.0, 2.0]}
        cross = {"type": "crosses_above", "col_a": "close", "col_b": "ema_20"}
        self.assertEqual(evaluator(cross).mask(cols),
                         [False, True, False, True])
        nested = {"type": "any_of", "conditions": [
            {"type": "all_of", "conditions": [
                {"type": "above", "col": "close", "ref": 3},
                {"type": "expr", "when": {"cmp": "<", "a": "ema_20",
                                          "b": "close"}}]},
            {"type": "below", "col": "close", "ref": 1.5}]}
        self.assertEqual(evaluator(nested).mask(cols),
                         [True, False, False, True])
        # an evaluator is also a closure
        self.assertTrue(evaluator(cross)(cols, 3))

    def test_aliases_resolve_both_ways(self) -> None:
        cols = {"close": [1.0, 3.0], "psar": [2.0, 2.0]}
        self.assertEqual(evaluator({"type": "above", "col": "close",
                                    "ref": "sar"}).mask(cols),
                         [False, True])

    def test_invalid_json_is_refused_with_a_path(self) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"type": "expr", "when": {"cmp": ">", "a": "x", "b": 1,
                                       "c": 2}}, "when"),
            ({"type": "expr", "when": {"cmp": ">", "a": {"op": "pow",
                                                         "args": [1, 2]},
                                       "b": 1}}, "when.a.op"),
            ({"type": "expr", "when": {"cmp": ">", "a": {
                "rolling": "mean", "of": "x", "window": 0, "lag": 0},
                "b": 1}}, "when.a.window"),
            ({"type": "expr", "when": {"every": {"min_bars": 0},
                                       "lags": [3, 1]}}, "when.lags"),
            ({"type": "rising", "col": "x", "bars": 0}, ""),
            ({"type": "above", "col": "x"}, ""),
            ({"type": "nope"}, "type"),
        ]
        for condition, path in cases:
            with self.assertRaises(ExprError, msg=json.dumps(condition)) \
                    as caught:
                evaluator(condition)
            self.assertEqual(caught.exception.path, path)

    def test_reach_and_columns(self) -> None:
        when = {"all": [
            {"min_bars": 3},
            {"every": {"cmp": ">", "a": {"rolling": "mean", "of": "x",
                                         "window": 20, "lag": 2},
                       "b": "atr_14"}, "lags": [0, 5]}]}
        condition = {"type": "expr", "when": when}
        self.assertEqual(reach(condition), 5 + 2 + 19)
        self.assertEqual(columns_read(condition), ["x", "atr_14"])
        self.assertEqual(reach({"type": "rising", "col": "x", "bars": 7}),
                         7)
        self.assertEqual(columns_read({"type": "gap_up", "atr_mult": 1.0}),
                         ["open", "close", "atr_14"])


# ------------------------------------------------------------------ data

THRESHOLDS: list[dict[str, Any]] = [
    {"type": "above", "col": "rsi_14", "ref": 70},
    {"type": "was_below_then_crosses_above", "col": "rsi_14",
     "threshold": 30, "lookback": 5},
    {"type": "expr", "when": {"all": [{"not_nan": ["adx_14"]},
                                      {"cmp": ">=", "a": "adx_14",
                                       "b": 25}]}},
    {"type": "held_for_n_bars", "col": "cci_20", "op": "<", "value": -150,
     "n_bars": 3},
    {"type": "candle_bullish", "pattern_col": "cdl_hammer"},
    {"type": "pullback_to", "level_col": "ema_20",
     "tolerance_atr_mult": 0.5},
    {"type": "expr", "when": {"all": [
        {"min_bars": 250},
        {"cmp": ">", "a": "close", "b": {"op": "add", "args": [
            "my_level", {"rolling": "percentile", "of": "atr_14",
                         "window": 300, "q": 20, "min_count": 20,
                         "lag": 0}]}}]}},
]


class GenerateTest(unittest.TestCase):
    frame: Any

    @classmethod
    def setUpClass(cls) -> None:
        cls.frame = generate(THRESHOLDS, ["sma_200", "sar"], seed=3,
                             use_pandas=False)

    def column(self, name: str) -> list[float]:
        return list(self.frame[name].tolist())

    def test_deterministic(self) -> None:
        again = generate(THRESHOLDS, ["sma_200", "sar"], seed=3,
                         use_pandas=False)
        other = generate(THRESHOLDS, ["sma_200", "sar"], seed=4,
                         use_pandas=False)
        for name in self.frame.columns:
            a, b = self.column(name), again[name].tolist()
            self.assertEqual(json.dumps(a), json.dumps(b), name)
        self.assertNotEqual(self.column("close"), other["close"].tolist())

    def test_enough_bars_for_every_window(self) -> None:
        # the percentile reaches 299 bars back: 3 * 299 + 200 bars
        self.assertEqual(len(self.frame), 3 * 299 + 200)
        self.assertEqual(len(generate([THRESHOLDS[0]], use_pandas=False)),
                         1000)
        self.assertEqual(len(generate([], bars=50, use_pandas=False)), 50)

    def test_bars_are_valid_ohlcv(self) -> None:
        o, h, lo, c, v = (self.column(k) for k in
                          ("open", "high", "low", "close", "volume"))
        for i in range(len(c)):
            self.assertGreaterEqual(h[i], max(o[i], c[i]), i)
            self.assertLessEqual(lo[i], min(o[i], c[i]), i)
            self.assertGreater(lo[i], 0, i)
            self.assertGreater(v[i], 0, i)
        self.assertGreater(sum(h[i] == lo[i] for i in range(len(c))), 5)
        gaps = [abs(o[i] - c[i - 1]) / c[i - 1] for i in range(1, len(c))]
        self.assertGreater(sum(g > 0.015 for g in gaps), 5)
        self.assertTrue(50 < min(c) and max(c) < 200)

    def test_nan_only_as_a_prefix(self) -> None:
        for name in self.frame.columns:
            if name == "timestamp":
                continue
            values = self.column(name)
            first = next(i for i, x in enumerate(values) if x == x)
            self.assertFalse(any(x != x for x in values[first:]), name)
            self.assertLess(first, len(values) // 4, name)
        self.assertGreaterEqual(next(i for i, x in enumerate(
            self.column("sma_200")) if x == x), 199)

    def test_values_span_and_hit_the_constants(self) -> None:
        for name, constants in (("rsi_14", (30, 70)), ("adx_14", (25,)),
                                ("cci_20", (-150,))):
            values = [x for x in self.column(name) if x == x]
            for constant in constants:
                self.assertLess(min(values), constant, name)
                self.assertGreater(max(values), constant, name)
                self.assertIn(float(constant), values, name)

    def test_roles(self) -> None:
        close = self.column("close")
        self.assertEqual({x for x in self.column("cdl_hammer")},
                         {-100.0, 0.0, 100.0})
        atr = [x for x in self.column("atr_14") if x == x]
        self.assertTrue(all(0 < x < 10 for x in atr))
        for level in ("ema_20", "my_level", "sma_200", "sar"):
            values = self.column(level)
            near = [abs(values[i] - close[i]) / close[i]
                    for i in range(len(close)) if values[i] == values[i]]
            self.assertLess(max(near), 0.2, level)
        # an alias and its column are the same data
        self.assertIn("sar", self.frame.columns)

    def test_every_condition_holds_and_fails_somewhere(self) -> None:
        for condition in THRESHOLDS:
            mask = evaluator(condition).mask(self.frame)
            self.assertTrue(any(mask) and not all(mask),
                            json.dumps(condition))


class FrameTest(unittest.TestCase):
    def test_pandas_like_access(self) -> None:
        frame = Frame({"close": [1.0, 2.0, 3.0], "psar": [0.5, 0.5, 0.5]},
                      {"timestamp": ["a", "b", "c"]})
        self.assertEqual(frame["close"][1], 2.0)
        self.assertEqual(frame["close"].iloc[-1], 3.0)
        self.assertEqual(list(frame["close"].values), [1.0, 2.0, 3.0])
        self.assertEqual(len(frame["close"]), 3)
        self.assertEqual(frame["close"][1:].tolist(), [2.0, 3.0])
        self.assertEqual(frame.iloc[2]["close"], 3.0)
        self.assertEqual(frame["sar"][0], 0.5)
        self.assertIn("close", frame)
        self.assertNotIn("open", frame)
        self.assertEqual(frame.columns, ["timestamp", "close", "psar"])
        self.assertEqual(len(frame), 3)
        self.assertEqual(frame.timestamps, ["a", "b", "c"])
        self.assertEqual(value_at(frame, "close", 2), 3.0)
        with self.assertRaises(KeyError):
            frame["open"]


class _Series:
    """Just what as_table reads of a pandas Series."""

    def __init__(self, values: list[Any]) -> None:
        self._values = values

    def to_numpy(self, dtype: Any = None) -> Any:
        return numpy.array(self._values, dtype=dtype)

    def __getitem__(self, idx: int) -> Any:
        return self._values[idx]


class _DataFrame:
    """Just what as_table and a closure read of a pandas DataFrame."""

    def __init__(self, data: dict[str, list[Any]]) -> None:
        self._data = data
        self.columns = list(data)

    def __getitem__(self, name: str) -> _Series:
        return _Series(self._data[name])

    def __len__(self) -> int:
        return len(next(iter(self._data.values())))


class PandasTest(unittest.TestCase):
    @unittest.skipIf(numpy is None, "numpy is not installed")
    def test_a_dataframe_is_read_through_to_numpy(self) -> None:
        frame = _DataFrame({"timestamp": ["t0", "t1", "t2"],
                            "close": [1, 3, 2], "ema_20": [2.0, 2.0, NAN]})
        result = verify_strategies(
            [{"id": 1, "name": "pd", "entry_long": [
                crosses_above("close", "ema_20")],
              "exit_long": [with_expr({"cmp": "<", "a": "close",
                                       "b": "ema_20"})(
                  lambda f, i: f["close"][i] > f["ema_20"][i])]}],
            frame)
        self.assertEqual(result.bars, 3)
        self.assertEqual([(d.path, d.bar, d.timestamp, d.closure,
                           d.expected) for d in result.disagreements],
                         [("exit_long[0]", 0, "t0", False, True),
                          ("exit_long[0]", 1, "t1", True, False)])

    @unittest.skipIf(pandas_available(), "pandas is installed")
    def test_pandas_required_but_missing(self) -> None:
        with self.assertRaises(DataError):
            make_frame({"close": [1.0]}, use_pandas=True)
        self.assertIsInstance(make_frame({"close": [1.0]}), Frame)


class LoadCsvTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name: str, text: str) -> str:
        path = os.path.join(self.dir.name, name)
        data = text.encode("utf-8")
        with open(path, "wb") as handle:
            handle.write(gzip.compress(data) if name.endswith(".gz")
                         else data)
        return path

    def test_joins_files_column_wise(self) -> None:
        bars = self.write("bars.csv", "timestamp,open,close\n"
                          "2024-01-01T00:00:00Z,1,2\n"
                          "2024-01-02T00:00:00Z,2,3.5\n")
        more = self.write("ind.csv.gz", "timestamp,rsi_14,macd\n"
                          "2024-01-01T00:00:00Z,,NaN\n"
                          "2024-01-02T00:00:00Z,55.5,nan\n")
        frame = load_csv([bars, more], use_pandas=False)
        self.assertEqual(frame.columns,
                         ["timestamp", "open", "close", "rsi_14", "macd"])
        self.assertEqual(frame["close"].tolist(), [2.0, 3.5])
        rsi = frame["rsi_14"].tolist()
        self.assertTrue(math.isnan(rsi[0]))
        self.assertEqual(rsi[1], 55.5)
        self.assertTrue(all(math.isnan(x) for x in frame["macd"]))
        table = frame.table()
        self.assertNotIn("timestamp", table)
        self.assertEqual(table.timestamp(1), "2024-01-02T00:00:00Z")

    def test_clear_errors(self) -> None:
        bars = self.write("bars.csv", "timestamp,close\nx,1\ny,2\n")
        short = self.write("short.csv", "rsi_14\n50\n")
        with self.assertRaises(DataError) as caught:
            load_csv([bars, short], use_pandas=False)
        self.assertIn("bars.csv has 2", str(caught.exception))
        self.assertIn("short.csv has 1", str(caught.exception))
        other = self.write("other.csv", "close\n1\n3\n")
        with self.assertRaises(DataError) as caught:
            load_csv([bars, other], use_pandas=False)
        self.assertIn("'close'", str(caught.exception))
        ragged = self.write("ragged.csv", "a,b\n1,2\n3\n")
        with self.assertRaises(DataError) as caught:
            load_csv(ragged, use_pandas=False)
        self.assertIn("ragged.csv:3", str(caught.exception))

    @unittest.skipUnless(os.path.isdir(PARITY), "no parity fixtures")
    def test_parity_fixtures(self) -> None:
        frame = load_csv([os.path.join(PARITY, "bars_1Day.csv"),
                          os.path.join(PARITY, "indicators_1Day.csv.gz")],
                         use_pandas=False)
        self.assertEqual(len(frame), 1500)
        self.assertIn("atr_14", frame)
        self.assertEqual(frame.timestamps[0], "2023-01-02T05:00:00Z")
        self.assertNotIn("timestamp", frame.table())


# ---------------------------------------------------------------- verify

def _close_above_band(mult: float) -> Any:
    """``close > ema_20 + 1*atr_14`` annotated, ``mult`` in the code."""
    @with_expr({"all": [
        {"finite": ["close", "ema_20", "atr_14"]},
        {"cmp": ">", "a": "close",
         "b": {"op": "add", "args": ["ema_20", "atr_14"]}}]})
    def close_above_band(frame: Any, idx: int) -> bool:
        close = frame["close"][idx]
        ema = frame["ema_20"][idx]
        atr = frame["atr_14"][idx]
        if not all(math.isfinite(v) for v in (close, ema, atr)):
            return False
        return bool(close > ema + mult * atr)
    return close_above_band


@with_expr({"all": [{"min_bars": 1},
                    {"cmp": ">", "a": "close",
                     "b": {"col": "close", "lag": 1}}]})
def _broken(frame: Any, idx: int) -> bool:
    if idx == 0:
        return False
    if idx % 2:
        raise ValueError("odd bar")
    return bool(frame["close"][idx] > frame["close"][idx - 1])


def _strategy(id: int, name: str, **sides: Any) -> StrategyDef:
    return StrategyDef(id=id, name=name, display_name=name, philosophy="p",
                       category="trend", direction="long_short", **sides)


class VerifyTest(unittest.TestCase):
    frame: Any

    @classmethod
    def setUpClass(cls) -> None:
        conditions: list[dict[str, Any]] = [
            {"type": "above", "col": "close", "ref": "ema_20"},
            {"type": "expr", "when": {"cmp": ">", "a": "atr_14", "b": 0}}]
        cls.frame = generate(conditions, seed=11, use_pandas=False)

    def test_a_drifted_annotation_is_reported(self) -> None:
        drifted = _close_above_band(1.5)
        strategies = [
            _strategy(7, "steady", entry_long=[_close_above_band(1.0)]),
            _strategy(69, "drifting",
                      entry_long=[crosses_above("close", "ema_20"),
                                  all_of(drifted, above("close", 0))],
                      exit_long=[drifted]),
        ]
        result = verify_strategies(strategies, self.frame,
                                   max_reports_per_condition=2)
        self.assertFalse(result.ok)
        places = {(d.strategy_id, d.side, d.path, d.kind)
                  for d in result.disagreements}
        self.assertEqual(places, {
            (69, "entry_long", "entry_long[1]", "all_of"),
            (69, "entry_long", "entry_long[1].conditions[0]", "expr"),
            (69, "exit_long", "exit_long[0]", "expr"),
        })
        self.assertEqual(result.failing, 3)
        self.assertEqual(len(result.disagreements), 6)
        c, e, a = (self.frame[k].tolist() for k in ("close", "ema_20",
                                                    "atr_14"))
        for d in result.disagreements:
            self.assertEqual(d.strategy_name, "drifting")
            bar = d.bar
            assert bar is not None
            # the closure says no, the expr yes: close between the bands
            self.assertEqual((d.closure, d.expected), (False, True))
            self.assertTrue(e[bar] + a[bar] < c[bar] <= e[bar] + 1.5 * a[bar])
            self.assertEqual(d.timestamp, self.frame.timestamps[bar])
            self.assertGreaterEqual(d.differing, 2)
            self.assertEqual(d.bars, len(self.frame))
        line = format_disagreement(result.disagreements[-1])
        first = result.disagreements[-1]
        self.assertEqual(line, (
            f"strategy 69 'drifting' exit_long[0] expr: bar {first.bar} "
            f"({first.timestamp}): the Python closure says False, the expr "
            f"says True ({first.differing} of {len(self.frame)} bars "
            "differ)"))
        # 1 + 2 + 2 nested + 1 = 6 conditions, 3 of them expr
        self.assertEqual((result.conditions, result.expr_conditions), (6, 3))
        self.assertIn(f"checked 6 conditions (3 expr) on {len(self.frame)} "
                      "bars: 3 conditions disagree with their JSON",
                      format_result(result))
        # above("close", 0) holds on every bar: said, as it tests nothing
        self.assertEqual(result.idle, [
            "strategy 69 'drifting' entry_long[1].conditions[1] above "
            "(always holds)"])

    def test_agreeing_registry(self) -> None:
        strategies = [{"id": 1, "name": "ok",
                       "entry_long": [_close_above_band(1.0)],
                       "entry_short": [], "exit_long": [
                           crosses_above("close", "ema_20")],
                       "exit_short": []}]
        result = verify_strategies(strategies, self.frame)
        self.assertTrue(result.ok)
        self.assertEqual(format_result(result),
                         f"checked 2 conditions (1 expr) on "
                         f"{len(self.frame)} bars: all agree")

    def test_raising_closure_unreadable_json_and_skips(self) -> None:
        def no_meta(frame: Any, idx: int) -> bool:
            return True

        unguarded = with_expr({"cmp": ">", "a": "close",
                               "b": {"col": "close", "lag": 1}})(
            lambda frame, idx: True)
        missing = with_expr({"cmp": ">", "a": "no_such", "b": 0})(
            lambda frame, idx: False)
        strategies = [_strategy(3, "rough", entry_long=[_broken, no_meta],
                                exit_short=[unguarded, missing])]
        result = verify_strategies(strategies, self.frame)
        self.assertEqual(result.skipped, 1)
        self.assertEqual(result.conditions, 3)
        self.assertEqual(result.failing, 3)
        raised = [d for d in result.disagreements if d.error is not None]
        self.assertEqual([d.bar for d in raised], [1, 3, 5])
        self.assertEqual(raised[0].error, "ValueError: odd bar")
        self.assertEqual(raised[0].raised, len(self.frame) // 2)
        self.assertIn("the Python closure raised ValueError: odd bar",
                      format_disagreement(raised[0]))
        problem = [d for d in result.disagreements if d.problem is not None]
        self.assertEqual(len(problem), 2)
        self.assertIn("exit_short[0] expr: the JSON is not a condition probe "
                      "compiles: when.b: reads 1 bar(s) back",
                      format_disagreement(problem[0]))
        self.assertTrue(format_disagreement(problem[1]).endswith(
            "exit_short[1] expr: the JSON cannot be evaluated on this data: "
            "column 'no_such' is not in the frame"))
        self.assertIn("(1 without JSON skipped)", format_result(result))


class ProjectRegistryTest(unittest.TestCase):
    """strategies.json rebuilt as closures (factories, evaluators for
    expr) agrees with itself on generated bars: every condition of the
    project's registry is evaluable and exercised."""

    def test_project_registry(self) -> None:
        with open(os.path.join(ROOT, "strategies.json"),
                  encoding="utf-8") as handle:
            registry = json.load(handle)

        def closure(c: dict[str, Any]) -> Any:
            if c["type"] == "expr":
                return with_expr(c["when"])(evaluator(c))
            if c["type"] in ("all_of", "any_of"):
                return FACTORIES[c["type"]](*map(closure, c["conditions"]))
            return FACTORIES[c["type"]](**{k: v for k, v in c.items()
                                           if k != "type"})

        strategies = [{**s, **{side: [closure(c) for c in s[side]]
                               for side in SIDES}} for s in registry]
        frame = generate([c for s in registry for side in SIDES
                          for c in s[side]],
                         [r for s in registry
                          for r in s["required_indicators"]],
                         seed=7, use_pandas=False)
        result = verify_strategies(strategies, frame)
        self.assertTrue(result.ok, format_result(result))
        self.assertGreater(result.conditions, 450)
        # the generated bars exercise (nearly) every condition both ways
        self.assertLessEqual(len(result.idle), 3, result.idle)


if __name__ == "__main__":
    unittest.main()
