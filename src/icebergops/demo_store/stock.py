"""Stock on hand at the two warehouses on the export day, sized against recent demand.

Most SKUs hold 25-75 days of cover; some are low, a few out of stock (two oversold, negative),
half the slow movers are overstocked, discontinued SKUs are empty. Committed units are the open
Shopify orders; incoming units are the open purchase orders.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from icebergops.demo_store.geography import COLUMBUS, RENO
from icebergops.demo_store.products import LUSITANA, SUMMIT

RECENT_DAYS = 56
#: where each supplier's shipments land: Asian imports on the West Coast, the rest in the East
RECEIVING = {LUSITANA: COLUMBUS, SUMMIT: COLUMBUS}


def _recent_rates(orders: pl.DataFrame, lines: pl.DataFrame, end: date) -> pl.DataFrame:
    """Units a day per SKU and warehouse over the last 8 weeks (Shopify + Amazon merchant-fulfilled)."""
    since = end - timedelta(days=RECENT_DAYS - 1)
    shopify = orders.filter(pl.col("date") >= since).select("sku", "location", "quantity")
    merchant = lines.filter(pl.col("channel") == "amazon", pl.col("date") >= since, ~pl.col("fba"))
    both = pl.concat(
        [shopify, merchant.select("sku", pl.lit(COLUMBUS).alias("location"), "quantity")]
    )
    return both.group_by("sku", "location").agg(rate=pl.col("quantity").sum() / RECENT_DAYS)


def _cover_days(plan: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Days of cover per SKU: well stocked, low, out, overstocked (slow movers), empty (discontinued)."""
    draw, count = pl.Series(rng.random(plan.height)), plan.height
    well, low = pl.Series(rng.uniform(25, 75, count)), pl.Series(rng.uniform(2, 8, count))
    over, slow = pl.Series(rng.uniform(120, 200, count)), pl.Series(rng.uniform(200, 500, count))
    cover = (
        pl.when(pl.col("discontinued_date").is_not_null())
        .then(0.0)
        .when(pl.col("slow_mover") & (draw < 0.5))
        .then(slow)
        .when(pl.col("slow_mover"))
        .then(pl.lit(90.0))
        .when(draw < 0.08)
        .then(0.0)
        .when(draw < 0.22)
        .then(low)
        .when(draw < 0.30)
        .then(over)
        .otherwise(well)
    )
    discontinued = pl.col("discontinued_date").is_not_null()
    return plan.select(
        "sku", "stocked_in_reno", discontinued.alias("discontinued"), cover.alias("cover_days")
    )


def _committed(orders: pl.DataFrame) -> pl.DataFrame:
    still_to_ship = (pl.col("line_fulfillment_status") == "pending") & pl.col(
        "cancelled_at"
    ).is_null()
    return (
        orders.filter(still_to_ship)
        .group_by("sku", "location")
        .agg(committed=pl.col("quantity").sum())
    )


def _incoming(purchase_orders: pl.DataFrame, plan: pl.DataFrame) -> pl.DataFrame:
    """Units on open purchase orders, at the warehouse they will land in."""
    lands = pl.col("supplier").replace_strict(RECEIVING, default=RENO)
    location = pl.when(pl.col("stocked_in_reno")).then(lands).otherwise(pl.lit(COLUMBUS))
    return (
        purchase_orders.filter(pl.col("received_date").is_null())
        .join(plan.select("sku", "stocked_in_reno"), on="sku", maintain_order="left")
        .group_by("sku", location.alias("location"), maintain_order=True)
        .agg(incoming=pl.col("quantity_ordered").sum())
    )


def _oversold(rng: np.random.Generator, count: int) -> pl.Expr:
    """Two out-of-stock SKUs sold one or two units more than Reno held: on hand -1 and -2."""
    candidate = (pl.col("cover_days") == 0) & ~pl.col("discontinued") & pl.col("stocked")
    key = pl.when(candidate & (pl.col("location") == RENO)).then(pl.Series(rng.random(count)))
    return key.rank("ordinal").cast(pl.Int64)


def _bin_name(position: pl.Expr) -> pl.Expr:
    """``C-03-11``: aisle and shelf in the Columbus warehouse, twelve SKUs a shelf run."""
    aisle = (position // 12 + 1).cast(pl.String).str.zfill(2)
    return pl.format("C-{}-{}", aisle, (position % 12 + 1).cast(pl.String).str.zfill(2))


def _demand_and_flows(
    plan: pl.DataFrame,
    orders: pl.DataFrame,
    lines: pl.DataFrame,
    purchase_orders: pl.DataFrame,
    end: date,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Per SKU × warehouse: cover days, recent rate (units/day), committed and incoming units."""
    fba = lines.join(plan.select("sku", "fba"), on="sku", how="left", maintain_order="left")
    warehouses = pl.DataFrame({"location": [COLUMBUS, RENO]})
    keys = ["sku", "location"]
    return (
        _cover_days(plan, rng)
        .join(warehouses, how="cross", maintain_order="left_right")
        .join(_recent_rates(orders, fba, end), on=keys, how="left", maintain_order="left")
        .join(_committed(orders), on=keys, how="left", maintain_order="left")
        .join(_incoming(purchase_orders, plan), on=keys, how="left", maintain_order="left")
        .with_columns(pl.col("rate", "committed", "incoming").fill_null(0))
        .with_columns(stocked=pl.col("stocked_in_reno") | (pl.col("location") == COLUMBUS))
    )


def _on_hand(count: int, rng: np.random.Generator) -> pl.Expr:
    """Rate × cover days (at least 1-3 units unless empty); two oversold rows; 0 if unstocked."""
    cover = (pl.col("rate") * pl.col("cover_days")).round(0).cast(pl.Int64)
    floor = pl.when(pl.col("cover_days") > 0).then(pl.Series(rng.integers(1, 4, count)))
    oversold = _oversold(rng, count)
    held = pl.when(oversold <= 2).then(-oversold).otherwise(pl.max_horizontal(cover, floor))
    return pl.when("stocked").then(held).otherwise(0)


STOCK_COLUMNS = [
    "sku",
    "location",
    "stocked",
    "bin_name",
    "incoming",
    "unavailable",
    "committed",
    "available",
    "on_hand",
]


def stock_levels(
    plan: pl.DataFrame,
    orders: pl.DataFrame,
    lines: pl.DataFrame,
    purchase_orders: pl.DataFrame,
    *,
    end: date,
    seed: int = 7,
) -> pl.DataFrame:
    """One row per SKU per warehouse: sku, location, stocked, bin_name, incoming, unavailable,
    committed, available (= on hand - committed - unavailable) and on_hand, in units."""
    rng = np.random.default_rng([seed, 8])
    rows = _demand_and_flows(plan, orders, lines, purchase_orders, end, rng)
    damaged = pl.Series(
        np.where(rng.random(rows.height) < 0.04, rng.integers(1, 3, rows.height), 0)
    )
    columbus_row = pl.int_range(pl.len()) // 2
    return (
        rows.with_columns(on_hand=_on_hand(rows.height, rng))
        .with_columns(
            unavailable=pl.when(pl.col("on_hand") >= 3).then(damaged).otherwise(0),
            bin_name=pl.when(pl.col("location") == COLUMBUS).then(_bin_name(columbus_row)),
        )
        .with_columns(available=pl.col("on_hand") - pl.col("committed") - pl.col("unavailable"))
        .select(STOCK_COLUMNS)
    )
