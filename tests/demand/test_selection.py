"""Model choice per series: the best few by horizon totals, and where their shape is kept."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from icebergops.demand.selection import flat_shape, pick_models, select_models

CUTOFFS = [date(2026, 1, 4), date(2026, 1, 11)]


def validation(series: str, actual: list[float], forecast: list[float]) -> pl.DataFrame:
    """Two weekly validation windows of one series, the same actual and forecast week each."""
    rows = [
        (series, cutoff + timedelta(days=d + 1), cutoff, actual[d], forecast[d])
        for cutoff in CUTOFFS
        for d in range(7)
    ]
    return pl.DataFrame(rows, schema=["unique_id", "ds", "cutoff", "y", "Model"], orient="row")


def test_a_shape_that_put_sales_on_the_wrong_days_is_spread_evenly() -> None:
    # both forecast 7 units a week; WRONG puts them on Monday, WEEKLY on the days they sell
    frames = pl.concat(
        [
            validation("WRONG", [0, 0, 0, 0, 0, 7, 0], [7, 0, 0, 0, 0, 0, 0]),
            validation("WEEKLY", [0, 0, 0, 0, 1, 3, 3], [0, 0, 0, 0, 1, 3, 3]),
        ]
    )
    chosen = select_models(frames, ["Model"])
    assert flat_shape(frames, chosen, ["Model"]).to_list() == ["WRONG"]


def test_spreading_keeps_the_horizon_total_and_names_it() -> None:
    days = [date(2026, 2, 1) + timedelta(days=d) for d in range(7)]
    ahead = pl.DataFrame(
        {"unique_id": ["A"] * 7 + ["B"] * 7, "ds": days * 2, "Model": [7.0, 0, 0, 0, 0, 0, 0] * 2}
    )
    chosen = pl.DataFrame(
        {"unique_id": ["A", "B"], "model": ["Model"] * 2, "q80": [0.5] * 2, "q95": [2.0] * 2}
    )
    picked = pick_models(ahead, chosen, ["Model"], pl.Series(["A"])).sort("unique_id", "ds")
    a, b = (picked.filter(pl.col("unique_id") == s) for s in ("A", "B"))
    assert a["forecast"].to_list() == pytest.approx([1.0] * 7)
    assert b["forecast"].to_list() == [7.0, 0, 0, 0, 0, 0, 0]
    assert a["model"][0] == "Model (spread evenly)" and b["model"][0] == "Model"
    assert a["lo_80"].to_list() == pytest.approx([0.5] * 7)
    assert a["hi_95"].to_list() == pytest.approx([3.0] * 7)


def test_bounds_and_name_follow_the_best_ranked_model() -> None:
    days = [date(2026, 2, 1) + timedelta(days=d) for d in range(7)]
    ahead = pl.DataFrame({"unique_id": ["A"] * 7, "ds": days, "M1": [4.0] * 7, "M2": [6.0] * 7})
    # select_models lists M2 first: it came closer; M1 sits before it among the columns
    chosen = pl.DataFrame(
        {"unique_id": ["A", "A"], "model": ["M2", "M1"], "q80": [0.1, 5.0], "q95": [0.2, 9.0]}
    )
    picked = pick_models(ahead, chosen, ["M1", "M2"])
    assert picked["forecast"].to_list() == pytest.approx([5.0] * 7)
    assert picked["lo_80"].to_list() == pytest.approx([4.9] * 7)
    assert picked["hi_95"].to_list() == pytest.approx([5.2] * 7)
    assert set(picked["model"]) == {"M2 + M1"}
