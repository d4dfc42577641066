"""Tests of the stale check: probe_registry.diff, .normalize, .notation.

The soundness tests evaluate conditions with a reference evaluator written
here from docs/registry.md (not normalize.py's code): a side and its
normal form must hold on exactly the same bars for random predicates on
random data full of NaN, infinities, signed zeros and overflow.
"""

from __future__ import annotations

import copy
import math
import os
import random
import sys
import unittest
from collections.abc import Mapping
from typing import Any, Callable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))

from probe_registry.conditions import FACTORIES  # noqa: E402
from probe_registry.diff import (  # noqa: E402
    apply_probe_owned,
    diff_registries,
)
from probe_registry.normalize import (  # noqa: E402
    FALSE,
    normalize_side,
    to_condition,
)
from probe_registry.notation import (  # noqa: E402
    condition_lines,
    render_condition,
)
from probe_registry.serializable import REGISTRY_PARAMS  # noqa: E402
from probe_registry.strategy import FIELDS  # noqa: E402

NAN, INF = math.nan, math.inf


def record(id: int, name: str, **fields: Any) -> dict[str, Any]:
    """A complete strategies.json record, fields in FIELDS order."""
    base: dict[str, Any] = {
        "id": id, "name": name, "display_name": name.title(),
        "philosophy": f"why {name}", "category": "trend",
        "direction": "long_short", "tags": ["trend"], "version": 1,
        "entry_long": [{"type": "above", "col": "close", "ref": "ema_50"}],
        "entry_short": [], "exit_long": [], "exit_short": [],
        "atr_stop_mult": 2.0, "atr_target_mult": None,
        "trailing_atr_mult": None, "time_stop_bars": None,
        "required_indicators": ["ema_50"], "details": {"exit": "stop"},
    }
    base.update(fields)
    assert list(base) == list(FIELDS)
    return base


def expr(when: Any) -> dict[str, Any]:
    return {"type": "expr", "when": when}


def cmp(op: str, a: Any, b: Any) -> dict[str, Any]:
    return {"cmp": op, "a": a, "b": b}


def op(name: str, *args: Any) -> dict[str, Any]:
    return {"op": name, "args": list(args)}


def lag(col: str, k: int) -> dict[str, Any]:
    return {"col": col, "lag": k}


def side_diff(side: str, committed: list[Any], exported: list[Any]
              ) -> tuple[bool, list[str]]:
    """(real?, report lines) for one strategy differing in one side."""
    old = [record(3, "y", **{side: committed})]
    new = [record(3, "y", **{side: exported})]
    diff = diff_registries(old, new)
    assert len(diff.strategies) == 1, diff.lines()
    return bool(diff.real), diff.lines()


