"""Backtest the chosen forecasts against the baselines a seller would otherwise use.

Rolling origin: for each of the last ``origins`` horizons, every method sees the history up to the
cut-off only and forecasts the next ``horizon`` periods (days or weeks); errors are then scored per
period and on the horizon total per series (what a purchase order is sized on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from icebergops.demand.accuracy import naive_scales, overall, per_unit_sold, series_errors
from icebergops.demand.calendar import DAY, Frequency
from icebergops.demand.engines import LOCAL, Engine
from icebergops.demand.forecast import Progress, baseline_forecasts, forecast_demand
from icebergops.demand.likely import most_likely, sale_evidence
from icebergops.demand.resample import ahead_shares


def method_names(freq: Frequency = DAY, key: str = "sku") -> dict[str, str]:
    """What reports call the chosen forecasts (``chosen``) and each baseline (by statsforecast's
    model name), in the periods of ``freq``.

    >>> from icebergops.demand.calendar import WEEK
    >>> method_names(WEEK)["WindowAverage"]
    'trailing 4-week average'
    """
    each = "SKU" if key == "sku" else "series"
    return {
        "chosen": f"icebergops (chosen per {each})",
        "Naive": f"naive (last {freq.name})",
        "SeasonalNaive": f"seasonal naive ({freq.season_name})",
        "WindowAverage": freq.window_name,
        "AutoETS": f"AutoETS on every {each}",
    }


CHOSEN = method_names()["chosen"]
BASELINES = {model: name for model, name in method_names().items() if model != "chosen"}


def backtest(
    history: pl.DataFrame,
    *,
    horizon: int = 28,
    origins: int = 3,
    products: pl.DataFrame | None = None,
    key: str = "sku",
    freq: Frequency = DAY,
    progress: Progress | None = None,
    engine: Engine = LOCAL,
    extra_models: Sequence[str] = (),
) -> pl.DataFrame:
    """Forecasts of every method at every origin next to the actual units (long format:
    ``key, <period>, forecast, model, units, cutoff``); ``horizon`` in periods of ``freq``;
    ``extra_models`` as :func:`forecast_demand` takes them."""
    time = freq.column
    names = method_names(freq, key)
    frames = []
    for number, cutoff in enumerate(cutoffs(history, horizon, origins, freq), start=1):
        train = history.filter(pl.col(time) <= cutoff)
        eligible = train.group_by(key).agg(pl.len().alias("n")).filter(pl.col("n") >= 3 * horizon)
        train = train.join(eligible.select(key), on=key)
        if train.is_empty():
            continue
        actual = history.filter(
            (pl.col(time) > cutoff) & (pl.col(time) <= cutoff + timedelta(days=horizon * freq.days))
        )
        if "censored" in actual.columns:  # stockout periods: what demand was is unknown
            actual = actual.filter(~pl.col("censored"))
        actual = actual.select(key, time, "units")
        step = _origin(number, origins, progress)
        chosen = forecast_demand(
            train,
            horizon=horizon,
            products=products,
            key=key,
            freq=freq,
            progress=step,
            engine=engine,
            extra_models=extra_models,
        )
        evidence = sale_evidence(train, periods=horizon, by=[key], freq=freq)
        chosen = most_likely(chosen, by=[key], evidence=evidence).select(
            key, time, "forecast", pl.lit(names["chosen"]).alias("model")
        )
        step("fitting the baselines")
        baselines = baseline_forecasts(
            train, horizon=horizon, names=names, key=key, freq=freq, engine=engine
        )
        methods = pl.concat([chosen, baselines], how="vertical_relaxed")
        frames.append(
            methods.join(actual, on=[key, time], how="inner").with_columns(
                pl.lit(cutoff).alias("cutoff")
            )
        )
    return pl.concat(frames)


def cutoffs(history: pl.DataFrame, horizon: int, origins: int, freq: Frequency = DAY) -> list[date]:
    """The last days of history of :func:`backtest`'s origins, earliest first: one horizon apart,
    the last one horizon before the history's end. An origin before which no series has 3
    horizons of history is skipped there."""
    last = history[freq.column].max()
    assert isinstance(last, date)
    return [last - timedelta(days=back * horizon * freq.days) for back in range(origins, 0, -1)]


def _origin(number: int, origins: int, progress: Progress | None) -> Progress:
    """``progress`` with the origin it is at in front."""

    def report(stage: str) -> None:
        if progress is not None:
            progress(f"origin {number} of {origins}: {stage}")

    return report


def horizon_totals(results: pl.DataFrame, *, key: str = "sku") -> pl.DataFrame:
    """Units and forecast summed per series, method and origin: what a purchase order is sized on."""
    return results.group_by(key, "model", "cutoff").agg(pl.col("units", "forecast").sum())


@dataclass(frozen=True)
class BacktestErrors:
    """Each series' errors per method (:func:`~.accuracy.series_errors`) over the horizons
    backtested: per period, and on the horizon totals. Worked out once for the table and the
    scores per series."""

    per_period: pl.DataFrame
    totals: pl.DataFrame
    key: str
    freq: Frequency


def backtest_errors(
    results: pl.DataFrame, history: pl.DataFrame, *, key: str = "sku", freq: Frequency = DAY
) -> BacktestErrors:
    """The errors of :func:`backtest`'s ``results``, each origin's scaled by the naive errors of
    ``history`` up to its cut-off: the history its forecasts were made from. (Scaled by the whole
    history, the horizons scored would count in their own scale.)"""
    scales = origin_scales(history, results["cutoff"].unique().sort(), key=key, time=freq.column)
    per_period, totals = (
        series_errors(frame, scales, keys=(key,), by=("model",), scaled_per=("cutoff",))
        for frame in (results, horizon_totals(results, key=key))
    )
    return BacktestErrors(per_period, totals, key, freq)


def origin_scales(
    history: pl.DataFrame, cutoffs: pl.Series, *, key: str = "sku", time: str = "day"
) -> pl.DataFrame:
    """:func:`~.accuracy.naive_scales` of each series on its history up to each cut-off
    (``key, cutoff, mae_scale, mse_scale``)."""
    scales = [
        naive_scales(history.filter(pl.col(time) <= cutoff), keys=(key,), time=time).with_columns(
            pl.lit(cutoff, dtype=cutoffs.dtype).alias("cutoff")
        )
        for cutoff in cutoffs
    ]
    if not scales:
        return pl.DataFrame(
            schema={key: history.schema[key], "cutoff": cutoffs.dtype}
            | {"mae_scale": pl.Float64, "mse_scale": pl.Float64}
        )
    return pl.concat(scales)


def accuracy_table(errors: BacktestErrors) -> pl.DataFrame:
    """Overall WAPE, bias, MASE and RMSSE per method, per period and on the horizon total; and
    on each baseline's row, in what share of 1,000 draws of the series the chosen forecasts score
    lower than it, and the 5th and 95th percentile of their horizon-total WAPE's gain on it
    (:func:`~.resample.ahead_shares`). Of the :func:`backtest_errors` of a backtest."""
    chosen = method_names(errors.freq, errors.key)["chosen"]
    shares = ahead_shares(errors.per_period, errors.totals, key=errors.key, chosen=chosen)
    return (
        overall(errors.per_period)
        .join(
            overall(errors.totals).select(
                "model", pl.col("wape").alias("wape_horizon"), pl.col("bias").alias("bias_horizon")
            ),
            on="model",
        )
        .join(shares, on="model", how="left")
        .sort("wape_horizon", "rmsse", "model", nulls_last=True)
    )


SCORE_COLUMNS = ("units_sold", "units_forecast", "wape", "wape_horizon", "bias", "mase", "rmsse")


def series_scores(errors: BacktestErrors) -> pl.DataFrame:
    """Each series' scores per method over the horizons backtested, one row per series and
    method: units sold and forecast in them, WAPE per period and on the horizon totals and bias
    (null where none was sold), MASE and RMSSE per period (null where the series' history has no
    naive error to scale by). The series that sold most come first. Of the
    :func:`backtest_errors` of a backtest."""
    key, per_period, totals = errors.key, errors.per_period, errors.totals
    finite = [pl.when(pl.col(c).is_finite()).then(pl.col(c)).alias(c) for c in ("mase", "rmsse")]
    return (
        per_period.select(
            key,
            "model",
            pl.col("actual").alias("units_sold"),
            pl.col("forecast").alias("units_forecast"),
            per_unit_sold(pl.col("abs_error"), pl.col("actual")).alias("wape"),
            per_unit_sold(pl.col("error"), pl.col("actual")).alias("bias"),
            *finite,
        )
        .join(
            totals.select(
                key,
                "model",
                per_unit_sold(pl.col("abs_error"), pl.col("actual")).alias("wape_horizon"),
            ),
            on=[key, "model"],
        )
        .select(key, "model", *SCORE_COLUMNS)
        .sort(["units_sold", key, "model"], descending=[True, False, False])
    )


def readable_scores(scores: pl.DataFrame) -> pl.DataFrame:
    """:func:`series_scores` as a file shows them: whole units sold where they are whole,
    forecast units to 2 decimals, scores to 4.

    >>> s = pl.DataFrame({"units_sold": [3.0], "units_forecast": [2.71828], "wape": [0.123456]})
    >>> readable_scores(s).row(0)
    (3, 2.72, 0.1235)
    """
    sold = pl.col("units_sold")
    whole = scores.select((sold == sold.round(0)).all()).item()
    measures = [c for c in SCORE_COLUMNS[2:] if c in scores.columns]
    return scores.with_columns(
        sold.cast(pl.Int64) if whole else sold,
        pl.col("units_forecast").round(2),
        *(pl.col(c).round(4) for c in measures),
    )
