"""Yearly seasonality: last year's change into the weeks ahead, where it held before."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from icebergops.demand.yearly import apply_yearly, yearly_factors

START = date(2022, 1, 3)


def seasonal(
    days: int, *, peak: float = 3.0, years: tuple[int, ...] = (2022, 2023, 2024)
) -> pl.DataFrame:
    """Two SKUs of one category: 10 a day, ``peak`` times that from 1 Nov to 31 Dec of ``years``."""
    day = [START + timedelta(days=i) for i in range(days)]
    units = []
    for d in day:
        high = d.month in (11, 12) and d.year in years
        units.append(round(10 * (peak if high else 1.0)))
    return pl.DataFrame({"sku": ["A"] * days + ["B"] * days, "day": day * 2, "units": units * 2})


FAMILIES = pl.DataFrame(
    {"sku": ["A", "B"], "category": ["Gloves", "Gloves"], "product_type": [None, None]}
)


def until(history: pl.DataFrame, last: date) -> pl.DataFrame:
    return history.filter(pl.col("day") <= last)


def test_season_ahead_raises_the_level_by_last_years_change() -> None:
    # the history ends 20 Oct 2024: the next 28 days were, 52 weeks ago (23 Oct to 19 Nov
    # 2023), 9 days at 10 a day and 19 at 30 a day, against 10 a day before
    history = until(seasonal(1100), date(2024, 10, 20))
    factors = yearly_factors(history, FAMILIES, horizon=28)
    expected = (9 * 10 + 19 * 30) / (28 * 10)
    assert factors.sort("sku")["yearly_factor"].to_list() == pytest.approx([expected] * 2)


def test_no_factor_without_two_years_of_history() -> None:
    history = until(seasonal(1100), date(2023, 10, 20))  # 657 days
    assert yearly_factors(history, FAMILIES, horizon=28)["yearly_factor"].to_list() == [1.0, 1.0]


def test_no_factor_where_last_years_season_did_not_recur() -> None:
    # no peak in 2024: on 18 Oct, last year's factor (Nov 2023 coming) would have been wrong,
    # so the factor of 15 Nov (about 1.4 from 2023's weeks) is not used
    history = until(seasonal(1100, years=(2022, 2023)), date(2024, 11, 15))
    assert yearly_factors(history, FAMILIES, horizon=28)["yearly_factor"].to_list() == [1.0, 1.0]
    recurring = until(seasonal(1100), date(2024, 11, 15))
    assert yearly_factors(recurring, FAMILIES, horizon=28)["yearly_factor"][0] > 1.2


def test_flat_demand_gives_a_factor_of_one_or_none() -> None:
    history = until(seasonal(1100, peak=1.0), date(2024, 10, 20))
    factors = yearly_factors(history, FAMILIES, horizon=28)["yearly_factor"]
    assert factors.to_list() == pytest.approx([1.0, 1.0])


def test_forecast_and_bounds_are_scaled_and_the_factor_shown() -> None:
    forecast = pl.DataFrame(
        {"sku": ["A", "B"], "forecast": [2.0, 2.0], "lo_80": [1.0, 1.0], "hi_95": [4.0, 4.0]}
    )
    factors = pl.DataFrame({"sku": ["A"], "yearly_factor": [1.5]})
    scaled = apply_yearly(forecast, factors).sort("sku")
    assert scaled.rows() == [("A", 3.0, 1.5, 6.0, 1.5), ("B", 2.0, 1.0, 4.0, 1.0)]


def test_last_years_promotion_listed_in_events_is_not_counted_again() -> None:
    # flat demand, with a 4-day sale a year ago that lands in the weeks ahead then: it lifts
    # last year's weeks ahead, but events.csv lifts this year's sale by itself
    sale = pl.col("day").is_between(date(2023, 10, 30), date(2023, 11, 2))
    history = until(seasonal(1100, peak=1.0), date(2024, 10, 20)).with_columns(
        pl.when(sale).then(pl.col("units") * 3).otherwise(pl.col("units")).alias("units")
    )
    unlisted = yearly_factors(history, FAMILIES, horizon=28)["yearly_factor"]
    assert unlisted.to_list() == pytest.approx([(24 * 10 + 4 * 30) / 280] * 2)
    events = pl.DataFrame(
        {
            "name": ["Autumn sale 2023"],
            "start": [date(2023, 10, 30)],
            "end": [date(2023, 11, 2)],
            "scope": ["all"],
            "target": [None],
            "uplift_pct": [200.0],
        },
        schema_overrides={"target": pl.String},
    )
    listed = yearly_factors(history, FAMILIES, horizon=28, events=events)["yearly_factor"]
    assert listed.to_list() == pytest.approx([1.0, 1.0])
    in_gloves = events.with_columns(
        pl.lit("category").alias("scope"), pl.lit("Gloves").alias("target")
    )
    by_category = yearly_factors(history, FAMILIES, horizon=28, events=in_gloves)["yearly_factor"]
    assert by_category.to_list() == pytest.approx([1.0, 1.0])
