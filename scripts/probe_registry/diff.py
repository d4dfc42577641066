"""What exactly differs between the committed strategies.json and an export.

``export_registry.py --check`` used to say only "strategies.json differs".
A team that exports its Python registry to probe's committed file needs to
know which strategy and field changed, and whether the change matters:
``diff_registries`` compares the records by id and reports

- strategies only on one side, and renamed ones (same id, other name);
- every differing field by name, ``old -> new`` for values (``details``
  key by key);
- for each of the four condition sides, a line diff of the conditions in a
  readable notation (notation.py), marked **real** or **form only**: form
  only when the two sides normalise equal (normalize.py), which happens
  only if they hold on exactly the same bars for every possible data.

A field written differently with the same value (``2`` vs ``2.0``, object
keys in another order) is a form-only difference too. A strategy with any
real difference counts as real.

``philosophy`` belongs to probe: probe's strategies.json carries a text
rewritten for quants, which probe's API and reports show, so an export
keeps the committed text of every strategy that already exists there and
takes the Python registry's text only for a new strategy (a new id). That
is ``apply_probe_owned``, which the exporter applies before writing
(--out) and before comparing (--check); ``diff_registries`` never reports
a probe-owned field as a difference, it only notes where the export's
text is being ignored. A strategy keeps its committed text across a
rename (same id), which the report shows as a name change.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .normalize import canonical_value, normalize_side
from .notation import side_lines
from .strategy import FIELDS

__all__ = ["PROBE_OWNED", "Change", "RegistryDiff", "StrategyDiff",
           "apply_probe_owned", "diff_registries"]

PROBE_OWNED: tuple[str, ...] = ("philosophy",)
SIDES: tuple[str, ...] = ("entry_long", "entry_short", "exit_long",
                          "exit_short")
# A value whose JSON is longer than this is shown on - / + lines of its own.
INLINE = 60
# Lines of unchanged conditions shown around a change.
CONTEXT = 2

Record = Mapping[str, Any]


# ------------------------------------------------------------------ result

@dataclass(frozen=True)
class Change:
    """One difference in a strategy: ``field`` (empty for the record as a
    whole), whether it is ``real``, a one-line ``summary`` and indented
    ``detail`` lines (a diff)."""

    field: str
    real: bool
    summary: str
    detail: tuple[str, ...] = ()


@dataclass(frozen=True)
class StrategyDiff:
    """Every difference of one strategy; ``status`` is ``changed``,
    ``added`` (only in the export) or ``removed`` (only committed)."""

    id: Any
    name: str
    status: str
    changes: tuple[Change, ...] = ()

    @property
    def real(self) -> bool:
        """A new or removed strategy, or one with a real change."""
        return self.status != "changed" or any(c.real for c in self.changes)

    @property
    def label(self) -> str:
        return f"strategy {self.id} {self.name!r}"

    def lines(self) -> list[str]:
        if self.status == "added":
            return [f"{self.label}: new, only in the export"]
        if self.status == "removed":
            return [f"{self.label}: only in strategies.json, not in the "
                    "export"]
        out: list[str] = []
        for change in self.changes:
            where = f" {change.field}" if change.field else ""
            out.append(f"{self.label}{where}: {change.summary}")
            out.extend(change.detail)
        return out


@dataclass(frozen=True)
class RegistryDiff:
    """The differences between committed and exported records, by id.

    ``real``: the strategies with a real difference (new and removed ones
    included), truthy when the committed file is stale; ``form_only``:
    those that differ in form only; ``ignored``: for each probe-owned
    field, the ids whose exported text differs and is not used.
    """

    strategies: tuple[StrategyDiff, ...]
    ignored: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)

    @property
    def real(self) -> list[StrategyDiff]:
        return [s for s in self.strategies if s.real]

    @property
    def form_only(self) -> list[StrategyDiff]:
        return [s for s in self.strategies if not s.real]

    @property
    def added(self) -> list[StrategyDiff]:
        return [s for s in self.strategies if s.status == "added"]

    @property
    def removed(self) -> list[StrategyDiff]:
        return [s for s in self.strategies if s.status == "removed"]

    def __bool__(self) -> bool:
        return bool(self.strategies)

    def summary(self) -> str:
        count = len(self.strategies)
        if count == 0:
            return ("no strategy differs: the records are equal (the "
                    "files can differ only in layout)")
        verb = "differs" if count == 1 else "differ"
        noun = "strategy" if count == 1 else "strategies"
        text = (f"{count} {noun} {verb} ({len(self.real)} real, "
                f"{len(self.form_only)} form-only)")
        extra = [f"{len(group)} {word}" for group, word in
                 ((self.added, "new"), (self.removed, "removed")) if group]
        return text + (": " + ", ".join(extra) if extra else "")

    def lines(self) -> list[str]:
        """The report: each strategy's differences (by id), a summary,
        and a note on probe-owned text left as committed."""
        out = [line for s in self.strategies for line in s.lines()]
        out.append(self.summary())
        for name, ids in self.ignored.items():
            if ids:
                out.append(
                    f"{name}: probe's text kept for {len(ids)} "
                    f"strateg{'y' if len(ids) == 1 else 'ies'} whose "
                    f"exported text differs ({_ids(ids)}); probe "
                    f"owns {name}")
        return out


def _ids(ids: Sequence[Any]) -> str:
    noun = "id" if len(ids) == 1 else "ids"
    return f"{noun} " + ", ".join(str(i) for i in ids)


# ------------------------------------------------------------ the records

def _sort_key(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) else (1, repr(value))


def _by_id(records: Iterable[Record]) -> tuple[dict[Any, Record],
                                               dict[Any, int]]:
    """Records by id (the first of each id) and how many share an id."""
    found: dict[Any, Record] = {}
    counts: dict[Any, int] = {}
    for record in records:
        key = record.get("id")
        counts[key] = counts.get(key, 0) + 1
        found.setdefault(key, record)
    return found, {k: n for k, n in counts.items() if n > 1}


def apply_probe_owned(committed: Iterable[Record],
                      exported: Iterable[Record],
                      probe_owned: Sequence[str] = PROBE_OWNED
                      ) -> list[dict[str, Any]]:
    """The exported records with each probe-owned field taken from the
    committed record of the same id, when there is one (key order kept);
    a new strategy keeps the exported text."""
    previous, _ = _by_id(committed)
    out: list[dict[str, Any]] = []
    for record in exported:
        copy = dict(record)
        old = previous.get(record.get("id"))
        for name in probe_owned:
            if old is not None and name in old:
                copy[name] = old[name]
        out.append(copy)
    return out


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def diff_registries(committed: Sequence[Record], exported: Sequence[Record],
                    probe_owned: Sequence[str] = PROBE_OWNED
                    ) -> RegistryDiff:
    """Every difference between the committed and the exported records,
    strategy by strategy in id order; probe-owned fields never count."""
    old, old_repeats = _by_id(committed)
    new, new_repeats = _by_id(exported)
    ignored: dict[str, list[Any]] = {name: [] for name in probe_owned}
    strategies: list[StrategyDiff] = []
    for key in sorted(set(old) | set(new), key=_sort_key):
        if key not in new:
            strategies.append(StrategyDiff(key, _name(old[key]), "removed"))
            continue
        if key not in old:
            strategies.append(StrategyDiff(key, _name(new[key]), "added"))
            continue
        changes = _record_changes(old[key], new[key], probe_owned)
        for source, repeats in (("strategies.json", old_repeats),
                                ("the export", new_repeats)):
            if key in repeats:
                changes.insert(0, Change("", True, (
                    f"{source} holds {repeats[key]} records with this id; "
                    "the first is compared")))
        for name in probe_owned:
            if _text(old[key].get(name)) != _text(new[key].get(name)):
                ignored[name].append(key)
        if changes:
            strategies.append(StrategyDiff(key, _name(new[key]), "changed",
                                           tuple(changes)))
    return RegistryDiff(tuple(strategies),
                        {k: tuple(v) for k, v in ignored.items()})


def _name(record: Record) -> str:
    name = record.get("name")
    return name if isinstance(name, str) else repr(name)


def _record_changes(old: Record, new: Record,
                    probe_owned: Sequence[str]) -> list[Change]:
    known = [f for f in FIELDS if f in old or f in new]
    extra = [f for f in [*old, *new] if f not in FIELDS]
    changes: list[Change] = []
    for name in dict.fromkeys([*known, *extra]):
        if name in probe_owned or name == "id":
            continue
        if name not in new or name not in old:
            where = "strategies.json" if name in old else "the export"
            changes.append(Change(name, True, f"only in {where}"))
        elif name in SIDES:
            changes.extend(_side_change(name, old[name], new[name]))
        else:
            changes.extend(_value_changes(name, old[name], new[name]))
    if not changes and list(old) != list(new) and set(old) == set(new):
        changes.append(Change("", False, "the same fields in another "
                                         "order (form only)"))
    return changes


# ------------------------------------------------------------------ values

def _value_changes(name: str, old: Any, new: Any) -> list[Change]:
    if _text(old) == _text(new):
        return []
    if canonical_value(old) == canonical_value(new):
        how = "keys in another order" if isinstance(old, Mapping) \
            else f"{_text(old)} vs {_text(new)}"
        return [Change(name, False, f"the same value written differently "
                                    f"(form only): {how}")]
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        changes: list[Change] = []
        for key in dict.fromkeys([*old, *new]):
            path = f"{name}.{key}"
            if key not in new or key not in old:
                where = "strategies.json" if key in old else "the export"
                value = old[key] if key in old else new[key]
                changes.append(Change(path, True, f"only in {where}: "
                                                  f"{_short(value)}"))
            else:
                changes.extend(_value_changes(path, old[key], new[key]))
        return changes or [Change(name, False, "keys in another order "
                                               "(form only)")]
    note = _list_note(old, new)
    before, after = _text(old), _text(new)
    if len(before) + len(after) <= 2 * INLINE:
        return [Change(name, True, f"{before} -> {after}{note}")]
    return [Change(name, True, f"changed{note}",
                   (f"  - {before}", f"  + {after}"))]


def _short(value: Any) -> str:
    text = _text(value)
    return text if len(text) <= INLINE else text[:INLINE - 3] + "..."


def _list_note(old: Any, new: Any) -> str:
    """For two lists of strings: what was added and removed."""
    if not (isinstance(old, list) and isinstance(new, list)
            and all(isinstance(v, str) for v in [*old, *new])):
        return ""
    added = [v for v in new if v not in old]
    removed = [v for v in old if v not in new]
    if not added and not removed:
        return " (the same items, another order)"
    parts = ([f"added {', '.join(added)}"] if added else []) \
        + ([f"removed {', '.join(removed)}"] if removed else [])
    return f" ({'; '.join(parts)})"


# ------------------------------------------------------------------- sides

def _side_change(side: str, old: Any, new: Any) -> list[Change]:
    if _text(old) == _text(new):
        return []
    conjunction = side.startswith("entry")
    same = normalize_side(old, conjunction) == normalize_side(new,
                                                              conjunction)
    before, after = _rendered(old), _rendered(new)
    detail = tuple(_unified(before, after))
    if not same:
        if not detail:  # two spellings the notation does not tell apart
            detail = (f"  - {_text(old)}", f"  + {_text(new)}")
        return [Change(side, True, "conditions differ", detail)]
    removed = [line for line in detail if line.startswith("  - ")]
    added = [line for line in detail if line.startswith("  + ")]
    summary = "same after normalisation (form only)"
    if before == after:
        return [Change(side, False, f"{summary}: only the JSON spelling "
                                    "differs (key order)")]
    if len(removed) == 1 and len(added) == 1:
        return [Change(side, False, f"{summary}: {removed[0][4:].strip()} "
                                    f"vs {added[0][4:].strip()}")]
    return [Change(side, False, summary, detail)]


def _rendered(conditions: Any) -> list[str]:
    lines = side_lines(conditions)
    return lines if lines else ["(no conditions)"]


def _unified(before: list[str], after: list[str]) -> list[str]:
    """A unified diff of two renderings, committed (-) to exported (+),
    without file headers; hunks after the first are set apart by ``...``."""
    out: list[str] = []
    hunks = 0
    lines = difflib.unified_diff(before, after, lineterm="", n=CONTEXT)
    for line in list(lines)[2:]:  # past the ---/+++ file headers
        if line.startswith("@@"):
            hunks += 1
            if hunks > 1:
                out.append("    ...")
            continue
        out.append(f"  {line[0]} {line[1:]}" if line[0] in "+-"
                   else f"    {line[1:]}")
    return out
