"""Bars to verify conditions on: CSV files, generated data, a frame class.

The team's closures index a pandas DataFrame (``frame["close"][idx]``,
``.iloc``, ``.values``); pandas is not a dependency of this package, so
``Frame`` stands in for the part of its API closures use. When pandas is
importable the same data can become a real DataFrame instead
(``use_pandas``: None = whenever pandas imports, True = required,
False = never), for closures that call pandas-only methods.

- ``load_csv(paths)``: the team's data, CSV files joined column-wise.
- ``generate(conditions, required_columns)``: deterministic bars with
  every column the conditions read, when the team provides none (the
  heuristics are in synthetic.py).
"""

from __future__ import annotations

import csv
import gzip
import importlib
import io
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Optional, Union

from .synthetic import synthesize
from .table import ALIASES, TIMESTAMP_NAMES, Table, canonical

__all__ = [
    "Column",
    "DataError",
    "Frame",
    "generate",
    "generate_frame",
    "load_csv",
    "load_frame",
    "make_frame",
    "pandas_available",
]

PathLike = Union[str, "os.PathLike[str]"]
NAN_TOKENS = frozenset({"", "NaN", "nan"})


class DataError(ValueError):
    """The data cannot be read as bars (the message names file and line)."""


def _optional(name: str) -> Any:
    """An optional module (pandas, numpy), or None where it is missing."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def pandas_available() -> bool:
    """Whether pandas can be imported here."""
    return _optional("pandas") is not None


# ------------------------------------------------------------------ Frame

class Column(Sequence[Any]):
    """One column, indexed by position like a pandas Series with the
    default RangeIndex: ``col[idx]``, ``col.iloc[idx]``, slices, ``len``,
    ``.values`` (a numpy array when numpy imports, else the list).

    A negative position counts from the end, as ``.iloc`` and ``.values``
    do (plain ``series[-1]`` raises KeyError in pandas): a closure that
    reads before bar 0 without a guard then disagrees with its guarded
    ``expr`` at the first bars, where verification reports it.
    """

    __slots__ = ("name", "_values", "_array")

    def __init__(self, name: str, values: list[Any]) -> None:
        self.name = name
        self._values = values
        self._array: Any = None

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            return Column(self.name, self._values[key])
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    @property
    def iloc(self) -> Column:
        """Positional indexing (the column is its own indexer)."""
        return self

    @property
    def values(self) -> Any:
        """The values as a numpy array if numpy imports, else a list."""
        if self._array is None:
            numpy = _optional("numpy")
            self._array = numpy.asarray(self._values) if numpy is not None \
                else self._values
        return self._array

    def tolist(self) -> list[Any]:
        return list(self._values)

    def __repr__(self) -> str:
        return f"Column({self.name!r}, {len(self)} values)"


class Row(Mapping[str, Any]):
    """``frame.iloc[idx]``: one bar's values by column name."""

    __slots__ = ("_frame", "_idx")

    def __init__(self, frame: Frame, idx: int) -> None:
        self._frame = frame
        self._idx = idx

    def __getitem__(self, name: str) -> Any:
        return self._frame[name][self._idx]

    def __iter__(self) -> Iterator[str]:
        return iter(self._frame.columns)

    def __len__(self) -> int:
        return len(self._frame.columns)


class _Rows:
    __slots__ = ("_frame",)

    def __init__(self, frame: Frame) -> None:
        self._frame = frame

    def __getitem__(self, idx: int) -> Row:
        if not isinstance(idx, int):
            raise TypeError("Frame.iloc takes one bar position")
        length = len(self._frame)
        if not -length <= idx < length:
            raise IndexError(f"bar {idx} is outside 0..{length - 1}")
        return Row(self._frame, idx % length)


