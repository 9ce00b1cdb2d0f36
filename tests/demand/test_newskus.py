"""New SKUs start from what their category siblings sell, moving to their own rate with time."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from icebergops.demand.forecast import forecast_demand
from icebergops.demand.newskus import METHOD, start_from_siblings

LAST = date(2024, 6, 30)


def days(count: int) -> list[date]:
    return [LAST - timedelta(days=count - 1 - i) for i in range(count)]


def history(new_units: list[int]) -> pl.DataFrame:
    """Two established boots selling 2 and 4 a day for 200 days, a hat, and a new boot."""
    old = days(200)
    return pl.DataFrame(
        {
            "sku": ["BOOT-1"] * 200
            + ["BOOT-2"] * 200
            + ["HAT"] * 200
            + ["BOOT-NEW"] * len(new_units),
            "day": old * 3 + days(len(new_units)),
            "units": [2] * 200 + [4] * 200 + [9] * 200 + new_units,
        }
    )


FAMILIES = pl.DataFrame(
    {
        "sku": ["BOOT-1", "BOOT-2", "HAT", "BOOT-NEW"],
        "product": ["BOOT-1", "BOOT-2", "HAT", "BOOT-NEW"],
        "category": ["Boots", "Boots", "Hats", None],
        "product_type": [None, None, None, "Boots"],  # the category unknown: the type stands in
    }
)


def flat(sku: str, rate: float, model: str = "trailing 28-day average") -> pl.DataFrame:
    return pl.DataFrame(
        {
            "sku": [sku] * 3,
            "day": [LAST + timedelta(days=i) for i in (1, 2, 3)],
            "forecast": [rate] * 3,
            "model": [model] * 3,
            "method": ["per SKU"] * 3,
        }
    )


def test_new_sku_blends_its_own_rate_with_its_siblings_by_days_of_history() -> None:
    # 28 days at 10 a day: half its own 10, half the boots' mean of 2 and 4 = 3 → 6.5
    blended = start_from_siblings(
        flat("BOOT-NEW", 10.0),
        history([10] * 28),
        FAMILIES,
        new=pl.Series(["BOOT-NEW"]),
        established=pl.Series(["BOOT-1", "BOOT-2", "HAT"]),
    )
    assert blended["forecast"].to_list() == pytest.approx([6.5] * 3)
    assert set(blended["method"]) == {METHOD}
    assert blended["model"][0] == "50% own 28-day average + 50% average of 2 SKUs in Boots"


def test_more_days_of_its_own_weigh_more() -> None:
    def rate(own_days: int) -> float:
        return start_from_siblings(
            flat("BOOT-NEW", 10.0),
            history([10] * own_days),
            FAMILIES,
            new=pl.Series(["BOOT-NEW"]),
            established=pl.Series(["BOOT-1", "BOOT-2"]),
        )["forecast"][0]

    assert 3.0 < rate(7) < rate(28) < rate(84) < 10.0


@pytest.mark.parametrize("catalogue", ["no category", "no catalogue"])
def test_a_new_sku_without_siblings_starts_from_the_whole_store(catalogue: str) -> None:
    """No category to learn from (or no products export at all): the store's established SKUs
    (2 and 4 a day) stand in; 28 own days of 10 weigh half: 0.5 x 10 + 0.5 x 3."""
    lonely = FAMILIES.with_columns(pl.lit(None, pl.String).alias("product_type"))
    blended = start_from_siblings(
        flat("BOOT-NEW", 10.0),
        history([10] * 28),
        lonely if catalogue == "no category" else None,
        new=pl.Series(["BOOT-NEW"]),
        established=pl.Series(["BOOT-1", "BOOT-2"]),
    )
    assert blended["forecast"].to_list() == [6.5] * 3
    assert blended["model"][0] == "50% own 28-day average + 50% average of 2 SKUs in the store"
    assert blended["method"][0] == METHOD


def test_a_new_sku_keeps_its_own_forecast_where_no_sku_is_established() -> None:
    forecast = flat("BOOT-NEW", 10.0)
    kept = start_from_siblings(
        forecast,
        history([10] * 28),
        None,
        new=pl.Series(["BOOT-NEW"]),
        established=pl.Series([], dtype=pl.String),
    )
    assert kept.equals(forecast)


def test_established_skus_are_untouched() -> None:
    forecast = pl.concat([flat("BOOT-1", 2.5, "AutoETS"), flat("BOOT-NEW", 10.0)])
    blended = start_from_siblings(
        forecast,
        history([10] * 28),
        FAMILIES,
        new=pl.Series(["BOOT-NEW"]),
        established=pl.Series(["BOOT-1", "BOOT-2"]),
    )
    assert blended.filter(pl.col("sku") == "BOOT-1").equals(
        forecast.filter(pl.col("sku") == "BOOT-1")
    )


def test_forecast_demand_flags_new_skus_it_blends() -> None:
    units = [1, 0, 0] * 10  # sells on a third of its 30 days: not pooled with the sparse SKUs
    result = forecast_demand(history(units), horizon=14, products=FAMILIES)
    methods = dict(result.group_by("sku").agg(pl.col("method").first()).iter_rows())
    assert methods["BOOT-NEW"] == METHOD
    assert methods["BOOT-1"] != METHOD
    # 30 days: 52% of its own last 28 days' average, 48% of the boots' 3 a day
    own, siblings, weight = sum(units[-28:]) / 28, 3.0, 30 / 58
    expected = weight * own + (1 - weight) * siblings
    new = result.filter(pl.col("sku") == "BOOT-NEW")["forecast"]
    assert new.to_list() == pytest.approx([expected] * 14)
    # its bounds moved with it: its own spread around its trailing average, where a day with
    # a sale lies 1 - 9/28 from it, and more than 20% of the days do
    rows = result.filter(pl.col("sku") == "BOOT-NEW")
    assert (rows["hi_80"] - rows["forecast"]).to_list() == pytest.approx([1 - own] * 14)
    assert (rows["lo_80"] <= rows["forecast"]).all() and (rows["lo_80"] >= 0).all()


def test_bounds_keep_their_distance_from_the_blend_even_where_cut_at_zero() -> None:
    # own rate 1 a day with a spread of 2 (its lower bound was cut at 0); the blend is 2
    forecast = flat("BOOT-NEW", 1.0).with_columns(
        pl.lit(0.0).alias("lo_80"), pl.lit(3.0).alias("hi_80")
    )
    blended = start_from_siblings(
        forecast,
        history([1] * 28),
        FAMILIES,
        new=pl.Series(["BOOT-NEW"]),
        established=pl.Series(["BOOT-1", "BOOT-2", "HAT"]),
    )
    assert blended["forecast"].to_list() == pytest.approx([2.0] * 3)
    assert blended["hi_80"].to_list() == pytest.approx([4.0] * 3)
    assert blended["lo_80"].to_list() == pytest.approx([0.0] * 3)  # 2 - 2, not 0 + 1
    forecast = forecast.with_columns(pl.lit(4.0).alias("hi_80"))  # a spread of 3: 2 - 3 < 0
    blended = start_from_siblings(
        forecast,
        history([1] * 28),
        FAMILIES,
        new=pl.Series(["BOOT-NEW"]),
        established=pl.Series(["BOOT-1", "BOOT-2", "HAT"]),
    )
    assert blended["lo_80"].to_list() == pytest.approx([0.0] * 3)
