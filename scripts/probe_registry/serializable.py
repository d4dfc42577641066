"""Condition factories whose conditions also carry their registry JSON.

The design document's approach B (section 11): every condition factory is
decorated with ``@serializable``. Calling the factory still returns a
callable condition ``(frame, idx) -> bool``, and that condition also carries
``__condition_meta__``: the condition type and every parameter under the
name docs/registry.md gives it, defaults filled in. The exporter reads it::

    >>> from probe_registry.conditions import all_of, crosses_above, above
    >>> c = all_of(crosses_above("ema_20", "ema_50"), above("close", 0))
    >>> to_json(c)["conditions"][0]
    {'type': 'crosses_above', 'col_a': 'ema_20', 'col_b': 'ema_50'}

A hand-written condition has no JSON form: attach one with ``with_expr``
(the registry's ``expr`` predicate language) or the export fails and names
the strategy and side.
"""

from __future__ import annotations

import dis
import functools
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Optional, TypeVar, Union

__all__ = [
    "COMPARISON_OPS",
    "REGISTRY_PARAMS",
    "Comparison",
    "Condition",
    "NotSerializable",
    "compare",
    "condition_meta",
    "describe",
    "serializable",
    "to_json",
    "with_expr",
]

ConditionFn = Callable[[Any, int], bool]
F = TypeVar("F", bound=Callable[..., Any])
Json = Union[None, bool, int, float, str, list["Json"], dict[str, "Json"]]

# The parameters of every condition type, in the order of docs/registry.md
# (and of the reference factories' signatures).
REGISTRY_PARAMS: dict[str, tuple[str, ...]] = {
    "crosses_above": ("col_a", "col_b"),
    "crosses_below": ("col_a", "col_b"),
    "above": ("col", "ref"),
    "below": ("col", "ref"),
    "rising": ("col", "bars"),
    "falling": ("col", "bars"),
    "all_of": ("conditions",),
    "any_of": ("conditions",),
    "pullback_to": ("level_col", "tolerance_atr_mult"),
    "pullback_below": ("level_col", "tolerance_atr_mult"),
    "bullish_divergence": ("indicator_col", "lookback"),
    "bearish_divergence": ("indicator_col", "lookback"),
    "candle_bullish": ("pattern_col",),
    "candle_bearish": ("pattern_col",),
    "consecutive_higher_closes": ("count",),
    "consecutive_lower_closes": ("count",),
    "squeeze": ("width_col", "lookback"),
    "range_exceeds_atr": ("multiplier",),
    "narrowest_range": ("lookback",),
    "breaks_above_level": ("level_col",),
    "breaks_below_level": ("level_col",),
    "in_top_pct_of_range": ("pct",),
    "in_bottom_pct_of_range": ("pct",),
    "gap_up": ("atr_mult",),
    "gap_down": ("atr_mult",),
    "deviation_from": ("col", "ref_col", "atr_mult", "direction"),
    "was_below_then_crosses_above": ("col", "threshold", "lookback"),
    "was_above_then_crosses_below": ("col", "threshold", "lookback"),
    "held_for_n_bars": ("col", "op", "value", "n_bars"),
    "expr": ("when",),
}

COMPARISON_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class NotSerializable(Exception):
    """A condition (or one of its parameters) has no JSON form.

    ``path`` locates it inside the condition, e.g. ``conditions[1]`` or
    ``op``; the exporter prefixes the strategy and side. One error may
    stand for several (``causes``): an ``all_of`` with two hand-written
    children reports both, not the first only.
    """

    def __init__(self, reason: str, path: str = "",
                 causes: Sequence[NotSerializable] = ()) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.reason = reason
        self.path = path
        self.causes = list(causes)

    @classmethod
    def group(cls, errors: Sequence[NotSerializable]) -> NotSerializable:
        """One error standing for every one of ``errors``."""
        if len(errors) == 1:
            return errors[0]
        return cls("; ".join(str(e) for e in errors), causes=errors)

    def each(self) -> list[NotSerializable]:
        """Every single problem this error stands for."""
        if not self.causes:
            return [self]
        return [leaf for cause in self.causes for leaf in cause.each()]

    def inside(self, prefix: str) -> NotSerializable:
        """The same error(s), located one level further out."""
        if self.causes:
            return NotSerializable.group(
                [cause.inside(prefix) for cause in self.causes])
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        return NotSerializable(self.reason, path)


