"""Safety stock and the normal formulas, against hand-computed values and the standard library."""

from __future__ import annotations

from statistics import NormalDist

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from icebergops.errors import ConfigError
from icebergops.inventory.safety import (
    expected_shortage,
    normal_cdf,
    normal_loss,
    safety_stock,
    z_scores,
)


def value(expr: pl.Expr) -> float:
    result = pl.select(expr).item()
    assert isinstance(result, float)
    return result


@given(st.floats(min_value=-8, max_value=8))
def test_normal_cdf_matches_the_standard_library(x: float) -> None:
    assert value(normal_cdf(pl.lit(x))) == pytest.approx(NormalDist().cdf(x), abs=1e-7)


def test_normal_loss_at_one() -> None:
    # G(1) = φ(1) − 1·(1 − Φ(1)) = 0.241971 − 0.158655 = 0.083316
    assert value(normal_loss(pl.lit(1.0))) == pytest.approx(0.083316, abs=1e-6)


def test_safety_stock_without_lead_time_spread_is_z_sigma_sqrt_days() -> None:
    ss = safety_stock(
        z=2.0,
        demand_per_day=50.0,
        demand_std=2.0,
        lead_time_days=18.0,
        lead_time_std=0.0,
        review_days=7,
    )
    assert value(ss) == pytest.approx(2 * 2 * 5)  # √25 = 5


def test_safety_stock_with_only_lead_time_spread_is_z_d_sigma_l() -> None:
    ss = safety_stock(
        z=1.0,
        demand_per_day=4.0,
        demand_std=0.0,
        lead_time_days=10.0,
        lead_time_std=3.0,
        review_days=7,
    )
    assert value(ss) == pytest.approx(12.0)


def test_expected_shortage_without_spread_is_the_plain_gap() -> None:
    assert value(expected_shortage(mean=30.0, std=0.0, stock=12.0)) == 18.0
    assert value(expected_shortage(mean=30.0, std=0.0, stock=40.0)) == 0.0


def test_expected_shortage_one_sigma_above_the_mean() -> None:
    # σ·G(1) = 10 × 0.083316
    assert value(expected_shortage(mean=100.0, std=10.0, stock=110.0)) == pytest.approx(
        0.83316, abs=1e-5
    )


def test_z_scores_per_level_and_bad_levels() -> None:
    got = z_scores(pl.Series([0.95, 0.99, 0.95, None]))
    assert got.round(3).to_list() == [1.645, 2.326, 1.645, None]
    with pytest.raises(ConfigError):
        z_scores(pl.Series([1.0]))