class Frame:
    """Numeric columns (lists of floats) and text columns (such as the
    timestamps) of equal length, indexed like a pandas DataFrame:
    ``frame[col]`` (a ``Column``; an alias of docs/registry.md resolves
    to the column it names), ``frame.iloc[idx][col]``, ``col in frame``,
    ``frame.columns``, ``len(frame)``."""

    def __init__(self, numeric: Mapping[str, Sequence[float]],
                 text: Optional[Mapping[str, Sequence[str]]] = None,
                 order: Optional[Sequence[str]] = None) -> None:
        self._numeric = {k: [float(v) for v in vs]
                         for k, vs in numeric.items()}
        self._text = {k: list(vs) for k, vs in (text or {}).items()}
        names = list(order) if order is not None \
            else [*self._text, *self._numeric]
        if sorted(names) != sorted([*self._numeric, *self._text]):
            raise ValueError("order must name every column once")
        self._order = names
        lengths = {len(v) for v in self._numeric.values()} \
            | {len(v) for v in self._text.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths {sorted(lengths)}")
        self._length = lengths.pop() if lengths else 0
        self._columns: dict[str, Column] = {}
        self._table: Optional[Table] = None

    def _resolve(self, name: str) -> str:
        if name in self._numeric or name in self._text:
            return name
        wanted = canonical(name)
        for candidate in (wanted, *[a for a, c in ALIASES.items()
                                    if c == wanted]):
            if candidate in self._numeric:
                return candidate
        raise KeyError(name)

    def __getitem__(self, name: str) -> Column:
        column = self._columns.get(name)
        if column is None:
            key = self._resolve(name)
            values = self._numeric.get(key)
            column = Column(key, values if values is not None
                            else self._text[key])
            self._columns[name] = column
        return column

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        try:
            self._resolve(name)
        except KeyError:
            return False
        return True

    def __len__(self) -> int:
        return self._length

    @property
    def columns(self) -> list[str]:
        return list(self._order)

    @property
    def iloc(self) -> _Rows:
        return _Rows(self)

    @property
    def timestamps(self) -> Optional[list[str]]:
        """The bars' times, when a text column holds them."""
        return next((self._text[n] for n in TIMESTAMP_NAMES
                     if n in self._text), None)

    def table(self) -> Table:
        """The numeric columns as a Table (shared, built once)."""
        if self._table is None:
            self._table = Table(self._numeric, self._length, self.timestamps)
        return self._table

    def __repr__(self) -> str:
        return f"Frame({self._length} bars x {len(self._order)} columns)"


def make_frame(numeric: Mapping[str, Sequence[float]],
               text: Optional[Mapping[str, Sequence[str]]] = None, *,
               order: Optional[Sequence[str]] = None,
               use_pandas: Optional[bool] = None) -> Any:
    """A pandas DataFrame (default RangeIndex, columns in ``order``) when
    ``use_pandas`` allows and pandas imports, else a ``Frame``."""
    pandas = _optional("pandas") if use_pandas is not False else None
    if pandas is None:
        if use_pandas:
            raise DataError("use_pandas=True but pandas is not installed")
        return Frame(numeric, text, order)
    text = text or {}
    names = list(order) if order is not None else [*text, *numeric]
    data = {n: (list(text[n]) if n in text else list(numeric[n]))
            for n in names}
    return pandas.DataFrame(data)


# -------------------------------------------------------------------- CSV

def _open(path: str) -> io.TextIOBase:
    if path.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig",
                                newline="")
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115


def _read(path: str) -> tuple[list[str], list[list[str]]]:
    try:
        with _open(path) as handle:
            rows = list(csv.reader(handle))
    except OSError as error:
        raise DataError(f"{path}: cannot read: {error.strerror or error}") \
            from None
    except (UnicodeDecodeError, csv.Error, EOFError) as error:
        raise DataError(f"{path}: not a CSV file: {error}") from None
    while rows and rows[-1] == []:
        rows.pop()
    if not rows:
        raise DataError(f"{path}: empty file, expected a header line")
    header = [h.strip() for h in rows[0]]
    for k, name in enumerate(header):
        if name == "" or name in header[:k]:
            raise DataError(f"{path}:1: column {k + 1} has "
                            f"{'no name' if name == '' else 'a repeated name'}"
                            f" {name!r}")
    body = rows[1:]
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DataError(f"{path}:{line}: {len(row)} field(s), the header "
                            f"has {len(header)}")
    return header, body


