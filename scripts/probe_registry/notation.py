"""Registry conditions as compact text a quant reads at a glance.

The stale check (diff.py) shows what changed in a strategy's conditions as
a line diff, so every condition needs one readable rendering, *as written*:
two spellings of the same logic (``1.0 - 0.2`` and ``0.8``, ``close`` and
``close[0]``) must stay visibly different, or a "form only" verdict would
show identical text on both sides. Nothing is simplified here; that is
normalize.py's job.

The notation:

- a factory is a call with its parameters in the order of docs/registry.md:
  ``crosses_above(ema_20, ema_50)``, ``held_for_n_bars(adosc, ">", 0, 5)``
  (columns bare, other strings quoted; after an omitted parameter the rest
  are named: ``deviation_from(close, ema_20, direction="above")``);
- ``all_of``/``any_of`` nest as calls; an ``expr`` is ``expr: <pred>`` at
  the top of a side and ``expr(<pred>)`` inside a factory;
- predicates are infix: ``a > b``, ``p and q``, ``p or q`` (an ``and``
  or ``or`` inside another is parenthesised, even ``a and (b and c)``:
  the nesting is part of what was written; a one-element list shows as
  ``all(p)``/``any(p)``),
  ``not(p)``, ``finite(a, b)``, ``not_nan(a)``, ``i >= N`` for min_bars,
  ``at_least(k, p, q, ...)`` for votes, ``every(1..3, p)``,
  ``some(0..2, p)``, ``count(1..5, p) >= k``;
- numbers: constants as written (``2`` and ``2.0`` differ), ``close`` for
  the current bar, ``close[1]`` for a lag (``close[0]`` when written with
  an explicit lag 0), ``+ - * /`` with the usual precedence and *every*
  parenthesis the evaluation order needs (``a + (b + c)`` keeps its
  parentheses: floating-point addition is not associative),
  ``max(a, b)``, ``min(a, b)``, ``abs(a)``; rolling windows as
  ``mean(trix_15, 9)[1]``, ``lowest(low, 20)``, ``highest(high, 20)``,
  ``percentile(atr_14, 200, q=20, min_count=20)`` (``[k]`` = lag k).

A condition that does not fit ``WIDTH`` columns wraps at its top-level
``and``/``or`` or between a call's arguments, one part per line; anything
malformed is shown as its compact JSON rather than failing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

from .serializable import REGISTRY_PARAMS

__all__ = ["WIDTH", "condition_lines", "render_condition", "render_num",
           "render_pred", "side_lines"]

# Columns available to one rendered condition before it wraps.
WIDTH = 80
# Extra indentation of a wrapped call's arguments.
INDENT = 4
# Factory parameters that hold a literal string, not a column name.
LITERAL_PARAMS = frozenset({"op", "direction"})

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ROLLING_NAMES = {"mean": "mean", "min": "lowest", "max": "highest",
                  "percentile": "percentile"}
_BINARY = {"add": ("+", 1), "sub": ("-", 1), "mul": ("*", 2),
           "div": ("/", 2)}
_ATOM = 3  # precedence of anything that never needs parentheses


# ------------------------------------------------------------------ layout

@dataclass(frozen=True)
class Block:
    """Text that may wrap: ``head item <joiner> item ... tail``.

    ``call`` blocks wrap with one argument per line, indented; ``chain``
    blocks (infix ``and``/``or``, prefixes such as ``expr: ``) wrap with
    each further item on its own line starting with the joiner, aligned
    under the first.
    """

    head: str
    items: tuple[Layout, ...]
    style: str  # "call" or "chain"
    joiner: str
    tail: str = ""


Layout = Union[str, Block]


def flat(layout: Layout) -> str:
    """The one-line text of a layout."""
    if isinstance(layout, str):
        return layout
    separator = ", " if layout.style == "call" else f" {layout.joiner} "
    return layout.head + separator.join(flat(i) for i in layout.items) \
        + layout.tail


def lay_out(layout: Layout, column: int = 0,
            width: int = WIDTH) -> list[str]:
    """The layout's lines when it starts at ``column``: the first line
    without indentation (the caller places it), the others with their full
    indentation."""
    text = flat(layout)
    if isinstance(layout, str) or column + len(text) <= width \
            or not layout.items:
        return [text]
    out: list[str] = []
    last = len(layout.items) - 1
    if layout.style == "call":
        inner = column + INDENT
        out.append(layout.head)
        for k, item in enumerate(layout.items):
            lines = lay_out(item, inner, width)
            lines[0] = " " * inner + lines[0]
            lines[-1] += "," if k < last else layout.tail
            out.extend(lines)
        return out
    inner = column + len(layout.head)
    for k, item in enumerate(layout.items):
        prefix = "" if k == 0 else layout.joiner + " "
        lines = lay_out(item, inner + len(prefix), width)
        lead = layout.head if k == 0 else " " * inner + prefix
        out.append(lead + lines[0])
        out.extend(lines[1:])
    out[-1] += layout.tail
    return out


# ----------------------------------------------------------------- numbers

def _number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return repr(value) if isinstance(value, float) else str(value)


def _compact(value: Any) -> str:
    try:
        return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _num(num: Any) -> tuple[str, int]:
    """A number expression's text and precedence."""
    if _is_number(num):
        return _number(num), (_ATOM if num >= 0 else 0)
    if isinstance(num, str):
        return num, _ATOM
    if not isinstance(num, Mapping):
        return _compact(num), _ATOM
    if set(num) == {"col", "lag"} and isinstance(num["col"], str):
        return f"{num['col']}[{_number(num['lag'])}]", _ATOM
    if "rolling" in num:
        return _rolling(num), _ATOM
    op, args = num.get("op"), num.get("args")
    if not isinstance(args, list) or set(num) != {"op", "args"}:
        return _compact(num), _ATOM
    if op in _BINARY and len(args) == 2:
        symbol, level = _BINARY[op]
        left, left_level = _num(args[0])
        right, right_level = _num(args[1])
        if left_level < level:
            left = f"({left})"
        if right_level <= level:
            right = f"({right})"
        return f"{left} {symbol} {right}", level
    if op in ("max", "min") and len(args) == 2:
        return f"{op}({render_num(args[0])}, {render_num(args[1])})", _ATOM
    if op == "abs" and len(args) == 1:
        return f"abs({render_num(args[0])})", _ATOM
    return _compact(num), _ATOM


