"""Demand history from order lines: what counts as demand, zero-filling, returns beside demand."""

from __future__ import annotations

from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from icebergops.demand.history import daily_demand, returns_by_day, weekly_demand

LINES = pl.DataFrame(
    {
        "sku": ["A", "A", "A", "A", "B", "B"],
        "order_date": [date(2024, 1, 1), date(2024, 1, 3), date(2024, 1, 3), date(2024, 1, 4),
                       date(2024, 1, 3), date(2024, 1, 4)],
        "quantity": [2, 1, 5, 3, 4, 1],
        "unit_price": [10.0, 10.0, 10.0, 10.0, None, None],
        "status": ["fulfilled", "fulfilled", "cancelled", "returned", "open", "refunded"],
        "is_test": [False, False, False, False, False, True],
        "refunded_quantity": [None, None, None, 2, None, None],
    }
)  # fmt: skip


def test_daily_demand_drops_cancelled_and_test_and_zero_fills_to_as_of() -> None:
    got = daily_demand(LINES, as_of=date(2024, 1, 5))
    expected = pl.DataFrame(
        {
            "sku": ["A"] * 5 + ["B"] * 3,
            "day": [date(2024, 1, d) for d in (1, 2, 3, 4, 5)]
            + [date(2024, 1, d) for d in (3, 4, 5)],
            "units": [2, 0, 1, 3, 0, 4, 0, 0],
            "revenue": [20.0, None, 10.0, 30.0, None, None, None, None],
        }
    )
    assert_frame_equal(got, expected, check_dtypes=False)


def test_as_of_cuts_later_sales() -> None:
    got = daily_demand(LINES, as_of=date(2024, 1, 3))
    assert got.filter(pl.col("sku") == "A")["units"].to_list() == [2, 0, 1]


def test_returns_are_reported_beside_demand_not_netted() -> None:
    got = returns_by_day(LINES)
    assert got.rows() == [("A", date(2024, 1, 4), 2)]
    # the returned line still counts as the demand it was on its day
    assert daily_demand(LINES)["units"].sum() == 2 + 1 + 3 + 4


def daily_history() -> pl.DataFrame:
    """Two SKUs from Wednesday 3 Jan 2024 to Tuesday 30 Jan 2024 (the last week not over)."""
    days = pl.date_range(date(2024, 1, 3), date(2024, 1, 30), eager=True)
    return pl.concat(
        pl.DataFrame({"sku": sku, "day": days, "units": [(i * k) % 5 for i in range(len(days))]})
        for k, sku in ((1, "A"), (3, "B"))
    ).with_columns(pl.lit(None, pl.Float64).alias("revenue"))


def test_weekly_buckets_sum_the_days_of_complete_weeks_and_start_on_monday() -> None:
    daily = daily_history()
    weekly = weekly_demand(daily)
    assert (weekly["week_start"].dt.weekday() == 1).all()  # ISO: Monday is 1
    # Wednesday 3 Jan starts a partial first week (kept); the week of Monday 29 Jan is not over
    assert sorted(set(weekly["week_start"])) == [date(2024, 1, d) for d in (1, 8, 15, 22)]
    complete = daily.filter(pl.col("day") <= date(2024, 1, 28))
    assert_frame_equal(
        weekly.group_by("sku").agg(pl.col("units").sum()).sort("sku"),
        complete.group_by("sku").agg(pl.col("units").sum()).sort("sku"),
    )
    by_hand = daily.filter(
        (pl.col("sku") == "B") & pl.col("day").is_between(date(2024, 1, 15), date(2024, 1, 21))
    )["units"].sum()
    week = weekly.filter(pl.col("week_start") == date(2024, 1, 15), pl.col("sku") == "B")
    assert week["units"].item() == by_hand
    # history up to a Sunday: its week is over, and kept
    to_sunday = weekly_demand(daily.filter(pl.col("day") <= date(2024, 1, 28)))
    assert to_sunday["week_start"].max() == date(2024, 1, 22)


def test_a_week_is_censored_when_most_of_its_days_are() -> None:
    daily = daily_history().with_columns(
        # 4 days censored in the week of 8 Jan, 3 in the week of 15 Jan
        (
            pl.col("day").is_between(date(2024, 1, 8), date(2024, 1, 11))
            | pl.col("day").is_between(date(2024, 1, 15), date(2024, 1, 17))
        ).alias("censored"),
        pl.col("units").alias("units_observed"),
    )
    weekly = weekly_demand(daily).filter(pl.col("sku") == "A")
    assert dict(weekly.select("week_start", "censored").iter_rows()) == {
        date(2024, 1, 1): False,
        date(2024, 1, 8): True,
        date(2024, 1, 15): False,
        date(2024, 1, 22): False,
    }
    assert weekly["units_observed"].sum() == weekly["units"].sum()
