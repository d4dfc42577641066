"""A Python strategy registry as strategies.json.

``export_registry(strategies)`` turns strategy definitions (StrategyDef-like
objects or dicts with the fields of docs/registry.md) into the JSON records
of strategies.json, sorted by id, fields in its order; ``render`` writes
them as the file's text. Every problem is collected first, so one run
lists them all (a hand-written condition without JSON, a missing field,
a duplicate id), each naming the strategy, side and position.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any, Optional

from .serializable import Json, NotSerializable, to_json
from .strategy import FIELDS

__all__ = [
    "SIDES",
    "ExportError",
    "field_value",
    "export_registry",
    "find_strategies",
    "load_module",
    "render",
]

SIDES: tuple[str, ...] = ("entry_long", "entry_short", "exit_long",
                          "exit_short")
MULTIPLIERS: tuple[str, ...] = ("atr_stop_mult", "atr_target_mult",
                                "trailing_atr_mult")
TEXT_FIELDS: tuple[str, ...] = ("name", "display_name", "philosophy",
                                "category", "direction")
# Where a registry module keeps its strategies, in the order looked for.
REGISTRY_NAMES: tuple[str, ...] = ("get_all_strategies", "ALL_STRATEGIES",
                                   "STRATEGIES", "strategies", "REGISTRY")


class ExportError(Exception):
    """The registry cannot be exported; ``problems`` lists why.

    ``records`` holds what could be exported, each condition without a
    JSON form replaced by ``PLACEHOLDER`` (so positions stay those of the
    Python lists): the compiler still checks the rest, and one run lists
    every problem.
    """

    def __init__(self, problems: Sequence[str],
                 records: Sequence[dict[str, Json]] = ()) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)
        self.records = list(records)


# Stands in for a condition that has no JSON form, in the records an
# ExportError carries: an expr the compiler accepts and finds nothing in.
PLACEHOLDER: dict[str, Json] = {"type": "expr", "when": {"min_bars": 0}}


# ------------------------------------------------------------------ loading

def load_module(spec: str, paths: Sequence[str] = ()) -> ModuleType:
    """Import a module by dotted name or by the path of its .py file.

    The directories in ``paths`` and the current directory come first on
    ``sys.path`` (a file's own directory too), so the module's imports
    resolve as they do where it lives.
    """
    for path in [*paths, os.getcwd()][::-1]:
        if path not in sys.path:
            sys.path.insert(0, os.path.abspath(path))
    if spec.endswith(".py") or os.sep in spec or "/" in spec:
        file = os.path.abspath(spec)
        if not os.path.isfile(file):
            raise ExportError([f"--module {spec}: no such file"])
        directory = os.path.dirname(file)
        if directory not in sys.path:
            sys.path.insert(0, directory)
        name = os.path.splitext(os.path.basename(file))[0]
        loader_spec = importlib.util.spec_from_file_location(name, file)
        if loader_spec is None or loader_spec.loader is None:
            raise ExportError([f"--module {spec}: cannot load this file"])
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[name] = module
        loader_spec.loader.exec_module(module)
        return module
    return importlib.import_module(spec)


def find_strategies(module: ModuleType,
                    attr: Optional[str] = None) -> list[Any]:
    """The module's strategy list: ``attr``, else the first of
    get_all_strategies(), ALL_STRATEGIES, STRATEGIES, strategies, REGISTRY
    it has (a callable is called without arguments)."""
    names = (attr,) if attr else REGISTRY_NAMES
    for name in names:
        if not hasattr(module, name):
            continue
        found = getattr(module, name)
        if callable(found):
            found = found()
        if isinstance(found, Mapping):
            found = list(found.values())
        if not isinstance(found, Iterable) or isinstance(found, (str, bytes)):
            raise ExportError([f"{module.__name__}.{name} is not a list of "
                               f"strategies but {type(found).__name__}"])
        return list(found)
    raise ExportError([
        f"{module.__name__} has no {' / '.join(names)}: name the list "
        "with --attr"
    ])


# --------------------------------------------------------------- exporting

def field_value(strategy: Any, name: str) -> Any:
    """A strategy's field, whether it is a dict or a StrategyDef-like
    object."""
    if isinstance(strategy, Mapping):
        return strategy[name]
    return getattr(strategy, name)


def _has(strategy: Any, name: str) -> bool:
    if isinstance(strategy, Mapping):
        return name in strategy
    return hasattr(strategy, name)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (_is_int(value) or isinstance(value, float)) \
        and math.isfinite(float(value))  # type: ignore[arg-type]


def _label(strategy: Any, position: int) -> str:
    sid = field_value(strategy, "id") if _has(strategy, "id") else None
    name = field_value(strategy, "name") if _has(strategy, "name") else None
    if _is_int(sid):
        return f"strategy {sid} {name!r}" if isinstance(name, str) \
            else f"strategy {sid}"
    return f"strategy #{position + 1} of the list"


def _strings(value: Any) -> bool:
    return isinstance(value, (list, tuple)) \
        and all(isinstance(v, str) for v in value)


def export_strategy(strategy: Any, position: int,
                    problems: list[str]) -> dict[str, Json]:
    """One strategy's record; problems are appended, not raised."""
    label = _label(strategy, position)
    missing = [f for f in FIELDS if not _has(strategy, f)]
    if missing:
        problems.append(f"{label}: missing field(s) {', '.join(missing)}")
        return {}
    record: dict[str, Json] = {}

    def bad(field: str, expected: str) -> None:
        problems.append(f"{label}: {field} must be {expected}, got "
                        f"{field_value(strategy, field)!r}")

    for name in FIELDS:
        value = field_value(strategy, name)
        if name in ("id", "version"):
            if not _is_int(value) or value < 1:
                bad(name, "a positive integer")
            record[name] = value
        elif name in TEXT_FIELDS:
            if not isinstance(value, str) or value == "":
                bad(name, "a non-empty string")
            record[name] = value
        elif name in ("tags", "required_indicators"):
            if not _strings(value):
                bad(name, "a list of strings")
                value = []
            record[name] = list(value)
        elif name in SIDES:
            record[name] = _export_side(value, label, name, problems)
        elif name in MULTIPLIERS:
            if value is not None and not _is_number(value):
                bad(name, "a number or None")
            record[name] = float(value) if _is_number(value) else None
        elif name == "time_stop_bars":
            if value is not None and (not _is_int(value) or value < 1):
                bad(name, "a positive integer or None")
            record[name] = value
        elif name == "details":
            record[name] = _export_details(value, label, problems)
    return record


def _export_side(conditions: Any, label: str, side: str,
                 problems: list[str]) -> list[Json]:
    if not isinstance(conditions, (list, tuple)):
        problems.append(f"{label} {side}: expected a list of conditions, "
                        f"got {type(conditions).__name__}")
        return []
    out: list[Json] = []
    for k, condition in enumerate(conditions):
        try:
            out.append(to_json(condition))
        except NotSerializable as error:
            for where in error.inside(f"{side}[{k}]").each():
                problems.append(f"{label} {where.path}: {where.reason}")
            out.append(dict(PLACEHOLDER))
    return out


def _export_details(details: Any, label: str,
                    problems: list[str]) -> Json:
    if not isinstance(details, Mapping):
        problems.append(f"{label}: details must be a dict, got "
                        f"{type(details).__name__}")
        return {}
    try:
        text = json.dumps(details, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        problems.append(f"{label}: details is not JSON: {error}")
        return {}
    parsed: Json = json.loads(text)
    return parsed


def export_registry(strategies: Iterable[Any]) -> list[dict[str, Json]]:
    """The strategies.json records, sorted by id; ExportError lists every
    problem found."""
    problems: list[str] = []
    records: list[dict[str, Json]] = []
    for position, strategy in enumerate(strategies):
        record = export_strategy(strategy, position, problems)
        if record:
            records.append(record)
    for key, other in (("id", "name"), ("name", "id")):
        seen: dict[object, Json] = {}
        for record in records:
            value = record.get(key)
            if not isinstance(value, (int, str)):
                continue
            if value in seen:
                problems.append(f"duplicate {key} {value!r} (the strategies "
                                f"with {other} {seen[value]!r} and "
                                f"{record.get(other)!r})")
            else:
                seen[value] = record.get(other)
    if not records and not problems:
        problems.append("the registry holds no strategies")
    records = sorted(records, key=_record_id)
    if problems:
        raise ExportError(problems, records)
    return records


def _record_id(record: Mapping[str, Json]) -> int:
    value = record.get("id")
    return value if isinstance(value, int) else 0


def render(records: Sequence[Mapping[str, Json]]) -> str:
    """strategies.json's text: 2-space indentation, trailing newline."""
    return json.dumps(list(records), indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"
