"""Forecasts per series with model selection by rolling-origin cross-validation.

The only module that talks to statsforecast: it renames to statsforecast's ``unique_id``/``ds``/``y``
and back. Expensive models (AutoETS) run only on series with regular demand; intermittent series
get the intermittent-demand methods (Croston SBA, TSB, ADIDA, IMAPA). Every series also gets the
baselines a seller would use otherwise (seasonal naive, trailing 28-day average), so the winner is
never worse on the validation windows than those. :mod:`demand.engines` makes the calls, in
this process or on a cluster.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import polars as pl

from icebergops.demand.classify import demand_classes
from icebergops.demand.engines import LOCAL, Engine
from icebergops.demand.hierarchy import product_history, split_by_mix, variant_families

REGULAR = ("smooth", "erratic")
# AutoETS is the one costly model (~0.02 s a series as _run sets it up): it is tried where a SKU
# sells on at least one day in three, where level and season can be estimated; rarer sellers get
# the intermittent methods only.
ETS_WORTH_ADI = 3.0
COMBINE = 3  # the forecast is the mean of the best few: one model's luck on 2 windows is noise
LEVELS = (80, 95)
FIT_DAYS = 364  # days of history the models are fitted on (input_size)
PARALLEL_FROM = 200  # series: fewer are not worth starting worker processes for


def _models(regular: bool, season_length: int) -> tuple[list[object], list[object]]:
    """Cheap models (refit on every window) and expensive ones (fitted once, then run forward)."""
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        TSB,
        AutoETS,
        CrostonSBA,
        SeasonalNaive,
        WindowAverage,
    )

    baselines: list[object] = [SeasonalNaive(season_length), WindowAverage(28)]
    intermittent = [CrostonSBA(), TSB(alpha_d=0.1, alpha_p=0.1), ADIDA(), IMAPA()]
    # No trend: daily SKU demand seldom has one that lasts a horizon, and leaving the trended
    # variants out makes the fit about six times cheaper (benchmarks/forecast.py).
    expensive: list[object] = [AutoETS(season_length=season_length, model="ZNZ")] if regular else []
    return [*baselines, *intermittent], expensive


def _to_nixtla(history: pl.DataFrame, key: str) -> pl.DataFrame:
    return history.select(
        pl.col(key).alias("unique_id"),
        pl.col("day").alias("ds"),
        pl.col("units").cast(pl.Float64).alias("y"),
    )


def _run(
    history: pl.DataFrame,
    *,
    regular: bool,
    horizon: int,
    season_length: int,
    windows: int,
    engine: Engine = LOCAL,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cross-validation frame and forecast frame (wide: one column per model).

    Models see the last ``FIT_DAYS`` of history: recent demand is what the next weeks resemble,
    and fitting costs time in proportion to length. Expensive models are fitted once on the first
    validation window and run forward over the later ones instead of being refitted.
    """
    cheap, expensive = _models(regular, season_length)
    jobs = _jobs(history)
    recent = history.group_by("unique_id", maintain_order=True).tail(FIT_DAYS + windows * horizon)
    validation, ahead = pl.DataFrame(), pl.DataFrame()
    with warnings.catch_warnings():
        # ETS on an all-zero stretch divides by zero inside statsforecast; the fit is discarded.
        warnings.simplefilter("ignore", RuntimeWarning)
        for models, refit in ((cheap, True), (expensive, False)):
            if not models:
                continue
            checked = engine.cross_validation(
                models,
                recent,
                freq="1d",
                n_jobs=jobs,
                h=horizon,
                n_windows=windows,
                step_size=horizon,
                input_size=FIT_DAYS,
                refit=refit,
            )
            forecast = engine.forecast(models, recent, freq="1d", n_jobs=jobs, h=horizon)
            validation = _beside(validation, checked, ["unique_id", "ds", "cutoff", "y"])
            ahead = _beside(ahead, forecast, ["unique_id", "ds"])
    return validation, ahead


def _jobs(data: pl.DataFrame) -> int:
    """statsforecast's ``n_jobs``: every core, once there are enough series to share out."""
    return -1 if data["unique_id"].n_unique() >= PARALLEL_FROM else 1


