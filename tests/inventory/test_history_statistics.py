"""XYZ classes and demand quantiles from numpy over contiguous series, against the polars
group-bys they replaced (copied below as they were), on random histories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from icebergops.inventory.classes import xyz_classes
from icebergops.inventory.inputs import demand_quantiles

START = date(2025, 1, 1)


def group_by_xyz(history: pl.DataFrame, keys: Sequence[str] = ("sku",)) -> pl.DataFrame:
    """``xyz_classes`` before numpy (period_days 7, cuts 0.5 and 1.0)."""
    start = history.get_column("day").min()
    period = ((pl.col("day") - pl.lit(start)).dt.total_days() // 7).alias("_period")
    totals = (
        history.group_by(*keys, period)
        .agg(pl.col("units").sum().cast(pl.Float64).alias("_units"), pl.len().alias("_days"))
        .filter(pl.col("_days") == 7)
    )
    stats = totals.group_by(keys).agg(
        pl.len().alias("periods"),
        pl.col("_units").mean().alias("period_mean"),
        pl.when(pl.col("_units").mean() > 0)
        .then(pl.col("_units").std() / pl.col("_units").mean())
        .alias("demand_cv"),
    )
    cv = pl.col("demand_cv")
    classes = pl.when(cv.is_null()).then(pl.lit("Z")).when(cv < 0.5).then(pl.lit("X"))
    classes = classes.when(cv < 1.0).then(pl.lit("Y")).otherwise(pl.lit("Z"))
    return (
        history.select(keys)
        .unique()
        .join(stats, on=list(keys), how="left")
        .with_columns(pl.col("periods").fill_null(0), classes.alias("xyz_class"))
        .sort(keys)
    )


def group_by_quantiles(history: pl.DataFrame, protection: pl.DataFrame) -> pl.DataFrame:
    """``demand_quantiles`` before numpy (a year of 364 days)."""
    wanted = protection.select(
        "sku",
        pl.col("protection_days").ceil().cast(pl.Int64).alias("_w"),
        pl.col("service_level").alias("_level"),
    )
    last = history["day"].max()
    recent = history.filter(pl.col("day") > pl.lit(last) - pl.duration(days=364))
    w = pl.col("_w").first()
    cum = pl.col("units").sort_by("day").cum_sum()
    sums = (cum - cum.shift(w).fill_null(0)).slice(w - 1)
    at = (pl.col("_level").first() * (sums.len() - 1)).ceil().cast(pl.Int64)
    return (
        recent.join(wanted, on="sku")
        .group_by("sku")
        .agg(sums.sort().get(at, null_on_oob=True).cast(pl.Float64).alias("demand_quantile"))
        .filter(pl.col("demand_quantile").is_not_null())
    )


def random_history(seed: int, *, skus: int = 120, days: int = 420, floats: bool) -> pl.DataFrame:
    """Zero-filled daily demand, mostly intermittent, a third of the SKUs launched late; in
    random row order. Float units are what stockout censoring leaves (imputed rates)."""
    rng = np.random.default_rng(seed)
    first = np.where(rng.random(skus) < 0.3, rng.integers(0, days - 5, skus), 0)
    rate = np.repeat(rng.choice([0.05, 0.3, 2.0, 8.0], skus), days)
    units = rng.poisson(rate) * (rng.random(skus * days) < 0.6) * (1.37 if floats else 1)
    grid = pl.DataFrame(
        {
            "sku": np.repeat([f"s{i:03d}" for i in range(skus)], days),
            "day": np.tile(pl.date_range(START, START + timedelta(days - 1), eager=True), skus),
            "units": units,
            "_launched": np.tile(np.arange(days), skus) >= np.repeat(first, days),
        }
    )
    launched = grid.filter("_launched").drop("_launched")
    return launched.sample(fraction=1.0, shuffle=True, seed=seed)


@pytest.mark.parametrize(("seed", "floats"), [(1, False), (2, True), (3, False)])
def test_xyz_classes_match_the_group_by(seed: int, floats: bool) -> None:
    history = random_history(seed, floats=floats)
    old, new = group_by_xyz(history), xyz_classes(history)
    assert_frame_equal(old.select("sku", "periods"), new.select("sku", "periods"))
    # the group-by's standard deviation depends on row order in the last bits (it differs
    # between two runs of itself); the numpy one is a two-pass in day order
    numbers = pl.exclude("xyz_class")
    assert_frame_equal(old.select(numbers), new.select(numbers), rel_tol=1e-12, abs_tol=1e-12)
    # so a CV of exactly 0.5 or 1.0 could fall either side of the cut before
    cv = old["demand_cv"].fill_null(0.0)
    clear = ((cv - 0.5).abs() > 1e-9) & ((cv - 1.0).abs() > 1e-9)
    assert (old["xyz_class"] == new["xyz_class"]).filter(clear).all()


@pytest.mark.parametrize(("seed", "floats"), [(4, False), (5, True)])
def test_demand_quantiles_match_the_group_by_exactly(seed: int, floats: bool) -> None:
    history = random_history(seed, floats=floats)
    rng = np.random.default_rng(seed)
    skus = history["sku"].unique().sort()
    protection = pl.DataFrame(
        {
            "sku": skus,
            "protection_days": rng.uniform(0.2, 60.0, len(skus)),
            "service_level": rng.choice([0.5, 0.8, 0.95, 0.999], len(skus)),
        }
    ).head(-10)  # some SKUs are not wanted
    old = group_by_quantiles(history, protection).sort("sku")
    new = demand_quantiles(history, protection).sort("sku")
    assert old.height > 50
    assert_frame_equal(old, new, check_exact=True)


def test_several_levels_in_one_call_match_one_call_per_level() -> None:
    history = random_history(6, floats=False)
    rng = np.random.default_rng(6)
    skus = history["sku"].unique().sort()
    levels = {  # a quarter of each column missing (a SKU no plan wants a level for)
        f"level_{i}": pl.Series(rng.choice([0.5, 0.8, 0.95, np.nan], len(skus))).fill_nan(None)
        for i in range(3)
    }
    protection = pl.DataFrame(
        {"sku": skus, "protection_days": rng.uniform(0.2, 60.0, len(skus)), **levels}
    )
    together = demand_quantiles(history, protection, levels=list(levels))
    assert together.height > 50
    for name in levels:
        alone = demand_quantiles(
            history,
            protection.select("sku", "protection_days", pl.col(name).alias("service_level")),
        ).sort("sku")
        picked = together.select("sku", pl.col(name).alias("demand_quantile")).drop_nulls()
        assert alone.height < together.height  # the missing levels leave each column short
        assert_frame_equal(picked.sort("sku"), alone, check_exact=True)
