"""A frame's numeric columns as plain lists of floats, read once.

Verification evaluates hundreds of conditions over the same bars. Reading
each value through a pandas Series (or any frame API) per bar and per
condition would dominate the run, so the JSON side reads every column
once into a ``Table``: a dict of ``list[float]`` keyed by column name,
which the factories of ``conditions.py`` index directly (``value_at``
falls back to ``column[idx]`` on a list). The design document's column
aliases (``sar`` for ``psar`` ...) resolve both ways, as the compiler
resolves them, and rolling series computed by one condition are cached
for the others (``cache``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional

__all__ = ["ALIASES", "TIMESTAMP_NAMES", "Table", "as_table", "canonical"]

# Design-document name -> reference name (runtime/indicators/catalog.ts
# COLUMN_ALIASES; keep the two in step).
ALIASES: Mapping[str, str] = {
    "sar": "psar",
    "apo_12_26": "apo",
    "max_high_10": "donchian_high_10",
    "max_high_20": "donchian_high_20",
    "min_low_10": "donchian_low_10",
    "min_low_20": "donchian_low_20",
    "cdl_3whitesoldiers": "cdl_3white_soldiers",
    "cdl_3blackcrows": "cdl_3black_crows",
}

# Text columns taken as the bars' times, in the order looked for.
TIMESTAMP_NAMES: tuple[str, ...] = ("timestamp", "time", "datetime", "date")


def canonical(name: str) -> str:
    """The reference name of a column (an alias resolved)."""
    return ALIASES.get(name, name)


class Table(dict[str, list[float]]):
    """Numeric columns of equal length, by name; aliases resolve.

    ``length`` is the number of bars, ``timestamps`` the bars' times as
    text when the frame has them, ``cache`` a place for series derived
    from the columns (keyed by their JSON), shared by every condition
    evaluated on this table.
    """

    def __init__(self, columns: Mapping[str, Sequence[float]], length: int,
                 timestamps: Optional[Sequence[str]] = None) -> None:
        super().__init__()
        for name, values in columns.items():
            if len(values) != length:
                raise ValueError(f"column {name!r} has {len(values)} values, "
                                 f"the frame {length} rows")
            self[name] = values if isinstance(values, list) \
                else list(values)
        self.length = length
        self.timestamps = list(timestamps) if timestamps is not None \
            else None
        self.cache: dict[str, list[float]] = {}

    def __missing__(self, name: str) -> list[float]:
        # an alias in the condition, the reference name in the frame, or
        # the other way round
        wanted = canonical(name)
        for candidate in (wanted, *[a for a, c in ALIASES.items()
                                    if c == wanted]):
            if candidate != name and dict.__contains__(self, candidate):
                return dict.__getitem__(self, candidate)
        raise KeyError(f"column {name!r} is not in the frame")

    def has(self, name: str) -> bool:
        """Whether the column (or an alias of it) is present."""
        try:
            self[name]
        except KeyError:
            return False
        return True

    def timestamp(self, bar: int) -> Optional[str]:
        """The bar's time as text, if the frame has times."""
        if self.timestamps is None or not 0 <= bar < len(self.timestamps):
            return None
        return self.timestamps[bar]


def _floats(values: Any) -> Optional[list[float]]:
    """A column's values as floats, or None if it is not numeric."""
    tolist = getattr(values, "tolist", None)
    items = tolist() if callable(tolist) else list(values)
    try:
        return [float(v) for v in items]
    except (TypeError, ValueError):
        return None


def _text(values: Any) -> list[str]:
    tolist = getattr(values, "tolist", None)
    items = tolist() if callable(tolist) else list(values)
    return [_stamp(v) for v in items]


def _stamp(value: Any) -> str:
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return str(isoformat())
    return str(value)


def as_table(frame: Any) -> Table:
    """The numeric columns of a frame, read once.

    ``frame`` is a ``Table``, a ``frames.Frame`` (which builds its own), a
    pandas DataFrame (columns converted with ``to_numpy(dtype=float)``;
    a non-numeric column is left out, and the ``timestamp`` column or a
    DatetimeIndex gives the times), or a mapping of column name to values.
    """
    if isinstance(frame, Table):
        return frame
    own = getattr(frame, "table", None)
    if callable(own):
        table = own()
        if isinstance(table, Table):
            return table
    names: Iterable[Any] = (frame.columns if hasattr(frame, "columns")
                            and not isinstance(frame, Mapping)
                            else list(frame.keys()))
    numeric: dict[str, list[float]] = {}
    text: dict[str, list[str]] = {}
    for name in names:
        column = frame[name]
        to_numpy = getattr(column, "to_numpy", None)
        values: Optional[list[float]] = None
        if callable(to_numpy):
            try:
                values = [float(v) for v in to_numpy(dtype=float).tolist()]
            except (TypeError, ValueError):
                values = None
        else:
            values = _floats(column)
        if values is None:
            text[str(name)] = _text(column)
        else:
            numeric[str(name)] = values
    length = len(frame) if not isinstance(frame, Mapping) else \
        max((len(v) for v in numeric.values()), default=0)
    stamps = next((text[n] for n in TIMESTAMP_NAMES if n in text), None)
    if stamps is None:
        index = getattr(frame, "index", None)
        if index is not None and hasattr(index, "to_pydatetime"):
            stamps = _text(index.to_pydatetime())
    return Table(numeric, length, stamps)