class Condition:
    """A condition callable together with its registry form.

    ``__condition_meta__`` holds ``{"type": ..., <param>: <value>, ...}``
    with the values as given (sub-conditions stay callables);
    ``to_json()`` turns it into plain JSON data.
    """

    __slots__ = ("_fn", "__condition_meta__")

    def __init__(self, fn: ConditionFn, meta: dict[str, Any]) -> None:
        if not callable(fn):
            raise TypeError(f"a condition must be callable, got {fn!r}")
        if not isinstance(meta.get("type"), str):
            raise TypeError("a condition's meta needs a string 'type'")
        self._fn = fn
        self.__condition_meta__ = meta

    def __call__(self, frame: Any, idx: int) -> bool:
        return bool(self._fn(frame, idx))

    def to_json(self) -> dict[str, Json]:
        """The registry JSON of this condition."""
        return _encode_meta(self.__condition_meta__)

    def __repr__(self) -> str:
        meta = self.__condition_meta__
        args = ", ".join(
            f"{k}={v!r}" for k, v in meta.items() if k != "type"
        )
        return f"{meta['type']}({args})"


class Comparison:
    """``value op threshold`` as a callable with a JSON form.

    The reference's ``held_for_n_bars`` takes a lambda such as
    ``lambda v: v > 0``; ``compare(">", 0)`` is the same test, and the
    exporter can write it as ``"op": ">", "value": 0``.
    """

    __slots__ = ("op", "value", "_test")

    def __init__(self, op: str, value: float) -> None:
        test = COMPARISON_OPS.get(op)
        if test is None:
            ops = " ".join(COMPARISON_OPS)
            raise ValueError(f"unknown comparison {op!r}: use one of {ops}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"the value compared with must be a number, "
                            f"got {value!r}")
        self.op = op
        self.value = value
        self._test = test

    def __call__(self, v: float) -> bool:
        return self._test(v, self.value)

    def __repr__(self) -> str:
        return f"compare({self.op!r}, {self.value!r})"


def compare(op: str, value: float) -> Comparison:
    """The serializable stand-in for ``lambda v: v <op> value``."""
    return Comparison(op, value)


def describe(obj: object) -> str:
    """A callable as a reader finds it: name, file and line."""
    name = getattr(obj, "__qualname__", None) or type(obj).__name__
    code = getattr(obj, "__code__", None)
    if code is not None:
        file = code.co_filename.replace("\\", "/").rsplit("/", 1)[-1]
        return f"{name} ({file}:{code.co_firstlineno})"
    return repr(obj) if not callable(obj) else str(name)


def condition_meta(obj: object) -> Optional[Mapping[str, Any]]:
    """The ``__condition_meta__`` a callable carries, if any."""
    meta = getattr(obj, "__condition_meta__", None)
    return meta if isinstance(meta, Mapping) else None


def to_json(condition: object) -> dict[str, Json]:
    """The registry JSON of a condition; NotSerializable if it has none."""
    meta = condition_meta(condition)
    if meta is None:
        if callable(condition):
            raise NotSerializable(
                f"{describe(condition)} is a hand-written function with no "
                "JSON form: build it from the serializable factories, or "
                "attach an expr predicate with @with_expr({...})"
            )
        raise NotSerializable(f"{condition!r} is not a condition")
    return _encode_meta(meta)


def _encode_meta(meta: Mapping[str, Any]) -> dict[str, Json]:
    kind = meta.get("type")
    if not isinstance(kind, str):
        raise NotSerializable(f"__condition_meta__ {dict(meta)!r} has no "
                              "string 'type'")
    out: dict[str, Json] = {"type": kind}
    errors: list[NotSerializable] = []
    for key, value in meta.items():
        if key == "type":
            continue
        try:
            out[key] = _encode_value(value)
        except NotSerializable as error:
            errors.append(error.inside(key))
    if errors:
        raise NotSerializable.group(errors)
    return out


def _encode_value(value: Any) -> Json:
    if condition_meta(value) is not None:
        return _encode_meta(condition_meta(value) or {})
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotSerializable(f"{value!r} has no JSON form")
        return value
    if isinstance(value, Comparison):
        raise NotSerializable(f"{value!r} stands only in held_for_n_bars")
    if isinstance(value, _Opaque):
        raise value.error()
    errors: list[NotSerializable] = []
    if isinstance(value, Mapping):
        out: dict[str, Json] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append(NotSerializable(f"key {key!r} is not a string"))
                continue
            try:
                out[key] = _encode_value(item)
            except NotSerializable as error:
                errors.append(error.inside(key))
        if errors:
            raise NotSerializable.group(errors)
        return out
    if isinstance(value, (list, tuple)):
        items: list[Json] = []
        for k, item in enumerate(value):
            try:
                items.append(_encode_value(item))
            except NotSerializable as error:
                errors.append(error.inside(f"[{k}]"))
        if errors:
            raise NotSerializable.group(errors)
        return items
    if callable(value):
        return to_json(value)
    raise NotSerializable(f"{value!r} ({type(value).__name__}) has no "
                          "JSON form")


