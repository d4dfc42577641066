"""Unit tests of scripts/probe_registry (python3 -m unittest; vitest runs
them from test/python/unit.test.ts)."""

from __future__ import annotations

import json
import math
import os
import sys
import unittest
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from probe_registry import (  # noqa: E402
    Condition,
    NotSerializable,
    StrategyDef,
    compare,
    to_json,
    with_expr,
)
from probe_registry.conditions import (  # noqa: E402
    above,
    all_of,
    any_of,
    crosses_above,
    held_for_n_bars,
    squeeze,
)
from probe_registry.export import (  # noqa: E402
    ExportError,
    export_registry,
    render,
)
from probe_registry.serializable import serializable  # noqa: E402

FRAME = {"close": [1.0, 2.0, 3.0, float("nan"), 5.0],
         "ema_20": [2.0, 2.0, 2.0, 2.0, 2.0]}


def record(**overrides: Any) -> dict[str, Any]:
    """A complete dict strategy."""
    base: dict[str, Any] = {
        "id": 1, "name": "one", "display_name": "One", "philosophy": "p",
        "category": "trend", "direction": "long_short", "tags": [],
        "version": 1, "entry_long": [above("close", "ema_20")],
        "entry_short": [], "exit_long": [], "exit_short": [],
        "atr_stop_mult": 2, "atr_target_mult": None,
        "trailing_atr_mult": None, "time_stop_bars": None,
        "required_indicators": ["ema_20"], "details": {},
    }
    base.update(overrides)
    return base


class SerializableTest(unittest.TestCase):
    def test_keywords_defaults_and_nesting(self) -> None:
        condition = any_of(all_of(crosses_above(col_a="close", col_b=2)),
                           squeeze("bb_width"))
        self.assertEqual(to_json(condition), {
            "type": "any_of", "conditions": [
                {"type": "all_of", "conditions": [
                    {"type": "crosses_above", "col_a": "close", "col_b": 2}]},
                {"type": "squeeze", "width_col": "bb_width", "lookback": 50},
            ]})
        self.assertEqual(repr(squeeze("x", 3)), "squeeze(width_col='x', "
                                                "lookback=3)")

    def test_conditions_still_run(self) -> None:
        cross = crosses_above("close", "ema_20")
        self.assertEqual([cross(FRAME, i) for i in range(5)],
                         [False, False, True, False, False])
        held = held_for_n_bars("close", ">", 0, 2)
        self.assertEqual([held(FRAME, i) for i in range(5)],
                         [False, True, True, False, False])

    def test_wrong_calls_fail_at_once(self) -> None:
        with self.assertRaises(TypeError):
            crosses_above("close")
        with self.assertRaises(TypeError):
            above("close", "ema_20", col="x")
        with self.assertRaises(ValueError):
            squeeze("bb_width", 0)
        with self.assertRaises(ValueError):
            held_for_n_bars("adosc", "=>", 0, 5)
        with self.assertRaises(ValueError):
            compare("~", 1)
        with self.assertRaises(TypeError):
            held_for_n_bars("adosc", compare(">", 0), 5, 6)

    def test_held_for_n_bars_forms(self) -> None:
        expected = {"type": "held_for_n_bars", "col": "adosc", "op": "<",
                    "value": 0, "n_bars": 5}
        for condition in (held_for_n_bars("adosc", "<", 0, 5),
                          held_for_n_bars("adosc", compare("<", 0), 5),
                          held_for_n_bars("adosc", compare("<", 0),
                                          n_bars=5),
                          held_for_n_bars(col="adosc", op="<", value=0,
                                          n_bars=5)):
            self.assertEqual(to_json(condition), expected)
        lam = held_for_n_bars("close", lambda v: v > 0, 2)
        self.assertTrue(lam(FRAME, 1))
        with self.assertRaises(NotSerializable) as caught:
            to_json(lam)
        self.assertEqual(caught.exception.path, "op")

    def test_reference_style_factories(self) -> None:
        # the reference's parameter names map to the registry's by position
        @serializable
        def crosses_below(col_a: str, col_b_or_value: Any) -> Any:
            return lambda frame, idx: False

        self.assertEqual(to_json(crosses_below("a", 0.5)),
                         {"type": "crosses_below", "col_a": "a",
                          "col_b": 0.5})

        # the reference's (col, condition_fn, n_bars) signature
        @serializable
        def held_for_n_bars(col: str, condition_fn: Any,
                            n_bars: int) -> Any:
            return lambda frame, idx: False

        self.assertEqual(to_json(held_for_n_bars("x", compare(">=", 1.5),
                                                 3)),
                         {"type": "held_for_n_bars", "col": "x", "op": ">=",
                          "value": 1.5, "n_bars": 3})
        with self.assertRaises(NotSerializable):
            to_json(held_for_n_bars("x", lambda v: v > 0, 3))

        with self.assertRaises(TypeError):
            @serializable
            def rising(col: str) -> Any:
                return lambda frame, idx: False

        @serializable(type_name="rising", params=("col", "bars"))
        def up(column: str, n: int = 2) -> Any:
            return lambda frame, idx: False

        self.assertEqual(to_json(up("close")),
                         {"type": "rising", "col": "close", "bars": 2})

    def test_expr_attachment(self) -> None:
        when = {"cmp": ">", "a": "close", "b": 0}

        @with_expr(when)
        def positive(frame: Any, idx: int) -> bool:
            return bool(frame["close"][idx] > 0)

        self.assertTrue(positive(FRAME, 0))
        self.assertEqual(to_json(all_of(positive)),
                         {"type": "all_of", "conditions": [
                             {"type": "expr", "when": when}]})
        wrapped = with_expr(when)(len)  # a builtin takes no attributes
        self.assertIsInstance(wrapped, Condition)
        with self.assertRaises(TypeError):
            with_expr("close > 0")  # type: ignore[arg-type]
        nan = with_expr({"cmp": ">", "a": "close", "b": math.nan})(positive)
        with self.assertRaises(NotSerializable) as caught:
            to_json(nan)
        self.assertEqual(caught.exception.path, "when.b")

    def test_hand_written_closure(self) -> None:
        def green(frame: Any, idx: int) -> bool:
            return True

        with self.assertRaises(NotSerializable) as caught:
            to_json(any_of(above("close", 1), green))
        self.assertEqual(caught.exception.path, "conditions[1]")
        self.assertIn("green (test_probe_registry.py:",
                      caught.exception.reason)


    def test_every_bad_child_is_reported(self) -> None:
        def green(frame: Any, idx: int) -> bool:
            return True

        def red(frame: Any, idx: int) -> bool:
            return False

        nested = all_of(green, above("close", 1),
                        any_of(red, held_for_n_bars("x", lambda v: v < 0,
                                                    2)))
        with self.assertRaises(NotSerializable) as caught:
            to_json(nested)
        paths = [e.path for e in caught.exception.each()]
        self.assertEqual(paths, ["conditions[0]", "conditions[2].conditions[0]",
                                 "conditions[2].conditions[1].op"])

    def test_suggested_comparison(self) -> None:
        from probe_registry.serializable import suggest_comparison
        limit = 20

        def below_limit(v: float) -> bool:
            return v <= limit

        cases: list[tuple[Any, Any]] = [
            (lambda v: v > 0, (">", 0)),
            (lambda v: v < 0, ("<", 0)),
            (lambda v: v >= -1.5, (">=", -1.5)),
            (lambda v: 70 < v, (">", 70)),    # swapped operands
            (lambda v: 30 >= v, ("<=", 30)),
            (below_limit, ("<=", 20)),        # a closed-over variable
            (lambda v: v > 0 and v < 5, None),
            (lambda v: abs(v) > 1, None),
            (lambda v: 30 < v < 70, None),
            (lambda v: v > "x", None),
            (lambda a, b: a > b, None),
        ]
        for predicate, expected in cases:
            self.assertEqual(suggest_comparison(predicate), expected)


