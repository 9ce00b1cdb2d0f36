"""ABC by revenue share, XYZ by variability of weekly demand, service levels per class."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from icebergops.errors import ConfigError
from icebergops.inventory.classes import abc_classes, abc_xyz, service_levels, xyz_classes


def classes_of(got: pl.DataFrame, column: str) -> dict[str, str]:
    return dict(got.select("sku", column).iter_rows())


def test_a_single_dominant_sku_is_a_and_zero_revenue_is_c() -> None:
    revenue = pl.DataFrame(
        {"sku": ["big", "mid", "small", "none"], "revenue": [90.0, 7.0, 3.0, 0.0]}
    )
    assert classes_of(abc_classes(revenue), "abc_class") == {
        "big": "A",
        "mid": "B",  # 90% above it: inside the next 15%
        "small": "C",  # 97% above it
        "none": "C",
    }


def test_abc_thresholds_are_settings() -> None:
    revenue = pl.DataFrame({"sku": list("abcd"), "revenue": [40.0, 30.0, 20.0, 10.0]})
    default = classes_of(abc_classes(revenue), "abc_class")
    assert default == {"a": "A", "b": "A", "c": "A", "d": "B"}  # 70% above c; 90% above d
    strict = classes_of(abc_classes(revenue, a_share=0.5, b_share=0.3), "abc_class")
    assert strict == {"a": "A", "b": "A", "c": "B", "d": "C"}


def daily(sku: str, weekly: list[list[int]], start: date = date(2026, 1, 5)) -> pl.DataFrame:
    units = [u for week in weekly for u in week]
    return pl.DataFrame(
        {
            "sku": [sku] * len(units),
            "day": [start + timedelta(days=i) for i in range(len(units))],
            "units": units,
        }
    )


def test_xyz_by_weekly_coefficient_of_variation() -> None:
    history = pl.concat(
        [
            daily(
                "steady", [[1] * 7, [2] * 7, [1, 1, 1, 1, 1, 2, 2], [1, 2] * 3 + [2]]
            ),  # 7,14,9,11
            daily("spiky", [[0] * 7, [0] * 7, [0] * 7, [40] + [0] * 6]),  # 0,0,0,40
            daily("never", [[0] * 7] * 4),
        ]
    )
    got = xyz_classes(history)
    # steady: mean 10.25, sample std 2.986 -> CV 0.29; spiky: mean 10, std 20 -> CV 2.0
    assert got.get_column("demand_cv").round(3).to_list() == [None, 2.0, 0.291]
    assert classes_of(got, "xyz_class") == {"steady": "X", "spiky": "Z", "never": "Z"}


def test_partial_periods_are_left_out() -> None:
    # 2 whole weeks of 7 units, then 3 days with 30 units each: the stub week must not count
    history = daily("s", [[1] * 7, [1] * 7, [30, 30, 30]])
    got = xyz_classes(history)
    assert got.select("periods", "period_mean", "demand_cv", "xyz_class").row(0) == (
        2,
        7.0,
        0.0,
        "X",
    )


def test_service_level_per_class_pair_with_a_default() -> None:
    classes = pl.DataFrame(
        {"sku": list("abc"), "abc_class": ["A", "A", "C"], "xyz_class": ["X", "Z", "Z"]}
    )
    got = service_levels(classes, levels={"AX": 0.99, "CZ": 0.8}, default=0.9)
    assert got.select("abc_xyz", "service_level").rows() == [("AX", 0.99), ("AZ", 0.9), ("CZ", 0.8)]


@pytest.mark.parametrize("level", [0.0, 1.0, 95.0, -0.1])
def test_a_service_level_outside_0_1_is_a_config_error(level: float) -> None:
    classes = pl.DataFrame({"abc_class": ["A"], "xyz_class": ["X"]})
    with pytest.raises(ConfigError, match="not between 0 and 1"):
        service_levels(classes, levels={"AX": level})


def test_abc_xyz_joins_both_and_fills_skus_missing_from_one() -> None:
    revenue = pl.DataFrame({"sku": ["a", "b"], "revenue": [100.0, 10.0]})
    history = pl.concat([daily("a", [[2] * 7, [2] * 7]), daily("c", [[1] * 7, [1] * 7])])
    got = abc_xyz(revenue, history, levels={"AX": 0.99})
    assert got.select("sku", "abc_xyz", "service_level").rows() == [
        ("a", "AX", 0.99),
        ("b", "BZ", 0.95),  # 91% above it: B; no history: Z
        ("c", "CX", 0.95),  # no revenue: C
    ]
