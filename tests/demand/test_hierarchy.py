"""Top-down: variants of one product forecast as the product, split by their recent mix."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from icebergops.demand.calendar import WEEK
from icebergops.demand.hierarchy import (
    product_history,
    products_from_orders,
    split_by_mix,
    variant_families,
    with_own_rate,
)

DAYS = [date(2024, 1, 1) + timedelta(days=i) for i in range(120)]


def history() -> pl.DataFrame:
    small = [1 if i % 10 == 0 else 0 for i in range(120)]
    large = [3 if i % 10 == 0 else 0 for i in range(120)]
    return pl.DataFrame(
        {
            "sku": ["HAT-S"] * 120 + ["HAT-L"] * 120 + ["MUG"] * 120,
            "day": DAYS * 3,
            "units": small + large + small,
        }
    )


def test_products_from_line_item_names() -> None:
    lines = pl.DataFrame(
        {"sku": ["HAT-S", "HAT-L", "MUG"], "title": ["Sun Hat - S", "Sun Hat - L", "Camp Mug"]}
    )
    assert products_from_orders(lines).sort("sku").rows() == [
        ("HAT-L", "Sun Hat"),
        ("HAT-S", "Sun Hat"),
        ("MUG", "Camp Mug"),
    ]


def test_only_products_with_several_variants_go_top_down() -> None:
    products = pl.DataFrame({"sku": ["HAT-S", "HAT-L", "MUG"], "product": ["hat", "hat", "mug"]})
    families = variant_families(history(), products).sort("sku")
    assert families.rows() == [
        ("HAT-L", "hat", True),
        ("HAT-S", "hat", True),
        ("MUG", "mug", False),
    ]
    totals = product_history(history(), families.filter(pl.col("top_down")))
    assert totals["units"].sum() == 48


def test_the_product_forecast_is_split_by_the_recent_mix() -> None:
    products = pl.DataFrame({"sku": ["HAT-S", "HAT-L"], "product": ["hat", "hat"]})
    families = variant_families(history().filter(pl.col("sku") != "MUG"), products)
    product_fc = pl.DataFrame(
        {"product": ["hat"], "day": [date(2024, 5, 1)], "forecast": [8.0], "model": ["AutoETS"]}
    )
    split = dict(
        split_by_mix(product_fc, history(), families).select("sku", "forecast").iter_rows()
    )
    assert split == pytest.approx({"HAT-S": 2.0, "HAT-L": 6.0})


def test_sparse_single_sku_products_are_pooled() -> None:
    rare = [1 if i % 30 == 0 else 0 for i in range(120)]
    busy = [2] * 120
    data = pl.DataFrame(
        {"sku": ["RARE"] * 120 + ["BUSY"] * 120, "day": DAYS * 2, "units": rare + busy}
    )
    families = dict(variant_families(data, None).select("sku", "product").iter_rows())
    assert families == {"RARE": "all sparse SKUs", "BUSY": "BUSY"}


def test_a_split_is_averaged_with_the_variants_own_recent_rate() -> None:
    # HAT-L sold 3 units on 2 of its last 28 days (6 / 28 a day); the split gave it 1.0 a day
    split = pl.DataFrame(
        {
            "sku": ["HAT-L", "HAT-L", "NEW"],
            "day": [date(2024, 4, 30), date(2024, 5, 1), date(2024, 4, 30)],
            "forecast": [1.0, 1.0, 0.5],
            "lo_80": [0.2, 0.2, 0.0],
            "hi_80": [1.8, 1.8, 1.0],
            "model": ["AutoETS (product total)"] * 3,
        }
    )
    mixed = with_own_rate(split, history()).sort("sku", "day")
    own = 6 / 28
    assert mixed["forecast"].to_list() == pytest.approx([(1 + own) / 2] * 2 + [0.5])
    # bounds keep their distance from the forecast, and a lower bound stays at zero or above
    assert mixed["hi_80"].to_list() == pytest.approx([(1 + own) / 2 + 0.8] * 2 + [1.0])
    assert mixed["lo_80"].to_list() == pytest.approx([0.0, 0.0, 0.0])
    assert mixed["model"][0] == "AutoETS (product total) + trailing 28-day average"


def test_a_variant_first_sold_on_the_last_day_has_sold_one_in_28_days() -> None:
    """Its own average over its one day would be one a day; its product has sold for 120 days,
    so its own rate counts the product's days (enavant's ENPT007BRL was forecast 14.5 units
    in 28 days this way, the store 27)."""
    late = pl.DataFrame({"sku": ["HAT-XL"], "day": [DAYS[-1]], "units": [1]})
    both = pl.concat([history(), late])
    families = pl.DataFrame({"sku": ["HAT-S", "HAT-L", "HAT-XL"], "product": ["HAT"] * 3})
    split = pl.DataFrame(
        {"sku": ["HAT-XL"], "day": [DAYS[-1] + timedelta(days=1)], "forecast": [0.0],
         "model": ["AutoETS (product total)"]}
    )  # fmt: skip
    alone = with_own_rate(split, both)["forecast"][0]
    assert alone == pytest.approx(0.5)  # (0 + 1 / 1) / 2: the old rule
    assert with_own_rate(split, both, families=families)["forecast"][0] == pytest.approx(1 / 56)


def _summed_by_polars(history: pl.DataFrame, families: pl.DataFrame, time: str) -> pl.DataFrame:
    joined = history.join(families.select("sku", "product"), on="sku")
    return joined.group_by("product", time).agg(pl.col("units").sum()).sort("product", time)


@pytest.mark.parametrize("aligned", [True, False])
def test_product_totals_are_the_group_sums_of_their_variants(aligned: bool) -> None:
    rng = np.random.default_rng(8)
    rows = [
        (f"s{i}", date(2026, 1, 5) + timedelta(days=7 * (start + w) + (0 if aligned else i % 3)),
         int(rng.integers(0, 9)))
        for i, start in enumerate(rng.integers(0, 20, 30).tolist())
        for w in range(int(rng.integers(1, 15)))
    ]  # fmt: skip
    history = pl.DataFrame(rows, schema=["sku", "week_start", "units"], orient="row")
    families = pl.DataFrame(
        {"sku": [f"s{i}" for i in range(0, 32, 2)],  # some SKUs in no family, s30 not sold
         "product": [f"P{i % 5}" for i in range(16)]}
    )  # fmt: skip
    summed = product_history(history, families, freq=WEEK)
    assert summed.height > 20
    assert_frame_equal(summed, _summed_by_polars(history, families, "week_start"), check_exact=True)
