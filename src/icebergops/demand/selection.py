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
TIE = 1e-9  # relative: squared errors closer than this are equal


def by_model(wide: pl.DataFrame, models: Sequence[str]) -> pl.DataFrame:
    """statsforecast's one column per model as rows: ``model, fc`` beside the other columns."""
    index = [c for c in wide.columns if c not in models]
    return wide.unpivot(index=index, on=list(models), variable_name="model", value_name="fc")


def select_models(validation: pl.DataFrame, models: Sequence[str]) -> pl.DataFrame:
    """Per series, the model whose horizon totals were closest to the actual totals over the
    validation windows (a purchase order is sized on the total, not on single days), and the
    80/95% quantiles of its absolute errors per period (for conformal intervals)."""
    long = by_model(validation, models).with_columns(pl.col("fc").clip(lower_bound=0))
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
    # errors equal to 9 decimals are a tie, broken by name: float noise (another engine, another
    # machine) must not reorder the models, nor change the bounds taken from the best one
    return (
        ranked.sort("unique_id", pl.col("total_error").round(9), pl.col("mae").round(9), "model")
        .group_by("unique_id", maintain_order=True)
        .head(COMBINE)
    )


def flat_shape(validation: pl.DataFrame, chosen: pl.DataFrame, models: Sequence[str]) -> pl.Series:
    """Series whose combined forecast, spread evenly over each validation horizon, came closer
    day by day (squared error) than its own shape: same horizon totals, less noise from models
    that guessed which day the few sales fall on."""
    picked = by_model(validation, models).join(
        chosen.select("unique_id", "model"), on=["unique_id", "model"]
    )
    daily = picked.group_by("unique_id", "cutoff", "ds").agg(
        pl.col("fc").clip(lower_bound=0).mean(), pl.col("y").first()
    )
    flat = pl.col("fc").mean().over("unique_id", "cutoff")
    errors = daily.group_by("unique_id").agg(
        ((pl.col("fc") - pl.col("y")) ** 2).sum().alias("shaped"),
        ((flat - pl.col("y")) ** 2).sum().alias("flat"),
    )
    # a forecast flat already ties with itself: rounding must not decide (nor rename it)
    return errors.filter(pl.col("flat") < pl.col("shaped") * (1 - TIE))["unique_id"]


def pick_models(
    ahead: pl.DataFrame,
    chosen: pl.DataFrame,
    models: Sequence[str],
    flat: pl.Series | None = None,
) -> pl.DataFrame:
    """Mean of the chosen models' forecasts per period; bounds from the best model's errors.
    Series in ``flat`` (see :func:`flat_shape`) get their horizon's mean in every period."""
    long = by_model(ahead, models)
    # chosen lists each series' models best first: the bounds and the name follow that rank
    ranked = chosen.with_columns(pl.int_range(pl.len()).over("unique_id").alias("rank"))
    picked = long.join(ranked, on=["unique_id", "model"], how="inner")
    combined = picked.group_by("unique_id", "ds", maintain_order=True).agg(
        pl.col("fc").clip(lower_bound=0).mean().alias("forecast"),
        *(pl.col(f"q{level}").sort_by("rank").first() for level in LEVELS),
        pl.col("model").sort_by("rank").str.join(" + ").alias("model"),
    )
    if flat is not None and not flat.is_empty():
        even = pl.col("unique_id").is_in(flat.implode())
        combined = combined.with_columns(
            pl.when(even)
            .then(pl.col("forecast").mean().over("unique_id"))
            .otherwise(pl.col("forecast"))
            .alias("forecast"),
            pl.when(even)
            .then(pl.concat_str(pl.col("model"), pl.lit(" (spread evenly)")))
            .otherwise(pl.col("model"))
            .alias("model"),
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
