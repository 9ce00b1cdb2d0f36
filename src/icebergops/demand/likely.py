"""The point forecast a seller orders on: the expected units, or none where selling nothing over
the whole horizon is the likelier outcome.

A SKU expected to sell 0.4 units in the next four weeks sells none in most four-week spells:
ordering on 0.4 buys stock for a sale that mostly does not come, and the error of that forecast
on the horizon total is larger than the error of 0 in most of them. So such a series'
``forecast`` is 0 (the median of its horizon total), and ``expected`` keeps the models' mean,
which :mod:`icebergops.inventory` plans safety stock and order sizes on. A Poisson count of mean
μ is 0 at least half the time when μ ≤ ln 2: the test needs no parameter of ours.

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

import polars as pl

from icebergops.demand.events import FIXED

NONE_LIKELIER = math.log(2)  # units over the horizon: P(Poisson(μ) = 0) > 1/2 below it
LOWER = ("lo_80", "lo_95")


def most_likely(forecasts: pl.DataFrame, *, by: Sequence[str]) -> pl.DataFrame:
    """``forecasts`` (one row per series and period, ``by`` naming the series) with ``expected``
    beside ``forecast``: ``forecast`` is 0, lower bounds too, for a series whose expected units
    over all its periods are below ln 2, and ``expected`` otherwise. Applied again, it reads
    ``expected`` (events may have scaled it), so it can follow :func:`~.events.apply_events`;
    a series with a period that :func:`~.events.apply_fixed` fixed keeps its forecast."""
    mean = pl.col("expected") if "expected" in forecasts.columns else pl.col("forecast")
    none = (mean.sum().over(by) < NONE_LIKELIER).fill_null(False)
    if FIXED in forecasts.columns:  # events.csv fixed its units: the seller's number stands
        none = none & ~pl.col(FIXED).any().over(by)
    columns = forecasts.columns
    at = columns.index("forecast") + 1
    order = [*columns[:at], "expected", *(c for c in columns[at:] if c != "expected")]
    return forecasts.with_columns(
        mean.alias("expected"),
        pl.when(none).then(0.0).otherwise(mean).alias("forecast"),
        *(pl.when(none).then(0.0).otherwise(pl.col(c)).alias(c) for c in LOWER if c in columns),
    ).select(order)


def forecast_zero(forecasts: pl.DataFrame, *, by: Sequence[str]) -> tuple[int, int]:
    """How many series of :func:`most_likely`'s output are forecast 0 over the horizon: those
    with units expected (under :data:`NONE_LIKELIER`), and those with none expected at all."""
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
