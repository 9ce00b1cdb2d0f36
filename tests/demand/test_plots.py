"""Charts of history and forecast, also for series too new to have bounds."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from icebergops.demand.plots import plot_forecasts

pytest.importorskip("matplotlib")


def test_a_series_without_bounds_is_charted_without_its_bands(tmp_path: Path) -> None:
    # a forecast frame whose bounds have no values (as a frame from another tool may have)
    days = [date(2023, 5, 1) + timedelta(days=i) for i in range(30)]
    history = pl.DataFrame({"sku": "NEW-1", "day": days, "units": [i % 4 for i in range(30)]})
    ahead = [days[-1] + timedelta(days=i) for i in range(1, 15)]
    bounds = {
        c: pl.Series([None] * 14, dtype=pl.Float64) for c in ("lo_80", "hi_80", "lo_95", "hi_95")
    }
    forecast = pl.DataFrame({"sku": "NEW-1", "day": ahead, "forecast": 1.5, **bounds, "model": "m"})
    written = plot_forecasts(history, forecast, tmp_path)
    assert [p.name for p in written] == ["NEW-1.png"]
    assert written[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
