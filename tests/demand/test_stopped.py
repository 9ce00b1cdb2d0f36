"""SKUs that stopped selling are forecast zero; rare sellers and the off-season are not."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from icebergops.demand.calendar import DAY
from icebergops.demand.forecast import forecast_demand
from icebergops.demand.stopped import stopped_selling, zero_stopped

START = date(2024, 1, 1)


def series(sku: str, units: list[int], start: date = START) -> pl.DataFrame:
    days = [start + timedelta(days=i) for i in range(len(units))]
    return pl.DataFrame({"sku": sku, "day": days, "units": units}).with_columns(
        pl.col("units").cast(pl.Int64)
    )


def test_a_run_too_long_for_chance_is_stopped_a_rare_sellers_gap_is_not() -> None:
    history = pl.concat(
        [
            series("GONE", [2] * 150 + [0] * 30),  # daily, then 30 days of nothing: 0^30
            series("RARE", ([1] + [0] * 9) * 15 + [0] * 30),  # 1 day in 10: 0.92^39 = 0.04
            series("SHORT", [1, 0] * 85 + [0] * 10),  # every other day, then 11 days: 0.0009
            series("ALWAYS", [1] * 180),  # the store sells every day
        ]
    )
    stopped = stopped_selling(history, key="sku", freq=DAY, horizon=28)
    assert stopped.rows() == [("GONE", 30), ("SHORT", 11)]


def test_a_closed_store_has_not_stopped_selling_anything() -> None:
    # every SKU quiet for the last 12 days: the store was shut, not its products dropped
    history = pl.concat(
        [series(sku, [2] * 150 + [0] * 12) for sku in ("A", "B")]
        + [series("RARE", ([1] + [0] * 4) * 30 + [0] * 12)]
    )
    assert stopped_selling(history, key="sku", freq=DAY, horizon=28).is_empty()
    # a week is the shortest stop: a daily seller quiet for 6 days while the store sells is not
    quiet = pl.concat([series("A", [2] * 150 + [0] * 6), series("B", [2] * 156)])
    assert stopped_selling(quiet, key="sku", freq=DAY, horizon=28).is_empty()


def test_the_off_season_is_not_a_stop() -> None:
    # sold the 28 days ahead a year ago, nothing since: the season is coming, not a stop
    seasonal = pl.concat([series("XMAS", [3] * 28 + [0] * 336), series("ALWAYS", [1] * 364)])
    assert stopped_selling(seasonal, key="sku", freq=DAY, horizon=28).is_empty()
    # the same run where the days ahead sold nothing a year ago either
    gone = pl.concat(
        [series("GONE", [0] * 100 + [3] * 260 + [0] * 40), series("ALWAYS", [1] * 400)]
    )
    assert stopped_selling(gone, key="sku", freq=DAY, horizon=28).rows() == [("GONE", 40)]


def test_a_stopped_sku_is_forecast_zero_with_its_reason() -> None:
    rng = np.random.default_rng(5)
    alive = rng.poisson(3, 180).tolist()
    history = pl.concat([series("GONE", [3] * 140 + [0] * 40), series("ALIVE", alive)])
    result = forecast_demand(history, horizon=14)
    gone = result.filter(pl.col("sku") == "GONE")
    assert gone.height == 14
    assert gone.select("forecast", "lo_80", "hi_80", "lo_95", "hi_95").to_numpy().max() == 0
    assert set(gone["model"]) == {"stopped selling? no sale in 40 days"}
    alive_fc = result.filter(pl.col("sku") == "ALIVE")
    assert alive_fc["forecast"].mean() == pytest.approx(3, rel=0.3)
    assert not alive_fc["model"].str.starts_with("stopped").any()


def test_zero_stopped_leaves_the_others_as_they_were() -> None:
    forecasts = pl.DataFrame(
        {"sku": ["A", "B"], "forecast": [2.0, 5.0], "lo_80": [1.0, 4.0], "model": ["X", "Y"]}
    )
    stopped = pl.DataFrame({"sku": ["B"], "idle": [9]})
    out = zero_stopped(forecasts, stopped, key="sku", freq=DAY)
    assert out.rows() == [
        ("A", 2.0, 1.0, "X"),
        ("B", 0.0, 0.0, "stopped selling? no sale in 9 days"),
    ]
