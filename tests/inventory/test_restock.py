"""Several restock plans at once (the policy backtest's service-level sweep) against one each."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from icebergops.inventory.restock import RestockSettings, restock_plan, restock_plans

TODAY = date(2026, 6, 30)


def store() -> dict[str, object]:
    """Four SKUs over 200 days: two steady sellers, one intermittent, one lumpy; a 30-day
    forecast at each SKU's recent mean with bands from its spread."""
    rng = np.random.default_rng(3)
    days = [TODAY - timedelta(days=199 - d) for d in range(200)]
    units = {
        "steady-a": rng.poisson(6, 200),
        "steady-b": rng.poisson(2, 200),
        "sparse": rng.poisson(0.2, 200),
        "lumpy": rng.poisson(0.05, 200) * 12,
    }
    history = pl.DataFrame(
        {
            "sku": [s for s in units for _ in days],
            "day": days * len(units),
            "units": np.concatenate(list(units.values())),
        }
    )
    classes = {
        "steady-a": "smooth",
        "steady-b": "smooth",
        "sparse": "intermittent",
        "lumpy": "lumpy",
    }
    ahead = [TODAY + timedelta(days=d) for d in range(1, 31)]
    rows = []
    for sku, sold in units.items():
        level, spread = float(sold[-28:].mean()), float(sold[-28:].std())
        for day in ahead:
            rows.append((sku, day, level, level + 1.28 * spread, classes[sku]))
    forecast = pl.DataFrame(
        rows, schema=["sku", "day", "forecast", "hi_80", "demand_class"], orient="row"
    ).with_columns(pl.lit("WindowAverage").alias("model"))
    sold = history.group_by("sku").agg(pl.col("units").sum())
    prices = sold.with_columns(pl.lit(20.0).alias("price")).with_columns(
        (pl.col("units") * 20.0).alias("revenue")
    )
    supply = pl.DataFrame(
        {
            "sku": list(units),
            "supplier": ["north", "north", "south", "south"],
            "unit_cost": [8.0, 5.0, 12.0, 30.0],
            "case_pack": [6, 1, 1, 12],
            "moq": [0, 0, 0, 0],
            "lead_time_days": [10.0, 21.0, 14.0, 28.0],
            "lead_time_std_days": [2.0, 4.0, 0.0, 5.0],
        }
    )
    stock = pl.DataFrame(
        {"sku": list(units), "on_hand": [30, 5, 1, 0], "committed": [0] * 4, "incoming": [0] * 4}
    )
    titles = pl.DataFrame({"sku": list(units), "title": [f"Item {s}" for s in units]})
    return {"history": history, "forecast": forecast, "prices": prices, "stock": stock,
            "supply": supply, "titles": titles, "today": TODAY}  # fmt: skip


def test_each_variant_is_the_plan_of_its_own_settings() -> None:
    given = store()
    base = RestockSettings()
    variants = {
        "flat 80%": replace(base, service_level=0.8),
        "flat 98%": replace(base, service_level=0.98),
        "by class": replace(base, service_levels={"AX": 0.99, "CZ": 0.6}),
        "budget": replace(base, budget=150.0),
    }
    plans = restock_plans(**given, variants=variants)  # type: ignore[arg-type]
    assert list(plans) == list(variants)
    for name, settings in variants.items():
        alone = restock_plan(**given, settings=settings)  # type: ignore[arg-type]
        assert_frame_equal(plans[name], alone)
    # the sweep is not one plan four times: service levels move the levels, the budget the orders
    low, high = plans["flat 80%"]["order_up_to"], plans["flat 98%"]["order_up_to"]
    assert (high >= low).all() and (high > low).any()
    assert plans["budget"]["order_value"].sum() <= 150.0 < plans["flat 98%"]["order_value"].sum()


def test_variants_must_share_the_protection_period() -> None:
    given = store()
    variants = {"weekly": RestockSettings(), "fortnightly": RestockSettings(review_days=14)}
    with pytest.raises(ValueError, match="review_days"):
        restock_plans(**given, variants=variants)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no settings"):
        restock_plans(**given, variants={})  # type: ignore[arg-type]
