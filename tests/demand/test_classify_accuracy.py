"""Demand classes (Syntetos–Boylan) and accuracy measures on literal series."""

from __future__ import annotations

import polars as pl
import pytest

from icebergops.demand.accuracy import naive_scales, score
from icebergops.demand.classify import demand_classes


def series(sku: str, units: list[int]) -> pl.DataFrame:
    return pl.DataFrame({"sku": [sku] * len(units), "day": list(range(len(units))), "units": units})


def test_the_four_classes_and_no_demand() -> None:
    history = pl.concat(
        [
            series("smooth", [5, 6, 5, 4, 5, 6]),
            series("erratic", [1, 20, 2, 30, 1, 15]),
            series("intermittent", [0, 0, 3, 0, 0, 3, 0, 4]),
            series("lumpy", [0, 0, 1, 0, 0, 40, 0, 2]),
            series("none", [0, 0, 0]),
        ]
    )
    got = dict(demand_classes(history).select("sku", "demand_class").iter_rows())
    assert got == {
        "smooth": "smooth",
        "erratic": "erratic",
        "intermittent": "intermittent",
        "lumpy": "lumpy",
        "none": "no demand",
    }


def test_scores_rank_a_better_forecast_lower() -> None:
    history = series("A", [4, 6, 4, 6, 4, 6])
    scales = naive_scales(history)
    assert scales.row(0) == ("A", 2.0, 4.0)
    actual = [5, 5, 5, 5]
    rows = {
        "good": [5.0, 5.0, 5.0, 4.0],
        "poor": [9.0, 1.0, 9.0, 1.0],
    }
    actuals = pl.concat(
        pl.DataFrame({"sku": "A", "model": m, "units": actual, "forecast": f})
        for m, f in rows.items()
    )
    result = {row["model"]: row for row in score(actuals, scales).iter_rows(named=True)}
    assert result["good"]["wape"] == pytest.approx(1 / 20)
    assert result["poor"]["wape"] == pytest.approx(16 / 20)
    assert result["good"]["bias"] == pytest.approx(-1 / 20)
    assert result["good"]["rmsse"] < result["poor"]["rmsse"]
    assert result["poor"]["mase"] == pytest.approx(4 / 2)


def test_nothing_sold_leaves_wape_and_bias_without_a_value() -> None:
    # a store's last weeks without a sale: an error per unit sold is 3/0, not a number to print
    history = series("A", [0, 2, 0, 1, 0, 3])
    actuals = pl.DataFrame(
        {"sku": "A", "model": "m", "units": [0, 0, 0], "forecast": [1.0, 0.0, 2.0]}
    )
    row = score(actuals, naive_scales(history)).row(0, named=True)
    assert row["wape"] is None
    assert row["bias"] is None
    assert row["rmsse"] == pytest.approx(((1 + 4) / 3 / (4 + 4 + 1 + 1 + 9) * 5) ** 0.5)
