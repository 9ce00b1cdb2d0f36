"""The backtest runs every method on the same origins and scores them side by side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from icebergops.demand.calendar import WEEK
from icebergops.demand.engines import Engine
from icebergops.demand.evaluate import (
    BASELINES,
    CHOSEN,
    accuracy_table,
    backtest,
    backtest_errors,
    method_names,
    readable_scores,
    series_scores,
)
from icebergops.demand.forecast import baseline_forecasts
from icebergops.demand.history import weekly_demand


def history() -> pl.DataFrame:
    rng = np.random.default_rng(5)
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(160)]
    peak = np.array([1, 1, 1, 1, 2, 8, 8])[np.arange(160) % 7]
    return pl.concat(
        pl.DataFrame({"sku": f"S{k}", "day": days, "units": peak * (k + 1) + rng.poisson(1, 160)})
        for k in range(3)
    ).with_columns(pl.col("units").cast(pl.Int64))


def test_every_method_is_scored_on_the_same_origins() -> None:
    data = history()
    results = backtest(data, horizon=14, origins=2)
    assert set(results["model"]) == {CHOSEN, *BASELINES.values()}
    counts = results.group_by("model").len()["len"].unique().to_list()
    assert counts == [3 * 14 * 2]
    table = accuracy_table(backtest_errors(results, data))
    rows = {r["model"]: r for r in table.iter_rows(named=True)}
    # a strong weekly pattern: the seasonal methods must beat yesterday's value
    assert rows[BASELINES["SeasonalNaive"]]["rmsse"] < rows[BASELINES["Naive"]]["rmsse"]
    assert rows[CHOSEN]["rmsse"] < rows[BASELINES["Naive"]]["rmsse"]
    wide = series_scores(backtest_errors(results, data)).pivot(
        on="model", index="sku", values="wape_horizon"
    )
    assert wide.height == 3


def test_weekly_backtest_names_the_weekly_baselines() -> None:
    data = weekly_demand(history().with_columns(pl.lit(None, pl.Float64).alias("revenue")))
    results = backtest(data, horizon=4, origins=1, freq=WEEK)
    names = method_names(WEEK)
    assert set(results["model"]) == set(names.values())
    assert names["WindowAverage"] == "trailing 4-week average"
    assert names["Naive"] == "naive (last week)"
    assert (results["week_start"].dt.weekday() == 1).all()
    assert results.group_by("model").len()["len"].unique().to_list() == [3 * 4]
    table = accuracy_table(backtest_errors(results, data, freq=WEEK))
    assert table.height == 5 and table["wape_horizon"].is_not_null().all()


def test_the_trailing_average_of_a_short_series_averages_the_days_it_has() -> None:
    # three weeks of sales, fewer than the 28 days the average spans: a spreadsheet's
    # AVERAGE over the days there are, not no forecast at all
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(21)]
    data = pl.DataFrame({"sku": "S", "day": days, "units": [i % 3 for i in range(21)]})
    names = method_names()
    got = baseline_forecasts(data, horizon=7, names=names)
    average = got.filter(pl.col("model") == names["WindowAverage"])["forecast"]
    assert average.len() == 7
    assert average.to_list() == [sum(i % 3 for i in range(21)) / 21] * 7


def test_a_series_too_short_for_autoets_gets_its_trailing_average_from_that_baseline() -> None:
    # five weeks of a store a month old: AutoETS refuses to fit ("tiny datasets")
    weeks = [date(2023, 4, 24) + timedelta(weeks=i) for i in range(5)]
    data = pl.DataFrame({"sku": "S", "week_start": weeks, "units": [3, 5, 2, 6, 4]})
    names = method_names(WEEK)
    got = baseline_forecasts(data, horizon=1, names=names, freq=WEEK)
    by_model = dict(got.select("model", "forecast").iter_rows())
    assert by_model[names["AutoETS"]] == by_model[names["WindowAverage"]] == (5 + 2 + 6 + 4) / 4


@dataclass(frozen=True)
class _ViaPandas(Engine):
    """Forecasts as a cluster engine hands them back: through pandas, where NaN becomes null."""

    def forecast(
        self, models: list[object], data: pl.DataFrame, *, freq: str, n_jobs: int, h: int
    ) -> pl.DataFrame:
        ahead = super().forecast(models, data, freq=freq, n_jobs=n_jobs, h=h)
        return pl.from_pandas(ahead.to_pandas())


def test_short_and_long_series_get_their_own_baselines_on_any_engine() -> None:
    # one series of 5 days (too short for AutoETS and for the 28-day window), one of 60
    start = date(2024, 1, 1)
    short = pl.DataFrame(
        {"sku": "SHORT", "day": [start + timedelta(days=55 + i) for i in range(5)],
         "units": [1, 0, 2, 1, 1]}
    )  # fmt: skip
    long = pl.DataFrame(
        {"sku": "LONG", "day": [start + timedelta(days=i) for i in range(60)],
         "units": [(i * 7) % 5 for i in range(60)]}
    )  # fmt: skip
    data = pl.concat([short, long])
    names = method_names()
    for engine in (Engine(), _ViaPandas()):
        got = baseline_forecasts(data, horizon=3, names=names, engine=engine)
        wide = got.pivot(on="model", index=["sku", "day"], values="forecast")
        assert wide.null_count().sum_horizontal().item() == 0, engine
        rows = {sku: frame for (sku,), frame in wide.group_by("sku")}
        assert rows["SHORT"][names["WindowAverage"]].to_list() == [1.0] * 3
        assert rows["SHORT"][names["AutoETS"]].to_list() == [1.0] * 3
        # the long series has a fitted AutoETS of its own, not the trailing average
        ets, average = rows["LONG"][names["AutoETS"]], rows["LONG"][names["WindowAverage"]]
        assert average.to_list() == pytest.approx(
            [sum((i * 7) % 5 for i in range(32, 60)) / 28] * 3
        )
        assert (ets - average).abs().max() > 1e-6


def test_each_series_is_scored_per_method_on_its_own_horizons() -> None:
    """Two origins of two days. A sold 2+0 and 3+1; B sold nothing, and its history holds no
    change to scale by. WAPE per day and on the horizon total, bias, MASE and RMSSE by hand."""
    cut = [date(2024, 3, 1), date(2024, 3, 1), date(2024, 3, 3), date(2024, 3, 3)]
    days = [date(2024, 3, 2), date(2024, 3, 3), date(2024, 3, 4), date(2024, 3, 5)]
    results = pl.DataFrame(
        {
            "sku": ["A"] * 4 + ["B"] * 4,
            "day": days * 2,
            "forecast": [1.0, 1.0, 2.0, 2.0, 0.5, 0.0, 0.0, 0.0],
            "model": "m",
            "units": [2, 0, 3, 1, 0, 0, 0, 0],
            "cutoff": cut * 2,
        }
    )
    history = pl.DataFrame(
        {
            "sku": ["A"] * 3 + ["B"] * 3,
            "day": [date(2024, 2, 27), date(2024, 2, 28), date(2024, 2, 29)] * 2,
            "units": [1, 3, 1, 0, 0, 0],  # A's naive steps 2 and -2: MAE 2, MSE 4
        }
    )
    scores = series_scores(backtest_errors(results, history))
    a, b = scores.iter_rows(named=True)
    assert (a["sku"], a["units_sold"], a["units_forecast"]) == ("A", 6, 6.0)
    assert a["wape"] == pytest.approx((1 + 1 + 1 + 1) / 6)  # day by day
    assert a["wape_horizon"] == 0.0  # 2 against 2, 4 against 4
    assert a["bias"] == 0.0
    assert a["mase"] == pytest.approx(1 / 2)  # mean |error| 1 over the scale 2
    assert a["rmsse"] == pytest.approx((1 / 4) ** 0.5)
    assert (b["sku"], b["units_sold"], b["units_forecast"]) == ("B", 0, 0.5)
    assert b["wape"] is None and b["wape_horizon"] is None and b["bias"] is None
    assert b["mase"] is None and b["rmsse"] is None  # no naive error: nothing to scale by
    assert readable_scores(scores)["units_sold"].dtype == pl.Int64


def test_series_scores_cover_every_method_and_series_of_the_backtest() -> None:
    data = history()
    results = backtest(data, horizon=14, origins=1)
    scores = series_scores(backtest_errors(results, data))
    assert scores.height == 3 * 5
    assert scores["units_sold"].to_list() == sorted(scores["units_sold"], reverse=True)
    overall = accuracy_table(backtest_errors(results, data)).select("model", "mase").sort("model")
    mean_mase = scores.group_by("model").agg(pl.col("mase").mean()).sort("model")
    assert mean_mase["mase"].to_list() == pytest.approx(overall["mase"].to_list())


def test_each_origin_is_scaled_by_the_history_before_its_cut_off() -> None:
    """The naive scale came from the whole history, the scored horizons included: a series calm
    before its cut-offs and wild after them had its errors divided by the wild days' steps."""
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(12)]
    units = [1, 2, 1, 2, 1, 2, 1, 2, 0, 9, 0, 9]  # steps of 1 up to day 8, of 9 after
    history = pl.DataFrame({"sku": "A", "day": days, "units": units})
    first, second = date(2024, 1, 8), date(2024, 1, 10)
    results = pl.DataFrame(
        {
            "sku": "A",
            "day": days[8:],
            "model": CHOSEN,
            "forecast": [1.0] * 4,
            "units": units[8:],
            "cutoff": [first, first, second, second],
        }
    )
    errors = backtest_errors(results, history).per_period.row(0, named=True)
    # up to 8 January 7 steps of 1 (MAE 1, MSE 1); up to 10 January also 2 → 0 and 0 → 9
    # (MAE 18/9, MSE 92/9); the errors are 1 and 8 at each origin
    assert errors["mase"] == pytest.approx((1 + 8 + (1 + 8) / 2) / 4)
    assert errors["rmsse"] == pytest.approx(((1 + 64 + (1 + 64) * 9 / 92) / 4) ** 0.5)


def test_a_period_without_a_naive_scale_is_left_out_of_the_scaled_errors() -> None:
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(8)]
    history = pl.DataFrame({"sku": "A", "day": days, "units": [3, 3, 3, 3, 5, 3, 4, 3]})
    cut = [date(2024, 1, 4)] * 2 + [date(2024, 1, 6)] * 2
    results = pl.DataFrame(
        {"sku": "A", "day": days[4:], "model": CHOSEN, "forecast": 3.0, "units": [5, 3, 4, 3]}
    ).with_columns(pl.Series("cutoff", cut))
    errors = backtest_errors(results, history).per_period.row(0, named=True)
    # up to 4 January nothing changed (no scale): only the second origin's days count, scaled
    # by the steps up to 6 January (0, 0, 0, 2, -2: MAE 0.8, MSE 1.6)
    assert errors["mase"] == pytest.approx((1 / 0.8 + 0) / 2)
    assert errors["rmsse"] == pytest.approx(((1 / 1.6 + 0) / 2) ** 0.5)