def _beside(frame: pl.DataFrame, more: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``more``'s model columns added to ``frame`` (which may still be empty)."""
    return more if frame.is_empty() else frame.join(more, on=keys, how="left")


def select_models(validation: pl.DataFrame, models: Sequence[str]) -> pl.DataFrame:
    """Per series, the model whose horizon totals were closest to the actual totals over the
    validation windows (a purchase order is sized on the total, not on single days), and the
    80/95% quantiles of its daily absolute errors (for conformal intervals)."""
    long = validation.unpivot(
        index=["unique_id", "ds", "cutoff", "y"],
        on=list(models),
        variable_name="model",
        value_name="fc",
    ).with_columns(pl.col("fc").clip(lower_bound=0))
    daily = long.with_columns((pl.col("fc") - pl.col("y")).abs().alias("abs_error"))
    quantiles = daily.group_by("unique_id", "model").agg(
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


def forecast_demand(
    history: pl.DataFrame,
    *,
    horizon: int = 28,
    season_length: int = 7,
    windows: int = 2,
    products: pl.DataFrame | None = None,
    engine: Engine = LOCAL,
) -> pl.DataFrame:
    """Daily forecasts per SKU for ``horizon`` days after the history, with 80/95% intervals.

    ``history`` holds ``sku, day, units`` (zero-filled, see :func:`demand.history.daily_demand`).
    With ``products`` (``sku, product``), the SKUs of products with several variants are
    forecast top-down: the product's total, split by each variant's recent share (variants of
    sizes and colours sell too rarely each to show a pattern). The ``method`` column says which.
    Series shorter than ``windows + 1`` horizons get the trailing 28-day average, flagged.
    Forecasts and bounds are never negative (units per day). ``engine`` is where the models
    run (see :mod:`demand.engines`); the choice among them is made here either way.
    """
    classes = demand_classes(history).select("sku", "demand_class")
    families = variant_families(history, products)
    bottom_up = history.join(families.filter(~pl.col("top_down")).select("sku"), on="sku")
    frames = []
    if not bottom_up.is_empty():
        frames.append(
            forecast_series(bottom_up, "sku", horizon, season_length, windows, engine).with_columns(
                pl.lit("per SKU").alias("method")
            )
        )
    families = families.filter(pl.col("top_down"))
    if not families.is_empty():
        totals = product_history(history, families)
        product_fc = forecast_series(totals, "product", horizon, season_length, windows, engine)
        frames.append(
            split_by_mix(product_fc, history, families).with_columns(
                pl.lit("top-down by product").alias("method")
            )
        )
    result = pl.concat(frames, how="diagonal_relaxed").join(classes, on="sku", how="left")
    if "censored" in history.columns:  # stockout days kept out of fitting (imputed), counted
        censored = history.group_by("sku").agg(pl.col("censored").sum().alias("censored_days"))
        result = result.join(censored, on="sku", how="left")
    return result.sort("sku", "day")


def forecast_series(
    history: pl.DataFrame,
    key: str,
    horizon: int,
    season_length: int,
    windows: int,
    engine: Engine = LOCAL,
) -> pl.DataFrame:
    """Forecasts for every series of ``history`` (``key, day, units``), one model choice each."""
    classes = demand_classes(history, keys=(key,))
    lengths = history.group_by(key).agg(pl.len().alias("days"))
    info = classes.join(lengths, on=key).with_columns(
        pl.when(pl.col("days") < (windows + 1) * horizon)
        .then(pl.lit("short history"))
        .when(pl.col("demand_class").is_in(REGULAR) | (pl.col("adi") < ETS_WORTH_ADI))
        .then(pl.lit("regular"))
        .otherwise(pl.lit("intermittent"))
        .alias("group")
    )
    frames = []
    for group in ("regular", "intermittent"):
        ids = info.filter(pl.col("group") == group)[key]
        if ids.is_empty():
            continue
        data = _to_nixtla(history.filter(pl.col(key).is_in(ids.implode())), key)
        validation, ahead = _run(
            data,
            regular=group == "regular",
            horizon=horizon,
            season_length=season_length,
            windows=windows,
            engine=engine,
        )
        models = [c for c in ahead.columns if c not in ("unique_id", "ds")]
        chosen = select_models(validation, models)
        frames.append(_pick(ahead, chosen, models))
    short = info.filter(pl.col("group") == "short history")[key]
    if not short.is_empty():
        frames.append(
            _trailing_average(history.filter(pl.col(key).is_in(short.implode())), key, horizon)
        )
    return pl.concat(frames, how="diagonal_relaxed").rename({"unique_id": key, "ds": "day"})


def _pick(ahead: pl.DataFrame, chosen: pl.DataFrame, models: Sequence[str]) -> pl.DataFrame:
    """Mean of the chosen models' forecasts per day; bounds from the best model's errors."""
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


def _trailing_average(history: pl.DataFrame, key: str, horizon: int) -> pl.DataFrame:
    recent = (
        history.sort(key, "day")
        .group_by(key)
        .agg(pl.col("units").tail(28).mean().alias("forecast"), pl.col("day").max().alias("last"))
    )
    days = recent.select(
        pl.col(key).alias("unique_id"),
        pl.date_ranges(
            pl.col("last") + pl.duration(days=1), pl.col("last") + pl.duration(days=horizon)
        ).alias("ds"),
        "forecast",
    ).explode("ds")
    return days.with_columns(pl.lit("trailing 28-day average (short history)").alias("model"))


def baseline_forecasts(
    history: pl.DataFrame,
    *,
    horizon: int,
    season_length: int,
    names: dict[str, str],
    key: str = "sku",
    engine: Engine = LOCAL,
) -> pl.DataFrame:
    """The baselines a seller would otherwise use, on every series: ``key, day, forecast, model``.

    ``names`` maps statsforecast model names (Naive, SeasonalNaive, WindowAverage, AutoETS) to
    the names shown in reports.
    """
    from statsforecast.models import AutoETS, Naive, SeasonalNaive, WindowAverage

    models: list[object] = [
        Naive(),
        SeasonalNaive(season_length),
        WindowAverage(28),
        AutoETS(season_length=season_length),
    ]
    data = _to_nixtla(history, key)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ahead = engine.forecast(models, data, freq="1d", n_jobs=_jobs(data), h=horizon)
    return ahead.unpivot(
        index=["unique_id", "ds"], variable_name="model", value_name="forecast"
    ).select(
        pl.col("unique_id").alias(key),
        pl.col("ds").alias("day"),
        pl.col("forecast").clip(lower_bound=0),
        pl.col("model").replace_strict(names),
    )
