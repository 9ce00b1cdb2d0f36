"""Events lift the forecast on their days for the SKUs they name, or fix its units, and say so."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from icebergops.demand.calendar import WEEK
from icebergops.demand.events import apply_events, apply_fixed, unapplied_fixed, unmatched_events
from icebergops.demand.likely import most_likely

DAYS = [date(2026, 11, 26), date(2026, 11, 27)]
FORECAST = pl.DataFrame(
    {
        "sku": ["HAT-S", "HAT-S", "MUG", "MUG"],
        "day": DAYS * 2,
        "forecast": [10.0] * 4,
        "hi_80": [20.0] * 4,
    }
)
CATALOGUE = pl.DataFrame(
    {
        "sku": ["HAT-S", "MUG"],
        "product": ["hat", "mug"],
        "category": [None, None],
        "product_type": ["Headwear", "Drinkware"],
    }
)


def events(*rows: tuple[str, date, date, str, str | None, float]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["name", "start", "end", "scope", "target", "uplift_pct"], orient="row"
    )


def test_scopes_and_compounding() -> None:
    known = events(
        ("Black Friday", DAYS[1], DAYS[1], "all", None, 100.0),
        ("Hat week", DAYS[0], DAYS[1], "product", "hat", 50.0),
        ("Mug promo", DAYS[0], DAYS[0], "category", "Drinkware", 20.0),
    )
    got = apply_events(FORECAST, known, catalogue=CATALOGUE).sort("sku", "day")
    assert got["forecast"].to_list() == pytest.approx([15.0, 30.0, 12.0, 20.0])
    assert got["hi_80"].to_list() == pytest.approx([30.0, 60.0, 24.0, 40.0])
    assert got["events"].to_list() == [
        "Hat week",
        "Black Friday, Hat week",
        "Mug promo",
        "Black Friday",
    ]


def test_events_outside_the_days_or_for_unknown_targets() -> None:
    known = events(
        ("Old sale", date(2025, 1, 1), date(2025, 1, 2), "sku", "NOPE", 30.0),
        ("Typo", DAYS[0], DAYS[0], "category", "Drinkwear", 30.0),
    )
    assert apply_events(FORECAST, known, catalogue=CATALOGUE)["forecast"].to_list() == [10.0] * 4
    assert unmatched_events(FORECAST, known, CATALOGUE) == ["Typo"]


def test_a_week_is_lifted_by_the_mean_of_its_days() -> None:
    weekly = pl.DataFrame(
        {
            "product": ["hat", "hat", "mug"],
            "week_start": [date(2026, 11, 23), date(2026, 11, 30), date(2026, 11, 23)],
            "forecast": [70.0, 70.0, 70.0],
        }
    )
    known = events(
        # Friday to Monday: three days of the week of 23 Nov, one of the week of 30 Nov
        ("Black Friday", date(2026, 11, 27), date(2026, 11, 30), "product", "hat", 100.0),
        ("Hat SKU promo", date(2026, 11, 23), date(2026, 11, 29), "sku", "HAT-S", 50.0),
    )
    got = apply_events(weekly, known, catalogue=CATALOGUE, key="product", freq=WEEK)
    assert got["forecast"].to_list() == pytest.approx([100.0, 80.0, 70.0])
    # an event for one SKU says nothing about the product's total
    assert got["events"].to_list() == ["Black Friday", "Black Friday", None]
    assert unmatched_events(weekly, known, CATALOGUE, freq=WEEK) == []


def fixing(*rows: tuple[str, date, date, str, str, float]) -> pl.DataFrame:
    """Events that fix units (``units`` set, ``uplift_pct`` empty)."""
    return pl.DataFrame(
        [(*row[:5], None, row[5]) for row in rows],
        schema={
            "name": pl.String,
            "start": pl.Date,
            "end": pl.Date,
            "scope": pl.String,
            "target": pl.String,
            "uplift_pct": pl.Float64,
            "units": pl.Float64,
        },
        orient="row",
    )


FOUR = [date(2026, 12, d) for d in (1, 2, 3, 4)]
# two SKUs of one product
HATS = pl.DataFrame(
    {
        "sku": ["HAT-S", "HAT-L"],
        "product": ["hat", "hat"],
        "category": [None, None],
        "product_type": [None, None],
    }
)


def hat_days(forecast: list[float], sku: str = "HAT-S") -> pl.DataFrame:
    return pl.DataFrame(
        {"sku": [sku] * 4, "day": FOUR, "forecast": forecast, "hi_80": [2 * f for f in forecast]}
    )


def test_fixed_units_replace_the_forecast_in_its_shape() -> None:
    fair = fixing(("Trade fair", FOUR[0], FOUR[1], "sku", "HAT-S", 40.0))
    got = apply_fixed(hat_days([1.0, 3.0, 2.0, 2.0]), fair, catalogue=CATALOGUE)
    assert got["forecast"].to_list() == pytest.approx([10.0, 30.0, 2.0, 2.0])
    assert got["hi_80"].to_list() == pytest.approx([20.0, 60.0, 4.0, 4.0])  # moves with it
    assert got["fixed"].to_list() == [True, True, False, False]
    assert got["events"].to_list() == ["Trade fair", "Trade fair", None, None]
    # uplifts read only their own rows: a fixed event lifts nothing
    assert apply_events(hat_days([1.0] * 4), fair, catalogue=CATALOGUE)["forecast"].sum() == 4


def test_fixed_units_of_days_past_the_forecast_are_left_out() -> None:
    # 3 to 6 December: two of its four days are forecast, so half of the 40 units
    fair = fixing(("Fair", FOUR[2], date(2026, 12, 6), "sku", "HAT-S", 40.0))
    got = apply_fixed(hat_days([1.0, 1.0, 1.0, 3.0]), fair, catalogue=CATALOGUE)
    assert got["forecast"].to_list() == pytest.approx([1.0, 1.0, 5.0, 15.0])


def test_fixed_units_where_nothing_was_forecast_are_spread_evenly() -> None:
    launch = fixing(("Launch", FOUR[0], FOUR[3], "sku", "HAT-S", 8.0))
    got = apply_fixed(hat_days([0.0] * 4), launch, catalogue=CATALOGUE)
    assert got["forecast"].to_list() == pytest.approx([2.0] * 4)
    assert got["hi_80"].to_list() == pytest.approx([2.0] * 4)  # no model spread to scale


def test_a_products_fixed_units_are_split_over_its_skus() -> None:
    both = pl.concat([hat_days([1.0] * 4), hat_days([3.0] * 4, sku="HAT-L")])
    order = fixing(("Order", FOUR[0], FOUR[3], "product", "hat", 100.0))
    got = apply_fixed(both, order, catalogue=HATS)
    per_sku = dict(got.group_by("sku").agg(pl.col("forecast").sum()).rows())
    assert per_sku == pytest.approx({"HAT-S": 25.0, "HAT-L": 75.0})


def test_the_later_of_overlapping_fixed_events_counts() -> None:
    known = fixing(
        ("First guess", FOUR[0], FOUR[3], "sku", "HAT-S", 40.0),
        ("Confirmed", FOUR[0], FOUR[0], "sku", "HAT-S", 3.0),
    )
    got = apply_fixed(hat_days([1.0] * 4), known, catalogue=CATALOGUE)
    assert got["forecast"].to_list() == pytest.approx([3.0, 10.0, 10.0, 10.0])
    assert got["events"].to_list() == ["Confirmed", "First guess", "First guess", "First guess"]


def test_fixed_units_split_over_a_skus_locations() -> None:
    located = pl.concat(
        [
            hat_days([1.0] * 4).with_columns(pl.lit("East").alias("location")),
            hat_days([4.0] * 4).with_columns(pl.lit("West").alias("location")),
        ]
    )
    order = fixing(("Order", FOUR[0], FOUR[3], "sku", "HAT-S", 50.0))
    got = apply_fixed(located, order, catalogue=CATALOGUE, by=["sku", "location"])
    per_location = dict(got.group_by("location").agg(pl.col("forecast").sum()).rows())
    assert per_location == pytest.approx({"East": 10.0, "West": 40.0})


def test_a_week_keeps_the_forecast_of_its_days_outside_the_fixed_ones() -> None:
    weekly = pl.DataFrame(
        {
            "sku": ["HAT-S"] * 2,
            "week_start": [date(2026, 11, 23), date(2026, 11, 30)],
            "forecast": [70.0, 70.0],
        }
    )
    # Friday 27 to Monday 30 November: 3 days of the first week, 1 of the second
    known = fixing(("Pop-up", date(2026, 11, 27), date(2026, 11, 30), "sku", "HAT-S", 4.0))
    got = apply_fixed(weekly, known, catalogue=CATALOGUE, freq=WEEK)
    assert got["forecast"].to_list() == pytest.approx([70.0 - 30.0 + 3.0, 70.0 - 10.0 + 1.0])


def test_most_likely_keeps_a_fixed_series() -> None:
    """Under ln 2 units expected is "most likely none", unless the seller fixed the units."""
    small = fixing(("Sample order", FOUR[0], FOUR[0], "sku", "HAT-S", 0.5))
    fixed = apply_fixed(hat_days([0.01] * 4), small, catalogue=CATALOGUE)
    assert most_likely(fixed, by=["sku"])["forecast"].sum() == pytest.approx(0.53)
    assert most_likely(hat_days([0.01] * 4), by=["sku"])["forecast"].sum() == 0


def test_fixed_units_that_found_no_forecast_are_named() -> None:
    known = fixing(
        ("Fair", FOUR[0], FOUR[1], "sku", "HAT-S", 40.0),
        ("Launch", FOUR[0], FOUR[1], "sku", "MUG", 10.0),  # in the catalogue, never sold
        ("Last year", date(2025, 12, 1), date(2025, 12, 2), "sku", "MUG", 10.0),
    )
    got = apply_fixed(hat_days([1.0] * 4), known, catalogue=CATALOGUE)
    assert unapplied_fixed(got, known) == ["Launch"]


def test_a_skus_fixed_units_inside_its_products_take_their_days_from_the_product() -> None:
    both = pl.concat([hat_days([1.0] * 4), hat_days([3.0] * 4, sku="HAT-L")])
    known = fixing(
        ("Hat order", FOUR[0], FOUR[3], "product", "hat", 100.0),  # 25 to HAT-S, 75 to HAT-L
        ("Small hats", FOUR[0], FOUR[3], "sku", "HAT-S", 20.0),  # lower in the file: counts
    )
    got = apply_fixed(both, known, catalogue=HATS)
    per_sku = dict(got.group_by("sku").agg(pl.col("forecast").sum()).rows())
    assert per_sku == pytest.approx({"HAT-S": 20.0, "HAT-L": 75.0})
    # the other order: the product's event overrides the SKU's on all its days, no warning
    reverse = apply_fixed(both, known.reverse(), catalogue=HATS)
    assert reverse["forecast"].sum() == pytest.approx(100.0)
    assert unapplied_fixed(reverse, known.reverse(), catalogue=HATS) == []
