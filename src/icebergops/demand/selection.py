"""Choosing among the models' validation forecasts, per series, and combining the best few.

A purchase order is sized on the horizon total, so models are ranked by how close their horizon
totals came to the actual totals over the validation windows; intervals are conformal, from the
absolute errors per period of the best model.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

COMBINE = 3  # the forecast is the mean of the best few: one model's luck on 2 windows is noise
LEVELS = (80, 95)


def select_models(validation: pl.DataFrame, models: Sequence[str]) -> pl.DataFrame:
    """Per series, the model whose horizon totals were closest to the actual totals over the
    validation windows (a purchase order is sized on the total, not on single days), and the
    80/95% quantiles of its absolute errors per period (for conformal intervals)."""
    long = validation.unpivot(
        index=["unique_id", "ds", "cutoff", "y"],
        on=list(models),
        variable_name="model",
        value_name="fc",
    ).with_columns(pl.col("fc").clip(lower_bound=0))
    errors = long.with_columns((pl.col("fc") - pl.col("y")).abs().alias("abs_error"))
    quantiles = errors.group_by("unique_id", "model").agg(
        pl.col("abs_error").mean().alias("mae"),
        *(pl.col("abs_error").quantile(level / 100).alias(f"q{level}") for level in LEVELS),
    )
    totals = (
        long.group_by("unique_id", "model", "cutoff")
        .agg((pl.col("fc").sum() - pl.col("y").sum()).abs().alias("total_error"))
        .group_by("unique_id", "model")
        .agg(pl.col("total_error").mean())
    )
    ranked = quantiles.join(totals, on=["unique_id", "model"])
    return (
        ranked.sort("unique_id", "total_error", "mae", "model")
        .group_by("unique_id", maintain_order=True)
        .head(COMBINE)
    )


def pick_models(ahead: pl.DataFrame, chosen: pl.DataFrame, models: Sequence[str]) -> pl.DataFrame:
    """Mean of the chosen models' forecasts per period; bounds from the best model's errors."""
    long = ahead.unpivot(
        index=["unique_id", "ds"], on=list(models), variable_name="model", value_name="fc"
    )
    picked = long.join(chosen, on=["unique_id", "model"], how="inner")
    combined = picked.group_by("unique_id", "ds", maintain_order=True).agg(
        pl.col("fc").clip(lower_bound=0).mean().alias("forecast"),
        *(pl.col(f"q{level}").first() for level in LEVELS),
        pl.col("model").str.join(" + ").alias("model"),
    )
    point = pl.col("forecast")
    return combined.select(
        "unique_id",
        "ds",
        point,
        *(
            expr
            for level in LEVELS
            for expr in (
                (point - pl.col(f"q{level}")).clip(lower_bound=0).alias(f"lo_{level}"),
                (point + pl.col(f"q{level}")).alias(f"hi_{level}"),
            )
        ),
        "model",
    )