# --------------------------------------------------------------- decorator

ParamsHook = Callable[[dict[str, Any]], dict[str, Any]]


def serializable(
    factory: Optional[F] = None,
    *,
    type_name: Optional[str] = None,
    params: Union[Sequence[str], ParamsHook, None] = None,
) -> Any:
    """Decorate a condition factory so its conditions carry their JSON.

    Usable bare (``@serializable``) or with options:

    - ``type_name``: the registry type (default: the factory's name);
    - ``params``: the registry names of the factory's parameters, in
      signature order (default: ``REGISTRY_PARAMS[type_name]``, so the
      reference's ``crosses_above(col_a, col_b_or_value)`` writes
      ``col_b``), or a function from the bound arguments (a dict in
      signature order, defaults filled in) to the registry parameters.

    A ``*conditions`` parameter becomes a list. The returned factory binds
    its arguments exactly as the original does (a wrong call raises
    TypeError at once), then calls it and wraps the result in a
    ``Condition``.
    """
    def decorate(fn: F) -> F:
        kind = type_name or fn.__name__
        signature = inspect.signature(fn)
        for name, parameter in signature.parameters.items():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                raise TypeError(f"@serializable {kind}: **{name} has no "
                                "registry form")
        hook = _params_hook(kind, signature, params)

        @functools.wraps(fn)
        def make(*args: Any, **kwargs: Any) -> Condition:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments: dict[str, Any] = {}
            for name, parameter in signature.parameters.items():
                value = bound.arguments[name]
                if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                    value = list(value)
                arguments[name] = value
            meta: dict[str, Any] = {"type": kind}
            meta.update(hook(arguments))
            return Condition(fn(*args, **kwargs), meta)

        setattr(make, "__serializable_type__", kind)
        return make  # type: ignore[return-value]

    return decorate(factory) if factory is not None else decorate


def _params_hook(
    kind: str,
    signature: inspect.Signature,
    params: Union[Sequence[str], ParamsHook, None],
) -> ParamsHook:
    if callable(params):
        return params
    names = list(signature.parameters)
    if params is None and kind == "held_for_n_bars":
        return held_for_n_bars_params
    registry = (tuple(params) if params is not None
                else REGISTRY_PARAMS.get(kind, tuple(names)))
    if len(registry) != len(names):
        raise TypeError(
            f"@serializable {kind}: the factory takes {len(names)} "
            f"parameter(s) ({', '.join(names)}), the registry "
            f"{len(registry)} ({', '.join(registry)}); pass params=..."
        )
    renames = dict(zip(names, registry))
    return lambda arguments: {renames[k]: v for k, v in arguments.items()}


def held_for_n_bars_params(arguments: dict[str, Any]) -> dict[str, Any]:
    """held_for_n_bars' registry parameters from either call form.

    ``(col, op, value, n_bars)`` is the registry's own form; the
    reference's ``(col, condition_fn, n_bars)`` works too when the
    predicate is a ``compare(op, value)``. A plain lambda is kept as it
    is, so the condition still runs in Python but fails to export, naming
    the parameter.
    """
    values = list(arguments.values())
    if len(values) == 4 and not callable(values[1]):
        col, op, value, n_bars = values
        return {"col": col, "op": op, "value": value, "n_bars": n_bars}
    if len(values) == 4:
        # the predicate form through a 4-parameter factory: (col, fn, n)
        col, predicate, third, fourth = values
        if third is not None and fourth is not None:
            raise TypeError("held_for_n_bars(col, predicate, n_bars) takes "
                            "no fourth argument")
        n_bars = third if fourth is None else fourth
    elif len(values) == 3:
        col, predicate, n_bars = values
    else:
        raise TypeError("held_for_n_bars needs (col, op, value, n_bars) or "
                        "(col, predicate, n_bars)")
    if isinstance(predicate, Comparison):
        return {"col": col, "op": predicate.op, "value": predicate.value,
                "n_bars": n_bars}
    return {"col": col, "op": _Opaque(predicate), "value": None,
            "n_bars": n_bars}


