"""Model choice: the best few by horizon totals over the series fitted together, and whether their shape is kept."""

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


WRONG = ("WRONG", [0, 0, 0, 0, 0, 7, 0], [7, 0, 0, 0, 0, 0, 0])  # Monday's 7 sold on Saturday
WRONG2 = ("WRONG2", [0, 7, 0, 0, 0, 0, 0], [0, 0, 0, 0, 7, 0, 0])
# flat (1 a day) would have been 1.5 times as far off: squared errors 12 against 8
ROUGH = ("ROUGH", [0, 0, 0, 0, 1, 3, 3], [0, 0, 0, 0, 3, 1, 3])
WEEKLY = ("WEEKLY", [0, 0, 0, 0, 1, 3, 3], [0, 0, 0, 0, 1, 2, 4])  # flat: 6 times as far off


def spread(*series: tuple[str, list[float], list[float]]) -> list[str]:
    frames = pl.concat([validation(*each) for each in series])
    return sorted(flat_shape(frames, select_models(frames, ["Model"]), ["Model"]))


def test_where_most_shapes_put_sales_on_the_wrong_days_all_series_are_spread() -> None:
    # flat against shaped, mean over series: (0.43 + 0.43 + 1.5) / 3 < 1; ROUGH goes along
    assert spread(WRONG, WRONG2, ROUGH) == ["ROUGH", "WRONG", "WRONG2"]


def test_where_the_shapes_came_closer_on_the_whole_none_is_spread() -> None:
    # (0.43 + 6) / 2 > 1: WRONG keeps its shape, decided with the series fitted beside it
    assert spread(WRONG, WEEKLY) == []
    assert spread(WRONG) == ["WRONG"]


def test_the_models_chosen_are_those_of_best_mean_rank_over_the_series() -> None:
    # M1 is closest for A and B, M4 for C alone. Mean ranks: M1 1.33, M2 2.33, M4 3.0, M3 3.33:
    # all three get M1 + M2 + M4 in that order (C on its own: M4 + M1 + M2), each with bounds
    # from its own errors of M1.
    rows = []
    errors = {"A": [0, 1, 2, 3], "B": [0, 1, 2, 3], "C": [1, 2, 3, 0]}
    for series, by_model in errors.items():
        for cutoff in CUTOFFS:
            rows.append(
                (series, cutoff + timedelta(days=1), cutoff, 10.0, *(10.0 + e for e in by_model))
            )
    frames = pl.DataFrame(
        rows, schema=["unique_id", "ds", "cutoff", "y", "M1", "M2", "M3", "M4"], orient="row"
    )
    chosen = select_models(frames, ["M1", "M2", "M3", "M4"])
    for series in errors:
        picked = chosen.filter(pl.col("unique_id") == series)
        assert picked["model"].to_list() == ["M1", "M2", "M4"]
    c_bounds = chosen.filter(pl.col("unique_id") == "C")["q80"][0]
    assert c_bounds == pytest.approx(1.0)  # C's own error of M1, not A's 0 nor its M4's 0


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
