"""The point forecast is 0 where no sale over the horizon is likelier than any; the mean stays."""

from __future__ import annotations

import math
from datetime import date, timedelta

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from icebergops.demand.calendar import WEEK
from icebergops.demand.evaluate import backtest
from icebergops.demand.likely import NONE_LIKELIER, forecast_zero, most_likely, sale_evidence

START = date(2026, 1, 1)


def forecasts(rates: dict[str, float], days: int = 28) -> pl.DataFrame:
    """``rates`` units a day for ``days`` days, with bands around them."""
    rows = [
        {
            "sku": sku,
            "day": START + timedelta(days=i),
            "forecast": rate,
            "lo_80": rate / 2,
            "hi_80": rate * 3,
            "lo_95": rate / 4,
            "hi_95": rate * 5,
            "model": "SBA",
        }
        for sku, rate in rates.items()
        for i in range(days)
    ]
    return pl.DataFrame(rows)


def test_a_series_that_most_likely_sells_on_none_of_its_days_is_forecast_zero() -> None:
    # 28 days at 0.024: no sale on any with the chance 0.976^28 = 0.506; at 0.025, 0.492
    fc = forecasts({"SLOW": 0.024, "JUST": 0.0250, "FAST": 3.0})
    out = most_likely(fc, by=["sku"])
    assert out.columns[:4] == ["sku", "day", "forecast", "expected"]
    by_sku = out.group_by("sku").agg(pl.col("forecast", "expected", "lo_80", "hi_80").sum())
    totals = {row[0]: row[1:] for row in by_sku.rows()}
    assert totals["SLOW"][0] == 0 and math.isclose(totals["SLOW"][1], 0.672)
    assert totals["SLOW"][2] == 0  # a lower bound is never above the forecast
    assert math.isclose(totals["SLOW"][3], 3 * 0.672)  # the upper bands stand: it may sell
    assert math.isclose(totals["JUST"][0], 0.7) and math.isclose(totals["JUST"][1], 0.7)
    assert out.filter(pl.col("sku") == "FAST")["forecast"].to_list() == [3.0] * 28
    assert forecast_zero(out, by=["sku"])[0] == 1  # forecast 0, units expected


def test_series_with_none_expected_are_counted_apart_from_the_likely_none() -> None:
    """The summary counted only the second kind: rieker_qc said "355 of them forecast 0" where
    1,229 of its 1,230 SKUs were (874 of them with no unit expected at all)."""
    out = most_likely(forecasts({"SLOW": 0.024, "GONE": 0.0, "OUT": 0.0, "FAST": 3.0}), by=["sku"])
    assert forecast_zero(out, by=["sku"]) == (1, 2)
    assert forecast_zero(out.filter(pl.col("sku") == "FAST"), by=["sku"]) == (0, 0)


def test_the_horizon_decides_and_events_after_it_are_read_from_expected() -> None:
    # the same rate is 'most likely none' over two weeks and not over eight
    fortnight, eight_weeks = (
        most_likely(forecasts({"A": 0.04}, days=d), by=["sku"]) for d in (14, 56)
    )
    assert forecast_zero(fortnight, by=["sku"])[0] == 1
    assert forecast_zero(eight_weeks, by=["sku"])[0] == 0
    # an event that doubled the expected units after a first pass brings the forecast back
    once = most_likely(forecasts({"A": 0.02}), by=["sku"])
    lifted = once.with_columns(pl.col("expected") * 2)
    assert most_likely(lifted, by=["sku"])["forecast"].sum() > NONE_LIKELIER


def test_series_are_told_apart_by_every_level_column() -> None:
    # the same SKU at two locations: one sells, the other most likely does not
    fc = pl.concat(
        [
            forecasts({"A": 1.0}).with_columns(pl.lit("north").alias("location")),
            forecasts({"A": 0.01}).with_columns(pl.lit("south").alias("location")),
        ]
    )
    out = most_likely(fc, by=["sku", "location"])
    sums = dict(out.group_by("location").agg(pl.col("forecast").sum()).rows())
    assert sums == {"north": 28.0, "south": 0.0}


