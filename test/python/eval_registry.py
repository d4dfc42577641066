"""Evaluate every condition of a registry with probe_registry.expr.

    python3 test/python/eval_registry.py REGISTRY.json columns COLUMNS.json
    python3 test/python/eval_registry.py REGISTRY.json csv FILE.csv ...
    python3 test/python/eval_registry.py REGISTRY.json generate SEED OUT.json

The data: COLUMNS.json as test/python/evaluate_conditions.py reads it
(``{"length": n, "columns": {name: [value, ...]}}``, NaN and infinities
as the strings "NaN", "Infinity", "-Infinity"); CSV files read with
``frames.load_csv``; or bars generated for the registry's conditions with
``frames.generate`` (written to OUT.json in the COLUMNS.json form, so the
TypeScript side evaluates the same numbers).

Prints ``{"length": n, "bars": {"<id>/<side>/<k>": [i, ...]}}``: the bars
where condition ``k`` of that side holds by the Python evaluator.
test/python/verify.test.ts compiles the same JSON and checks the compiled
code holds on exactly these bars.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))

from probe_registry.expr import evaluator  # noqa: E402
from probe_registry.frames import Frame, generate, load_csv  # noqa: E402
from probe_registry.table import as_table  # noqa: E402

SIDES = ("entry_long", "entry_short", "exit_long", "exit_short")


def conditions(registry: list[dict[str, Any]]) -> dict[str, Any]:
    """Every condition of every side, keyed "<id>/<side>/<k>"."""
    return {f"{s['id']}/{side}/{k}": c
            for s in registry for side in SIDES
            for k, c in enumerate(s[side])}


def encode(value: float) -> Any:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def main(argv: list[str]) -> int:
    registry_path, mode, *rest = argv
    with open(registry_path, encoding="utf-8") as handle:
        registry = json.load(handle)
    wanted = conditions(registry)
    frame: Any
    if mode == "columns":
        with open(rest[0], encoding="utf-8") as handle:
            data = json.load(handle)
        frame = Frame({k: [float(v) for v in vs]
                       for k, vs in data["columns"].items()})
    elif mode == "csv":
        frame = load_csv(rest, use_pandas=False)
    elif mode == "generate":
        seed, out = int(rest[0]), rest[1]
        required = [c for s in registry for c in s["required_indicators"]]
        frame = generate(wanted.values(), required, seed=seed,
                         use_pandas=False)
        table = as_table(frame)
        with open(out, "w", encoding="utf-8") as handle:
            json.dump({"length": table.length,
                       "columns": {k: [encode(v) for v in vs]
                                   for k, vs in table.items()}}, handle)
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    bars = {key: [i for i, v in enumerate(evaluator(c).mask(frame)) if v]
            for key, c in wanted.items()}
    json.dump({"length": len(frame), "bars": bars}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
