"""SKUs that stopped selling: a run without a sale up to today that is too long to be chance.

A series that sold in a share ``p`` of its last ``freq.fit`` periods goes ``L`` periods without a
sale with probability ``(1-p)^L`` (the test :mod:`demand.stockouts` makes of runs that ended),
both counted on the periods the store sold anything in. When that is below
:data:`~demand.stockouts.CHANCE`, the run is a week or longer, and the same periods a year
earlier sold nothing either (not the off-season), the product has most likely been discontinued, or is out of stock
with no inventory export to say so (a stockout it does show is censored before this, and its
periods count as selling). Croston's methods keep their last level through any run of zeros and
the smoothed models let it fade slowly, so their forecast for such a series is stale: it is set
to zero, bounds included, and ``model`` says why.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from icebergops.demand.arrays import in_series_order
from icebergops.demand.calendar import Frequency
from icebergops.demand.events import SCALED
from icebergops.demand.stockouts import MIN_RUN, YEAR, unlikely_run


def stopped_selling(
    history: pl.DataFrame, *, key: str, freq: Frequency, horizon: int
) -> pl.DataFrame:
    """``key, idle``: the series whose run without a sale up to the history's end (``idle``
    periods since the last sale, at least ``MIN_RUN`` days) is less likely than ``CHANCE`` at
    their selling share of the last ``freq.fit`` periods, both counted on the periods in which
    the store sold anything, and whose ``horizon`` periods a year before the coming ones sold
    nothing. C sells every day, so the store is open on all 60:

    >>> from datetime import date
    >>> from icebergops.demand.calendar import DAY
    >>> days = pl.date_range(date(2026, 1, 1), date(2026, 3, 1), eager=True)
    >>> h = pl.DataFrame({"sku": ["A"] * 60 + ["B"] * 60 + ["C"] * 60,
    ...                   "day": pl.concat([days, days, days]),
    ...                   "units": [1] * 40 + [0] * 20 + [1, 0, 0] * 13 + [0] * 21 + [1] * 60})
    >>> stopped_selling(h, key="sku", freq=DAY, horizon=7).rows()
    [('A', 20)]
    """
    time = freq.column
    # counted on the periods the store sold anything: a closure, or the weekend a store never
    # sells on, says nothing about one product
    history = history.select(key, time, "units")  # the joins below copy no other column
    if not in_series_order(history, key, time):  # as a rule it is: a sort would copy it all
        history = history.sort(key, time)
    trading = history.group_by(time).agg(pl.col("units").sum() > 0).filter("units")[time]
    recent = (
        history.filter(pl.col(time).is_in(trading.implode()))
        .group_by(key, maintain_order=True)
        .tail(freq.fit)
    )
    sold = pl.col("units") > 0
    runs = recent.group_by(key).agg(
        sold.mean().alias("selling"),
        (pl.len() - 1 - pl.int_range(pl.len()).filter(sold).max()).alias("_run"),
    )
    last = history.group_by(key).agg(
        pl.col(time).max().alias("_end"), pl.col(time).filter(sold).max().alias("_sold")
    )
    ahead_a_year_ago = units_a_year_before(history, by=[key], freq=freq, periods=horizon)
    idle = ((pl.col("_end") - pl.col("_sold")).dt.total_days() // freq.days).cast(pl.Int64)
    return (
        runs.join(last, on=key)
        .join(ahead_a_year_ago, on=key, how="left")
        .filter(
            (idle * freq.days >= MIN_RUN)
            & unlikely_run(pl.col("selling"), pl.col("_run"))
            & (pl.col("year_ago").fill_null(0) <= 0)
        )
        .select(key, idle.alias("idle"))
        .sort(key)
    )


def units_a_year_before(
    history: pl.DataFrame,
    *,
    by: Sequence[str],
    freq: Frequency,
    periods: int,
    units: pl.Expr | None = None,
) -> pl.DataFrame:
    """``by, year_ago``: the ``units`` (the column, unless given) each series sold in the
    ``periods`` periods a year before the ``periods`` after its history's end: the coming
    horizon, a year earlier. A series whose history does not reach back is left out."""
    time, year = freq.column, YEAR // freq.days  # periods in a year (52 weeks)
    end = pl.col(time).max().over(by)
    window = (pl.col(time) > end - pl.duration(days=freq.days * year)) & (
        pl.col(time) <= end - pl.duration(days=freq.days * (year - periods))
    )
    sold = pl.col("units") if units is None else units
    return history.filter(window).group_by(by).agg(sold.sum().alias("year_ago"))


def zero_stopped(
    forecasts: pl.DataFrame, stopped: pl.DataFrame, *, key: str, freq: Frequency
) -> pl.DataFrame:
    """``forecasts`` with the ``stopped`` series' forecast and bounds at zero, and ``model``
    naming the run (``stopped selling? no sale in 46 days``)."""
    if stopped.is_empty():
        return forecasts
    hit = pl.col("idle").is_not_null()
    name = pl.format(f"stopped selling? no sale in {{}} {freq.name}s", "idle")
    return (
        forecasts.join(stopped, on=key, how="left", maintain_order="left")
        .with_columns(
            *(
                pl.when(hit).then(0.0).otherwise(c).alias(c)
                for c in SCALED
                if c in forecasts.columns
            ),
            pl.when(hit).then(name).otherwise("model").alias("model"),
        )
        .drop("idle")
    )