class ExportTest(unittest.TestCase):
    def test_dicts_and_objects_sorted_with_float_multipliers(self) -> None:
        strategies = [
            record(id=3, name="three"),
            StrategyDef(id=2, name="two", display_name="Two",
                        philosophy="p", category="trend",
                        direction="long_only", atr_target_mult=1),
        ]
        records = export_registry(strategies)
        self.assertEqual([r["id"] for r in records], [2, 3])
        self.assertEqual(list(records[0]), list(record()))
        self.assertEqual(records[1]["atr_stop_mult"], 2.0)
        self.assertIsInstance(records[1]["atr_stop_mult"], float)
        self.assertEqual(records[0]["atr_target_mult"], 1.0)
        text = render(records)
        self.assertTrue(text.endswith("\n]\n"))
        self.assertEqual(json.loads(text), records)

    def test_every_problem_listed(self) -> None:
        broken = dict(record(id=4, name="four"))
        del broken["details"]
        with self.assertRaises(ExportError) as caught:
            export_registry([
                record(id=1, name="dup"),
                record(id=1, name="dup", exit_long=[lambda f, i: True]),
                record(id=2, name="bad", time_stop_bars=0, version=True,
                       atr_stop_mult=float("inf"), tags="trend",
                       details={"x": {1, 2}}),
                broken,
            ])
        problems = caught.exception.problems
        self.assertTrue(any(p.startswith("strategy 1 'dup' exit_long[0]: ")
                            and "<lambda> (test_probe_registry.py:" in p
                            for p in problems), problems)
        for text in ("strategy 2 'bad': time_stop_bars must be",
                     "strategy 2 'bad': version must be",
                     "strategy 2 'bad': atr_stop_mult must be",
                     "strategy 2 'bad': tags must be",
                     "strategy 2 'bad': details is not JSON",
                     "strategy 4 'four': missing field(s) details",
                     "duplicate id 1 (the strategies with name 'dup' and "
                     "'dup')",
                     "duplicate name 'dup' (the strategies with id 1 and "
                     "1)"):
            self.assertTrue(any(text in p for p in problems),
                            (text, problems))

    def test_empty_registry(self) -> None:
        with self.assertRaises(ExportError):
            export_registry([])


if __name__ == "__main__":
    unittest.main()