class ReportTest(unittest.TestCase):
    def test_real_change_inside_an_expr(self) -> None:
        old = [record(69, "ema_pullback", exit_long=[
            expr(cmp(">", "close", op("add", "ema_20", "atr_14")))])]
        new = [record(69, "ema_pullback", exit_long=[
            expr(cmp(">", "close", op("add", "ema_20",
                                      op("mul", 1.5, "atr_14"))))])]
        diff = diff_registries(old, new)
        self.assertEqual(len(diff.real), 1)
        self.assertEqual(diff.form_only, [])
        self.assertEqual(diff.lines(), [
            "strategy 69 'ema_pullback' exit_long: conditions differ",
            "  - expr: close > ema_20 + atr_14",
            "  + expr: close > ema_20 + 1.5 * atr_14",
            "1 strategy differs (1 real, 0 form-only)",
        ])

    def test_real_change_of_a_factory_threshold(self) -> None:
        keep = {"type": "crosses_above", "col_a": "ema_20", "col_b": "ema_50"}
        real, lines = side_diff(
            "entry_long",
            [keep, {"type": "above", "col": "rsi_14", "ref": 50}],
            [keep, {"type": "above", "col": "rsi_14", "ref": 55}])
        self.assertTrue(real)
        self.assertEqual(lines[:4], [
            "strategy 3 'y' entry_long: conditions differ",
            "    crosses_above(ema_20, ema_50)",
            "  - above(rsi_14, 50)",
            "  + above(rsi_14, 55)",
        ])

    def test_scalar_fields(self) -> None:
        diff = diff_registries(
            [record(12, "x"), record(13, "z", atr_stop_mult=2)],
            [record(12, "x", atr_stop_mult=2.5, version=2),
             record(13, "z", atr_stop_mult=2.0)])
        self.assertEqual(diff.lines(), [
            "strategy 12 'x' version: 1 -> 2",
            "strategy 12 'x' atr_stop_mult: 2.0 -> 2.5",
            "strategy 13 'z' atr_stop_mult: the same value written "
            "differently (form only): 2 vs 2.0",
            "2 strategies differ (1 real, 1 form-only)",
        ])

    def test_lists_details_and_names(self) -> None:
        diff = diff_registries(
            [record(5, "old_name", tags=["trend", "cross"], philosophy="p",
                    details={"exit": "stop", "note": "a"})],
            [record(5, "new_name", tags=["trend", "ema"], philosophy="p",
                    details={"note": "b", "exit": "stop"})])
        self.assertEqual(diff.lines(), [
            "strategy 5 'new_name' name: \"old_name\" -> \"new_name\"",
            "strategy 5 'new_name' display_name: \"Old_Name\" -> "
            "\"New_Name\"",
            "strategy 5 'new_name' tags: [\"trend\", \"cross\"] -> "
            "[\"trend\", \"ema\"] (added ema; removed cross)",
            "strategy 5 'new_name' details.note: \"a\" -> \"b\"",
            "1 strategy differs (1 real, 0 form-only)",
        ])
        reordered = diff_registries(
            [record(5, "x", details={"a": 1, "b": [1, 2]})],
            [record(5, "x", details={"b": [1.0, 2], "a": 1})])
        self.assertFalse(reordered.real)
        self.assertIn("details: the same value written differently "
                      "(form only): keys in another order",
                      reordered.lines()[0])

    def test_added_removed_and_stable_order(self) -> None:
        diff = diff_registries(
            [record(7, "gone"), record(2, "kept"), record(1, "same")],
            [record(1, "same"), record(9, "fresh"),
             record(2, "kept", version=3)])
        self.assertEqual([s.id for s in diff.strategies], [2, 7, 9])
        self.assertEqual([s.id for s in diff.added], [9])
        self.assertEqual([s.id for s in diff.removed], [7])
        self.assertEqual(diff.lines(), [
            "strategy 2 'kept' version: 1 -> 3",
            "strategy 7 'gone': only in strategies.json, not in the export",
            "strategy 9 'fresh': new, only in the export",
            "3 strategies differ (3 real, 0 form-only): 1 new, 1 removed",
        ])

    def test_no_difference(self) -> None:
        diff = diff_registries([record(1, "a")], [record(1, "a")])
        self.assertFalse(diff)
        self.assertFalse(diff.real)
        self.assertEqual(len(diff.lines()), 1)
        self.assertTrue(diff.lines()[0].startswith("no strategy differs"))

    def test_field_order_only(self) -> None:
        old = record(1, "a")
        new = dict(reversed(list(old.items())))
        diff = diff_registries([old], [new])
        self.assertEqual(len(diff.form_only), 1)
        self.assertIn("another order (form only)", diff.lines()[0])

    def test_long_conditions_wrap_and_diff_by_line(self) -> None:
        guard = {"finite": ["close", lag("close", 1), "sma_20",
                            lag("sma_20", 1), "atr_14", lag("atr_14", 1)]}
        old = expr({"all": [{"min_bars": 1}, guard,
                            cmp("<=", lag("close", 1), lag("sma_20", 1)),
                            cmp(">", "close", op("add", "sma_20", "atr_14"))
                            ]})
        new = copy.deepcopy(old)
        new["when"]["all"][3]["b"]["args"][1] = op("mul", 2, "atr_14")
        real, lines = side_diff("entry_long", [old], [new])
        self.assertTrue(real)
        self.assertEqual(lines, [
            "strategy 3 'y' entry_long: conditions differ",
            "          and finite(close, close[1], sma_20, sma_20[1], "
            "atr_14, atr_14[1])",
            "          and close[1] <= sma_20[1]",
            "  -       and close > sma_20 + atr_14",
            "  +       and close > sma_20 + 2 * atr_14",
            "1 strategy differs (1 real, 0 form-only)",
        ])
        self.assertNotIn("  - expr: i >= 1", lines)  # unchanged: context


