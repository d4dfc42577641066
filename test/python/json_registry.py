"""A Python registry rebuilt from a strategies.json, for the exporter's tests.

Every condition is a closure evaluated by ``probe_registry.expr`` that
carries its JSON, so exporting this module must give the file back byte
for byte (``make check-registry PY_REGISTRY=test/python/json_registry.py``
on probe's own strategies.json). ``PROBE_TEST_REGISTRY`` names another
file.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))

from probe_registry import Condition  # noqa: E402
from probe_registry.expr import evaluator  # noqa: E402

SIDES = ("entry_long", "entry_short", "exit_long", "exit_short")
SOURCE = os.environ.get("PROBE_TEST_REGISTRY",
                        os.path.join(HERE, "..", "..", "strategies.json"))


def _strategy(record: dict[str, Any]) -> dict[str, Any]:
    strategy = dict(record)
    for side in SIDES:
        strategy[side] = [Condition(evaluator(c), c) for c in record[side]]
    return strategy


with open(SOURCE, encoding="utf-8") as file:
    STRATEGIES = [_strategy(r) for r in json.load(file)]
