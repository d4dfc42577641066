"""Do the Python closures mean what their registry JSON says?

A condition runs in Python as a closure and in probe as its JSON
(``__condition_meta__``). For a factory-built condition the two come from
the same call; for a hand-written closure with ``@with_expr`` nothing ties
them, and an edit to the closure alone (``close > ema + atr`` becoming
``close > ema + 1.5*atr``) silently changes what the Python backtest does
but not what probe runs. ``verify_strategies`` evaluates every condition
both ways on every bar and reports where they differ.

Each closure is called as ``condition(frame, idx)`` with the whole frame
for every bar ``idx`` in ``0..n-1``, as a backtest loop calls it: no
slicing of the frame per bar (that would cost O(n) per call), so a
closure peeking at later bars is not caught here. The JSON side reads the
frame's columns once (table.py) and evaluates each distinct JSON once for
all bars (expr.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

from .export import SIDES, field_value
from .expr import ExprError, evaluator
from .serializable import NotSerializable, condition_meta, to_json
from .table import Table, as_table

__all__ = [
    "Disagreement",
    "VerifyResult",
    "format_disagreement",
    "format_result",
    "summary_line",
    "verify_strategies",
]


@dataclass(frozen=True)
class Disagreement:
    """One bar where a closure and its JSON differ, or a condition whose
    JSON cannot be evaluated (``problem``; no bar then).

    ``closure`` is None when the closure raised (``error`` says what);
    ``differing`` counts the bars where the values differ and ``raised``
    those where the closure raised, out of ``bars``.
    """

    strategy_id: Any
    strategy_name: Optional[str]
    side: str
    path: str
    kind: str
    bar: Optional[int]
    timestamp: Optional[str]
    closure: Optional[bool]
    expected: Optional[bool]
    error: Optional[str] = None
    problem: Optional[str] = None
    differing: int = 0
    raised: int = 0
    bars: int = 0


@dataclass
class VerifyResult:
    """What ``verify_strategies`` found and how much it checked.

    ``failing`` counts the conditions with a disagreement; ``idle`` names
    the checked conditions whose JSON has the same value on every bar, so
    the data never tested the other value (a closure drifting there would
    go unseen); ``skipped`` counts conditions without JSON.
    """

    disagreements: list[Disagreement] = field(default_factory=list)
    conditions: int = 0
    expr_conditions: int = 0
    bars: int = 0
    skipped: int = 0
    failing: int = 0
    idle: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every checked condition agrees with its JSON on every bar."""
        return self.failing == 0

    @property
    def count(self) -> int:
        """How many conditions disagree with their JSON."""
        return self.failing

    def summary(self) -> str:
        """What was checked, e.g. ``412 conditions (49 expr)``."""
        return (f"{_count(self.conditions, 'condition')} "
                f"({self.expr_conditions} expr)")

    def lines(self) -> list[str]:
        """One line per disagreement (format_disagreement)."""
        return [format_disagreement(d) for d in self.disagreements]


@dataclass(frozen=True)
class _Site:
    strategy_id: Any
    strategy_name: Optional[str]
    side: str
    path: str


def _sites(strategies: Iterable[Any]) -> Iterator[tuple[_Site, Any]]:
    """Every condition with its place: each side's conditions and, inside
    all_of/any_of, each sub-condition that carries its own meta."""
    for strategy in strategies:
        sid = _field(strategy, "id")
        name = _field(strategy, "name")
        for side in SIDES:
            conditions = _field(strategy, side) or []
            for k, condition in enumerate(conditions):
                yield from _nested(condition, _Site(
                    sid, name if isinstance(name, str) else None, side,
                    f"{side}[{k}]"))


def _nested(condition: Any, site: _Site) -> Iterator[tuple[_Site, Any]]:
    yield site, condition
    meta = condition_meta(condition)
    if meta is None or meta.get("type") not in ("all_of", "any_of"):
        return
    for k, sub in enumerate(meta.get("conditions") or []):
        if condition_meta(sub) is not None:
            yield from _nested(sub, _Site(
                site.strategy_id, site.strategy_name, site.side,
                f"{site.path}.conditions[{k}]"))


def _field(strategy: Any, name: str) -> Any:
    try:
        return field_value(strategy, name)
    except (KeyError, AttributeError):
        return None


class _Expected:
    """The JSON side: each distinct JSON evaluated once over the table."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.masks: dict[str, Sequence[bool] | str] = {}

    def mask(self, condition: Mapping[str, Any]) -> Sequence[bool] | str:
        """Every bar's value, or why the JSON cannot be evaluated."""
        key = json.dumps(condition, sort_keys=True)
        found = self.masks.get(key)
        if found is None:
            try:
                found = evaluator(condition).mask(self.table)
            except ExprError as error:
                found = f"the JSON is not a condition probe compiles: {error}"
            except KeyError as error:
                found = ("the JSON cannot be evaluated on this data: "
                         f"{error.args[0]}")
            self.masks[key] = found
        return found


