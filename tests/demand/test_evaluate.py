"""The backtest runs every method on the same origins and scores them side by side."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from icebergops.demand.evaluate import BASELINES, CHOSEN, accuracy_table, backtest, per_sku_accuracy


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
    table = accuracy_table(results, data)
    rows = {r["model"]: r for r in table.iter_rows(named=True)}
    # a strong weekly pattern: the seasonal methods must beat yesterday's value
    assert rows[BASELINES["SeasonalNaive"]]["rmsse"] < rows[BASELINES["Naive"]]["rmsse"]
    assert rows[CHOSEN]["rmsse"] < rows[BASELINES["Naive"]]["rmsse"]
    assert per_sku_accuracy(results).height == 3
