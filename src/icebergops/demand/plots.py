"""PNG charts of history, forecast and intervals for the SKUs that matter most.

matplotlib is an optional extra (``pip install 'icebergops[plot]'``): only ``--plot`` needs it.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from icebergops.demand.calendar import DAY, Frequency
from icebergops.errors import ConfigError
from icebergops.outputs import atomic_path

HISTORY_DAYS = 182  # the chart shows this much history before the forecast
BANDS = ((95, 0.15), (80, 0.3))  # interval level, shading


def top_skus(history: pl.DataFrame, *, count: int = 10, key: str = "sku") -> list[str]:
    """Series (SKUs by default) by revenue over the history (by units where the export has no
    prices)."""
    weight = (
        pl.coalesce(pl.col("revenue"), pl.col("units"))
        if "revenue" in history.columns
        else pl.col("units")
    )
    ranked = (
        history.group_by(key)
        .agg(weight.sum().alias("weight"))
        .sort("weight", key, descending=[True, False])
    )
    return ranked[key].head(count).to_list()


def plot_forecasts(
    history: pl.DataFrame,
    forecast: pl.DataFrame,
    folder: Path,
    *,
    count: int = 10,
    key: str = "sku",
    freq: Frequency = DAY,
) -> list[Path]:
    """One PNG per top series in ``folder``: the last half year, the forecast and its 80/95%
    bands, in units per period of ``freq``."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ConfigError("--plot needs matplotlib", hint="pip install 'icebergops[plot]'") from err
    written = []
    time = freq.column
    for series in top_skus(history, count=count, key=key):
        past = history.filter(pl.col(key) == series).tail(HISTORY_DAYS // freq.days)
        ahead = forecast.filter(pl.col(key) == series)
        figure, axes = plt.subplots(figsize=(10, 4))
        # units actually sold: stockout days imputed for fitting are not sales
        sold = "units_observed" if "units_observed" in past.columns else "units"
        axes.plot(past[time].to_list(), past[sold].to_list(), color="#555555", label="units sold")
        periods = ahead[time].to_list()
        for level, alpha in BANDS:
            if ahead[f"hi_{level}"].null_count() == ahead.height:
                continue  # a forecast frame without bounds (one made elsewhere, say)
            axes.fill_between(
                periods,
                ahead[f"lo_{level}"].fill_null(float("nan")).to_numpy(),
                ahead[f"hi_{level}"].fill_null(float("nan")).to_numpy(),
                alpha=alpha,
                color="#1f77b4",
                label=f"{level}%",
            )
        axes.plot(periods, ahead["forecast"].to_list(), color="#1f77b4", label="forecast")
        axes.set_title(f"{series}: {ahead['model'][0] if ahead.height else ''}", fontsize=9)
        axes.set_ylabel(f"units per {freq.name}")
        figure.autofmt_xdate()  # dates slanted: a half year's ticks overlap when level
        axes.legend(loc="upper left", fontsize=8)
        target = folder / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', series)}.png"
        with atomic_path(target) as temporary:
            figure.savefig(temporary, format="png", dpi=100, bbox_inches="tight")
        plt.close(figure)
        written.append(target)
    return written