class FormOnlyTest(unittest.TestCase):
    def assertForm(self, side: str, committed: list[Any],
                   exported: list[Any]) -> list[str]:
        real, lines = side_diff(side, committed, exported)
        self.assertFalse(real, lines)
        self.assertIn("same after normalisation (form only)", lines[0])
        return lines

    def assertReal(self, side: str, committed: list[Any],
                   exported: list[Any]) -> None:
        real, lines = side_diff(side, committed, exported)
        self.assertTrue(real, lines)

    def test_guarded_not_is_the_flipped_comparison(self) -> None:
        flipped = [expr({"all": [{"finite": ["a", "b"]},
                                 {"not": cmp(">=", "a", "b")}]})]
        plain = [expr({"all": [{"finite": ["a", "b"]}, cmp("<", "a", "b")]})]
        lines = self.assertForm("entry_long", flipped, plain)
        self.assertEqual(lines[0], (
            "strategy 3 'y' entry_long: same after normalisation (form "
            "only): expr: finite(a, b) and not(a >= b) vs expr: "
            "finite(a, b) and a < b"))

    def test_unguarded_not_is_real(self) -> None:
        # with a NaN, not(a >= b) holds and a < b does not
        self.assertReal("entry_long", [expr({"not": cmp(">=", "a", "b")})],
                        [expr(cmp("<", "a", "b"))])
        half = [expr({"all": [{"finite": ["a"]},
                              {"not": cmp(">=", "a", "b")}]})]
        self.assertReal("entry_long", half,
                        [expr({"all": [{"finite": ["a"]},
                                       cmp("<", "a", "b")]})])

    def test_guards_across_an_entry_side_not_an_exit_side(self) -> None:
        guard = expr({"not_nan": ["a", "b"]})
        self.assertForm("entry_long",
                        [guard, expr({"not": cmp("<=", "a", "b")})],
                        [guard, expr(cmp(">", "a", "b"))])
        # an exit holds when any condition does: no shared guard
        self.assertReal("exit_long",
                        [guard, expr({"not": cmp("<=", "a", "b")})],
                        [guard, expr(cmp(">", "a", "b"))])
        # an enclosing all guards a nested any, a comparison guards too
        self.assertForm("exit_long",
                        [expr({"all": [cmp(">", "a", 0), {"finite": ["b"]},
                                       {"any": [{"not": cmp("<", "a", "b")},
                                                cmp(">", "c", 1)]}]})],
                        [expr({"all": [cmp("<", 0, "a"), {"finite": ["b"]},
                                       {"any": [cmp(">=", "a", "b"),
                                                cmp(">", "c", 1)]}]})])

    def test_rejected_rewrites_are_real(self) -> None:
        """Tempting rewrites that change a bar: each pair is reported real
        and a bar where the two differ is shown."""
        p, q = cmp(">", "a", 0), cmp(">", "b", 0)
        big = 1e308
        cases = [
            # -0 + 0 is +0, and 1 / -0 is -inf
            (cmp(">", op("div", 1, op("add", "a", 0)), 0),
             cmp(">", op("div", 1, "a"), 0), {"a": -0.0}),
            # floating-point addition is not associative
            (cmp(">", op("add", op("add", "a", "b"), "c"), big),
             cmp(">", op("add", "a", op("add", "b", "c")), big),
             {"a": big, "b": big, "c": -big}),
            # max(NaN, 1) is NaN, max(1, NaN) is 1
            (cmp("==", op("max", "a", "b"), 1),
             cmp("==", op("max", "b", "a"), 1), {"a": NAN, "b": 1.0}),
            # every vote counts
            ({"votes": [p, p, q], "at_least": 2},
             {"votes": [p, q], "at_least": 2}, {"a": 1.0, "b": -1.0}),
        ]
        for left, right, values in cases:
            self.assertReal("entry_long", [expr(left)], [expr(right)])
            data = {c: [values.get(c, 0.0)] * BARS for c in DATA_COLUMNS}
            self.assertNotEqual(ev_pred(left, data, 0),
                                ev_pred(right, data, 0), (left, right))

    def test_quantifiers_shift_the_bars(self) -> None:
        test = expr(cmp(">", "a", 0))
        # inside some(1..1, ...), min_bars 0 means i >= 1
        self.assertReal("entry_long",
                        [test, expr({"some": {"min_bars": 0},
                                     "lags": [1, 1]})], [test])
        self.assertForm("entry_long",
                        [test, expr({"min_bars": 0})], [test])
        # a guard on a is no guard on a one bar back
        guard = {"finite": ["a", "b"]}
        self.assertReal(
            "entry_long",
            [expr({"all": [guard, {"some": {"not": cmp(">=", "a", "b")},
                                   "lags": [1, 1]}]})],
            [expr({"all": [guard, {"some": cmp("<", "a", "b"),
                                   "lags": [1, 1]}]})])

    def test_equality_negates_without_guards(self) -> None:
        self.assertForm("exit_short", [expr({"not": cmp("==", "a", "b")})],
                        [expr(cmp("!=", "b", "a"))])

    def test_arithmetic_operands_need_not_nan(self) -> None:
        def pair(guard: Any, left: Any, right: Any) -> tuple[list[Any],
                                                             list[Any]]:
            return ([expr({"all": [guard, {"not": cmp(">=", left, right)}]})],
                    [expr({"all": [guard, cmp("<", left, right)]})])

        finite = {"finite": ["a", "b", "c"]}
        not_nan = {"not_nan": ["a", "b", "c"]}
        # finite + finite cannot be NaN (it may overflow to inf)
        self.assertForm("entry_long", *pair(finite, op("sub", "a", "b"), "c"))
        # inf - inf is NaN
        self.assertReal("entry_long", *pair(not_nan, op("sub", "a", "b"), "c"))
        # 0 * inf is NaN, a non-zero constant times anything not NaN is not
        self.assertReal("entry_long", *pair(not_nan, op("mul", 0, "a"), "c"))
        self.assertForm("entry_long", *pair(not_nan, op("mul", 2, "a"), "c"))
        # 0/0: never a division by a variable
        self.assertReal("entry_long", *pair(finite, op("div", "a", "b"), "c"))
        self.assertForm("entry_long",
                        *pair(not_nan, op("div", "a", 2), "c"))
        # max(a, b) is NaN only when a is
        self.assertForm("entry_long", *pair({"not_nan": ["a", "c"]},
                                            op("max", "a", "b"), "c"))
        self.assertReal("entry_long", *pair({"not_nan": ["a", "c"]},
                                            op("max", "b", "a"), "c"))

    def test_constant_folding(self) -> None:
        self.assertForm("entry_long",
                        [expr(cmp(">", "rsi_14", op("sub", 1.0, 0.2)))],
                        [expr(cmp(">", "rsi_14", 0.8))])
        # 0.1 + 0.2 is not the double 0.3
        self.assertReal("entry_long",
                        [expr(cmp(">", "rsi_14", op("add", 0.1, 0.2)))],
                        [expr(cmp(">", "rsi_14", 0.3))])
        # -0.0 is not 0 in arithmetic: 1 / -0.0 is -inf
        self.assertReal("entry_long",
                        [expr(cmp(">", op("div", 1, op("mul", "a", -0.0)),
                                  0))],
                        [expr(cmp(">", op("div", 1, op("mul", "a", 0)),
                                  0))])
        # 1/0 and 2/0 are both +inf, as in JavaScript
        self.assertForm("entry_long",
                        [expr(cmp(">", "a", op("div", 1, 0)))],
                        [expr(cmp(">", "a", op("div", 2, 0)))])

    def test_guards_merge_and_dedupe(self) -> None:
        test = cmp(">", "close", lag("close", 1))
        self.assertForm("entry_long",
                        [expr({"all": [{"min_bars": 1}, {"finite": ["close"]},
                                       {"finite": ["close"]},
                                       {"finite": [lag("close", 1)]},
                                       {"not_nan": ["close"]}, test]})],
                        [expr({"all": [{"min_bars": 1},
                                       {"finite": [lag("close", 1),
                                                   "close"]},
                                       test]})])
        self.assertForm("entry_long",
                        [expr({"all": [{"min_bars": 1}, {"min_bars": 3},
                                       test]})],
                        [expr({"all": [{"min_bars": 3}, test, test]})])
        self.assertReal("entry_long",
                        [expr({"all": [{"min_bars": 1}, test]})],
                        [expr({"all": [{"min_bars": 2}, test]})])

    def test_key_order_numbers_aliases_and_lag_zero(self) -> None:
        lines = self.assertForm(
            "entry_long",
            [{"type": "crosses_above", "col_a": "ema_20", "col_b": "ema_50"}],
            [{"col_b": "ema_50", "col_a": "ema_20", "type": "crosses_above"}])
        self.assertIn("key order", lines[0])
        self.assertForm("entry_long",
                        [{"type": "above", "col": "rsi_14", "ref": 50}],
                        [{"type": "above", "col": "rsi_14", "ref": 50.0}])
        self.assertForm("entry_long",
                        [expr(cmp(">", "close", "sar"))],
                        [expr(cmp("<", {"col": "psar", "lag": 0}, "close"))])

    def test_default_parameters(self) -> None:
        self.assertForm("entry_long",
                        [{"type": "squeeze", "width_col": "bb_width"}],
                        [{"type": "squeeze", "width_col": "bb_width",
                          "lookback": 50}])
        self.assertForm("entry_short",
                        [{"type": "pullback_below", "level_col": "ema_20",
                          "tolerance_atr_mult": 0.5}],
                        [{"type": "pullback_below", "level_col": "ema_20"}])
        self.assertReal("entry_long",
                        [{"type": "squeeze", "width_col": "bb_width"}],
                        [{"type": "squeeze", "width_col": "bb_width",
                          "lookback": 20}])

    def test_all_of_any_of_and_sides(self) -> None:
        a = {"type": "above", "col": "close", "ref": "ema_50"}
        b = {"type": "rising", "col": "ema_20", "bars": 3}
        self.assertForm("entry_long", [{"type": "all_of", "conditions":
                                        [a, b]}], [b, a])
        self.assertForm("exit_long", [{"type": "any_of", "conditions":
                                       [a, b]}], [b, a])
        self.assertReal("exit_long", [{"type": "all_of", "conditions":
                                       [a, b]}], [a, b])
        self.assertReal("entry_long", [], [expr({"all": [{"min_bars": 0}]})])


