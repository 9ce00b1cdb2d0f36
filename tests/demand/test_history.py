"""Demand history from order lines: what counts as demand, zero-filling, returns beside demand."""

from __future__ import annotations

from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from icebergops.demand.history import daily_demand, returns_by_day

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
