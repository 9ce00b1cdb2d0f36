"""How sure a backtest is of a lead: the series drawn again, every method on the same draws."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from icebergops.demand.accuracy import overall
from icebergops.demand.resample import ahead_shares


def errors(chosen: list[float], other: list[float], sold: list[float] | None = None,
           rmsse: tuple[list[float], list[float]] | None = None) -> pl.DataFrame:  # fmt: skip
    """Per-series errors of ``us`` and ``them`` in :func:`~.accuracy.series_errors`' columns."""
    n = len(chosen)
    sold = sold if sold is not None else [10.0] * n
    scaled = rmsse if rmsse is not None else (chosen, other)
    return pl.DataFrame(
        {
            "sku": [f"s{i}" for i in range(n)] * 2,
            "model": ["us"] * n + ["them"] * n,
            "abs_error": [*chosen, *other],
            "actual": sold * 2,
            "rmsse": [*scaled[0], *scaled[1]],
        }
    )


def shares(frame: pl.DataFrame, **kwargs: int) -> dict[str, float | None]:
    table = ahead_shares(frame, frame, key="sku", chosen="us", **kwargs)
    assert table["model"].to_list() == ["them"]
    return table.row(0, named=True)


def test_a_lead_on_every_series_is_kept_in_every_draw() -> None:
    rng = np.random.default_rng(1)
    base = rng.uniform(1, 5, 200).tolist()
    row = shares(errors([b * 0.8 for b in base], base))
    assert row["ahead_wape"] == 1.0 and row["ahead_rmsse"] == 1.0
    assert row["wape_gain_lo"] == pytest.approx(0.2) and row["wape_gain_hi"] == pytest.approx(0.2)


def test_a_lead_that_one_series_makes_is_not_sure() -> None:
    """Equal on 99 series, far ahead on one: most draws that leave it out are ties (half each),
    so the share sits between a coin's and a sure lead, and the gain's interval starts at 0."""
    base = [2.0] * 99
    row = shares(errors([*base, 0.0], [*base, 30.0]))
    assert 0.6 < row["ahead_wape"] < 0.9
    assert row["wape_gain_lo"] == 0.0 and row["wape_gain_hi"] > 0.1


def test_a_coin_flip_lead_is_shown_as_one() -> None:
    """Ahead on half the series by what it loses on the other half: about half the draws."""
    ours = [1.0, 3.0] * 100
    theirs = [3.0, 1.0] * 100
    row = shares(errors(ours, theirs))
    assert 0.35 < row["ahead_wape"] < 0.65
    assert row["wape_gain_lo"] < 0 < row["wape_gain_hi"]


def test_equal_methods_tie_in_every_draw() -> None:
    same = [1.0, 2.0, 3.0] * 10
    row = shares(errors(same, same))
    assert row["ahead_wape"] == 0.5 and row["ahead_rmsse"] == 0.5


def test_the_same_backtest_gives_the_same_shares_and_another_seed_other_ones() -> None:
    ours = [1.0, 3.0, 2.0, 2.5] * 25
    theirs = [3.0, 1.0, 2.2, 2.4] * 25
    frame = errors(ours, theirs)
    assert shares(frame) == shares(frame)
    assert shares(frame, seed=1)["ahead_wape"] != shares(frame, seed=2)["ahead_wape"]


def test_series_a_baseline_has_no_forecast_for_are_left_out_of_its_comparison() -> None:
    """``us`` is far behind on s0, which ``them`` did not forecast: only s1–s9 count."""
    frame = errors([100.0, *[1.0] * 9], [math.nan, *[2.0] * 9])
    frame = frame.filter(~((pl.col("model") == "them") & (pl.col("sku") == "s0")))
    assert shares(frame)["ahead_wape"] == 1.0


def test_infinite_rmsse_is_left_out_as_the_score_leaves_it_out() -> None:
    """A series without a naive scale has an infinite RMSSE; the mean is over the others."""
    inf = math.inf
    frame = errors([1.0] * 10, [2.0] * 10, rmsse=([inf, *[0.5] * 9], [inf, *[0.6] * 9]))
    assert shares(frame)["ahead_rmsse"] == 1.0


def test_nothing_sold_gives_no_wape_share() -> None:
    row = shares(errors([1.0] * 5, [2.0] * 5, sold=[0.0] * 5))
    assert row["ahead_wape"] is None and row["wape_gain_lo"] is None
    assert row["ahead_rmsse"] == 1.0


def test_with_one_series_every_draw_is_the_whole_backtest_as_overall_scores_it() -> None:
    """One series: each draw holds it alone, so the gain's interval is the table's own gain."""
    frame = errors([3.0], [4.0], sold=[12.0], rmsse=([0.7], [0.9]))
    table = overall(frame.with_columns(error=pl.col("abs_error"), mase=pl.lit(1.0)))
    wape = dict(table.select("model", "wape").iter_rows())
    row = shares(frame)
    assert row["wape_gain_lo"] == pytest.approx(1 - wape["us"] / wape["them"])
    assert row["wape_gain_hi"] == pytest.approx(1 - wape["us"] / wape["them"])
    assert row["ahead_wape"] == 1.0 and row["ahead_rmsse"] == 1.0


def test_no_chosen_rows_no_draws_and_no_series_give_no_shares() -> None:
    frame = errors([1.0] * 4, [2.0] * 4)
    alone = frame.filter(pl.col("model") == "them")
    for table in (
        ahead_shares(alone, alone, key="sku", chosen="us"),
        ahead_shares(frame, frame, key="sku", chosen="us", draws=0),
    ):
        assert table.rows() == [("them", None, None, None, None)]
    empty = frame.clear()
    assert ahead_shares(empty, empty, key="sku", chosen="us").is_empty()