class ProbeOwnedTest(unittest.TestCase):
    def test_philosophy_is_never_a_difference(self) -> None:
        committed = [record(1, "a", philosophy="probe's words")]
        exported = [record(1, "a", philosophy="python's words")]
        diff = diff_registries(committed, exported)
        self.assertFalse(diff)
        self.assertFalse(diff.real)
        self.assertEqual(diff.ignored, {"philosophy": (1,)})
        self.assertIn("philosophy: probe's text kept for 1 strategy",
                      diff.lines()[-1])
        self.assertTrue(diff_registries(committed, exported,
                                        probe_owned=()).real)

    def test_apply_probe_owned(self) -> None:
        committed = [record(1, "a", philosophy="probe's words")]
        exported = [record(1, "a", philosophy="python's words", version=2),
                    record(2, "b", philosophy="new words")]
        before = copy.deepcopy(exported)
        merged = apply_probe_owned(committed, exported)
        self.assertEqual(exported, before)  # inputs untouched
        self.assertEqual([r["philosophy"] for r in merged],
                         ["probe's words", "new words"])
        self.assertEqual(merged[0]["version"], 2)
        self.assertEqual([list(r) for r in merged],
                         [list(FIELDS), list(FIELDS)])
        self.assertEqual(apply_probe_owned(committed, exported, ()),
                         exported)
        self.assertEqual(diff_registries(committed, merged).ignored,
                         {"philosophy": ()})


