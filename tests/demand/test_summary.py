"""The end-of-run summary counts series and units by class, method and event, and names the
series whose year is one spike."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from icebergops.demand.calendar import WEEK
from icebergops.demand.summary import forecast_summary, largest_order, spike_warning, spikes


def test_series_are_counted_once_per_group_and_units_summed() -> None:
    forecast = pl.DataFrame(
        {
            "sku": ["A", "A", "A", "A", "B", "B"],
            "location": ["Reno", "Reno", "Ohio", "Ohio", "Reno", "Reno"],
            "forecast": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "demand_class": ["smooth", "smooth", "lumpy", "lumpy", "smooth", "smooth"],
            "method": ["per series"] * 2 + ["top-down by product"] * 4,
            "model": ["AutoETS"] * 4 + ["trailing 4-week average (short history)"] * 2,
            "events": [None, "Sale", None, "Sale, Launch", None, None],
        }
    )
    got = forecast_summary(forecast, columns=("sku", "location"))
    assert got.rows() == [
        ("all", "all series", 3, 21.0),
        ("demand class", "lumpy", 1, 7.0),
        ("demand class", "smooth", 2, 14.0),
        ("method", "per series", 1, 3.0),
        ("method", "short history", 1, 11.0),
        ("method", "top-down by product", 1, 7.0),
        ("event", "Launch", 1, 4.0),
        ("event", "Sale", 2, 6.0),
    ]


def test_spikes_are_over_half_a_years_units_in_one_period() -> None:
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(400)]
    steady, spike = [2.0] * 400, [0.0] * 400
    spike[-5], spike[10] = 30.0, 500.0  # the 500 is more than a year before the last day
    small = [0.0] * 400
    small[-1] = 6.0  # all of its year, but under 10 units
    history = pl.DataFrame(
        {
            "sku": ["STEADY"] * 400 + ["ONCE"] * 400 + ["SMALL"] * 400,
            "day": days * 3,
            "units": steady + spike + small,
        }
    )
    assert spikes(history).rows() == [("ONCE", days[-5], 30.0, 30.0)]
    line = spike_warning(spikes(history), "SKUs")
    assert line is not None and line.startswith(
        "1 SKU sold over half of its last year's units in a single day (a wholesale order?), "
        "e.g. ONCE: 30 of 30 on"
    )
    assert spike_warning(spikes(history.filter(pl.col("sku") != "ONCE")), "SKUs") is None


def test_the_spike_warning_names_the_order_to_leave_out() -> None:
    """With the order lines, the example SKU's largest order that day; a cancelled one is no
    sale, and another SKU's order does not count."""
    day = date(2026, 11, 20)
    history = pl.DataFrame({"sku": ["ONCE", "ONCE"], "day": [day - timedelta(days=9), day],
                            "units": [2.0, 30.0]})  # fmt: skip
    lines = pl.DataFrame(
        {
            "order_id": ["#7", "#8", "#9", "#9", "#10"],
            "sku": ["ONCE", "ONCE", "ONCE", "ONCE", "OTHER"],
            "order_date": [day] * 5,
            "quantity": [12, 40, 9, 9, 99],
            "status": ["fulfilled", "cancelled", "fulfilled", "fulfilled", "fulfilled"],
            "is_test": [False] * 5,
        }
    )
    line = spike_warning(spikes(history), "SKUs", lines=lines)
    assert line is not None and "on 2026-11-20 (its largest order that day: #9); counted" in line
    assert "largest order" not in (spike_warning(spikes(history), "SKUs") or "")


def test_the_largest_order_of_a_week_and_none_without_order_ids() -> None:
    monday = date(2026, 11, 16)
    lines = pl.DataFrame(
        {
            "order_id": ["#1", "#2", "#2", None],
            "sku": ["A"] * 4,
            "order_date": [monday, monday + timedelta(days=3), monday + timedelta(days=6), monday],
            "quantity": [5, 3, 4, 50],
            "status": ["fulfilled"] * 4,
            "is_test": [False] * 4,
        }
    )
    assert largest_order(lines, "A", monday) == "#1"  # the line without an id is no order
    assert largest_order(lines, "A", monday, WEEK) == "#2"  # Monday to Sunday: 7 units
    assert largest_order(lines.with_columns(pl.lit(None, pl.String).alias("order_id")), "A",
                         monday) is None  # fmt: skip
