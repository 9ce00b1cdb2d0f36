"""Planning per SKU and location: tables keyed by ``SKU @ location`` (the key of
:mod:`demand.series`), so that the per-SKU plan runs unchanged on them, and the plan split back.

Order lines without a location (Amazon's, FBA ones too: the per-SKU plan counts those against
the store's stock as well) are not dropped: they belong to the SKU's *home* location, the one
that shipped most of its units, else the one holding most of it on hand, else the store's main
location (the one that shipped most units). Purchase orders name no location: their open units
are incoming at the home location too.
"""

from __future__ import annotations

import polars as pl

from icebergops.demand.history import demand_lines
from icebergops.demand.series import SEPARATOR

BLANK = pl.col("location").str.strip_chars().fill_null("") == ""


def series_key(sku: str = "sku", location: str = "location") -> pl.Expr:
    """``SKU @ location``, the one key column the forecaster and the plan work on."""
    return pl.concat_str(sku, location, separator=SEPARATOR)


def stocked_rows(inventory: pl.DataFrame) -> pl.DataFrame:
    """Inventory rows of locations that stock the SKU (not ``not stocked``), with a location."""
    stocked = pl.col("stocked").fill_null(True) if "stocked" in inventory.columns else pl.lit(True)
    return inventory.filter(stocked & ~BLANK)


def main_location(order_lines: pl.DataFrame, inventory: pl.DataFrame) -> str | None:
    """The location that shipped most units (most units on hand where no line has one)."""
    shipped = (
        demand_lines(order_lines).filter(~BLANK).group_by("location").agg(pl.col("quantity").sum())
    )
    if shipped.is_empty():
        shipped = (
            stocked_rows(inventory)
            .group_by("location")
            .agg(pl.col("on_hand").sum().alias("quantity"))
        )
    ranked = shipped.sort(["quantity", "location"], descending=[True, False])
    return str(ranked["location"][0]) if ranked.height else None


def home_locations(order_lines: pl.DataFrame, inventory: pl.DataFrame) -> pl.DataFrame:
    """``sku, location``: where each SKU's units without a location are planned.

    >>> lines = pl.DataFrame({"sku": ["A", "A", "B", "C"], "location": ["X", "Y", None, "X"],
    ...     "quantity": [1, 3, 2, 9], "status": "fulfilled", "is_test": False, "order_date": 1})
    >>> stock = pl.DataFrame({"sku": ["B", "B"], "location": ["X", "Y"], "on_hand": [1, 5]})
    >>> home_locations(lines, stock).sort("sku").rows()
    [('A', 'Y'), ('B', 'Y'), ('C', 'X')]
    """
    first = ["sku", "units", "location"]
    shipped = (
        demand_lines(order_lines)
        .filter(~BLANK)
        .group_by("sku", "location")
        .agg(pl.col("quantity").sum().alias("units"))
        .sort(first, descending=[False, True, False])
        .unique("sku", keep="first")
    )
    held = (
        stocked_rows(inventory)
        .group_by("sku", "location")
        .agg(pl.col("on_hand").sum().alias("units"))
        .sort(first, descending=[False, True, False])
        .unique("sku", keep="first")
    )
    skus = pl.concat([order_lines.select("sku"), inventory.select("sku")]).unique().drop_nulls()
    main = main_location(order_lines, inventory)
    return (
        skus.join(shipped.select("sku", pl.col("location").alias("_sold")), on="sku", how="left")
        .join(held.select("sku", pl.col("location").alias("_held")), on="sku", how="left")
        .select("sku", pl.coalesce("_sold", "_held", pl.lit(main, pl.String)).alias("location"))
    )


def located_lines(order_lines: pl.DataFrame, home: pl.DataFrame) -> pl.DataFrame:
    """Order lines with a blank location filled with the SKU's home location."""
    homes = home.select("sku", pl.col("location").alias("_home"))
    return (
        order_lines.join(homes, on="sku", how="left")
        .with_columns(pl.when(BLANK).then(pl.col("_home")).otherwise("location").alias("location"))
        .drop("_home")
    )


def series_index(order_lines: pl.DataFrame, inventory: pl.DataFrame) -> pl.DataFrame:
    """``series, sku, location``: one row per SKU and location that sells or stocks it
    (``order_lines`` already :func:`located <located_lines>`)."""
    pairs = pl.concat(
        [
            order_lines.filter(~BLANK).select("sku", "location"),
            stocked_rows(inventory).select("sku", "location"),
        ]
    )
    return (
        pairs.drop_nulls()
        .unique()
        .select(series_key().alias("series"), "sku", "location")
        .sort("series")
    )


def by_series(frame: pl.DataFrame, index: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (keyed by SKU) once per location of each SKU, ``sku`` holding the series key.
    Rows without a SKU (a supplier's default terms) are kept as they are; SKUs in no series go."""
    keyed = frame.filter(pl.col("sku").is_not_null())
    expanded = keyed.join(index.select("series", "sku"), on="sku").with_columns(
        pl.col("series").alias("sku")
    )
    return pl.concat([frame.filter(pl.col("sku").is_null()), expanded.drop("series")])


def at_home(frame: pl.DataFrame, home: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (keyed by SKU) with ``sku`` the series key of the SKU's home location."""
    homes = home.select("sku", pl.col("location").alias("_home"))
    return (
        frame.join(homes, on="sku", how="left")
        .with_columns(series_key("sku", "_home").alias("sku"))
        .drop("_home")
    )


def split_series(plan: pl.DataFrame, index: pl.DataFrame) -> pl.DataFrame:
    """The plan keyed by series with ``sku`` and ``location`` first, instead of the key."""
    return (
        plan.rename({"sku": "series"})
        .join(index, on="series", how="left")
        .select("sku", "location", pl.exclude("series", "sku", "location"))
    )