@given(st.lists(st.floats(0, 0.2), min_size=1, max_size=40))
def test_forecast_is_the_mean_or_zero_and_never_below_a_lower_bound(rates: list[float]) -> None:
    fc = forecasts({f"S{i}": rate for i, rate in enumerate(rates)}, days=7)
    out = most_likely(fc, by=["sku"])
    none = {f"S{i}": (1 - rate) ** 7 > 0.5 for i, rate in enumerate(rates)}  # P(no sale)
    zero = pl.col("sku").replace_strict(none, return_dtype=pl.Boolean)
    assert out.filter(~zero & (pl.col("forecast") != pl.col("expected"))).is_empty()
    assert out.filter(zero & (pl.col("forecast") != 0)).is_empty()
    assert out.filter(pl.col("lo_80") > pl.col("forecast")).is_empty()
    assert out["expected"].to_list() == fc["forecast"].to_list()


def test_the_backtest_scores_the_forecast_a_seller_is_shown() -> None:
    # one sale every 50 days: under 0.69 units in 4 weeks, so 'none' is what the seller sees
    days = 400
    day = [START + timedelta(days=i) for i in range(days)]
    history = pl.concat(
        [
            pl.DataFrame(
                {"sku": "RARE", "day": day, "units": [int(i % 50 == 0) for i in range(days)]}
            ),
            pl.DataFrame({"sku": "DAILY", "day": day, "units": [3 + i % 7 for i in range(days)]}),
        ]
    ).with_columns(pl.col("units").cast(pl.Int64))
    results = backtest(history, horizon=28, origins=1)
    chosen = results.filter(pl.col("model").str.starts_with("icebergops"))
    sums = dict(chosen.group_by("sku").agg(pl.col("forecast").sum()).rows())
    assert sums["RARE"] == 0
    assert sums["DAILY"] > 100
    trailing = results.filter(pl.col("model").str.starts_with("trailing"))
    assert trailing.filter(pl.col("sku") == "RARE")["forecast"].sum() > 0  # baselines as they are


def test_a_sale_is_a_period_with_units_sold_of_the_series_own_size() -> None:
    """3.6 units in four weeks of a SKU that sells 6 at a time are 0.6 sales: mostly none."""
    fc = forecasts({"CASE": 3.6 / 28, "SINGLE": 3.6 / 28}).with_columns(
        pl.lit("smooth").alias("demand_class")
    )
    evidence = pl.DataFrame(
        {"sku": ["CASE", "SINGLE"], "size": [6.0, 1.0], "none_share": 0.0, "took_off": False}
    ).with_columns(pl.lit(None, pl.Float64).alias("year_ago"))
    sums = dict(
        most_likely(fc, by=["sku"], evidence=evidence)
        .group_by("sku")
        .agg(pl.col("forecast").sum())
        .rows()
    )
    assert sums["CASE"] == 0 and math.isclose(sums["SINGLE"], 3.6)


def test_a_few_periods_each_likely_to_sell_are_no_none() -> None:
    """A SKU selling 5 units in 3 weeks of 5, 3.06 expected next week, was forecast 0 (0.61
    sales "expected" under ln 2, as if sales were Poisson): it sells with the chance 0.61."""
    week = pl.DataFrame(
        {"sku": "CASE", "week": [START], "forecast": [3.055], "lo_80": [0.0], "model": "ETS"}
    )
    evidence = pl.DataFrame({"sku": ["CASE"], "size": 5.0, "none_share": 0.4, "took_off": False})
    evidence = evidence.with_columns(pl.lit(None, pl.Float64).alias("year_ago"))
    assert most_likely(week, by=["sku"], evidence=evidence)["forecast"].to_list() == [3.055]


