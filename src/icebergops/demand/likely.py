"""The point forecast a seller orders on: the expected units, or none where selling nothing over
the whole horizon is the likelier outcome.

A SKU expected to sell 0.4 units in the next four weeks sells none in most four-week spells:
ordering on 0.4 buys stock for a sale that mostly does not come, and the error of that forecast
on the horizon total is larger than the error of 0 in most of them. So such a series'
``forecast`` is 0 (the median of its horizon total), and ``expected`` keeps the models' mean,
which :mod:`icebergops.inventory` plans safety stock and order sizes on. A period sells with the
chance its mean is of the series' sale size, and none of them sells with the product of the
chances each does not: below 1/2 that is no longer the likelier outcome (for many small chances,
a Poisson count of mean μ ≤ ln 2). The test needs no parameter of ours; a sparse series' own last
year may say "none" too (see :func:`most_likely`).

::

    >>> from datetime import date
    >>> fc = pl.DataFrame({"sku": ["A", "A", "B", "B"], "day": [date(2026, 1, 1), date(2026, 1, 2)] * 2,
    ...                    "forecast": [0.2, 0.2, 0.5, 0.5], "lo_80": [0.0, 0.0, 0.0, 0.1]})
    >>> out = most_likely(fc, by=["sku"])  # A sells on neither day with the chance 0.8² = 0.64
    >>> out["forecast"].to_list(), out["expected"].to_list()
    ([0.0, 0.0, 0.5, 0.5], [0.2, 0.2, 0.5, 0.5])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import polars as pl

from icebergops.demand.calendar import DAY, Frequency
from icebergops.demand.events import FIXED
from icebergops.demand.stockouts import CHANCE, YEAR
from icebergops.demand.stopped import units_a_year_before

NONE_LIKELIER = math.log(2)  # no sale is the likelier outcome where Σ −log(1 − chance) is under it
LOWER = ("lo_80", "lo_95")
SPARSE = ("intermittent", "lumpy")  # the demand classes whose own windows also say "none"
# what sale_evidence finds of each series, for most_likely
EVIDENCE = {
    "size": pl.Float64,
    "none_share": pl.Float64,
    "took_off": pl.Boolean,
    "year_ago": pl.Float64,
}


def most_likely(
    forecasts: pl.DataFrame, *, by: Sequence[str], evidence: pl.DataFrame | None = None
) -> pl.DataFrame:
    """``forecasts`` (one row per series and period, ``by`` naming the series) with ``expected``
    beside ``forecast``: ``forecast`` is 0, lower bounds too, for a series that most likely
    sells nothing over all its periods, and ``expected`` otherwise. Applied again, it reads
    ``expected`` (events may have scaled it), so it can follow :func:`~.events.apply_events`;
    a series with a period that :func:`~.events.apply_fixed` fixed keeps its forecast.

    Most likely nothing, either way the horizon total's chance of 0 is judged:

    - from the models' mean: a sale is a period with units sold, of the series' mean size in
      its history (``evidence``'s ``size``; one unit without it), so a period sells with the
      chance mean / size, and none over the horizon with the product of the chances it does
      not. A SKU that sells 6 units at a time, 3.6 expected over 28 days, sells in a day with
      the chance 0.021 and in none of the 28 with 0.55: most likely none;
    - from its own last year, for an intermittent or lumpy series (whose demand restock also
      reads off the history's windows, see :func:`~icebergops.inventory.inputs.demand_quantiles`):
      most of its windows of the horizon's length sold nothing (``none_share``), its last one
      did not sell in more periods than its year's rate makes likelier than 1 in 1,000
      (``took_off``: the stockout test's odds; a SKU that has taken off is the models' to
      judge, and so is one that sold lately where the window is too short for the test, such
      as four weeks of a SKU selling one week in four), and the coming horizon's periods a year
      earlier sold nothing (``year_ago``: an
      off-season is not "none"); not where an event falls on the horizon.
    """
    mean = pl.col("expected") if "expected" in forecasts.columns else pl.col("forecast")
    if evidence is not None:
        forecasts = forecasts.join(
            evidence.select(*by, *(pl.col(c).alias(f"__{c}") for c in EVIDENCE)),
            on=list(by),
            how="left",
        )
    none = _none_by_models(mean, by, evidence is not None)
    if evidence is not None and "demand_class" in forecasts.columns:
        year = _none_by_its_year(by, "events" in forecasts.columns)
        none = none | year
    if FIXED in forecasts.columns:  # events.csv fixed its units: the seller's number stands
        none = none & ~pl.col(FIXED).any().over(by)
    columns = [c for c in forecasts.columns if c.removeprefix("__") not in EVIDENCE]
    at = columns.index("forecast") + 1
    order = [*columns[:at], "expected", *(c for c in columns[at:] if c != "expected")]
    return forecasts.with_columns(
        mean.alias("expected"),
        pl.when(none).then(0.0).otherwise(mean).alias("forecast"),
        *(pl.when(none).then(0.0).otherwise(pl.col(c)).alias(c) for c in LOWER if c in columns),
    ).select(order)


def _none_by_models(mean: pl.Expr, by: Sequence[str], sized: bool) -> pl.Expr:
    """No sale in any period is the likelier outcome by the models' mean (see most_likely)."""
    size = pl.col("__size").fill_null(1.0) if sized else pl.lit(1.0)
    chance = (mean / size).clip(0.0, 1.0)  # of a sale in the period
    return (chance.neg().log1p().sum().over(by) > -NONE_LIKELIER).fill_null(False)


def _none_by_its_year(by: Sequence[str], has_events: bool) -> pl.Expr:
    """A sparse series whose last year's windows, the last one and the year-ago one mostly or
    wholly sold nothing (see most_likely)."""
    year_ago = pl.col("__year_ago")
    out = (
        pl.col("demand_class").is_in(SPARSE)
        & (pl.col("__none_share") > 0.5)
        & ~pl.col("__took_off")
        & (year_ago.is_null() | (year_ago == 0))
    )
    if has_events:
        out = out & pl.col("events").is_null().all().over(by)
    return out.fill_null(False)


def sale_evidence(
    history: pl.DataFrame, *, periods: int, by: Sequence[str] = ("sku",), freq: Frequency = DAY
) -> pl.DataFrame:
    """``by`` and :data:`EVIDENCE` of each series in ``history`` (``by``, the period column of
    ``freq``, ``units``, zero-filled), for :func:`most_likely`: the mean units of a period with
    a sale (at least 1); the share of its windows of ``periods`` periods in the last year of
    the history that sold nothing; whether the last window sold in improbably many periods at
    the year's rate (see :func:`most_likely`); and the units of the ``periods`` after the same
    day a year earlier (none where the history does not reach back). Censored periods
    (stockouts) count in none of them: a window with one is left out.

    >>> from datetime import date, timedelta
    >>> h = pl.DataFrame({"sku": "A", "day": [date(2026, 1, 1) + timedelta(d) for d in range(6)],
    ...                   "units": [0, 4, 0, 0, 0, 2]})
    >>> sale_evidence(h, periods=2).row(0)
    ('A', 3.0, 0.4, True, None)
    """
    time, keys = freq.column, list(by)
    units = pl.col("units").cast(pl.Float64)
    if "censored" in history.columns:
        units = pl.when(pl.col("censored")).then(None).otherwise(units)
    last = history[time].max()
    if not isinstance(last, date):
        return pl.DataFrame(schema={**{k: history.schema[k] for k in keys}, **EVIDENCE})
    sizes = (
        history.select(*keys, units.alias("__units"))
        .filter(pl.col("__units") > 0)
        .group_by(keys)
        .agg(pl.col("__units").mean().clip(lower_bound=1.0).alias("size"))
    )
    ago = last - timedelta(days=YEAR)
    windows = _windows(history.filter(pl.col(time) > ago), keys, time, units, periods)
    # a series that starts inside the year-ago window says nothing of it
    reaches = history.group_by(keys).agg((pl.col(time).min() <= ago).alias("__reaches"))
    year_ago = (
        units_a_year_before(history, by=keys, freq=freq, periods=periods, units=units)
        .join(reaches, on=keys, how="right")
        .select(
            *keys, pl.when("__reaches").then(pl.col("year_ago").fill_null(0.0)).alias("year_ago")
        )
    )
    return (
        sizes.join(windows, on=keys, how="full", coalesce=True)
        .join(year_ago, on=keys, how="left")
        .select(*keys, *EVIDENCE)
        .cast(EVIDENCE)  # type: ignore[arg-type]
    )


def _windows(
    year: pl.DataFrame, keys: list[str], time: str, units: pl.Expr, periods: int
) -> pl.DataFrame:
    """``keys, none_share, took_off``: the share of the year's windows of ``periods`` periods
    with no unit sold, and whether the last ``periods`` sold in more periods than the year's
    share of periods with a sale makes likelier than :data:`~.stockouts.CHANCE`."""
    sold = (units > 0).cast(pl.Float64)  # null where censored
    found = (
        year.sort(*keys, time)
        .select(
            *keys,
            units.rolling_sum(window_size=periods).over(keys).alias("__window"),
            sold.alias("__sold"),
        )
        .group_by(keys, maintain_order=True)
        .agg(
            (pl.col("__window").drop_nulls() == 0).mean().alias("none_share"),
            pl.col("__sold").mean().alias("__rate"),
            pl.col("__sold").tail(periods).sum().alias("__recent"),
        )
    )
    rate = found["__rate"].fill_null(0.0).to_numpy()
    recent = found["__recent"].fill_null(0.0).to_numpy()
    # the chance of `recent` or more periods with a sale of `periods`, at the year's rate; where
    # even a sale in every one of them is no rarer than CHANCE (four weeks of a SKU selling in
    # one week of four), no take-off could show: one that sold lately is the models' to judge
    chance = at_least(recent, periods, rate)
    blind = np.clip(rate, 0.0, 1.0) ** periods >= CHANCE
    return found.select(*keys, "none_share").with_columns(
        pl.Series("took_off", (recent > 0) & ((chance < CHANCE) | blind))
    )


def at_least(
    count: npt.NDArray[np.float64], n: int, rate: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """P(X ≥ count) for X binomial of ``n`` trials at ``rate``, element by element.

    >>> at_least(np.array([0.0, 1.0, 3.0]), 3, np.array([0.5, 0.5, 0.5])).tolist()
    [1.0, 0.875, 0.125]
    """
    rate = np.clip(rate, 0.0, 1.0 - 1e-12)
    pmf, below = (1.0 - rate) ** n, np.zeros_like(rate)
    for j in range(n):  # the chance of exactly j, summed while j is under count
        below += np.where(j < count, pmf, 0.0)
        pmf = pmf * (n - j) / (j + 1) * rate / (1.0 - rate)
    return np.clip(1.0 - below, 0.0, 1.0)


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