class NotationTest(unittest.TestCase):
    def test_factories_and_combinators(self) -> None:
        self.assertEqual(render_condition(
            {"type": "crosses_above", "col_a": "ema_20", "col_b": "ema_50"}),
            "crosses_above(ema_20, ema_50)")
        self.assertEqual(render_condition(
            {"type": "all_of", "conditions": [
                {"type": "above", "col": "close", "ref": "sma_50"},
                {"type": "rising", "col": "ema_20", "bars": 3}]}),
            "all_of(above(close, sma_50), rising(ema_20, 3))")
        self.assertEqual(render_condition(
            {"type": "held_for_n_bars", "col": "adosc", "op": ">",
             "value": 0, "n_bars": 5}), 'held_for_n_bars(adosc, ">", 0, 5)')
        self.assertEqual(render_condition(
            {"type": "deviation_from", "col": "close", "ref_col": "ema_20",
             "direction": "above"}),
            'deviation_from(close, ema_20, direction="above")')

    def test_expressions(self) -> None:
        self.assertEqual(render_condition(expr({"all": [
            {"min_bars": 1}, {"finite": ["close", lag("close", 1)]},
            cmp(">", "close", op("add", lag("close", 1),
                                 op("mul", 1.5, "atr_14")))]})),
            "expr: i >= 1 and finite(close, close[1]) and "
            "close > close[1] + 1.5 * atr_14")
        rolling = {"rolling": "mean", "of": "trix_15", "window": 9, "lag": 1}
        self.assertEqual(render_condition(expr(cmp("<", "trix_15", rolling))),
                         "expr: trix_15 < mean(trix_15, 9)[1]")
        # every parenthesis the evaluation order needs, and only those
        self.assertEqual(render_condition(expr(cmp(
            "<", op("sub", "a", op("sub", "b", "c")),
            op("div", op("mul", "a", "b"), op("add", "c", -1))))),
            "expr: a - (b - c) < a * b / (c + (-1))")
        self.assertEqual(render_condition(expr({"all": [
            {"any": [cmp(">", "a", 1), {"all": [cmp(">", "b", 1),
                                                cmp(">", "c", 1)]}]},
            {"not": cmp(">=", "a", "b")},
            {"count": {"not_nan": ["a"]}, "lags": [1, 3], "at_least": 2},
            {"votes": [cmp(">", "a", 0), cmp(">", "b", 0)], "at_least": 1},
            {"all": [cmp("==", {"col": "a", "lag": 0}, 0)]}]})),
            "expr: (a > 1 or (b > 1 and c > 1)) and not(a >= b) and "
            "count(1..3, not_nan(a)) >= 2 and at_least(1, a > 0, b > 0) "
            "and all(a[0] == 0)")

    def test_wrapping(self) -> None:
        lines = condition_lines({"type": "any_of", "conditions": [
            {"type": "all_of", "conditions": [
                {"type": "above", "col": "adx_14", "ref": 25},
                {"type": "crosses_above", "col_a": "ema_20",
                 "col_b": "ema_50"}]},
            {"type": "all_of", "conditions": [
                {"type": "below", "col": "adx_14", "ref": 18},
                {"type": "crosses_above", "col_a": "close",
                 "col_b": "bb_lower"}]}]})
        self.assertEqual(lines, [
            "any_of(",
            "    all_of(above(adx_14, 25), crosses_above(ema_20, ema_50)),",
            "    all_of(below(adx_14, 18), crosses_above(close, bb_lower)))",
        ])

    def test_malformed_input_is_shown_not_fatal(self) -> None:
        self.assertEqual(render_condition({"type": "expr", "when": 3}),
                         "expr: 3")
        self.assertEqual(render_condition("junk"), '"junk"')


