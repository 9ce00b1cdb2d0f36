"""Choosing among the models' validation forecasts and combining the best few.

A purchase order is sized on the horizon total, so models are ranked by how close their horizon
totals came to the actual totals over the validation windows. Two windows of one series say little
(a model can come closest by luck), so the ranking is pooled over the series fitted together: each
series ranks the models, and the models with the best mean rank are combined for all of them
(aggregate selection, Fildes 1989). Intervals are conformal, from each series' own absolute errors
per period of the best model.
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
    80/95% quantiles of its absolute errors per period (for conformal intervals).

    Worked out on the wide frame (a column per model), then one row per series and model: an
    unpivoted frame of every period and model costs three times as long.
    """
    names = list(models)
    clipped = validation.select(
        "unique_id", "cutoff", "y", *(pl.col(m).clip(lower_bound=0) for m in names)
    )
    absolute = clipped.select("unique_id", *((pl.col(m) - pl.col("y")).abs() for m in names))
    per_period = absolute.group_by("unique_id").agg(
        *(pl.col(m).mean().alias(_stat(m, "mae")) for m in names),
        *(pl.col(m).quantile(q / 100).alias(_stat(m, f"q{q}")) for m in names for q in LEVELS),
    )
    window_sums = clipped.group_by("unique_id", "cutoff").agg(pl.col("y", *names).sum())
    per_window = window_sums.group_by("unique_id").agg(
        (pl.col(m) - pl.col("y")).abs().mean().alias(_stat(m, "total_error")) for m in names
    )
    stats = per_period.join(per_window, on="unique_id").unpivot(
        index="unique_id", variable_name="_stat", value_name="_value"
    )
    split = pl.col("_stat").str.split_exact(_SEP, 1).struct.rename_fields(["model", "stat"])
    ranked = (
        stats.with_columns(split)
        .unnest("_stat")
        .pivot("stat", index=["unique_id", "model"], values="_value")
        .select("unique_id", "model", "mae", *(f"q{q}" for q in LEVELS), "total_error")
    )
    # errors equal to 9 decimals are a tie, broken by name: float noise (another engine, another
    # machine) must not reorder the models, nor change the bounds taken from the best one
    # the ranks first, then their mean: a window over a window is not one that polars nests
    own_rank = pl.col("total_error").round(9).rank("average").over("unique_id").alias("_pooled")
    pooled = pl.col("_pooled").mean().over("model").round(9)
    return (
        ranked.with_columns(own_rank)
        .with_columns(pooled)
        .sort(
            "unique_id", "_pooled", pl.col("total_error").round(9), pl.col("mae").round(9), "model"
        )
        .group_by("unique_id", maintain_order=True)
        .head(COMBINE)
        .drop("_pooled")
    )


_SEP = "\x00"  # between a model's name and a statistic's in select_models' wide columns


def _stat(model: str, stat: str) -> str:
    return f"{model}{_SEP}{stat}"


def flat_shape(validation: pl.DataFrame, chosen: pl.DataFrame, models: Sequence[str]) -> pl.Series:
    """The series to spread evenly: all of them where the combined forecasts, spread evenly over
    each validation horizon, came closer day by day (squared error) than their own shape, on the
    mean over series of the ratio of the two; none otherwise. Same horizon totals, less noise
    from models that guessed which day the few sales fall on. Decided for the series together,
    as the models are: on one series' two windows, which shape wins is mostly luck."""
    names = list(models)
    flags = chosen.select("unique_id", "model", pl.lit(True).alias("_on")).pivot(
        "model", index="unique_id", values="_on"
    )
    flags = flags.select(
        "unique_id",
        *(pl.col(m).fill_null(False).alias(_stat(m, "on")) for m in names if m in flags.columns),
    )
    own = [
        pl.when(pl.col(_stat(m, "on"))).then(pl.col(m).clip(lower_bound=0))
        for m in names
        if _stat(m, "on") in flags.columns
    ]
    daily = validation.join(flags, on="unique_id").select(
        "unique_id", "cutoff", "y", pl.mean_horizontal(own).alias("fc")
    )
    flat = pl.col("fc").mean().over("unique_id", "cutoff")
    errors = daily.group_by("unique_id").agg(
        ((pl.col("fc") - pl.col("y")) ** 2).sum().alias("shaped"),
        ((flat - pl.col("y")) ** 2).sum().alias("flat"),
    )
    # a forecast flat already ties with itself: rounding must not decide (nor rename it)
    shaped = errors.filter((pl.col("flat") - pl.col("shaped")).abs() > pl.col("shaped") * TIE)
    ratio = errors.filter(pl.col("shaped") > 0).select((pl.col("flat") / pl.col("shaped")).mean())
    mean = ratio.item()
    spread = mean is not None and mean < 1 - TIE
    return shaped["unique_id"] if spread else shaped["unique_id"].clear()


def pick_models(
    ahead: pl.DataFrame,
    chosen: pl.DataFrame,
    models: Sequence[str],
    flat: pl.Series | None = None,
) -> pl.DataFrame:
    """Mean of the chosen models' forecasts per period; bounds from the best model's errors.
    Series in ``flat`` (see :func:`flat_shape`) get their horizon's mean in every period."""
    long = by_model(ahead, models)
    # chosen lists each series' models best first: the bounds and the name follow that rank,
    # worked out once per series (per period, joining the names cost twice the rest)
    ranked = chosen.with_columns(pl.int_range(pl.len()).over("unique_id").alias("rank"))
    named = ranked.group_by("unique_id").agg(
        *(pl.col(f"q{level}").sort_by("rank").first() for level in LEVELS),
        pl.col("model").sort_by("rank").str.join(" + ").alias("model"),
    )
    picked = long.join(ranked.select("unique_id", "model"), on=["unique_id", "model"])
    combined = (
        picked.group_by("unique_id", "ds", maintain_order=True)
        .agg(pl.col("fc").clip(lower_bound=0).mean().alias("forecast"))
        .join(named, on="unique_id", how="left", maintain_order="left")
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
