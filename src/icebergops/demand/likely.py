"""The point forecast a seller orders on: the expected units, or none where selling nothing over
the whole horizon is the likelier outcome.

A SKU expected to sell 0.4 units in the next four weeks sells none in most four-week spells:
ordering on 0.4 buys stock for a sale that mostly does not come, and the error of that forecast
on the horizon total is larger than the error of 0 in most of them. So such a series'
``forecast`` is 0 (the median of its horizon total), and ``expected`` keeps the models' mean,
which :mod:`icebergops.inventory` plans safety stock and order sizes on. A Poisson count of mean
μ is 0 at least half the time when μ ≤ ln 2: the test needs no parameter of ours. Sales are
counted in the series' own sizes, and a sparse series' own last year may say "none" too (see
:func:`most_likely`).

::

    >>> from datetime import date
    >>> fc = pl.DataFrame({"sku": ["A", "A", "B", "B"], "day": [date(2026, 1, 1), date(2026, 1, 2)] * 2,
    ...                    "forecast": [0.3, 0.3, 0.5, 0.5], "lo_80": [0.0, 0.0, 0.0, 0.1]})
    >>> out = most_likely(fc, by=["sku"])
    >>> out["forecast"].to_list(), out["expected"].to_list()
    ([0.0, 0.0, 0.5, 0.5], [0.3, 0.3, 0.5, 0.5])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

import polars as pl

from icebergops.demand.calendar import DAY, Frequency
from icebergops.demand.events import FIXED

NONE_LIKELIER = math.log(2)  # units over the horizon: P(Poisson(μ) = 0) > 1/2 below it
LOWER = ("lo_80", "lo_95")
SPARSE = ("intermittent", "lumpy")  # the demand classes whose own windows also say "none"
YEAR_DAYS = 364  # the last year of a series' windows, as restock reads its demand quantiles
SIZE, SHARE = "__size", "__none_share"


def most_likely(
    forecasts: pl.DataFrame, *, by: Sequence[str], evidence: pl.DataFrame | None = None
) -> pl.DataFrame:
    """``forecasts`` (one row per series and period, ``by`` naming the series) with ``expected``
    beside ``forecast``: ``forecast`` is 0, lower bounds too, for a series that most likely
    sells nothing over all its periods, and ``expected`` otherwise. Applied again, it reads
    ``expected`` (events may have scaled it), so it can follow :func:`~.events.apply_events`;
    a series with a period that :func:`~.events.apply_fixed` fixed keeps its forecast.

    Most likely nothing, either way the horizon total's chance of 0 is judged:

    - from the models' mean: fewer than ln 2 sales expected. A sale is a period with units
      sold, of the series' mean size in its history (``evidence``'s ``size``; one unit
      without it): a SKU that sells 6 units at a time, 3.6 units expected in four weeks,
      sells in 0.6 spells of four weeks in 1 (a compound Poisson total is 0 with the chance
      that no sale comes);
    - from its own last year, for an intermittent or lumpy series (whose demand restock also
      reads off the history's windows, see :func:`~icebergops.inventory.inputs.demand_quantiles`):
      most of its windows of the horizon's length sold nothing (``evidence``'s ``none_share``),
      unless an event lifts the horizon.
    """
    mean = pl.col("expected") if "expected" in forecasts.columns else pl.col("forecast")
    size, share = pl.lit(1.0), pl.lit(0.0)
    if evidence is not None:
        forecasts = forecasts.join(
            evidence.select(*by, pl.col("size").alias(SIZE), pl.col("none_share").alias(SHARE)),
            on=list(by),
            how="left",
        )
        size, share = pl.col(SIZE).fill_null(1.0), pl.col(SHARE).fill_null(0.0)
    none = (mean.sum().over(by) / size < NONE_LIKELIER).fill_null(False)
    if "demand_class" in forecasts.columns:
        sparse = pl.col("demand_class").is_in(SPARSE) & (share > 0.5)
        if "events" in forecasts.columns:  # an uplift on the horizon: its last year says less
            sparse = sparse & pl.col("events").is_null().all().over(by)
        none = none | sparse.fill_null(False)
    if FIXED in forecasts.columns:  # events.csv fixed its units: the seller's number stands
        none = none & ~pl.col(FIXED).any().over(by)
    columns = [c for c in forecasts.columns if c not in (SIZE, SHARE)]
    at = columns.index("forecast") + 1
    order = [*columns[:at], "expected", *(c for c in columns[at:] if c != "expected")]
    return forecasts.with_columns(
        mean.alias("expected"),
        pl.when(none).then(0.0).otherwise(mean).alias("forecast"),
        *(pl.when(none).then(0.0).otherwise(pl.col(c)).alias(c) for c in LOWER if c in columns),
    ).select(order)


def sale_evidence(
    history: pl.DataFrame, *, periods: int, key: str = "sku", freq: Frequency = DAY
) -> pl.DataFrame:
    """``key, size, none_share`` of each series in ``history`` (``key``, the period column of
    ``freq``, ``units``, zero-filled), for :func:`most_likely`: the mean units of a period with
    a sale (at least 1), and the share of its windows of ``periods`` periods in the last year
    of the history that sold nothing. Censored periods (stockouts) count in neither: a window
    with one is left out.

    >>> from datetime import date, timedelta
    >>> h = pl.DataFrame({"sku": "A", "day": [date(2026, 1, 1) + timedelta(d) for d in range(6)],
    ...                   "units": [0, 4, 0, 0, 0, 2]})
    >>> sale_evidence(h, periods=2).row(0)
    ('A', 3.0, 0.4)
    """
    time = freq.column
    units = pl.col("units").cast(pl.Float64)
    if "censored" in history.columns:
        units = pl.when(pl.col("censored")).then(None).otherwise(units)
    last = history[time].max()
    if last is None:
        return pl.DataFrame(
            schema={key: history.schema[key], "size": pl.Float64, "none_share": pl.Float64}
        )
    year = history.filter(pl.col(time) > last - timedelta(days=YEAR_DAYS))  # type: ignore[operator]
    windows = (
        year.sort(key, time)
        .select(key, units.rolling_sum(window_size=periods).over(key).alias("__window"))
        .drop_nulls("__window")
        .group_by(key)
        .agg((pl.col("__window") == 0).mean().alias("none_share"))
    )
    sizes = (
        history.select(key, units.alias("__units"))
        .filter(pl.col("__units") > 0)
        .group_by(key)
        .agg(pl.col("__units").mean().clip(lower_bound=1.0).alias("size"))
    )
    return sizes.join(windows, on=key, how="full", coalesce=True)


def forecast_zero(forecasts: pl.DataFrame, *, by: Sequence[str]) -> tuple[int, int]:
    """How many series of :func:`most_likely`'s output are forecast 0 over the horizon: those
    with units expected (most likely none sold), and those with none expected at all."""
    totals = forecasts.group_by(by).agg(pl.col("forecast", "expected").sum())
    zero = totals.filter(pl.col("forecast") == 0)
    expected = int((zero["expected"] > 0).sum())
    return expected, zero.height - expected


UNITS = ("forecast", "expected", "lo_80", "hi_80", "lo_95", "hi_95")


def rounded(forecasts: pl.DataFrame, places: int = 4) -> pl.DataFrame:
    """The forecast columns to ``places`` decimals, as files show them: a model's 6.6e-11 units a
    day is 0.0, and 0.35859578645454 is 0.3586 (a ten-thousandth of a unit a day is 0.3 a
    year). Plans are made on the unrounded values.

    >>> rounded(pl.DataFrame({"forecast": [6.578e-11, 0.35859578645454], "model": ["a", "b"]})).rows()
    [(0.0, 'a'), (0.3586, 'b')]
    """
    return forecasts.with_columns(pl.col(c).round(places) for c in UNITS if c in forecasts.columns)
