"""Realised sales: expected demand drawn into individual order lines, split between channels."""

from __future__ import annotations

import numpy as np
import polars as pl

QUANTITIES = np.array([1, 2, 3, 4, 6])
QUANTITY_ODDS = np.array([0.78, 0.15, 0.05, 0.015, 0.005])
DAY_SHOCK = 0.12  # log-sd of the day-to-day swing every SKU shares (traffic, weather)


def sales_lines(expected: pl.DataFrame, plan: pl.DataFrame, *, seed: int = 7) -> pl.DataFrame:
    """One row per order line: date, sku, quantity (units), unit_price, compare_at_price (USD),
    promotion, channel (shopify / amazon). Sorted by date, then SKU order of ``expected``."""
    rng = np.random.default_rng([seed, 3])
    day_index = expected["date"].rank("dense").cast(pl.Int64).to_numpy() - 1
    shock = rng.lognormal(-(DAY_SHOCK**2) / 2, DAY_SHOCK, int(day_index.max()) + 1)
    counts = rng.poisson(expected["expected_lines"].to_numpy() * shock[day_index])
    lines = expected.drop("expected_lines")[np.repeat(np.arange(expected.height), counts)]
    share = lines.join(
        plan.select("sku", "amazon_share"), on="sku", how="left", maintain_order="left"
    )
    on_amazon = rng.random(lines.height) < share["amazon_share"].to_numpy()
    return lines.with_columns(
        quantity=pl.Series(rng.choice(QUANTITIES, lines.height, p=QUANTITY_ODDS)),
        channel=pl.Series(np.where(on_amazon, "amazon", "shopify")),
    )


def merge_same_sku(items: pl.DataFrame) -> pl.DataFrame:
    """One line per SKU within an order, as the stores' checkouts write it (quantities summed)."""
    others = [c for c in items.columns if c not in ("order_index", "sku", "quantity")]
    return items.group_by("order_index", "sku", maintain_order=True).agg(
        pl.col("quantity").sum(), *(pl.col(c).first() for c in others)
    )