class _Opaque:
    """A lambda in place of an operator: exporting it fails, clearly."""

    __slots__ = ("predicate",)

    def __init__(self, predicate: object) -> None:
        self.predicate = predicate

    def error(self) -> NotSerializable:
        suggestion = suggest_comparison(self.predicate)
        if suggestion is None:
            fix = ("it is not a single comparison of the value with a "
                   "number: annotate the whole condition with "
                   "@with_expr({...}) instead")
        else:
            op, value = suggestion
            fix = (f"write held_for_n_bars(col, {op!r}, {value!r}, n_bars) "
                   f"or held_for_n_bars(col, compare({op!r}, {value!r}), "
                   "n_bars)")
        return NotSerializable(
            f"the predicate {describe(self.predicate)} has no JSON form: "
            + fix
        )

    def __repr__(self) -> str:
        return describe(self.predicate)


# The comparison a predicate makes when its operands are swapped:
# ``0 < v`` is ``v > 0``.
_SWAPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==",
            "!=": "!="}


def suggest_comparison(predicate: object) -> Optional[tuple[str, float]]:
    """``(op, value)`` when ``predicate`` is ``lambda v: v <op> value``.

    Read from the bytecode, so ``lambda v: v < 0`` suggests ``'<'`` and
    ``lambda v: 30 > v`` suggests ``'<'`` too; the number may be a
    constant, a global or a variable the lambda closes over. Anything else (two
    comparisons, arithmetic, a call) gets no suggestion: a wrong one
    would be worse than none.
    """
    code = getattr(predicate, "__code__", None)
    if code is None or code.co_argcount != 1:
        return None
    argument = code.co_varnames[0]
    cells = getattr(predicate, "__closure__", None) or ()
    free = dict(zip(code.co_freevars, (c.cell_contents for c in cells)))
    names: dict[str, Any] = getattr(predicate, "__globals__", {})
    operands: list[tuple[str, Any]] = []
    op: Optional[str] = None
    for instruction in dis.get_instructions(code):
        name = instruction.opname
        if name in ("RESUME", "NOP", "CACHE", "COPY_FREE_VARS"):
            continue
        if op is None and name == "LOAD_FAST" \
                and instruction.argval == argument:
            operands.append(("arg", None))
        elif op is None and name == "LOAD_CONST":
            operands.append(("value", instruction.argval))
        elif op is None and name == "LOAD_DEREF" \
                and instruction.argval in free:
            operands.append(("value", free[instruction.argval]))
        elif op is None and name == "LOAD_GLOBAL" \
                and instruction.argval in names:
            operands.append(("value", names[instruction.argval]))
        elif op is None and name == "COMPARE_OP" and len(operands) == 2:
            op = str(instruction.argval).removeprefix("bool(")
            op = op.removesuffix(")")
        elif op is not None and name == "RETURN_VALUE":
            break
        else:
            return None
    if op not in _SWAPPED or len(operands) != 2:
        return None
    (first, a), (second, b) = operands
    if first == "arg" and second == "value":
        value, chosen = b, op
    elif first == "value" and second == "arg":
        value, chosen = a, _SWAPPED[op]
    else:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        return None
    return chosen, value


# ------------------------------------------------------------ expr helper

def with_expr(when: Mapping[str, Any]) -> Callable[[F], F]:
    """Attach an ``expr`` predicate to a hand-written condition.

    ::

        @with_expr({"all": [{"min_bars": 1},
                            {"cmp": ">", "a": "close",
                             "b": {"col": "close", "lag": 1}}]})
        def _close_up(frame, idx):
            return idx >= 1 and frame["close"][idx] > frame["close"][idx - 1]

    The function is still what runs in Python; the exporter writes
    ``{"type": "expr", "when": ...}``. Keeping the two in agreement is the
    author's job (test/python checks the stand-in's on real bars).
    """
    if not isinstance(when, Mapping):
        raise TypeError("with_expr takes the predicate, a dict such as "
                        "{'cmp': '>', 'a': 'close', 'b': 0}")

    def attach(fn: F) -> F:
        meta = {"type": "expr", "when": when}
        try:
            setattr(fn, "__condition_meta__", meta)
        except (AttributeError, TypeError):
            return Condition(fn, meta)  # type: ignore[return-value]
        return fn

    return attach
