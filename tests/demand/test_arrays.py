"""Daily history laid out as one contiguous run of rows per series."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from icebergops.demand.arrays import (
    DailySeries,
    _bincount_totals,
    as_series,
    daily_series,
    group_totals,
    in_series_order,
)

DAY = date(2026, 1, 1)


def history(skus: list[str], offsets: list[int], units: list[float | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"sku": skus, "day": [DAY + timedelta(d) for d in offsets], "units": units},
        schema_overrides={"units": pl.Int64},
    )


def runs(got: DailySeries) -> dict[str | None, list[int]]:
    """Units per series, whatever the order of the series."""
    bounds = zip(got.keys["sku"], got.starts, got.ends, strict=True)
    return {sku: got.units[start:end].tolist() for sku, start, end in bounds}


def test_a_history_in_sku_and_day_order_is_read_as_it_is() -> None:
    got = daily_series(history(["a", "b", "b"], [0, 0, 1], [1, 2, 3]))
    assert got.keys["sku"].to_list() == ["a", "b"]
    assert (got.starts.tolist(), got.ends.tolist(), got.rows.tolist()) == ([0, 1], [1, 3], [1, 2])
    assert got.units.tolist() == [1, 2, 3]
    assert got.day.tolist() == [20454, 20454, 20455]  # days since 1970-01-01


def test_other_orders_are_sorted_into_series_in_day_order() -> None:
    assert runs(daily_series(history(["b", "b", "a"], [0, 1, 0], [1, 2, 3]))) == {
        "a": [3],
        "b": [1, 2],
    }
    assert runs(daily_series(history(["a", "b", "a"], [0, 0, 1], [1, 2, 3]))) == {
        "a": [1, 3],
        "b": [2],
    }
    assert runs(daily_series(history(["a", "a", "b"], [1, 0, 0], [1, 2, 3]))) == {
        "a": [2, 1],
        "b": [3],
    }


def test_missing_units_count_zero_and_float_units_stay_float() -> None:
    assert daily_series(history(["a", "a"], [0, 1], [None, 4])).units.tolist() == [0, 4]
    floats = history(["a"], [0], [1]).with_columns(pl.lit(1.5).alias("units"))
    assert daily_series(floats).units.dtype.kind == "f"


def test_several_keys_and_an_empty_history() -> None:
    frame = history(["a", "a", "a"], [0, 0, 1], [1, 2, 3]).with_columns(
        pl.Series("location", ["x", "y", "x"])
    )
    got = daily_series(frame, ["sku", "location"])
    assert got.keys.rows() == [("a", "x"), ("a", "y")]
    assert got.units.tolist() == [1, 3, 2]
    empty = daily_series(history([], [], []))
    assert (empty.keys.height, len(empty.day)) == (0, 0)
    assert as_series(got) is got


def test_a_shuffled_history_with_a_missing_sku_is_put_in_order() -> None:
    frame = history(["a", None, "b", None, "a"], [1, 1, 0, 0, 0], [1, 2, 3, 4, 5])
    assert runs(daily_series(frame)) == {"a": [5, 1], None: [4, 2], "b": [3]}


def test_in_series_order_says_whether_a_sort_would_move_anything() -> None:
    frame = pl.DataFrame({"sku": ["a", "a", "b", "b", "c"], "day": [5, 6, 1, 2, 9]})
    assert in_series_order(frame, "sku", "day")  # b starts before a ended: still in order
    assert in_series_order(frame.head(0), "sku", "day")
    assert not in_series_order(frame.reverse(), "sku", "day")
    twice = frame.with_columns(pl.Series("day", [5, 5, 1, 2, 9]))  # a sort may swap equal days
    assert not in_series_order(twice, "sku", "day")
    keys_unsorted = frame.with_columns(pl.Series("sku", ["b", "b", "a", "a", "c"]))
    assert not in_series_order(keys_unsorted, "sku", "day")
    assert not in_series_order(
        frame.with_columns(pl.lit(None, pl.String).alias("sku")), "sku", "day"
    )


def test_group_totals_add_each_groups_rows_per_period_or_hand_back() -> None:
    history = pl.DataFrame(
        {
            "sku": ["a", "a", "b", "b", "c", "d"],
            "day": [DAY, DAY + timedelta(2), DAY, DAY + timedelta(2), DAY + timedelta(2), DAY],
            "units": [1, 2, 3, 4, 5, 6],
        }
    )
    groups = pl.DataFrame({"sku": ["a", "b", "c"], "group": ["x", "x", "w"]})  # d: none
    summed = group_totals(history, groups, key="sku", group="group", period="day", step=1)
    assert summed.rows() == [
        ("w", DAY + timedelta(2), 5),
        ("x", DAY, 4),
        ("x", DAY + timedelta(2), 6),
    ]
    assert summed.schema == pl.Schema({"group": pl.String, "day": pl.Date, "units": pl.Int64})
    unset = groups.with_columns(pl.lit(None, pl.String).alias("group"))
    assert _bincount_totals(history, unset, key="sku", group="group", period="day", step=1) is None
    # days two apart are whole steps of 2, not of 7
    assert (
        _bincount_totals(history, groups, key="sku", group="group", period="day", step=2)
        is not None
    )
    assert _bincount_totals(history, groups, key="sku", group="group", period="day", step=7) is None
    # where the cells do not suit, polars' group-by gives the same totals
    by_polars = group_totals(history, groups, key="sku", group="group", period="day", step=7)
    assert by_polars.rows() == summed.rows()
    assert by_polars.schema == summed.schema
