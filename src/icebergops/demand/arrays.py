"""Daily demand history as numpy arrays, each series' days in one contiguous run of rows.

Per-SKU statistics over a year of daily history for 100,000 SKUs (33 million rows) cost seconds
as polars group-bys, most of it hashing SKU strings. On a history already in series and day
order, as :func:`~icebergops.demand.history.daily_demand` returns it, a series is a slice and
the statistics are numpy over slices: no hashing, no sort. Other histories are sorted once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl


@dataclass(frozen=True)
class DailySeries:
    """``keys``: one row per series in row order; the series of row ``i`` of ``keys`` holds
    rows ``starts[i]`` to ``ends[i] - 1`` of ``day`` (days since 1970-01-01, ascending) and
    ``units`` (int64 or float64, nulls as 0)."""

    keys: pl.DataFrame
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    day: npt.NDArray[np.int32]
    units: npt.NDArray[np.int64] | npt.NDArray[np.float64]

    @property
    def rows(self) -> npt.NDArray[np.int64]:
        """Rows (days) per series."""
        return self.ends - self.starts


def _key(keys: Sequence[str]) -> pl.Expr:
    return pl.col(keys[0]) if len(keys) == 1 else pl.struct(*keys)


def _bounds(key: pl.Series) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """First and one-past-last row of each run of equal values of ``key``."""
    lengths = key.rle().struct.field("len").to_numpy().astype(np.int64)
    ends = np.cumsum(lengths)
    return ends - lengths, ends


def _in_order(
    day: npt.NDArray[np.int32] | npt.NDArray[np.int64],
    starts: npt.NDArray[np.int64],
    *,
    strict: bool = False,
) -> bool:
    """Whether days never go back within a run (``strict``: always rise); a run may start
    earlier than the last ended."""
    later = day[1:] > day[:-1] if strict else day[1:] >= day[:-1]
    later[starts[1:] - 1] = True
    return bool(later.all())


def in_series_order(frame: pl.DataFrame, key: str, period: str) -> bool:
    """Whether ``frame`` is sorted by ``key`` and, within each, by strictly rising ``period``: a
    sort by both would leave it as it is (checking costs a fifth of sorting 4 million rows)."""
    ids = frame[key]
    if frame.is_empty():
        return True
    if ids.null_count() or not ids.is_sorted():
        return False
    starts, _ = _bounds(ids)
    return _in_order(frame[period].to_physical().to_numpy(), starts, strict=True)


def group_totals(
    history: pl.DataFrame, groups: pl.DataFrame, *, key: str, group: str, period: str, step: int
) -> pl.DataFrame:
    """``group, period, units``: ``history``'s units summed per group (``groups`` maps ``key``
    to ``group``; unmapped series are left out) and period, sorted by group and period; only
    (group, period) pairs with rows.

    ``np.bincount`` over the (group, period) cells, adding in the history's row order: a polars
    group-by on the group's text and the period took twice as long in the policy backtest (its
    sums can differ from these in the last bit: polars adds some groups in another order). That
    group-by does it where the cells do not suit: periods not whole ``step`` days apart, missing
    units or groups, or a grid of groups × periods far larger than the history.
    """
    summed = _bincount_totals(history, groups, key=key, group=group, period=period, step=step)
    if summed is not None:
        return summed
    return (
        history.join(groups.select(key, group), on=key)
        .group_by(group, period)
        .agg(pl.col("units").sum())
        .sort(group, period)
    )


def _bincount_totals(
    history: pl.DataFrame, groups: pl.DataFrame, *, key: str, group: str, period: str, step: int
) -> pl.DataFrame | None:
    """:func:`group_totals` by ``np.bincount``; ``None`` where the cells do not suit."""
    names = groups[group].unique().sort()
    if names.null_count():
        return None
    codes = groups.select(
        key, pl.col(group).replace_strict(names, pl.int_range(names.len(), eager=True))
    )
    rows, code = _coded_rows(history, codes, key=key, group=group, period=period)
    if rows.is_empty() or rows["units"].null_count():
        return None
    days = rows[period].to_physical().to_numpy().astype(np.int64)
    first = int(days.min())
    offset, rest = np.divmod(days - first, step)
    span = int(offset.max()) + 1
    cells = names.len() * span
    if rest.any() or cells > 4 * rows.height + 1_000_000:
        return None
    cell = code * span + offset
    totals = np.bincount(cell, weights=rows["units"].to_numpy().astype(np.float64), minlength=cells)
    present = np.flatnonzero(np.bincount(cell, minlength=cells))
    periods = pl.Series(period, first + (present % span) * step, pl.Int64)
    kind = rows[period].dtype
    return pl.DataFrame(
        {
            group: names.gather(present // span),
            period: periods.cast(rows[period].to_physical().dtype).cast(kind),
            "units": pl.Series(totals[present]).cast(rows["units"].dtype),
        }
    )


def _coded_rows(
    history: pl.DataFrame, codes: pl.DataFrame, *, key: str, group: str, period: str
) -> tuple[pl.DataFrame, npt.NDArray[np.int64]]:
    """``period, units`` of the history's rows whose series has a group, in their order, and
    each one's group code. A history sorted by series is coded one run of rows at a time (a
    join of every row cost three times as long on 4 million rows)."""
    ids = history[key]
    if ids.null_count() or codes[key].n_unique() < codes.height or not ids.is_sorted():
        rows = history.select(key, period, "units").join(codes, on=key, maintain_order="left")
        return rows.select(period, "units"), rows[group].to_numpy().astype(np.int64)
    starts, ends = _bounds(ids)
    per_run = ids.gather(starts).to_frame().join(codes, on=key, how="left", maintain_order="left")
    code = np.repeat(per_run[group].fill_null(-1).to_numpy().astype(np.int64), ends - starts)
    rows = history.select(period, "units")
    kept = code >= 0
    if kept.all():
        return rows, code
    return rows.filter(pl.Series(kept)), code[kept]


def _order(frame: pl.DataFrame, keys: Sequence[str]) -> tuple[pl.Series, pl.Series]:
    """Row numbers that put ``frame`` in series and day order (series in no particular order),
    and a column whose runs are the series in that order.

    One SKU column sorts as one int64, category code × 2³² + day: several times faster than
    sorting by the strings. Several key columns sort as they are.
    """
    if len(keys) > 1:
        order = frame.select(pl.arg_sort_by(*keys, "day")).to_series()
        return order, frame.select(_key(keys)).to_series().gather(order)
    code = pl.col(keys[0]).cast(pl.Categorical).to_physical().cast(pl.Int64).fill_null(-1)
    day = pl.col("day").to_physical()
    both = frame.select((code * 2**32 + day - day.min()).alias("_key")).to_series()
    order = both.arg_sort()
    return order, both.gather(order) // 2**32


def daily_series(history: pl.DataFrame, keys: Sequence[str] = ("sku",)) -> DailySeries:
    """``history`` (``*keys, day, units``; ``day`` a date) as :class:`DailySeries`.

    Rows stay in their order when they are already in key and day order (as
    :func:`~icebergops.demand.history.daily_demand` and the stockout censoring leave them);
    otherwise they are put in that order first (a sort of the whole history: about 7 s for 33
    million rows, where the sorted case takes 0.4 s).

    >>> from datetime import date
    >>> h = pl.DataFrame({"sku": ["a", "b", "b"], "day": [date(2026, 1, d) for d in (1, 1, 2)],
    ...                   "units": [1, 2, 3]})
    >>> s = daily_series(h)
    >>> s.keys["sku"].to_list(), s.starts.tolist(), s.ends.tolist(), s.units.tolist()
    (['a', 'b'], [0, 1], [1, 3], [1, 2, 3])
    """
    frame = history.select(*keys, pl.col("day").cast(pl.Date), pl.col("units").fill_null(0))
    key = frame.select(_key(keys)).to_series()
    # sorted keys are together; other orders are rare and sorted below, runs or not
    starts, ends = _bounds(key) if key.is_sorted() else (np.zeros(0, np.int64),) * 2
    day = frame["day"].to_physical().to_numpy()
    first = pl.Series(starts)
    if len(day) and (len(starts) == 0 or not _in_order(day, starts)):
        order, key = _order(frame, keys)
        frame = frame.select(pl.col("day", "units").gather(order))
        starts, ends = _bounds(key)
        day = frame["day"].to_physical().to_numpy()
        first = order.gather(pl.Series(starts))
    names = history.select(pl.col(keys).gather(first))
    units = frame["units"]
    array = units.cast(pl.Float64 if units.dtype.is_float() else pl.Int64).to_numpy()
    return DailySeries(names, starts, ends, day, array)


def as_series(history: pl.DataFrame | DailySeries, keys: Sequence[str] = ("sku",)) -> DailySeries:
    """``history`` laid out by :func:`daily_series`, unless it already is (one layout, many
    statistics: the restock plan reads the history once for XYZ classes and quantiles)."""
    return history if isinstance(history, DailySeries) else daily_series(history, keys)