def _rolling(num: Mapping[str, Any]) -> str:
    kind = num.get("rolling")
    name = _ROLLING_NAMES.get(kind) if isinstance(kind, str) else None
    known = {"rolling", "of", "window", "lag", "q", "min_count"}
    if name is None or "of" not in num or not set(num) <= known:
        return _compact(num)
    args = [render_num(num["of"]), _number(num.get("window"))]
    for key in ("q", "min_count"):
        if key in num:
            args.append(f"{key}={_number(num[key])}")
    lag = num.get("lag", 0)
    suffix = "" if lag == 0 and not isinstance(lag, bool) \
        else f"[{_number(lag)}]"
    return f"{name}({', '.join(args)}){suffix}"


def render_num(num: Any) -> str:
    """A number expression of the expr language as infix text."""
    return _num(num)[0]


# -------------------------------------------------------------- predicates

# Where a predicate stands: alone (no parentheses needed) or inside an
# and/or chain.
_ALONE, _CHAIN = 0, 1


def _lags(lags: Any) -> str:
    if isinstance(lags, list) and len(lags) == 2:
        return f"{_number(lags[0])}..{_number(lags[1])}"
    return _compact(lags)


def _pred(pred: Any, where: int) -> Layout:
    """A predicate's layout, ``_ALONE`` or inside a ``_CHAIN``."""
    if not isinstance(pred, Mapping):
        return _compact(pred)
    keys = set(pred)
    if keys == {"cmp", "a", "b"} and isinstance(pred["cmp"], str):
        return f"{render_num(pred['a'])} {pred['cmp']} {render_num(pred['b'])}"
    for key, word in (("all", "and"), ("any", "or")):
        if keys == {key} and isinstance(pred[key], list) and pred[key]:
            items = tuple(_pred(p, _CHAIN) for p in pred[key])
            wrap = where == _CHAIN or len(items) == 1
            return Block(f"{key}(" if len(items) == 1 else
                         "(" if wrap else "", items, "chain", word,
                         ")" if wrap else "")
    if keys == {"not"}:
        return Block("not(", (_pred(pred["not"], _ALONE),), "chain", "", ")")
    for key in ("finite", "not_nan"):
        if keys == {key} and isinstance(pred[key], list):
            return f"{key}({', '.join(render_num(n) for n in pred[key])})"
    if keys == {"min_bars"}:
        return f"i >= {_number(pred['min_bars'])}"
    if keys == {"votes", "at_least"} and isinstance(pred["votes"], list):
        items = (_number(pred["at_least"]),
                 *(_pred(p, _ALONE) for p in pred["votes"]))
        return Block("at_least(", items, "call", ",", ")")
    for key in ("every", "some"):
        if keys == {key, "lags"}:
            return Block(f"{key}({_lags(pred['lags'])}, ",
                         (_pred(pred[key], _ALONE),), "chain", "", ")")
    if keys == {"count", "lags", "at_least"}:
        return Block(f"count({_lags(pred['lags'])}, ",
                     (_pred(pred["count"], _ALONE),), "chain", "",
                     f") >= {_number(pred['at_least'])}")
    return _compact(pred)


