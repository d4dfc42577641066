"""The registry's condition JSON evaluated in Python, as probe compiles it.

A hand-written closure carries an ``expr`` annotation (``@with_expr``)
that only says what the closure does; nothing forces the two to agree.
``evaluator(condition_json)`` gives the meaning probe will run, so
``verify.py`` can compare the two on every bar.

- ``expr`` follows docs/registry.md and the compiler (compiler/expr/*.ts,
  compiler/emit/context.ts, runtime/kernels/*.ts) exactly: IEEE doubles
  (division by zero gives infinities or NaN, as in JavaScript), a
  comparison with NaN false and ``!=`` true, ``max``/``min`` as Python's
  ``b > a ? b : a``, rolling series computed once over the whole history
  (rolling.py, numpy's pairwise sums), quantifiers shifting every read and
  every ``min_bars`` back by their lag, rolling series included.
- The 29 factory types run the factory of conditions.py built from the
  JSON parameters; ``all_of``/``any_of`` combine evaluators, so an ``expr``
  nested in them is evaluated as above.

A condition is compiled once and evaluated column-wise over all bars of a
``Table`` (one list per node instead of one tree walk per bar), which is
what makes hundreds of conditions over thousands of bars cheap. The
compiler rejects a read of ``k`` bars back that no ``min_bars`` guards;
the evaluator rejects it too (``ExprError``), and for guarded reads the
column-wise result equals the compiled code's short-circuit one: at a bar
where the read would fall before bar 0, the guarding ``all`` is false
whatever the read gives.
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import reduce
from typing import Any, Optional

from . import rolling
from .conditions import FACTORIES
from .serializable import REGISTRY_PARAMS
from .table import Table, as_table

__all__ = [
    "ExprError",
    "Evaluator",
    "check_guards",
    "columns_read",
    "evaluator",
    "num_columns",
    "num_constants",
    "reach",
    "values",
    "walk_conditions",
    "walk_preds",
]

NAN = math.nan
Values = list[float]
Mask = list[bool]
NumFn = Callable[[Table], Values]
PredFn = Callable[[Table], Mask]

PRED_KEYS: tuple[str, ...] = ("cmp", "all", "any", "not", "finite",
                              "not_nan", "min_bars", "votes", "every",
                              "some", "count")
PRED_FIELDS: Mapping[str, frozenset[str]] = {
    "cmp": frozenset({"cmp", "a", "b"}),
    "all": frozenset({"all"}),
    "any": frozenset({"any"}),
    "not": frozenset({"not"}),
    "finite": frozenset({"finite"}),
    "not_nan": frozenset({"not_nan"}),
    "min_bars": frozenset({"min_bars"}),
    "votes": frozenset({"votes", "at_least"}),
    "every": frozenset({"every", "lags"}),
    "some": frozenset({"some", "lags"}),
    "count": frozenset({"count", "lags", "at_least"}),
}
COMPARE: Mapping[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt,
    "<=": operator.le, "==": operator.eq, "!=": operator.ne,
}
BINARY_OPS: tuple[str, ...] = ("add", "sub", "mul", "div", "max", "min")
ROLLING_KINDS: tuple[str, ...] = ("mean", "min", "max", "percentile")

# Column parameters of the factory types, and the columns each reads
# without naming them (conditions.py).
COLUMN_PARAMS: tuple[str, ...] = ("col", "col_a", "col_b", "ref", "ref_col",
                                  "level_col", "indicator_col",
                                  "pattern_col", "width_col")
IMPLICIT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "pullback_to": ("low", "close", "atr_14"),
    "pullback_below": ("high", "close", "atr_14"),
    "bullish_divergence": ("low",),
    "bearish_divergence": ("high",),
    "consecutive_higher_closes": ("close",),
    "consecutive_lower_closes": ("close",),
    "range_exceeds_atr": ("high", "low", "atr_14"),
    "narrowest_range": ("high", "low"),
    "breaks_above_level": ("close",),
    "breaks_below_level": ("close",),
    "in_top_pct_of_range": ("high", "low", "close"),
    "in_bottom_pct_of_range": ("high", "low", "close"),
    "gap_up": ("open", "close", "atr_14"),
    "gap_down": ("open", "close", "atr_14"),
    "deviation_from": ("atr_14",),
}


class ExprError(ValueError):
    """The condition JSON cannot be evaluated; ``path`` locates why."""

    def __init__(self, reason: str, path: str = "") -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.reason = reason
        self.path = path


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# ------------------------------------------------------------ validation

def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value: object, path: str) -> float:
    if not _is_number(value):
        raise ExprError(f"expected a number, got {value!r}", path)
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        # JSON.parse reads a huge integer as an infinity
        return math.copysign(math.inf, value)  # type: ignore[arg-type]


def _integer(value: object, minimum: int, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or value < minimum:
        raise ExprError(f"expected an integer >= {minimum}, got {value!r}",
                        path)
    return value


def _column_name(value: object, path: str) -> str:
    if not isinstance(value, str) or value == "":
        raise ExprError(f"expected a column name, got {value!r}", path)
    return value


def _fields(node: Mapping[str, Any], expected: frozenset[str],
            path: str) -> None:
    missing = sorted(expected - node.keys())
    if missing:
        raise ExprError(f"missing {', '.join(missing)}", path)
    extra = sorted(set(node) - expected)
    if extra:
        raise ExprError(f"unknown key(s) {', '.join(map(str, extra))}",
                        path)


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, (list, tuple)) or len(value) == 0:
        raise ExprError(f"expected a non-empty list, got {value!r}", path)
    return list(value)


def _lags(value: object, path: str) -> tuple[int, int]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ExprError(f"lags must be [from, to], got {value!r}", path)
    first = _integer(value[0], 0, _at(path, 0))
    last = _integer(value[1], 0, _at(path, 1))
    if first > last:
        raise ExprError("lags must be [from, to] with from <= to", path)
    return first, last


# --------------------------------------------------------------- walking

def num_lag(num: Any) -> int:
    """How many bars back from the evaluated bar a number reads
    (compiler/expr/walk.ts numLag: a rolling series is one read)."""
    if not isinstance(num, Mapping):
        return 0
    if "col" in num or "rolling" in num:
        return int(num.get("lag", 0))
    return max((num_lag(a) for a in num.get("args", ())), default=0)


def num_columns(num: Any) -> list[str]:
    """Every column a number reads, rolling inputs included."""
    if isinstance(num, str):
        return [num]
    if not isinstance(num, Mapping):
        return []
    if "col" in num:
        return [num["col"]]
    if "rolling" in num:
        return num_columns(num.get("of"))
    return [c for a in num.get("args", ()) for c in num_columns(a)]


def num_constants(num: Any) -> list[float]:
    """Every constant in a number's arithmetic (not a window's size)."""
    if _is_number(num):
        return [float(num)]
    if not isinstance(num, Mapping):
        return []
    if "rolling" in num:
        return num_constants(num.get("of"))
    return [c for a in num.get("args", ()) for c in num_constants(a)]


def _pred_children(pred: Mapping[str, Any]) -> list[Any]:
    for key in ("all", "any", "votes"):
        if key in pred:
            return list(pred[key])
    for key in ("not", "every", "some", "count"):
        if key in pred:
            return [pred[key]]
    return []


def walk_preds(pred: Any) -> Iterator[Mapping[str, Any]]:
    """The predicate and every predicate inside it, depth first."""
    if not isinstance(pred, Mapping):
        return
    yield pred
    for child in _pred_children(pred):
        yield from walk_preds(child)


def pred_nums(pred: Mapping[str, Any]) -> list[Any]:
    """The numbers a predicate reads itself (not its children's)."""
    if "cmp" in pred:
        return [pred.get("a"), pred.get("b")]
    for key in ("finite", "not_nan"):
        if key in pred:
            return list(pred[key])
    return []


def walk_conditions(condition: Any) -> Iterator[Mapping[str, Any]]:
    """The condition and every condition of its all_of/any_of."""
    if not isinstance(condition, Mapping):
        return
    yield condition
    if condition.get("type") in ("all_of", "any_of"):
        for sub in condition.get("conditions", ()):
            yield from walk_conditions(sub)


def columns_read(condition: Mapping[str, Any]) -> list[str]:
    """Every column a condition reads, in first-use order, the columns a
    factory reads without naming them (``atr_14``, ``close`` ...)
    included."""
    seen: dict[str, None] = {}
    for c in walk_conditions(condition):
        kind = c.get("type")
        if kind == "expr":
            for pred in walk_preds(c.get("when")):
                for num in pred_nums(pred):
                    seen.update(dict.fromkeys(num_columns(num)))
            continue
        for param in COLUMN_PARAMS:
            if isinstance(c.get(param), str):
                seen[c[param]] = None
        seen.update(dict.fromkeys(IMPLICIT_COLUMNS.get(str(kind), ())))
    return list(seen)


def _num_reach(num: Any) -> int:
    if not isinstance(num, Mapping):
        return 0
    if "col" in num:
        return int(num.get("lag", 0))
    if "rolling" in num:
        return (int(num.get("lag", 0)) + int(num.get("window", 1)) - 1
                + _num_reach(num.get("of")))
    return max((_num_reach(a) for a in num.get("args", ())), default=0)


def _pred_reach(pred: Any) -> int:
    if not isinstance(pred, Mapping):
        return 0
    own = max((_num_reach(n) for n in pred_nums(pred)), default=0)
    if "min_bars" in pred:
        own = int(pred["min_bars"])
    shift = int(pred["lags"][1]) if "lags" in pred else 0
    inner = max((_pred_reach(c) for c in _pred_children(pred)), default=0)
    return max(own, shift + inner)


# bars back each factory type reads (conditions.py)
_FACTORY_REACH: Mapping[str, Callable[[Mapping[str, Any]], int]] = {
    "crosses_above": lambda c: 1,
    "crosses_below": lambda c: 1,
    "breaks_above_level": lambda c: 1,
    "breaks_below_level": lambda c: 1,
    "gap_up": lambda c: 1,
    "gap_down": lambda c: 1,
    "rising": lambda c: int(c["bars"]),
    "falling": lambda c: int(c["bars"]),
    "bullish_divergence": lambda c: int(c["lookback"]),
    "bearish_divergence": lambda c: int(c["lookback"]),
    "consecutive_higher_closes": lambda c: int(c["count"]),
    "consecutive_lower_closes": lambda c: int(c["count"]),
    "squeeze": lambda c: int(c["lookback"]),
    "narrowest_range": lambda c: int(c["lookback"]) - 1,
    "was_below_then_crosses_above": lambda c: int(c["lookback"]),
    "was_above_then_crosses_below": lambda c: int(c["lookback"]),
    "held_for_n_bars": lambda c: int(c["n_bars"]) - 1,
}


def reach(condition: Mapping[str, Any]) -> int:
    """How many bars before the evaluated one a condition may read
    (lags, windows, quantifier lags, lookbacks, ``min_bars``): data for
    it needs more bars than this after the indicators' NaN prefix."""
    best = 0
    for c in walk_conditions(condition):
        kind = str(c.get("type"))
        if kind == "expr":
            best = max(best, _pred_reach(c.get("when")))
        elif kind in _FACTORY_REACH:
            try:
                best = max(best, _FACTORY_REACH[kind](c))
            except (KeyError, TypeError, ValueError):
                pass
    return best


# ----------------------------------------------------------------- guards

def check_guards(pred: Any, path: str = "when", shift: int = 0,
                 guaranteed: int = 0) -> list[tuple[str, str]]:
    """Reads of ``k`` bars back without a preceding ``{"min_bars": k}`` in
    an enclosing ``all`` (compiler/expr/analyze.ts checkGuards), as
    (path, message) pairs."""
    issues: list[tuple[str, str]] = []
    if not isinstance(pred, Mapping):
        return issues
    key = "cmp" if "cmp" in pred else "finite" if "finite" in pred \
        else "not_nan" if "not_nan" in pred else None
    for k, num in enumerate(pred_nums(pred)):
        back = num_lag(num) + shift
        if back > guaranteed:
            where = _at(path, ("a", "b")[k]) if key == "cmp" \
                else _at(_at(path, str(key)), k)
            issues.append((where, f"reads {back} bar(s) back without a "
                           f'preceding {{"min_bars": {back}}} in an '
                           'enclosing "all"'))
    if "all" in pred:
        known = guaranteed
        for k, child in enumerate(pred["all"]):
            issues += check_guards(child, _at(_at(path, "all"), k), shift,
                                   known)
            if isinstance(child, Mapping) and "min_bars" in child:
                known = max(known, int(child["min_bars"]) + shift)
        return issues
    for form in ("any", "votes"):
        if form in pred:
            for k, child in enumerate(pred[form]):
                issues += check_guards(child, _at(_at(path, form), k),
                                       shift, guaranteed)
    if "not" in pred:
        issues += check_guards(pred["not"], _at(path, "not"), shift,
                               guaranteed)
    for form in ("every", "some", "count"):
        if form in pred:
            issues += check_guards(pred[form], _at(path, form),
                                   shift + int(pred["lags"][1]), guaranteed)
    return issues


# ---------------------------------------------------------- compiling Num

def _shifted(values: Values, back: int, n: int) -> Values:
    """``values[i - back]`` at every bar, NaN before the first."""
    if back == 0:
        return values
    if back >= n:
        return [NAN] * n
    return [NAN] * back + values[:n - back]


def _divide(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return NAN
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _py_max(a: float, b: float) -> float:
    return b if b > a else a


def _py_min(a: float, b: float) -> float:
    return b if b < a else a


_ARITHMETIC: Mapping[str, Callable[[float, float], float]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "div": _divide, "max": _py_max, "min": _py_min,
}


def _num(node: Any, shift: int, path: str) -> NumFn:
    """A number expression read ``shift`` bars further back."""
    if _is_number(node):
        value = _number(node, path)
        return lambda t: [value] * t.length
    if isinstance(node, str):
        return _column(_column_name(node, path), shift)
    if not isinstance(node, Mapping):
        raise ExprError("expected a number, a column name, or an object "
                        'with "col", "op" or "rolling"', path)
    if "col" in node:
        _fields(node, frozenset({"col", "lag"}), path)
        lag = _integer(node["lag"], 0, _at(path, "lag"))
        return _column(_column_name(node["col"], _at(path, "col")),
                       lag + shift)
    if "op" in node:
        return _operation(node, shift, path)
    if "rolling" in node:
        series, lag = _rolling(node, path)
        back = lag + shift
        return lambda t: _shifted(series(t), back, t.length)
    raise ExprError('expected an object with "col", "op" or "rolling"',
                    path)


def _column(name: str, back: int) -> NumFn:
    return lambda t: _shifted(t[name], back, t.length)


def _operation(node: Mapping[str, Any], shift: int, path: str) -> NumFn:
    op = node["op"]
    _fields(node, frozenset({"op", "args"}), path)
    args = node["args"]
    arity = 1 if op == "abs" else 2
    if op != "abs" and op not in BINARY_OPS:
        raise ExprError(f'op must be one of {", ".join(BINARY_OPS)} or '
                        f'"abs", got {op!r}', _at(path, "op"))
    if not isinstance(args, (list, tuple)) or len(args) != arity:
        raise ExprError(f"{op} takes {arity} argument(s)", _at(path, "args"))
    parts = [_num(a, shift, _at(_at(path, "args"), k))
             for k, a in enumerate(args)]
    if op == "abs":
        inner = parts[0]
        return lambda t: list(map(abs, inner(t)))
    apply = _ARITHMETIC[op]
    left, right = parts
    return lambda t: list(map(apply, left(t), right(t)))


def _rolling(node: Mapping[str, Any],
             path: str) -> tuple[Callable[[Table], Values], int]:
    """The rolling series over the whole history (cached in the table by
    its JSON) and the lag it is read at."""
    kind = node["rolling"]
    if kind not in ROLLING_KINDS:
        raise ExprError(f'rolling must be one of {", ".join(ROLLING_KINDS)},'
                        f" got {kind!r}", _at(path, "rolling"))
    fields = {"rolling", "of", "window", "lag"}
    if kind == "percentile":
        fields |= {"q", "min_count"}
    _fields(node, frozenset(fields), path)
    window = _integer(node["window"], 1, _at(path, "window"))
    lag = _integer(node["lag"], 0, _at(path, "lag"))
    of = node["of"]
    q = min_count = 0.0
    if kind == "percentile":
        q = _number(node["q"], _at(path, "q"))
        if not 0 <= q <= 100:
            raise ExprError(f"q must be in 0..100, got {q!r}",
                            _at(path, "q"))
        min_count = _integer(node["min_count"], 1, _at(path, "min_count"))
    # the input is evaluated unshifted at every bar first; bars where it
    # would read before the first bar hold NaN
    if isinstance(of, str):
        name = _column_name(of, _at(path, "of"))

        def source(t: Table) -> Values:
            return t[name]
    else:
        value = _num(of, 0, _at(path, "of"))
        reads = num_lag(of)

        def source(t: Table) -> Values:
            values = value(t)
            if reads > 0:
                values = [NAN] * min(reads, t.length) + values[reads:]
            return values
    key = json.dumps(["rolling", kind, of, window, q, min_count],
                     sort_keys=True)

    def series(t: Table) -> Values:
        cached = t.cache.get(key)
        if cached is None:
            values = source(t)
            if kind == "mean":
                cached = rolling.rolling_mean(values, window)
            elif kind == "min":
                cached = rolling.rolling_min(values, window)
            elif kind == "max":
                cached = rolling.rolling_max(values, window)
            else:
                cached = rolling.rolling_percentile(values, window, q,
                                                    int(min_count))
            t.cache[key] = cached
        return cached
    return series, lag


# --------------------------------------------------------- compiling Pred

def _and(masks: Sequence[Mask]) -> Mask:
    return reduce(lambda m, o: list(map(operator.and_, m, o)), masks)


def _or(masks: Sequence[Mask]) -> Mask:
    return reduce(lambda m, o: list(map(operator.or_, m, o)), masks)


def _at_least(masks: Sequence[Mask], k: int) -> Mask:
    return [total >= k for total in map(sum, zip(*masks))]


def _pred(node: Any, shift: int, path: str) -> PredFn:
    """A predicate evaluated ``shift`` bars further back."""
    if not isinstance(node, Mapping):
        raise ExprError(f"expected a predicate object, got {node!r}", path)
    form = next((k for k in PRED_KEYS if k in node), None)
    if form is None:
        raise ExprError("expected an object with one of "
                        + ", ".join(f'"{k}"' for k in PRED_KEYS), path)
    _fields(node, PRED_FIELDS[form], path)
    if form == "cmp":
        test = COMPARE.get(node["cmp"])
        if test is None:
            raise ExprError(f'cmp must be one of {" ".join(COMPARE)}, got '
                            f'{node["cmp"]!r}', _at(path, "cmp"))
        a = _num(node["a"], shift, _at(path, "a"))
        b = _num(node["b"], shift, _at(path, "b"))
        return lambda t: list(map(test, a(t), b(t)))
    if form in ("all", "any", "votes"):
        parts = [_pred(p, shift, _at(_at(path, form), k))
                 for k, p in enumerate(_list(node[form], _at(path, form)))]
        if form == "votes":
            least = _integer(node["at_least"], 1, _at(path, "at_least"))
            return lambda t: _at_least([p(t) for p in parts], least)
        combine = _and if form == "all" else _or
        return lambda t: combine([p(t) for p in parts])
    if form == "not":
        inner = _pred(node["not"], shift, _at(path, "not"))
        return lambda t: [not v for v in inner(t)]
    if form in ("finite", "not_nan"):
        nums = _list(node[form], _at(path, form))
        # a constant is finite (the compiler drops it), as in the compiled
        # code even for a literal too large for a double
        reads = [_num(n, shift, _at(_at(path, form), k))
                 for k, n in enumerate(nums) if not _is_number(n)]
        for k, n in enumerate(nums):
            if _is_number(n):
                _number(n, _at(_at(path, form), k))
        check: Callable[[float], bool] = math.isfinite if form == "finite" \
            else (lambda v: v == v)
        if not reads:
            return lambda t: [True] * t.length
        return lambda t: _and([list(map(check, r(t))) for r in reads])
    if form == "min_bars":
        needed = _integer(node["min_bars"], 0, _at(path, "min_bars")) + shift
        return lambda t: ([False] * min(needed, t.length)
                          + [True] * max(0, t.length - needed))
    first, last = _lags(node["lags"], _at(path, "lags"))
    parts = [_pred(node[form], shift + lag, _at(path, form))
             for lag in range(first, last + 1)]
    if form == "every":
        return lambda t: _and([p(t) for p in parts])
    if form == "some":
        return lambda t: _or([p(t) for p in parts])
    least = _integer(node["at_least"], 1, _at(path, "at_least"))
    return lambda t: _at_least([p(t) for p in parts], least)


# ------------------------------------------------------------- conditions

def _compile(condition: Any, path: str) -> PredFn:
    if not isinstance(condition, Mapping):
        raise ExprError(f"expected a condition object, got {condition!r}",
                        path)
    kind = condition.get("type")
    if not isinstance(kind, str) or kind not in REGISTRY_PARAMS:
        raise ExprError(f"unknown condition type {kind!r}",
                        _at(path, "type"))
    _fields(condition, frozenset({"type", *REGISTRY_PARAMS[kind]}), path)
    if kind == "expr":
        run = _pred(condition["when"], 0, _at(path, "when"))
        issues = check_guards(condition["when"], _at(path, "when"))
        if issues:
            raise ExprError(issues[0][1], issues[0][0])
        return run
    if kind in ("all_of", "any_of"):
        where = _at(path, "conditions")
        parts = [_compile(c, _at(where, k))
                 for k, c in enumerate(_list(condition["conditions"], where))]
        combine = _and if kind == "all_of" else _or
        return lambda t: combine([p(t) for p in parts])
    return _factory(kind, condition, path)


def _factory(kind: str, condition: Mapping[str, Any], path: str) -> PredFn:
    params = {k: v for k, v in condition.items() if k != "type"}
    for name, value in params.items():
        if isinstance(value, bool) or value is None:
            raise ExprError(f"{value!r} is not a valid value",
                            _at(path, name))
    try:
        check = FACTORIES[kind](**params)
    except (TypeError, ValueError) as error:
        raise ExprError(str(error), path) from None
    return lambda t: [check(t, i) for i in range(t.length)]


class Evaluator:
    """One condition's JSON compiled once; ``mask(frame)`` gives its value
    on every bar, ``evaluator(frame, idx)`` one bar's like a closure.

    Raises ``ExprError`` when the JSON is not a condition probe compiles
    (an unknown form or key, a wrong parameter, an unguarded lag).
    Evaluating reads each column once into a ``Table``; a column missing
    from the frame raises ``KeyError`` naming it.
    """

    __slots__ = ("condition", "kind", "_run", "_last")

    def __init__(self, condition: Mapping[str, Any]) -> None:
        self.condition = condition
        self._run = _compile(condition, "")
        self.kind: str = str(condition["type"])
        self._last: Optional[tuple[Any, Mask]] = None

    def mask(self, frame: Any) -> Mask:
        """The condition on every bar of ``frame`` (a Table, a Frame, a
        pandas DataFrame or a mapping of column lists)."""
        table = as_table(frame)
        return self._run(table) if table.length > 0 else []

    def __call__(self, frame: Any, idx: int) -> bool:
        # the whole mask is computed on the first call for a frame; a
        # frame changed in place afterwards is not noticed
        last = self._last
        if last is None or last[0] is not frame:
            last = (frame, self.mask(frame))
            self._last = last
        return last[1][idx]

    def __repr__(self) -> str:
        return f"evaluator({json.dumps(self.condition)})"


def values(num: Any, frame: Any) -> Values:
    """A number expression of the ``expr`` form on every bar, for looking
    into a disagreement (a read before bar 0 gives NaN here)."""
    return list(_num(num, 0, "")(as_table(frame)))


def evaluator(condition: Mapping[str, Any]) -> Evaluator:
    """The registry JSON of one condition as a ``(frame, idx) -> bool``
    callable with a ``mask(frame)`` for all bars at once."""
    return Evaluator(condition)
