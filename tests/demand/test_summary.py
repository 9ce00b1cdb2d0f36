"""The end-of-run summary counts series and units by class, method and event."""

from __future__ import annotations

import polars as pl

from icebergops.demand.summary import forecast_summary


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