def render_pred(pred: Any) -> str:
    """A predicate of the expr language as one line of infix text."""
    return flat(_pred(pred, _ALONE))


# -------------------------------------------------------------- conditions

def _param(name: str, value: Any) -> Layout:
    if isinstance(value, str):
        plain = name not in LITERAL_PARAMS and _IDENTIFIER.match(value)
        return value if plain else json.dumps(value, ensure_ascii=False)
    if _is_number(value) or value is None or isinstance(value, bool):
        return _number(value)
    return _compact(value)


def _condition(condition: Any, top: bool) -> Layout:
    if not isinstance(condition, Mapping) \
            or not isinstance(condition.get("type"), str):
        return _compact(condition)
    kind = condition["type"]
    params = {k: v for k, v in condition.items() if k != "type"}
    if kind == "expr" and set(params) == {"when"}:
        when = _pred(params["when"], _ALONE)
        if top:
            return Block("expr: ", (when,), "chain", "")
        return Block("expr(", (when,), "chain", "", ")")
    if kind in ("all_of", "any_of") and set(params) == {"conditions"} \
            and isinstance(params["conditions"], list):
        items = tuple(_condition(c, False) for c in params["conditions"])
        return Block(f"{kind}(", items, "call", ",", ")")
    items_list: list[Layout] = []
    named = False
    for name in REGISTRY_PARAMS.get(kind, ()):
        if name not in params:
            named = True
            continue
        value = _param(name, params.pop(name))
        items_list.append(f"{name}={flat(value)}" if named else value)
    for name, value in params.items():  # not a parameter of this type
        items_list.append(f"{name}={flat(_param(name, value))}")
    return Block(f"{kind}(", tuple(items_list), "call", ",", ")")


def render_condition(condition: Any) -> str:
    """One condition of a strategy side as one line."""
    return flat(_condition(condition, True))


def condition_lines(condition: Any, width: int = WIDTH) -> list[str]:
    """One condition of a side, wrapped to ``width`` columns."""
    return lay_out(_condition(condition, True), 0, width)


def side_lines(conditions: Any, width: int = WIDTH) -> list[str]:
    """A side (a list of conditions): each condition's lines in turn."""
    if not isinstance(conditions, Sequence) or isinstance(conditions, str):
        return [_compact(conditions)]
    return [line for c in conditions for line in condition_lines(c, width)]