def _parse(fields: Iterable[str]) -> Optional[list[float]]:
    """The fields as floats (empty, NaN, nan: NaN), None if one is text."""
    out: list[float] = []
    for field in fields:
        token = field.strip()
        if token in NAN_TOKENS:
            out.append(math.nan)
            continue
        try:
            out.append(float(token))
        except ValueError:
            return None
    return out


def load_csv(paths: Union[PathLike, Sequence[PathLike]], *,
             use_pandas: Optional[bool] = None) -> Any:
    """Bars from one or more CSV files (``.csv`` or ``.csv.gz``) with a
    header, joined column-wise: every file must have the same number of
    rows. An empty field, ``NaN`` or ``nan`` is NaN; a column with any
    other non-numeric field (such as ``timestamp``) is kept as text, out
    of the numeric columns. A column in several files must hold the same
    values in each (the bars' timestamps usually do) and is kept once."""
    files = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) \
        else [os.fspath(p) for p in paths]
    if not files:
        raise DataError("load_csv needs at least one file")
    read = [(path, *_read(path)) for path in files]
    counts = {len(body) for _, _, body in read}
    if len(counts) > 1:
        listed = ", ".join(f"{os.path.basename(path)} has {len(body)}"
                           for path, _, body in read)
        raise DataError(f"the files must hold the same bars but have "
                        f"different numbers of rows: {listed}")
    numeric: dict[str, list[float]] = {}
    text: dict[str, list[str]] = {}
    order: list[str] = []
    source: dict[str, str] = {}
    for path, header, body in read:
        for k, name in enumerate(header):
            raw = [row[k] for row in body]
            values = _parse(raw)
            if name in source:
                same = (_same(values, numeric[name]) if name in numeric
                        and values is not None else text.get(name) == raw)
                if not same:
                    raise DataError(f"column {name!r} is in {source[name]} "
                                    f"and {path} with different values")
                continue
            source[name] = path
            order.append(name)
            if values is None:
                text[name] = raw
            else:
                numeric[name] = values
    return make_frame(numeric, text, order=order, use_pandas=use_pandas)


def _same(a: Sequence[float], b: Sequence[float]) -> bool:
    return len(a) == len(b) and all(
        x == y or (x != x and y != y) for x, y in zip(a, b))


# -------------------------------------------------------------- generated

def generate(conditions: Iterable[Mapping[str, Any]],
             required_columns: Iterable[str] = (), *, seed: int = 0,
             bars: Optional[int] = None,
             use_pandas: Optional[bool] = None) -> Any:
    """Deterministic bars for ``conditions`` (registry JSON) when the team
    provides none: OHLCV plus every column the conditions and
    ``required_columns`` read, ``max(1000, 3 * reach + 200)`` bars unless
    ``bars`` says otherwise; the same seed gives the same data. See
    synthetic.py for how the columns are shaped."""
    data = synthesize(list(conditions), list(required_columns), seed=seed,
                      bars=bars)
    return make_frame(data.numeric, {"timestamp": data.timestamps},
                      order=["timestamp", *data.numeric],
                      use_pandas=use_pandas)


SIDES: tuple[str, ...] = ("entry_long", "entry_short", "exit_long",
                          "exit_short")


def generate_frame(records: Iterable[Mapping[str, Any]], *,
                   bars: Optional[int] = None, seed: int = 0,
                   use_pandas: Optional[bool] = None) -> Any:
    """``generate`` for exported strategy records (strategies.json's
    objects): every condition of every side, and the required
    indicators."""
    records = list(records)
    conditions = [c for r in records for side in SIDES
                  for c in r.get(side) or []]
    required = [c for r in records for c in r.get("required_indicators")
                or []]
    return generate(conditions, required, seed=seed, bars=bars,
                    use_pandas=use_pandas)


def load_frame(paths: Union[PathLike, Sequence[PathLike]], *,
               use_pandas: Optional[bool] = None) -> Any:
    """``load_csv``, under the name the exporter's command line uses."""
    return load_csv(paths, use_pandas=use_pandas)
