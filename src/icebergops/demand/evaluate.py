"""Backtest the chosen forecasts against the baselines a seller would otherwise use.

Rolling origin: for each of the last ``origins`` horizons, every method sees the history up to the
cut-off only and forecasts the next ``horizon`` days; errors are then scored per day and on the
horizon total per SKU (what a purchase order is sized on).
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from icebergops.demand.accuracy import naive_scales, score
from icebergops.demand.engines import LOCAL, Engine
from icebergops.demand.forecast import baseline_forecasts, forecast_demand

CHOSEN = "icebergops (chosen per SKU)"
BASELINES = {
    "Naive": "naive (last day)",
    "SeasonalNaive": "seasonal naive (same weekday last week)",
    "WindowAverage": "trailing 28-day average",
    "AutoETS": "AutoETS on every SKU",
}


def backtest(
    history: pl.DataFrame,
    *,
    horizon: int = 28,
    origins: int = 3,
    season_length: int = 7,
    products: pl.DataFrame | None = None,
    engine: Engine = LOCAL,
) -> pl.DataFrame:
    """Forecasts of every method at every origin next to the actual units (long format)."""
    last = history["day"].max()
    frames = []
    for back in range(origins, 0, -1):
        cutoff = last - timedelta(days=back * horizon)  # type: ignore[operator]
        train = history.filter(pl.col("day") <= cutoff)
        eligible = train.group_by("sku").agg(pl.len().alias("n")).filter(pl.col("n") >= 3 * horizon)
        train = train.join(eligible.select("sku"), on="sku")
        if train.is_empty():
            continue
        actual = history.filter(
            (pl.col("day") > cutoff) & (pl.col("day") <= cutoff + timedelta(days=horizon))
        )
        if "censored" in actual.columns:  # stockout days: what demand was is unknown
            actual = actual.filter(~pl.col("censored"))
        actual = actual.select("sku", "day", "units")
        chosen = forecast_demand(
            train, horizon=horizon, season_length=season_length, products=products, engine=engine
        ).select("sku", "day", "forecast", pl.lit(CHOSEN).alias("model"))
        methods = pl.concat(
            [
                chosen,
                baseline_forecasts(
                    train,
                    horizon=horizon,
                    season_length=season_length,
                    names=BASELINES,
                    engine=engine,
                ),
            ],
            how="vertical_relaxed",
        )
        frames.append(
            methods.join(actual, on=["sku", "day"], how="inner").with_columns(
                pl.lit(cutoff).alias("cutoff")
            )
        )
    return pl.concat(frames)


def horizon_totals(results: pl.DataFrame) -> pl.DataFrame:
    """Units and forecast summed per SKU, method and origin: what a purchase order is sized on."""
    return results.group_by("sku", "model", "cutoff").agg(pl.col("units", "forecast").sum())


def accuracy_table(results: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """Overall WAPE, bias, MASE and RMSSE per method, per day and on the horizon total."""
    scales = naive_scales(history)
    daily = score(results, scales, by=("model",))
    totals = horizon_totals(results)
    horizon = score(totals.with_columns(pl.col("cutoff").alias("day")), scales, by=("model",))
    return daily.join(
        horizon.select(
            "model", pl.col("wape").alias("wape_horizon"), pl.col("bias").alias("bias_horizon")
        ),
        on="model",
    ).sort("wape_horizon")


def per_sku_accuracy(results: pl.DataFrame) -> pl.DataFrame:
    """Horizon-total WAPE per SKU and method (a wide table: one column per method)."""
    per_sku = (
        horizon_totals(results)
        .group_by("sku", "model")
        .agg(
            ((pl.col("forecast") - pl.col("units")).abs().sum() / pl.col("units").sum()).alias(
                "wape"
            )
        )
    )
    return per_sku.pivot(on="model", index="sku", values="wape").sort("sku")
