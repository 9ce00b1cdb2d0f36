"""What a forecast run produced, in a few rows: series and units by demand class, by how each
series was forecast, and by the events that lifted it; and the series whose year is one spike."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from icebergops.demand.calendar import DAY, Frequency
from icebergops.demand.series import SINGULAR

SHORT = "(short history)"  # how forecast.py marks series forecast by the trailing average


def forecast_summary(forecast: pl.DataFrame, *, columns: tuple[str, ...]) -> pl.DataFrame:
    """``by, group, series, units``: the number of series (of ``columns``) and the units expected
    (``expected`` where the forecast has it, else ``forecast``) in all, then per demand class,
    per method (per SKU or series, top-down, short history) and, where ``forecast`` has an
    ``events`` column, per event (the units of the periods it lifted).

    >>> fc = pl.DataFrame({"sku": ["A", "A", "B"], "forecast": [1.0, 2.0, 4.0],
    ...     "demand_class": ["smooth", "smooth", "lumpy"], "method": ["per SKU"] * 3,
    ...     "model": ["AutoETS", "AutoETS", "trailing 28-day average (short history)"]})
    >>> forecast_summary(fc, columns=("sku",)).rows()[:3]
    [('all', 'all series', 2, 7.0), ('demand class', 'lumpy', 1, 4.0), ('demand class', 'smooth', 1, 3.0)]
    """
    series = pl.struct(columns).n_unique().alias("series")
    # expected units: the point forecast is 0 for a series that most likely sells none
    units = pl.col("expected" if "expected" in forecast.columns else "forecast").sum()
    units = units.alias("units")
    method = (
        pl.when(pl.col("model").str.ends_with(SHORT))
        .then(pl.lit("short history"))
        .otherwise(pl.col("method"))
    )
    parts = {
        "demand class": (forecast, pl.col("demand_class").fill_null("(unknown)")),
        "method": (forecast, method),
    }
    if "events" in forecast.columns:
        lifted = forecast.filter(pl.col("events").is_not_null())
        parts["event"] = (
            lifted.with_columns(pl.col("events").str.split(", ")).explode("events"),
            pl.col("events"),
        )
    frames = [
        forecast.select(
            pl.lit("all").alias("by"), pl.lit("all series").alias("group"), series, units
        )
    ]
    for by, (frame, group) in parts.items():
        frames.append(
            frame.group_by(group.alias("group"))
            .agg(series, units)
            .sort("group")
            .select(pl.lit(by).alias("by"), "group", "series", "units")
        )
    return pl.concat(frames, how="vertical_relaxed")


SPIKE_SHARE = 0.5  # over half of the last year's units in a single period
SPIKE_UNITS = 10  # and at least this many then: a sparse SKU's one sale of 2 is no spike
YEAR_DAYS = 364


def spikes(history: pl.DataFrame, *, key: str = "sku", freq: Frequency = DAY) -> pl.DataFrame:
    """Series that sold over half of their last 364 days' units in a single day (week), at
    least 10 units then: most often a wholesale order or another one-off, which the forecast
    counts as demand. ``key, at, units_then, units_year``, the largest first.

    >>> from datetime import date
    >>> days = [date(2026, 11, d) for d in range(1, 11)]
    >>> h = pl.DataFrame({"sku": ["A"] * 10 + ["B"] * 10, "day": days * 2,
    ...                   "units": [1.0] * 9 + [40.0] + [5.0] * 10})
    >>> spikes(h).rows()
    [('A', datetime.date(2026, 11, 10), 40.0, 49.0)]
    """
    time = freq.column
    last = history[time].max()
    if last is None:
        return pl.DataFrame(schema={key: pl.String, "at": pl.Date, "units_then": pl.Float64,
                                    "units_year": pl.Float64})  # fmt: skip
    recent = history.filter(pl.col(time) > pl.lit(last) - timedelta(days=YEAR_DAYS))
    return (
        recent.group_by(key)
        .agg(
            pl.col(time).sort_by("units").last().alias("at"),
            pl.col("units").max().cast(pl.Float64).alias("units_then"),
            pl.col("units").sum().cast(pl.Float64).alias("units_year"),
        )
        .filter(
            pl.col("units_then") >= SPIKE_UNITS,
            pl.col("units_then") > SPIKE_SHARE * pl.col("units_year"),
        )
        .sort("units_then", key, descending=[True, False])
    )


def spike_warning(
    found: pl.DataFrame,
    noun: str,
    period: str = "day",
    *,
    lines: pl.DataFrame | None = None,
    freq: Frequency = DAY,
) -> str | None:
    """One line on :func:`spikes`' series, the largest as the example; None when there are none.
    With the order ``lines`` and SKUs as the series, it names the example's largest order then:
    the one to list under ``store.not_demand_orders`` if it was a one-off."""
    if found.is_empty():
        return None
    key, at, then, year = found.row(0)
    order = (
        largest_order(lines, key, at, freq)
        if lines is not None and found.columns[0] == "sku"
        else None
    )
    one = found.height == 1
    return (
        f"{found.height:,} {SINGULAR.get(noun, noun) if one else noun} sold over half of "
        f"{'its' if one else 'their'} last year's units in a single {period} "
        f"(a wholesale order?), e.g. {key}: {then:,.0f} of {year:,.0f} on {at}"
        + (f" (its largest order that {period}: {order})" if order is not None else "")
        + "; counted as demand: if it was a one-off order, list it under store.not_demand_orders "
        "in icebergops.yaml; if it will recur on known days, fix their units in events.csv"
    )


def largest_order(lines: pl.DataFrame, sku: str, start: date, freq: Frequency = DAY) -> str | None:
    """The order with the most units of ``sku`` in the day (week) from ``start``, cancelled and
    test orders and lines without an order id left out; None where there is none (a file
    without order ids), so that a warning never names an order that cannot be listed.

    >>> lines = pl.DataFrame({"order_id": ["#1", "#2", "#2", "#3"], "sku": ["A", "A", "A", "B"],
    ...                       "order_date": [date(2026, 11, 2)] * 4, "quantity": [5, 3, 4, 50],
    ...                       "status": ["fulfilled"] * 4, "is_test": [False] * 4})
    >>> largest_order(lines, "A", date(2026, 11, 2))
    '#2'
    """
    day = pl.col("order_date")
    sold = lines.filter(
        pl.col("sku") == sku,
        day >= start,
        day < start + timedelta(days=freq.days),
        pl.col("status") != "cancelled",
        ~pl.col("is_test").fill_null(False),
        pl.col("order_id").is_not_null(),
    )
    if sold.is_empty():
        return None
    per_order = sold.group_by("order_id").agg(pl.col("quantity").sum())
    return str(per_order.sort(["quantity", "order_id"], descending=[True, False])["order_id"][0])
