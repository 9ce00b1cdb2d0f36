"""A PNG of the stock value each policy held over the replayed days (``backtest --plot``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from icebergops.errors import ConfigError
from icebergops.inventory.simulation import Replay
from icebergops.outputs import atomic_path


def plot_stock_value(replays: dict[str, Replay], start: date, target: Path) -> Path:
    """Stock value at each day's close, one line per policy, with fill rates in the legend."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ConfigError("--plot needs matplotlib", hint="pip install 'icebergops[plot]'") from err
    figure, axes = plt.subplots(figsize=(10, 4.5))
    for name, result in replays.items():
        t = result.per_sku
        fill = float(t["served_units"].sum()) / max(float(t["demand_units"].sum()), 1e-9)
        days = np.datetime64(start) + np.arange(len(result.daily_value))
        axes.plot(days, result.daily_value, label=f"{name}: fill rate {fill:.1%}")
    axes.set_ylabel("stock value at close")
    axes.set_title("policy backtest: stock held")
    axes.legend()
    figure.autofmt_xdate()
    with atomic_path(target) as temporary:
        figure.savefig(temporary, format="png", dpi=100)
    plt.close(figure)
    return target