def verify_strategies(strategies: Iterable[Any], frame: Any, *,
                      max_reports_per_condition: int = 3) -> VerifyResult:
    """Evaluate every condition of every strategy (StrategyDef-like objects
    or dicts) both as its closure and as its registry JSON on every bar of
    ``frame`` (a ``frames.Frame``, a pandas DataFrame or a mapping of
    column lists), and collect where they disagree: at most
    ``max_reports_per_condition`` bars per condition, each with the
    condition's counts. A closure that raises is reported, not fatal.
    Conditions without JSON (``__condition_meta__``) are skipped: the
    exporter reports those."""
    table = as_table(frame)
    n = table.length
    expected = _Expected(table)
    result = VerifyResult(bars=n)
    for site, condition in _sites(strategies):
        try:
            condition_json = to_json(condition)
        except NotSerializable:
            result.skipped += 1
            continue
        kind = str(condition_json.get("type"))
        result.conditions += 1
        result.expr_conditions += kind == "expr"
        mask = expected.mask(condition_json)
        if isinstance(mask, str):
            result.failing += 1
            result.disagreements.append(Disagreement(
                site.strategy_id, site.strategy_name, site.side, site.path,
                kind, None, None, None, None, problem=mask, bars=n))
            continue
        if n > 0 and (all(mask) or not any(mask)):
            result.idle.append(f"{_where(site)} {kind} "
                               f"({'always' if mask[0] else 'never'} holds)")
        found = _compare(condition, frame, mask, n)
        if found:
            result.failing += 1
            differing = sum(1 for _, got, _ in found if got is not None)
            raised = len(found) - differing
            for bar, got, error in found[:max_reports_per_condition]:
                result.disagreements.append(Disagreement(
                    site.strategy_id, site.strategy_name, site.side,
                    site.path, kind, bar, table.timestamp(bar), got,
                    bool(mask[bar]), error=error, differing=differing,
                    raised=raised, bars=n))
    return result


def _compare(condition: Any, frame: Any, mask: Sequence[bool],
             n: int) -> list[tuple[int, Optional[bool], Optional[str]]]:
    """The bars where the closure differs from ``mask``: (bar, its value
    or None, the exception it raised or None)."""
    found: list[tuple[int, Optional[bool], Optional[str]]] = []
    for idx in range(n):
        try:
            got = bool(condition(frame, idx))
        except Exception as error:  # noqa: BLE001 - reported per bar
            found.append((idx, None, f"{type(error).__name__}: {error}"))
            continue
        if got != mask[idx]:
            found.append((idx, got, None))
    return found


# ------------------------------------------------------------- reporting

def _where(site: _Site | Disagreement) -> str:
    who = f"strategy {site.strategy_id}"
    if site.strategy_name is not None:
        who += f" {site.strategy_name!r}"
    return f"{who} {site.path}"


def _label(d: Disagreement) -> str:
    return f"{_where(d)} {d.kind}"


def format_disagreement(d: Disagreement) -> str:
    """One readable line, e.g. ``strategy 69 'foo' exit_long[0] expr: bar
    412 (2024-03-01T00:00:00Z): the Python closure says True, the expr
    says False (17 of 1600 bars differ)``."""
    if d.problem is not None:
        return f"{_label(d)}: {d.problem}"
    when = f"bar {d.bar}" + (f" ({d.timestamp})" if d.timestamp else "")
    json_side = "the expr" if d.kind == "expr" else "its JSON"
    counts = []
    if d.differing:
        counts.append(f"{d.differing} of {d.bars} bars differ")
    if d.raised:
        counts.append(f"it raises on {d.raised} of {d.bars} bars")
    if d.closure is None:
        what = f"the Python closure raised {d.error}"
    else:
        what = (f"the Python closure says {d.closure}, {json_side} says "
                f"{d.expected}")
    return f"{_label(d)}: {when}: {what} ({'; '.join(counts)})"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def format_result(result: VerifyResult) -> str:
    """Every disagreement on its own line, then the summary line."""
    return "\n".join([*result.lines(), summary_line(result)])


def summary_line(result: VerifyResult) -> str:
    """What was checked and found, such as
    ``checked 412 conditions (49 expr) on 1600 bars: all agree``."""
    summary = (f"checked {result.summary()} on "
               f"{_count(result.bars, 'bar')}: ")
    summary += "all agree" if result.ok else \
        "1 condition disagrees with its JSON" if result.failing == 1 else \
        f"{result.failing} conditions disagree with their JSON"
    if result.skipped:
        summary += f" ({result.skipped} without JSON skipped)"
    if result.idle:
        summary += (f"; {len(result.idle)} hold on no bar or on every bar "
                    "of this data, so only one of their values was "
                    "compared")
    return summary
