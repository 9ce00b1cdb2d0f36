"""Demand history: net units per SKU per store-local day, from canonical order lines.

Cancelled and test orders are not demand. Returns and refunds are reported beside demand, never
subtracted from it: a return says nothing about how many units customers wanted that day.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

KEYS = ("sku",)


def demand_lines(order_lines: pl.DataFrame) -> pl.DataFrame:
    """The order lines that are demand: not cancelled, not test, positive quantity."""
    return order_lines.filter(
        (pl.col("status") != "cancelled")
        & ~pl.col("is_test").fill_null(False)
        & (pl.col("quantity") > 0)
        & pl.col("order_date").is_not_null()
    )


def daily_demand(
    order_lines: pl.DataFrame,
    *,
    as_of: date | None = None,
    keys: tuple[str, ...] = KEYS,
) -> pl.DataFrame:
    """Units per ``keys`` per day, zero-filled from each series' first sale to ``as_of``.

    Returns columns ``*keys, day, units, revenue`` (revenue in the lines' currency, null where
    the export has no prices). ``as_of`` defaults to the last order date in the data.

    >>> lines = pl.DataFrame({
    ...     "sku": ["A", "A", "A"], "order_date": [date(2024, 1, 1), date(2024, 1, 3), date(2024, 1, 3)],
    ...     "quantity": [2, 1, 5], "unit_price": [10.0, 10.0, 10.0],
    ...     "status": ["fulfilled", "fulfilled", "cancelled"], "is_test": [False, False, False]})
    >>> daily_demand(lines)["units"].to_list()
    [2, 0, 1]
    """
    lines = demand_lines(order_lines)
    if as_of is not None:
        lines = lines.filter(pl.col("order_date") <= as_of)
    end = as_of or lines["order_date"].max()
    per_day = lines.group_by(*keys, pl.col("order_date").alias("day")).agg(
        pl.col("quantity").sum().alias("units"),
        pl.when(pl.col("unit_price").is_not_null().any())
        .then((pl.col("quantity") * pl.col("unit_price")).sum())
        .alias("revenue"),
    )
    spans = per_day.group_by(*keys).agg(pl.col("day").min().alias("first_day"))
    calendar = spans.select(
        *keys, pl.date_ranges("first_day", pl.lit(end), interval="1d").alias("day")
    ).explode("day")
    return (
        calendar.join(per_day, on=[*keys, "day"], how="left")
        .with_columns(pl.col("units").fill_null(0))
        .sort(*keys, "day")
    )


def weekly_demand(daily: pl.DataFrame, *, keys: tuple[str, ...] = KEYS) -> pl.DataFrame:
    """Units per ``keys`` per ISO week (Monday to Sunday, store-local), from daily history.

    Returns ``*keys, week_start, units, revenue`` (``week_start`` is the Monday), plus
    ``units_observed`` and ``censored`` where ``daily`` has them (see
    :func:`demand.stockouts.censor_stockouts`): a week is censored when most of its days are, and
    its units hold the imputed units of its censored days either way.

    The week of the last day is left out unless it ends on that day (a Sunday): its first days
    would read as a slump in a weekly series, so forecasts start with it, as a whole week. A
    series' first week is kept even when the series starts mid-week: those are the units it sold.

    >>> days = pl.DataFrame({"sku": "A", "day": pl.date_range(date(2024, 1, 3), date(2024, 1, 16),
    ...                      eager=True), "units": range(14), "revenue": None})
    >>> weekly_demand(days).select("week_start", "units").rows()
    [(datetime.date(2024, 1, 1), 10), (datetime.date(2024, 1, 8), 56)]
    """
    last = daily["day"].max()
    assert isinstance(last, date), "daily demand without a single day"
    week = pl.col("day").dt.truncate("1w")  # polars' weeks start on Monday
    extra = [
        *([pl.col("units_observed").sum()] if "units_observed" in daily.columns else []),
        *([(pl.col("censored").mean() > 0.5)] if "censored" in daily.columns else []),
    ]
    return (
        daily.filter(week <= last - timedelta(days=6))
        .group_by(*keys, week.alias("week_start"))
        .agg(
            pl.col("units").sum(),
            pl.when(pl.col("revenue").is_not_null().any()).then(pl.col("revenue").sum()),
            *extra,
        )
        .sort(*keys, "week_start")
    )


def returns_by_day(order_lines: pl.DataFrame, *, keys: tuple[str, ...] = KEYS) -> pl.DataFrame:
    """Units returned or refunded per ``keys`` and order day (reported, not netted off demand)."""
    returned = order_lines.filter(
        pl.col("status").is_in(["returned", "refunded"]) & ~pl.col("is_test").fill_null(False)
    )
    units = pl.coalesce(pl.col("refunded_quantity"), pl.col("quantity"))
    return (
        returned.group_by(*keys, pl.col("order_date").alias("day"))
        .agg(units.sum().alias("units_returned"))
        .sort(*keys, "day")
    )
