"""Events lift the forecast on their days for the SKUs they name, and say so."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from icebergops.demand.calendar import WEEK
from icebergops.demand.events import apply_events, unmatched_events

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