# ------------------------------------------------------ reference evaluator

ALIASES = {"sar": "psar"}


def _div(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)
    return a / b


def ev_num(num: Any, data: Mapping[str, list[float]], i: int) -> float:
    """docs/registry.md's numbers, IEEE doubles as in JavaScript."""
    if isinstance(num, (int, float)):
        return float(num)
    if isinstance(num, str):
        num = {"col": num, "lag": 0}
    if "col" in num:
        # before bar 0 (a quantifier's shift): NaN; the rewrites hold for
        # any value read there, and a compiled predicate never reads it
        at = i - num["lag"]
        return data[ALIASES.get(num["col"], num["col"])][at] if at >= 0 \
            else NAN
    args = [ev_num(a, data, i) for a in num["args"]]
    name = num["op"]
    if name == "abs":
        return abs(args[0])
    a, b = args
    if name == "add":
        return a + b
    if name == "sub":
        return a - b
    if name == "mul":
        return a * b
    if name == "div":
        return _div(a, b)
    if name == "max":
        return b if b > a else a
    return b if b < a else a  # min


COMPARE = {">": float.__gt__, ">=": float.__ge__, "<": float.__lt__,
           "<=": float.__le__, "==": float.__eq__, "!=": float.__ne__}


def ev_pred(pred: Mapping[str, Any], data: Mapping[str, list[float]],
            i: int) -> bool:
    """docs/registry.md's predicates at bar ``i``."""
    if "cmp" in pred:
        return COMPARE[pred["cmp"]](ev_num(pred["a"], data, i),
                                    ev_num(pred["b"], data, i))
    if "all" in pred:
        return all(ev_pred(p, data, i) for p in pred["all"])
    if "any" in pred:
        return any(ev_pred(p, data, i) for p in pred["any"])
    if "not" in pred:
        return not ev_pred(pred["not"], data, i)
    if "finite" in pred:
        return all(math.isfinite(ev_num(n, data, i)) for n in pred["finite"])
    if "not_nan" in pred:
        return not any(math.isnan(ev_num(n, data, i))
                       for n in pred["not_nan"])
    if "min_bars" in pred:
        return i >= int(pred["min_bars"])
    if "votes" in pred:
        votes = sum(ev_pred(p, data, i) for p in pred["votes"])
        return votes >= int(pred["at_least"])
    lo, hi = pred["lags"]
    key = next(k for k in ("every", "some", "count") if k in pred)
    # the predicate with every column shifted back by each lag
    hits = [ev_pred(pred[key], data, i - k) for k in range(lo, hi + 1)]
    if key == "every":
        return all(hits)
    if key == "some":
        return any(hits)
    return sum(hits) >= int(pred["at_least"])


Check = Callable[[Mapping[str, list[float]], int], bool]


def compile_condition(condition: Mapping[str, Any]) -> Check:
    """A condition as a function of (data, bar), factories built once."""
    kind = condition["type"]
    if kind == "expr":
        when = condition["when"]
        return lambda data, i: ev_pred(when, data, i)
    if kind in ("all_of", "any_of"):
        parts = [compile_condition(c) for c in condition["conditions"]]
        combine = all if kind == "all_of" else any
        return lambda data, i: combine(p(data, i) for p in parts)
    names = REGISTRY_PARAMS[kind]
    factory = FACTORIES[kind](**{n: condition[n] for n in names
                                 if n in condition})
    return lambda data, i: bool(factory(data, i))