def test_a_sparse_series_whose_year_mostly_sold_none_is_forecast_zero() -> None:
    """Intermittent or lumpy, most of its horizon-long windows empty, and the one a year ago
    too: its median is 0 as well. A smooth series, one an event falls on, one that has taken
    off (a RAMP that sold 26 units on 13 of its last 42 days was forecast 0) or that sold in
    the same weeks last year (a season coming) keeps its mean."""
    classes = {
        "LUMPY": "lumpy",
        "SMOOTH": "smooth",
        "PROMO": "intermittent",
        "RAMP": "intermittent",
        "SEASON": "lumpy",
    }
    fc = forecasts(dict.fromkeys(classes, 0.1)).with_columns(
        pl.col("sku").replace_strict(classes).alias("demand_class"),
        pl.when(pl.col("sku") == "PROMO").then(pl.lit("spring sale")).alias("events"),
    )
    evidence = pl.DataFrame(
        {
            "sku": list(classes),
            "size": 1.0,
            "none_share": 0.6,
            "took_off": [False, False, False, True, False],
            "year_ago": [0.0, None, None, None, 9.0],
        }
    )
    out = most_likely(fc, by=["sku"], evidence=evidence)
    sums = dict(out.group_by("sku").agg(pl.col("forecast").sum()).rows())
    assert sums.pop("LUMPY") == 0
    assert all(math.isclose(total, 2.8) for total in sums.values()), sums
    assert math.isclose(out["expected"].sum(), 14.0)  # the mean stays beside it
    half = evidence.with_columns(pl.lit(0.5).alias("none_share"))  # not most: kept
    assert most_likely(fc, by=["sku"], evidence=half)["forecast"].sum() > 13


def test_sale_evidence_reads_the_last_year_and_leaves_out_censored_windows() -> None:
    days = 400
    day = [START + timedelta(days=i) for i in range(days)]
    units = [4 if i % 10 == 0 else 0 for i in range(days)]
    history = pl.DataFrame({"sku": "A", "day": day, "units": units})
    (row,) = sale_evidence(history, periods=7).rows(named=True)
    assert row["size"] == 4.0
    assert row["took_off"] is False  # one sale in its last 7 days, at its rate of 1 day in 10
    # the 7 days after the same day a year earlier: days 36 to 42, one sale (day 40)
    assert row["year_ago"] == sum(units[36:43]) == 4
    # selling on the last days of 7 after one day in 10: 5 of 7 is a 0.0003 chance at the
    # year's rate (0.113), taken off; 4 of 7 is 0.004, no more than a lucky week
    for run, took in ((7, True), (5, True), (4, False), (1, False)):
        burst = units[: days - 7] + [0] * (7 - run) + [4] * run
        frame = history.with_columns(pl.Series("units", burst))
        assert sale_evidence(frame, periods=7)["took_off"].to_list() == [took], run
    # of a year's 358 windows of 7 days, those holding none of the sales every 10 days
    windows = [sum(units[i - 6 : i + 1]) for i in range(days - 358, days)]
    assert math.isclose(row["none_share"], sum(w == 0 for w in windows) / 358)
    # a stockout on the 30 last days: their windows are left out, not counted as "none"
    censored = history.with_columns((pl.col("day") >= day[-30]).alias("censored"))
    (out,) = sale_evidence(censored, periods=7).rows(named=True)
    kept = [sum(units[i - 6 : i + 1]) for i in range(days - 358, days - 30)]
    assert math.isclose(out["none_share"], sum(w == 0 for w in kept) / len(kept))


def test_a_window_too_short_to_show_a_take_off_leaves_a_recent_seller_to_the_models() -> None:
    """Weekly, four weeks: a Christmas SKU selling in 14 weeks of 52 sells in all four with
    the chance 0.005, no take-off by the 1-in-1,000 test, and its year's windows were mostly
    empty: Online Retail's 22578 was forecast 0 over weeks it sold 9,272 units in."""
    weeks = [START + timedelta(weeks=i) for i in range(53)]
    sold = [1 if i < 4 or i >= 43 else 0 for i in range(53)]  # December, then September on
    history = pl.DataFrame({"sku": "STAR", "week_start": weeks, "units": [s * 300 for s in sold]})
    (row,) = sale_evidence(history, periods=4, freq=WEEK).rows(named=True)
    assert row["none_share"] > 0.5 and row["took_off"] is True
    quiet = history.with_columns(pl.Series("units", [s * 300 for s in sold[:43]] + [0] * 10))
    (row,) = sale_evidence(quiet, periods=4, freq=WEEK).rows(named=True)
    assert row["took_off"] is False  # none lately: the year's windows may speak
