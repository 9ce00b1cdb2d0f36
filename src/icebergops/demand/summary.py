"""What a forecast run produced, in a few rows: series and units by demand class, by how each
series was forecast, and by the events that lifted it."""

from __future__ import annotations

import polars as pl

SHORT = "(short history)"  # how forecast.py marks series forecast by the trailing average


def forecast_summary(forecast: pl.DataFrame, *, columns: tuple[str, ...]) -> pl.DataFrame:
    """``by, group, series, units``: the number of series (of ``columns``) and the units expected
    (``expected`` where the forecast has it, else ``forecast``) in all, then per demand class,
    per method (per SKU or series, top-down, short history) and, where ``forecast`` has an
    ``events`` column, per event (the units of the periods it lifted).

    >>> fc = pl.DataFrame({"sku": ["A", "A", "B"], "forecast": [1.0, 2.0, 4.0],
    ...     "demand_class": ["smooth", "smooth", "lumpy"], "method": ["per SKU"] * 3,
    ...     "model": ["AutoETS", "AutoETS", "trailing 28-day average (short history)"]})
    >>> forecast_summary(fc, columns=("sku",)).rows()[:3]
    [('all', 'all series', 2, 7.0), ('demand class', 'lumpy', 1, 4.0), ('demand class', 'smooth', 1, 3.0)]
    """
    series = pl.struct(columns).n_unique().alias("series")
    # expected units: the point forecast is 0 for a series that most likely sells none
    units = pl.col("expected" if "expected" in forecast.columns else "forecast").sum()
    units = units.alias("units")
    method = (
        pl.when(pl.col("model").str.ends_with(SHORT))
        .then(pl.lit("short history"))
        .otherwise(pl.col("method"))
    )
    parts = {
        "demand class": (forecast, pl.col("demand_class").fill_null("(unknown)")),
        "method": (forecast, method),
    }
    if "events" in forecast.columns:
        lifted = forecast.filter(pl.col("events").is_not_null())
        parts["event"] = (
            lifted.with_columns(pl.col("events").str.split(", ")).explode("events"),
            pl.col("events"),
        )
    frames = [
        forecast.select(
            pl.lit("all").alias("by"), pl.lit("all series").alias("group"), series, units
        )
    ]
    for by, (frame, group) in parts.items():
        frames.append(
            frame.group_by(group.alias("group"))
            .agg(series, units)
            .sort("group")
            .select(pl.lit(by).alias("by"), "group", "series", "units")
        )
    return pl.concat(frames, how="vertical_relaxed")
