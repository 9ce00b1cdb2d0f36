"""Stockout days are censored, not read as zero demand."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from icebergops.demand.stockouts import censor_stockouts, out_of_stock, out_of_stock_at

DAYS = [date(2024, 1, 1) + timedelta(days=i) for i in range(90)]


def series(sku: str, units: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"sku": sku, "day": DAYS[: len(units)], "units": units})


def test_a_long_gap_in_steady_selling_is_censored_and_imputed() -> None:
    steady = series("STEADY", [4] * 40 + [0] * 20 + [4] * 30)
    got = censor_stockouts(steady)
    assert got["censored"].sum() == 20
    assert got.filter(pl.col("censored"))["units"].unique().to_list() == [4.0]
    assert got.filter(pl.col("censored"))["units_observed"].unique().to_list() == [0]


def test_slow_sellers_and_short_gaps_are_left_alone() -> None:
    slow = series("SLOW", ([1] + [0] * 9) * 9)  # a sale every ten days: 9-day gaps are normal
    short = series("SHORT", [4] * 40 + [0] * 5 + [4] * 45)
    assert censor_stockouts(pl.concat([slow, short]))["censored"].sum() == 0


def test_a_gap_up_to_today_needs_the_inventory_to_say_out_of_stock() -> None:
    ending = series("END", [4] * 60 + [0] * 30)
    assert censor_stockouts(ending)["censored"].sum() == 0  # perhaps discontinued
    assert censor_stockouts(ending, out_of_stock=pl.Series(["END"]))["censored"].sum() == 30
    gone = series("GONE", [4] * 20 + [0] * 70)  # out of stock for 70 days: given up, not awaited
    assert censor_stockouts(gone, out_of_stock=pl.Series(["GONE"]))["censored"].sum() == 0


def test_out_of_stock_sums_stocked_locations() -> None:
    stock = pl.DataFrame(
        {
            "sku": ["A", "A", "B", "C"],
            "available": [0, 3, 0, -1],
            "on_hand": [0, 3, 0, 0],
            "stocked": [True, True, True, False],
        }
    )
    got = out_of_stock(stock)
    assert got is not None and got.to_list() == ["B"]


def test_each_named_location_says_whether_it_is_out() -> None:
    stock = pl.DataFrame(
        {
            "sku": ["A", "A", "B", "C", "C"],
            "location": ["Reno", "Ohio", "Reno", "Reno", "Ohio"],
            "available": [0, 2, None, 0, 0],
            "on_hand": [0, 2, None, 0, 0],
            "stocked": [True, True, True, False, True],
        }
    )
    got = {(r["sku"], r["location"]): r["out_here"] for r in out_of_stock_at(stock).to_dicts()}
    # B's only row has no number: unknown, left out; C is not stocked at Reno any more
    assert got == {("A", "Reno"): True, ("A", "Ohio"): False, ("C", "Reno"): False,
                   ("C", "Ohio"): True}  # fmt: skip
    everywhere = out_of_stock(stock)
    assert everywhere is not None and sorted(everywhere.to_list()) == ["C"]


def test_days_a_stockouts_file_names_are_censored_at_the_rate_before() -> None:
    """Even a stretch too short for the run test (3 days), and a day that sold before it ran out
    keeps what it sold where that is more than the rate."""
    steady = series("STEADY", [4] * 40 + [0, 6, 0] + [4] * 10)
    assert censor_stockouts(steady)["censored"].sum() == 0
    out = pl.DataFrame({"sku": ["STEADY"], "start": [DAYS[40]], "end": [DAYS[42]]})
    got = censor_stockouts(steady, known=out)
    censored = got.filter(pl.col("censored"))
    assert censored["day"].to_list() == DAYS[40:43]
    assert censored["units"].to_list() == [4.0, 6.0, 4.0]
    assert censored["units_observed"].to_list() == [0, 6, 0]
    # another SKU's stockout leaves this one alone
    other = out.with_columns(pl.lit("OTHER").alias("sku"))
    assert censor_stockouts(steady, known=other)["censored"].sum() == 0


def test_a_stretch_in_the_first_weeks_is_censored_at_the_rate_after_it() -> None:
    """No 14 days before it: the rate was null, and the zeros stayed, marked censored."""
    early = series("EARLY", [4] * 3 + [0] * 5 + [3] * 30)
    out = pl.DataFrame({"sku": ["EARLY"], "start": [DAYS[3]], "end": [DAYS[7]]})
    censored = censor_stockouts(early, known=out).filter(pl.col("censored"))
    assert censored["units"].to_list() == [3.0] * 5  # the 30 days after: 3 a day
    # too short a series on either side: left as it is, not censored with zeros
    tiny = series("TINY", [4] * 3 + [0] * 5 + [3] * 5)
    tiny_out = out.with_columns(pl.lit("TINY").alias("sku"))
    assert censor_stockouts(tiny, known=tiny_out)["censored"].sum() == 0
