"""Forecast accuracy a seller can read: WAPE, bias, MASE and RMSSE, per series and overall.

Scaled errors follow Hyndman & Koehler (2006) (MASE) and the M5 competition (RMSSE): the error of
the forecast divided by the in-sample error of the one-step naive forecast on that series' history,
the history the forecast was made from (in a backtest, up to each origin's cut-off).
"""

from __future__ import annotations

import polars as pl


def naive_scales(
    history: pl.DataFrame, *, keys: tuple[str, ...] = ("sku",), time: str = "day"
) -> pl.DataFrame:
    """Per series: mean absolute and mean squared one-step naive error on the history (units
    per period of ``time``)."""
    step = pl.col("units") - pl.col("units").shift(1)
    return (
        history.sort(*keys, time)
        .with_columns(step.over(*keys).alias("step"))
        .group_by(*keys)
        .agg(
            pl.col("step").abs().mean().alias("mae_scale"),
            pl.col("step").pow(2).mean().alias("mse_scale"),
        )
    )


def score(
    actuals: pl.DataFrame,
    scales: pl.DataFrame,
    *,
    keys: tuple[str, ...] = ("sku",),
    by: tuple[str, ...] = ("model",),
) -> pl.DataFrame:
    """Errors of ``actuals`` (``*keys, *by, units, forecast``) per ``by``.

    WAPE = Σ|error| / Σ actual; bias = Σ error / Σ actual (positive: over-forecast), both
    missing (null) where nothing was sold; MASE and RMSSE are the means over series of the
    scaled errors (series with a zero scale left out).

    >>> a = pl.DataFrame({"sku": ["A"] * 4, "model": ["m"] * 4, "units": [2, 0, 4, 2],
    ...                   "forecast": [2.0, 1.0, 3.0, 2.0]})
    >>> s = pl.DataFrame({"sku": ["A"], "mae_scale": [2.0], "mse_scale": [5.0]})
    >>> score(a, s).select("wape", "bias", "mase").row(0)
    (0.25, 0.0, 0.25)
    """
    return overall(series_errors(actuals, scales, keys=keys, by=by), by=by)


def overall(per_series: pl.DataFrame, *, by: tuple[str, ...] = ("model",)) -> pl.DataFrame:
    """:func:`score` from the :func:`series_errors` it sums up."""
    finite = pl.col("mase").is_finite()
    return (
        per_series.group_by(*by)
        .agg(
            per_unit_sold(pl.col("abs_error").sum(), pl.col("actual").sum()).alias("wape"),
            per_unit_sold(pl.col("error").sum(), pl.col("actual").sum()).alias("bias"),
            pl.col("mase").filter(finite).mean().alias("mase"),
            pl.col("rmsse").filter(pl.col("rmsse").is_finite()).mean().alias("rmsse"),
            pl.len().alias("series"),
        )
        .sort(*by)
    )


def series_errors(
    actuals: pl.DataFrame,
    scales: pl.DataFrame,
    *,
    keys: tuple[str, ...] = ("sku",),
    by: tuple[str, ...] = ("model",),
    scaled_per: tuple[str, ...] = (),
) -> pl.DataFrame:
    """Per series and ``by``: summed absolute and signed error, units sold, forecast units, and
    the scaled errors MASE and RMSSE (null where the series' naive scale is 0 or unknown).

    ``scaled_per``: columns of ``actuals`` that ``scales`` has too, each with a scale of its own
    (a backtest's ``cutoff``: each origin's errors are scaled by the history before it); every
    period's error is divided by its own scale, and periods without one are left out.
    """
    error = pl.col("forecast") - pl.col("units")
    mae, mse = pl.col("mae_scale"), pl.col("mse_scale")
    return (
        actuals.join(scales, on=[*keys, *scaled_per], how="left")
        .group_by(*keys, *by)
        .agg(
            error.abs().sum().alias("abs_error"),
            error.sum().alias("error"),
            pl.col("units").sum().alias("actual"),
            pl.col("forecast").sum().alias("forecast"),
            pl.when(mae > 0).then(error.abs() / mae).mean().alias("mase"),
            pl.when(mse > 0).then(error.pow(2) / mse).mean().sqrt().alias("rmsse"),
        )
    )


def per_unit_sold(error: pl.Expr, actual: pl.Expr) -> pl.Expr:
    """``error / actual``, null where no unit was sold: an error per unit sold has no value
    then (it would be infinite, or 0/0), and a report must not print ``inf`` or ``NaN``.

    >>> pl.select(per_unit_sold(pl.lit(3.0), pl.lit(0.0))).item() is None
    True
    """
    return pl.when(actual > 0).then(error / actual)
