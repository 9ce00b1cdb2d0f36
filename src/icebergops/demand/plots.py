"""PNG charts of history, forecast and intervals for the SKUs that matter most.

matplotlib is an optional extra (``pip install 'icebergops[plot]'``): only ``--plot`` needs it.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from icebergops.errors import ConfigError
from icebergops.outputs import atomic_path

HISTORY_DAYS = 182  # the chart shows this much history before the forecast
BANDS = ((95, 0.15), (80, 0.3))  # interval level, shading


def top_skus(history: pl.DataFrame, *, count: int = 10) -> list[str]:
    """SKUs by revenue over the history (by units where the export has no prices)."""
    weight = (
        pl.coalesce(pl.col("revenue"), pl.col("units"))
        if "revenue" in history.columns
        else pl.col("units")
    )
    ranked = (
        history.group_by("sku")
        .agg(weight.sum().alias("weight"))
        .sort("weight", "sku", descending=[True, False])
    )
    return ranked["sku"].head(count).to_list()


def plot_forecasts(
    history: pl.DataFrame, forecast: pl.DataFrame, folder: Path, *, count: int = 10
) -> list[Path]:
    """One PNG per top SKU in ``folder``: the last half year, the forecast and its 80/95% bands."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ConfigError("--plot needs matplotlib", hint="pip install 'icebergops[plot]'") from err
    written = []
    for sku in top_skus(history, count=count):
        past = history.filter(pl.col("sku") == sku).tail(HISTORY_DAYS)
        ahead = forecast.filter(pl.col("sku") == sku)
        figure, axes = plt.subplots(figsize=(10, 4))
        # units actually sold: stockout days imputed for fitting are not sales
        sold = "units_observed" if "units_observed" in past.columns else "units"
        axes.plot(past["day"].to_list(), past[sold].to_list(), color="#555555", label="units sold")
        days = ahead["day"].to_list()
        for level, alpha in BANDS:
            axes.fill_between(
                days,
                ahead[f"lo_{level}"].to_list(),
                ahead[f"hi_{level}"].to_list(),
                alpha=alpha,
                color="#1f77b4",
                label=f"{level}%",
            )
        axes.plot(days, ahead["forecast"].to_list(), color="#1f77b4", label="forecast")
        axes.set_title(f"{sku}: {ahead['model'][0] if ahead.height else ''}", fontsize=9)
        axes.set_ylabel("units per day")
        axes.legend(loc="upper left", fontsize=8)
        target = folder / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', sku)}.png"
        with atomic_path(target) as temporary:
            figure.savefig(temporary, format="png", dpi=100, bbox_inches="tight")
        plt.close(figure)
        written.append(target)
    return written
