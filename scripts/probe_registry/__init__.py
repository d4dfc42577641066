"""Serializable strategy registries for probe (standard library only).

- ``serializable``: the ``serializable`` decorator for condition
  factories (design document section 11, approach B; import it from
  ``probe_registry.serializable``) and ``with_expr`` for hand-written
  conditions;
- ``conditions``: the 29 reference factories, decorated;
- ``strategy.StrategyDef``: a strategy definition;
- ``export``: the registry as strategies.json (scripts/export_registry.py).
"""

from .serializable import (
    Comparison,
    Condition,
    NotSerializable,
    compare,
    to_json,
    with_expr,
)
from .strategy import FIELDS, StrategyDef

__all__ = [
    "FIELDS",
    "Comparison",
    "Condition",
    "NotSerializable",
    "StrategyDef",
    "compare",
    "to_json",
    "with_expr",
]
