"""A sound normal form of a strategy side, to tell form from substance.

The stale check (diff.py) calls a difference between committed and
exported conditions "form only" when the two sides normalise equal. That
verdict lets a team ignore the difference, so it must never be wrong: two
sides normalise equal only if they hold on exactly the same bars for every
possible data (IEEE doubles, NaN and infinities included, any bar index).
Every rule below is an equivalence under those semantics (docs/registry.md);
a rule that holds "for normal prices" is not good enough. Missing a
possible equivalence only makes the check report a real difference where
there is none, which a person then reads; so when in doubt, leave it out.

A side becomes one tree of tuples (``Node``): a factory condition is an
opaque ``("atom", type, params)``, ``all_of``/``any_of`` and the expr
language's ``all``/``any`` become the same ``("all", ...)``/``("any", ...)``
(an ``all_of`` of conditions is their conjunction, so the two may merge),
an entry side is the conjunction of its conditions (an empty one never
holds) and an exit side their disjunction.

Rules (each an equivalence on every bar):

- spelling: ``1`` = ``1.0`` (both doubles; ``-0.0`` stays apart from ``0``,
  since ``1 / -0.0`` is ``-inf``); object key order; ``"close"`` =
  ``{"col": "close", "lag": 0}``; a column alias = its reference name;
  ``a > b`` = ``b < a`` and ``a >= b`` = ``b <= a`` (true on the same
  values, NaN included); operands of ``==``/``!=`` in either order;
- factory parameters equal to the factory's default (conditions.py) are
  the same written or omitted;
- constant folding: arithmetic whose arguments are all constants becomes
  its IEEE result (``1.0 - 0.2`` = ``0.8`` exactly when the doubles agree;
  ``div`` by zero gives +-inf or NaN as in JavaScript, ``max``/``min`` are
  ``b > a ? b : a`` / ``b < a ? b : a``); a comparison of constants, and a
  ``finite``/``not_nan`` of constants, becomes true or false;
- conjunctions and disjunctions: nested ``all`` in ``all`` (and ``any`` in
  ``any``) flatten; true/false members are absorbed; duplicates go
  (``p and p`` = ``p``); the order of members is irrelevant (predicates
  have no side effects); one member is that member; ``finite`` lists merge
  and so do ``not_nan`` lists (sets); ``min_bars`` keep the largest;
  ``min_bars: 0`` is true outside a quantifier;
- ``not(not(p))`` = ``p``; ``not(a == b)`` = ``a != b`` and the reverse
  (IEEE ``!=`` is exactly the negation of ``==``, NaN included);
- ``votes`` ignore member order, count true members, and become ``any``
  when one vote is needed, ``all`` when every one is;
- knowledge within a conjunction: the members of an ``all`` (and of every
  enclosing ``all`` at the same bar shift) are facts when the conjunction
  holds: ``finite(x)`` makes ``x`` finite, ``not_nan(x)`` makes it not NaN,
  and a comparison ``a < b`` / ``a <= b`` / ``a == b`` makes both sides not
  NaN (it is false with NaN). With those facts
  - ``not(a < b)`` = ``a >= b`` and ``not(a <= b)`` = ``a > b`` when
    neither side can be NaN (with NaN the negation holds and the flipped
    comparison does not);
  - a ``not_nan`` item is dropped when the facts already exclude NaN for
    it, a ``finite`` item when the enclosing conjunctions make it finite.

  Facts come only from members that are rewritten without facts (guards
  and comparisons), never from a rewritten ``not``, so two rewrites can
  never justify each other. Inside ``every``/``some``/``count`` the
  columns are shifted back by the lag, so outer facts do not apply there.

When an expression cannot be NaN: a constant other than NaN; anything the
facts cover (the same expression, by its normal form); ``abs(x)`` when
``x`` cannot be; ``x + y``/``x - y`` when one is finite and the other
cannot be NaN (two possibly infinite ones may give ``inf - inf``; two
finite ones may overflow to infinity, so the sum is not *finite*, but it
is not NaN); ``x * y`` when both are finite, or one is a non-zero finite
constant and the other cannot be NaN (``0 * inf`` is NaN); ``x / c`` for a
non-zero finite constant ``c`` (never a division by a variable: ``0/0``
and ``inf/inf`` are NaN); ``max(x, y)``/``min(x, y)`` when ``x`` cannot be
(``b > a ? b : a`` returns ``a`` whenever ``b`` is NaN); a rolling window
or column only by a guard.

Rejected as unsound (two forms that differ on some bar): ``not(a >= b)``
= ``a < b`` without guards; ``x + 0`` = ``x`` (``-0 + 0`` is ``+0``, and
``1 / x`` tells them apart); reassociating ``(a + b) + c``; swapping
``max``/``min`` arguments (``max(NaN, 1)`` is NaN, ``max(1, NaN)`` is 1);
``finite(a + b)`` from ``finite(a, b)`` (overflow); deduplicating
``votes`` members (each one counts); outer facts inside quantifiers;
``min_bars: 0`` = true inside a quantifier (there it means ``i >= lag``).
Not attempted: recognising an ``expr`` as the factory it spells out.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable, Mapping
from typing import Any, Callable, Optional

from .conditions import FACTORIES
from .serializable import REGISTRY_PARAMS
from .table import canonical

__all__ = ["FALSE", "TRUE", "Node", "canonical_value", "normalize_side",
           "parse_condition", "parse_pred", "to_condition", "to_pred"]

# A normal form: nested tuples of strings, ints and tuples, comparable
# with ==. Numbers are kept as float.hex() text so that NaN equals NaN
# and -0.0 differs from 0.0.
Node = tuple[Any, ...]
TRUE: Node = ("all", ())
FALSE: Node = ("any", ())

# What is known about a number: possibly NaN, not NaN, finite.
UNKNOWN, NOT_NAN, FINITE = 0, 1, 2
Facts = Mapping[Node, int]

LITERAL_PARAMS = frozenset({"op", "direction"})
# How many times a side is rewritten at most (each pass may expose facts
# for the next; three suffice in practice).
MAX_PASSES = 8


# ------------------------------------------------------------ the defaults

def _factory_defaults() -> dict[str, dict[str, Any]]:
    """Each condition type's parameter defaults, by registry name.

    Read from conditions.py's signatures (mapped to the registry names by
    position, as ``serializable`` maps them); ``None`` is no default.
    """
    defaults: dict[str, dict[str, Any]] = {}
    for kind, names in REGISTRY_PARAMS.items():
        factory = FACTORIES.get(kind)
        if factory is None:
            continue
        parameters = list(inspect.signature(factory).parameters.values())
        if len(parameters) != len(names):
            continue
        defaults[kind] = {
            name: p.default for name, p in zip(names, parameters)
            if p.default is not inspect.Parameter.empty
            and p.default is not None
        }
    return defaults


DEFAULTS: dict[str, dict[str, Any]] = _factory_defaults()


# ----------------------------------------------------------------- numbers

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _double(value: Any) -> float:
    """A JSON number as the double JavaScript reads."""
    try:
        return float(value)
    except OverflowError:  # an integer beyond the doubles: JSON.parse's inf
        return math.inf if value > 0 else -math.inf


def const(value: float) -> Node:
    """The node of a constant."""
    return ("const", float.hex(value))


def _value(node: Node) -> float:
    return float.fromhex(node[1])


def _count(value: Any) -> Optional[int]:
    """An integer parameter (``1.0`` reads as ``1``), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def canonical_value(value: Any) -> Node:
    """Any JSON value, key order and number spelling aside."""
    if isinstance(value, Mapping):
        return ("dict", tuple(sorted((str(k), canonical_value(v))
                                     for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(canonical_value(v) for v in value))
    if _is_number(value):
        return ("num", float.hex(_double(value)))
    if isinstance(value, str):
        return ("str", value)
    if value is None or isinstance(value, bool):
        return ("json", value)
    return ("json", repr(value))  # not JSON: equal only to itself


def _ieee_div(a: float, b: float) -> float:
    if b != 0 or math.isnan(b):
        return a / b
    if a == 0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": _ieee_div,
    "max": lambda a, b: b if b > a else a,
    "min": lambda a, b: b if b < a else a,
}


def parse_num(num: Any) -> Node:
    """A number expression's normal form (constants folded)."""
    if _is_number(num):
        return const(_double(num))
    if isinstance(num, str):
        return ("col", canonical(num), 0)
    if not isinstance(num, Mapping):
        return ("raw", canonical_value(num))
    keys = set(num)
    if keys == {"col", "lag"} and isinstance(num["col"], str) \
            and _count(num["lag"]) is not None:
        return ("col", canonical(num["col"]), _count(num["lag"]))
    args = num.get("args")
    if keys == {"op", "args"} and isinstance(args, list):
        op = num["op"]
        if op in ARITHMETIC and len(args) == 2:
            a, b = parse_num(args[0]), parse_num(args[1])
            if a[0] == "const" and b[0] == "const":
                return const(ARITHMETIC[op](_value(a), _value(b)))
            return ("op", op, a, b)
        if op == "abs" and len(args) == 1:
            a = parse_num(args[0])
            return const(math.fabs(_value(a))) if a[0] == "const" \
                else ("abs", a)
    if "rolling" in num and "of" in num:
        extra = tuple(sorted((k, canonical_value(v)) for k, v in num.items()
                             if k not in ("rolling", "of")))
        return ("rolling", canonical_value(num["rolling"]),
                parse_num(num["of"]), extra)
    return ("raw", canonical_value(num))


def state(num: Node, facts: Facts) -> int:
    """What ``facts`` and the expression's form say about its value
    (UNKNOWN, NOT_NAN or FINITE); the module docstring gives the rules."""
    known = facts.get(num, UNKNOWN)
    if known == FINITE:
        return FINITE
    kind = num[0]
    derived = UNKNOWN
    if kind == "const":
        value = _value(num)
        derived = FINITE if math.isfinite(value) \
            else UNKNOWN if math.isnan(value) else NOT_NAN
    elif kind == "abs":
        derived = state(num[1], facts)
    elif kind == "op":
        op, a, b = num[1], num[2], num[3]
        sa, sb = state(a, facts), state(b, facts)
        if op in ("add", "sub"):
            if sa and sb and FINITE in (sa, sb):
                derived = NOT_NAN
        elif op == "mul":
            if (sa == FINITE and sb == FINITE) \
                    or (_nonzero_constant(a) and sb) \
                    or (_nonzero_constant(b) and sa):
                derived = NOT_NAN
        elif op == "div":
            if _nonzero_constant(b) and sa:
                derived = NOT_NAN
        elif op in ("max", "min"):
            derived = FINITE if sa == FINITE and sb == FINITE \
                else NOT_NAN if sa else UNKNOWN
    return max(known, derived)


def _nonzero_constant(num: Node) -> bool:
    if num[0] != "const":
        return False
    value = _value(num)
    return math.isfinite(value) and value != 0


# -------------------------------------------------------------- predicates

CMP_OPS = frozenset({">", ">=", "<", "<=", "==", "!="})
QUANTIFIERS = ("every", "some", "count")


def _cmp(op: str, a: Node, b: Node) -> Node:
    """A comparison, oriented: ``>`` and ``>=`` become ``<`` and ``<=``
    with the operands swapped; ``==``/``!=`` operands in a fixed order."""
    if op == ">":
        return ("cmp", "<", b, a)
    if op == ">=":
        return ("cmp", "<=", b, a)
    if op in ("==", "!=") and repr(b) < repr(a):
        return ("cmp", op, b, a)
    return ("cmp", op, a, b)


def parse_pred(pred: Any) -> Node:
    """A predicate of the expr language, parsed (not yet simplified)."""
    if not isinstance(pred, Mapping):
        return ("raw", canonical_value(pred))
    keys = set(pred)
    if keys == {"cmp", "a", "b"} and pred["cmp"] in CMP_OPS:
        return _cmp(pred["cmp"], parse_num(pred["a"]), parse_num(pred["b"]))
    for key in ("all", "any"):
        if keys == {key} and isinstance(pred[key], list):
            return (key, tuple(parse_pred(p) for p in pred[key]))
    if keys == {"not"}:
        return ("not", parse_pred(pred["not"]))
    for key in ("finite", "not_nan"):
        if keys == {key} and isinstance(pred[key], list):
            return (key, tuple(parse_num(n) for n in pred[key]))
    if keys == {"min_bars"} and _count(pred["min_bars"]) is not None:
        return ("min_bars", _count(pred["min_bars"]))
    at_least = _count(pred.get("at_least"))
    if keys == {"votes", "at_least"} and isinstance(pred["votes"], list) \
            and at_least is not None:
        return ("votes", at_least, tuple(parse_pred(p)
                                         for p in pred["votes"]))
    for key in QUANTIFIERS:
        wanted = {key, "lags"} | ({"at_least"} if key == "count" else set())
        lags = pred.get("lags")
        if keys == wanted and isinstance(lags, list) and len(lags) == 2 \
                and None not in (_count(lags[0]), _count(lags[1])) \
                and (key != "count" or at_least is not None):
            count = at_least if key == "count" else 0
            return (key, _count(lags[0]), _count(lags[1]), count,
                    parse_pred(pred[key]))
    return ("raw", canonical_value(pred))


def _param(name: str, value: Any) -> Node:
    if isinstance(value, str) and name not in LITERAL_PARAMS:
        return ("col", canonical(value), 0)
    return canonical_value(value)


def parse_condition(condition: Any) -> Node:
    """A condition of a side, parsed (not yet simplified)."""
    if not isinstance(condition, Mapping) \
            or not isinstance(condition.get("type"), str):
        return ("raw", canonical_value(condition))
    kind = condition["type"]
    params = {k: v for k, v in condition.items() if k != "type"}
    if kind == "expr" and set(params) == {"when"}:
        return parse_pred(params["when"])
    if kind in ("all_of", "any_of") and set(params) == {"conditions"} \
            and isinstance(params["conditions"], list):
        return ("all" if kind == "all_of" else "any",
                tuple(parse_condition(c) for c in params["conditions"]))
    for name, default in DEFAULTS.get(kind, {}).items():
        params.setdefault(name, default)
    return ("atom", kind, tuple(sorted(
        (name, _param(name, value)) for name, value in params.items()
    )))


# ------------------------------------------------------------ simplifying

def _facts(members: Iterable[Node], outer: Facts) -> dict[Node, int]:
    """``outer`` plus what the guards and comparisons among ``members``
    (the members of one conjunction) establish when they hold."""
    facts = dict(outer)

    def learn(num: Node, level: int) -> None:
        facts[num] = max(facts.get(num, UNKNOWN), level)

    for member in members:
        if member[0] == "finite":
            for num in member[1]:
                learn(num, FINITE)
        elif member[0] == "not_nan":
            for num in member[1]:
                learn(num, NOT_NAN)
        elif member[0] == "cmp" and member[1] != "!=":
            learn(member[2], NOT_NAN)
            learn(member[3], NOT_NAN)
    return facts


def _guard(node: Node) -> Node:
    """A finite/not_nan guard with its constants decided, as a set."""
    kind, items = node
    keep: set[Node] = set()
    for num in items:
        if num[0] == "const":
            value = _value(num)
            if math.isnan(value) or (kind == "finite"
                                     and math.isinf(value)):
                return FALSE
        else:
            keep.add(num)
    return (kind, tuple(sorted(keep, key=repr))) if keep else TRUE


def _sorted(nodes: Iterable[Node]) -> list[Node]:
    unique: dict[Node, None] = dict.fromkeys(nodes)
    return sorted(unique, key=repr)


def _flatten(kind: str, members: Iterable[Node]) -> list[Node]:
    out: list[Node] = []
    for member in members:
        if member[0] == kind:
            out.extend(_flatten(kind, member[1]))
        else:
            out.append(member)
    return out


def _simplify_all(members: Iterable[Node], outer: Facts,
                  shifted: bool) -> Node:
    flat = _flatten("all", members)
    sources = [simplify(m, {}, shifted) for m in flat
               if m[0] in ("finite", "not_nan", "cmp", "min_bars")]
    facts = _facts(sources, outer)
    rest = [simplify(m, facts, shifted) for m in flat
            if m[0] not in ("finite", "not_nan", "cmp", "min_bars")]
    merged = _flatten("all", sources + rest)
    if FALSE in merged:
        return FALSE
    bars = [m[1] for m in merged if m[0] == "min_bars"]
    finite = {n for m in merged if m[0] == "finite" for n in m[1]}
    not_nan = {n for m in merged if m[0] == "not_nan" for n in m[1]}
    others = [m for m in merged
              if m[0] not in ("finite", "not_nan", "min_bars")]
    # what holds without these guards: the enclosing facts, this level's
    # comparisons and (for not_nan) this level's finite items
    known = _facts([m for m in others if m[0] == "cmp"], outer)
    finite = {n for n in finite if state(n, known) != FINITE}
    known = _facts([("finite", tuple(finite))], known)
    not_nan = {n for n in not_nan if state(n, known) == UNKNOWN}
    guards: list[Node] = []
    if bars:
        guards.append(("min_bars", max(bars)))
    for kind, items in (("finite", finite), ("not_nan", not_nan)):
        if items:
            guards.append((kind, tuple(sorted(items, key=repr))))
    result = guards + _sorted(m for m in others if m != TRUE)
    if not result:
        return TRUE
    return result[0] if len(result) == 1 else ("all", tuple(result))


def _simplify_any(members: Iterable[Node], facts: Facts,
                  shifted: bool) -> Node:
    simplified = _flatten("any", (simplify(m, facts, shifted)
                                  for m in _flatten("any", members)))
    if TRUE in simplified:
        return TRUE
    result = _sorted(m for m in simplified if m != FALSE)
    if not result:
        return FALSE
    return result[0] if len(result) == 1 else ("any", tuple(result))


NEGATED = {"<": ">=", "<=": ">", "==": "!=", "!=": "=="}


def _negate(node: Node, facts: Facts) -> Node:
    if node[0] == "not":
        inner: Node = node[1]
        return inner
    if node == TRUE:
        return FALSE
    if node == FALSE:
        return TRUE
    if node[0] == "cmp":
        op, a, b = node[1], node[2], node[3]
        if op in ("==", "!=") or (state(a, facts) and state(b, facts)):
            return _cmp(NEGATED[op], a, b)
    return ("not", node)


def _simplify_votes(needed: int, members: Iterable[Node], facts: Facts,
                    shifted: bool) -> Node:
    simplified = [simplify(m, facts, shifted) for m in members]
    needed -= sum(1 for m in simplified if m == TRUE)
    rest = sorted((m for m in simplified if m not in (TRUE, FALSE)),
                  key=repr)
    if needed <= 0:
        return TRUE
    if needed > len(rest):
        return FALSE
    if needed == 1:
        return _simplify_any(rest, facts, shifted)
    if needed == len(rest):
        return _simplify_all(rest, facts, shifted)
    return ("votes", needed, tuple(rest))


def simplify(node: Node, facts: Facts, shifted: bool = False) -> Node:
    """One rewriting pass over a parsed node.

    ``facts``: what the enclosing conjunctions establish at this bar shift;
    ``shifted``: inside a quantifier (there ``min_bars: 0`` is not true).
    """
    kind = node[0]
    if kind == "cmp":
        a, b = node[2], node[3]
        if a[0] == "const" and b[0] == "const":
            holds = {"<": float.__lt__, "<=": float.__le__,
                     "==": float.__eq__, "!=": float.__ne__}[node[1]]
            return TRUE if holds(_value(a), _value(b)) else FALSE
        return node
    if kind in ("finite", "not_nan"):
        return _guard(node)
    if kind == "min_bars":
        return TRUE if node[1] == 0 and not shifted else node
    if kind == "all":
        return _simplify_all(node[1], facts, shifted)
    if kind == "any":
        return _simplify_any(node[1], facts, shifted)
    if kind == "not":
        return _negate(simplify(node[1], facts, shifted), facts)
    if kind == "votes":
        return _simplify_votes(node[1], node[2], facts, shifted)
    if kind in QUANTIFIERS:
        body = simplify(node[4], {}, True)
        if kind != "count" and body in (TRUE, FALSE) and node[1] <= node[2]:
            return body
        return (*node[:4], body)
    return node  # an atom or something unparsed: as it is


def normalize(node: Node) -> Node:
    """Rewrite until nothing changes (each pass is an equivalence)."""
    for _ in range(MAX_PASSES):
        simpler = simplify(node, {})
        if simpler == node:
            break
        node = simpler
    return node


def normalize_side(conditions: Any, conjunction: bool) -> Node:
    """A whole side's normal form: the conjunction of its conditions for
    an entry (an empty entry side never holds), their disjunction for an
    exit."""
    if not isinstance(conditions, list):
        return ("raw", canonical_value(conditions))
    members = tuple(parse_condition(c) for c in conditions)
    if not members:
        return FALSE
    return normalize(("all" if conjunction else "any", members))


# ------------------------------------------------------------ back to JSON

def to_num(node: Node) -> Any:
    """A normal number back in the expr language (a folded constant may
    be NaN or infinite, which JSON cannot hold: for evaluation only)."""
    kind = node[0]
    if kind == "const":
        return _value(node)
    if kind == "col":
        return node[1] if node[2] == 0 else {"col": node[1], "lag": node[2]}
    if kind == "op":
        return {"op": node[1], "args": [to_num(node[2]), to_num(node[3])]}
    if kind == "abs":
        return {"op": "abs", "args": [to_num(node[1])]}
    if kind == "rolling":
        out = {"rolling": _from_canonical(node[1]), "of": to_num(node[2])}
        out.update({k: _from_canonical(v) for k, v in node[3]})
        return out
    return _from_canonical(node[1])


def _from_canonical(node: Node) -> Any:
    kind = node[0]
    if kind == "dict":
        return {k: _from_canonical(v) for k, v in node[1]}
    if kind == "list":
        return [_from_canonical(v) for v in node[1]]
    if kind == "num":
        value = float.fromhex(node[1])
        return int(value) if value.is_integer() else value
    if kind in ("col", "str", "json"):
        return node[1]
    return to_condition(node)


def _has_atom(node: Node) -> bool:
    if node[0] == "atom":
        return True
    return node[0] in ("all", "any") and any(_has_atom(m) for m in node[1])


def to_pred(node: Node) -> Any:
    """A normal predicate back in the expr language (for evaluation)."""
    kind = node[0]
    if kind == "cmp":
        return {"cmp": node[1], "a": to_num(node[2]), "b": to_num(node[3])}
    if kind in ("all", "any"):
        return {kind: [to_pred(m) for m in node[1]]}
    if kind == "not":
        return {"not": to_pred(node[1])}
    if kind in ("finite", "not_nan"):
        return {kind: [to_num(n) for n in node[1]]}
    if kind == "min_bars":
        return {"min_bars": node[1]}
    if kind == "votes":
        return {"votes": [to_pred(m) for m in node[2]],
                "at_least": node[1]}
    if kind in QUANTIFIERS:
        out = {kind: to_pred(node[4]), "lags": [node[1], node[2]]}
        if kind == "count":
            out["at_least"] = node[3]
        return out
    return _from_canonical(node[1])


def to_condition(node: Node) -> Any:
    """A normal form back as one registry condition (for evaluation and
    tests; an empty all/any stands for true/false, which the compiler
    would reject)."""
    if node[0] == "atom":
        out: dict[str, Any] = {"type": node[1]}
        out.update({name: _from_canonical(value) for name, value in node[2]})
        return out
    if node[0] in ("all", "any") and _has_atom(node):
        return {"type": f"{node[0]}_of",
                "conditions": [to_condition(m) for m in node[1]]}
    return {"type": "expr", "when": to_pred(node)}