def compile_side(conditions: list[Any], entry: bool) -> Check:
    """An entry side: every condition, never when empty; an exit: any."""
    parts = [compile_condition(c) for c in conditions]
    if entry:
        return lambda data, i: bool(parts) and all(p(data, i) for p in parts)
    return lambda data, i: any(p(data, i) for p in parts)


# ------------------------------------------------------- random predicates

VALUES = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 0.2,
          1e308, -1e308, 5e-324]
COLUMNS = ["a", "b", "c", "sar", "close"]
DATA_COLUMNS = ["a", "b", "c", "psar", "close", "low", "high", "atr_14",
                "ema_20"]
CONSTANTS = [0, 1, -1, 0.5, 2, 2.0, 1.0, 1e308, 0.2, 0.8, -0.0]
BARS = 5


class Generator:
    """Small random predicates biased towards what normalisation rewrites:
    guarded negations, nested and duplicate guards, constant arithmetic,
    factory conditions inside all_of/any_of."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def leaf(self) -> Any:
        rng = self.rng
        if rng.random() < 0.3:
            return rng.choice(CONSTANTS)
        col = rng.choice(COLUMNS)
        k = rng.choice([0, 0, 0, 1])
        return col if k == 0 and rng.random() < 0.7 else lag(col, k)

    def num(self, depth: int) -> Any:
        rng = self.rng
        if depth <= 0 or rng.random() < 0.45:
            return self.leaf()
        name = rng.choice(["add", "sub", "mul", "div", "max", "min", "abs"])
        if name == "abs":
            return op("abs", self.num(depth - 1))
        return op(name, self.num(depth - 1), self.num(depth - 1))

    def operand(self) -> Any:
        """A comparison operand: often a column with a constant that
        matters for NaN (0 * inf, x / 0, overflow)."""
        rng = self.rng
        if rng.random() < 0.6:
            return self.num(1)
        name = rng.choice(["add", "sub", "mul", "div", "max", "min"])
        pair = [rng.choice([0, -0.0, 2, 1e308]), self.leaf()]
        rng.shuffle(pair)
        return op(name, *pair)

    def guard(self, nums: list[Any]) -> Any:
        rng = self.rng
        leaves = [n for n in nums if rng.random() < 0.8] or nums[:1]
        return {rng.choice(["finite", "finite", "not_nan"]): leaves}

    def pred(self, depth: int) -> Any:
        rng = self.rng
        roll = rng.random()
        if depth <= 0 or roll < 0.25:
            return cmp(rng.choice(list(COMPARE)), self.num(1), self.num(1))
        if roll < 0.5:  # the pattern a flip needs
            a, b = self.operand(), self.operand()
            negation: Any = {"not": cmp(rng.choice(list(COMPARE)), a, b)}
            if rng.random() < 0.25:  # outer guards do not reach in here
                lo = rng.randint(0, 1)
                negation = {rng.choice(["every", "some"]): negation,
                            "lags": [lo, lo + rng.randint(0, 1)]}
            members = [self.guard(_leaves(a) + _leaves(b) or [a]),
                       negation]
            if rng.random() < 0.3:
                members.append(self.pred(depth - 1))
            rng.shuffle(members)
            return {"all": members}
        if roll < 0.6:
            return {"not": self.pred(depth - 1)}
        if roll < 0.75:
            return {rng.choice(["all", "any"]):
                    [self.pred(depth - 1) for _ in range(rng.randint(1, 3))]}
        if roll < 0.82:
            return self.guard([self.num(1) for _ in range(2)])
        if roll < 0.88:
            return {"min_bars": rng.randint(0, 3)}
        if roll < 0.94:
            members = [self.pred(depth - 1) for _ in range(rng.randint(1, 3))]
            return {"votes": members,
                    "at_least": rng.randint(1, len(members) + 1)}
        key = rng.choice(["every", "some", "count"])
        lo = rng.randint(0, 1)
        body = self.pred(depth - 1)
        if rng.random() < 0.4:  # i >= N + lag in there
            body = {"all": [{"min_bars": rng.randint(0, 1)}, body]}
        out = {key: body, "lags": [lo, lo + rng.randint(0, 1)]}
        if key == "count":
            out["at_least"] = rng.randint(1, 2)
        return out

    def condition(self, depth: int) -> Any:
        rng = self.rng
        roll = rng.random()
        if roll < 0.6:
            return expr(self.pred(depth))
        if roll < 0.75:
            return rng.choice([
                {"type": "above", "col": rng.choice(COLUMNS),
                 "ref": rng.choice([*COLUMNS, 1, 0.5])},
                {"type": "below", "col": rng.choice(COLUMNS), "ref": 1.0},
                {"type": "crosses_above", "col_a": "a", "col_b": "b"},
                {"type": "pullback_to", "level_col": "ema_20"},
                {"type": "pullback_to", "level_col": "ema_20",
                 "tolerance_atr_mult": 0.5},
            ])
        kind = rng.choice(["all_of", "any_of"])
        return {"type": kind, "conditions": [
            self.condition(depth - 1) for _ in range(rng.randint(1, 3))]}

    def side(self) -> list[Any]:
        return [self.condition(2) for _ in range(self.rng.randint(1, 3))]

    def data(self) -> dict[str, list[float]]:
        rng = self.rng
        # few distinct values, so that equalities and guards hit both ways
        pool = rng.sample(VALUES, 5)
        data = {c: [rng.choice(pool) for _ in range(BARS)]
                for c in DATA_COLUMNS}
        data["sar"] = data["psar"]  # the factories read the alias as is
        return data


def _leaves(num: Any) -> list[Any]:
    if isinstance(num, (str, int, float)) or "col" in num:
        return [num] if not isinstance(num, (int, float)) else []
    return [leaf for arg in num["args"] for leaf in _leaves(arg)]


class SoundnessTest(unittest.TestCase):
    """A side and its normal form hold on the same bars, on any data."""

    def samples(self, generator: Generator, count: int
                ) -> list[dict[str, list[float]]]:
        fixed = [{c: [v] * BARS for c in [*DATA_COLUMNS, "sar"]}
                 for v in VALUES]
        return fixed + [generator.data() for _ in range(count)]

    def test_normal_form_holds_on_the_same_bars(self) -> None:
        generator = Generator(20240611)
        datasets = self.samples(generator, 40)
        rewritten = 0
        for case in range(400):
            side = generator.side()
            for entry in (True, False):
                normal = normalize_side(side, entry)
                form = to_condition(normal)
                if form != {"type": "all_of" if entry else "any_of",
                            "conditions": side}:
                    rewritten += 1
                original = compile_side(side, entry)
                rewrite = compile_condition(form)
                for data in datasets:
                    for i in range(BARS):
                        if original(data, i) != rewrite(data, i):
                            self.fail(f"case {case}, entry={entry}, bar {i}:"
                                      f"\n{side}\nnormal form {form}\n"
                                      f"data {data}")
        self.assertGreater(rewritten, 600)

    def test_equal_normal_forms_hold_on_the_same_bars(self) -> None:
        # a tiny grammar, so that distinct predicates share normal forms
        generator = Generator(7)
        generator_columns = ["a", "b"]
        datasets = self.samples(generator, 40)
        groups: dict[Any, list[Any]] = {}
        for _ in range(3000):
            rng = generator.rng
            x, y = rng.choice(generator_columns), rng.choice(
                [*generator_columns, 0, 1.0, op("sub", 1.0, 0.0)])
            test = cmp(rng.choice(list(COMPARE)), x, y)
            parts = [rng.choice([test, {"not": test}])]
            for _ in range(rng.randint(0, 2)):
                parts.append(rng.choice([
                    {"finite": [x]}, {"not_nan": [x]},
                    {"not_nan": [x, "b"]}, {"min_bars": rng.randint(0, 2)},
                    {"not": cmp(rng.choice(list(COMPARE)), y, x)}]))
            rng.shuffle(parts)
            side = [expr({"all": parts})] if rng.random() < 0.5 \
                else [expr(p) for p in parts]
            groups.setdefault(normalize_side(side, True), []).append(side)
        shared = 0
        for normal, sides in groups.items():
            distinct = {repr(s): s for s in sides}
            if len(distinct) < 2:
                continue
            shared += 1
            first, *others = distinct.values()
            checks = [compile_side(s, True) for s in distinct.values()]
            for data in datasets:
                for i in range(BARS):
                    expected = checks[0](data, i)
                    for other, check in zip(others, checks[1:]):
                        if check(data, i) != expected:
                            self.fail(f"{first} and {other} normalise to "
                                      f"{normal} but differ at bar {i} of "
                                      f"{data}")
        self.assertGreater(shared, 50)

    def test_empty_entry_never_holds(self) -> None:
        self.assertEqual(normalize_side([], True), FALSE)
        self.assertEqual(normalize_side([], False), FALSE)


if __name__ == "__main__":
    unittest.main()
