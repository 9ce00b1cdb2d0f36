"""Planning per SKU and location: where units without a location go, and that none are lost."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from icebergops.cli.locations import plan_locations
from icebergops.cli.pipeline import StoreFiles, plan_store, read_store
from icebergops.config import Config
from icebergops.demo_store import generate_demo_store
from icebergops.inventory.locations import home_locations, located_lines, split_series
from icebergops.inventory.restock import RestockSettings

DAY = date(2026, 3, 2)


def _lines(sku: list[str], location: list[str | None], quantity: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"sku": sku, "location": location, "quantity": quantity, "status": "fulfilled",
         "is_test": False, "order_date": DAY}
    )  # fmt: skip


def test_units_without_a_location_go_to_the_sku_home() -> None:
    lines = _lines(["A", "A", "A", "B", "C"], ["X", "Y", None, " ", "X"], [1, 3, 2, 4, 9])
    stock = pl.DataFrame(
        {"sku": ["B", "B", "D"], "location": ["X", "Y", "Y"], "on_hand": [1, 5, 2],
         "stocked": [True, True, True]}
    )  # fmt: skip
    home = home_locations(lines, stock)
    expected = pl.DataFrame({"sku": ["A", "B", "C", "D"], "location": ["Y", "Y", "X", "Y"]})
    assert_frame_equal(home.sort("sku"), expected)
    located = located_lines(lines, home)
    assert located["location"].to_list() == ["X", "Y", "Y", "Y", "X"]
    assert located["quantity"].sum() == lines["quantity"].sum()


def test_split_series_puts_sku_and_location_first() -> None:
    index = pl.DataFrame({"series": ["A @ X"], "sku": ["A"], "location": ["X"]})
    plan = pl.DataFrame({"sku": ["A @ X"], "order_quantity": [6]})
    assert split_series(plan, index).rows() == [("A", "X", 6)]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> object:
    store = generate_demo_store(tmp_path_factory.mktemp("demo"))
    files = StoreFiles(
        [store["shopify_orders"], store["amazon_orders"]],
        [store["shopify_inventory"]],
        [store["shopify_products"]],
        store["suppliers"],
        store["purchase_orders"],
    )
    return read_store(files, config=Config())


def test_demand_over_locations_adds_up_to_demand_per_sku(tables: object, tmp_path: Path) -> None:
    from icebergops.cli.pipeline import Tables

    assert isinstance(tables, Tables)
    settings = RestockSettings()
    per_sku = plan_store(tables, settings=settings)
    located = plan_locations(tables, settings=settings)
    sold = per_sku.history.group_by("sku").agg(pl.col("units_observed").sum())
    summed = located.history.group_by("sku").agg(pl.col("units_observed").sum())
    assert_frame_equal(sold.sort("sku"), summed.sort("sku"))
    stock = located.plan.group_by("sku").agg(pl.col("on_hand", "incoming").sum())
    pooled = per_sku.plan.select("sku", "on_hand", "incoming")
    assert_frame_equal(stock.sort("sku"), pooled.sort("sku"), check_dtypes=False)
