"""Demand history: net units per SKU per store-local day, from canonical order lines.

Cancelled and test orders are not demand. Returns and refunds are reported beside demand, never
subtracted from it: a return says nothing about how many units customers wanted that day.
"""

from __future__ import annotations

from datetime import date

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
