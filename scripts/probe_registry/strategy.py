"""A strategy definition with the fields of docs/registry.md.

Standard library only; the same fields and defaults as the reference's
``StrategyDef`` (so an exporter sees no difference), in the order of
``strategies.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .serializable import ConditionFn

__all__ = ["FIELDS", "StrategyDef"]

# The fields of a strategy in strategies.json, in its order.
FIELDS: tuple[str, ...] = (
    "id", "name", "display_name", "philosophy", "category", "direction",
    "tags", "version", "entry_long", "entry_short", "exit_long",
    "exit_short", "atr_stop_mult", "atr_target_mult", "trailing_atr_mult",
    "time_stop_bars", "required_indicators", "details",
)


@dataclass
class StrategyDef:
    """One strategy: metadata, four condition lists, exit parameters."""

    id: int
    name: str
    display_name: str
    philosophy: str
    category: str
    direction: str
    tags: list[str] = field(default_factory=list)
    version: int = 1
    entry_long: list[ConditionFn] = field(default_factory=list)
    entry_short: list[ConditionFn] = field(default_factory=list)
    exit_long: list[ConditionFn] = field(default_factory=list)
    exit_short: list[ConditionFn] = field(default_factory=list)
    atr_stop_mult: Optional[float] = 2.0
    atr_target_mult: Optional[float] = None
    trailing_atr_mult: Optional[float] = None
    time_stop_bars: Optional[int] = None
    required_indicators: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
