"""Known events (promotions, launches, holidays) applied to forecasts as a percentage uplift."""

from __future__ import annotations

import polars as pl

from icebergops.demand.calendar import DAY, Frequency

SCALED = ("forecast", "lo_80", "hi_80", "lo_95", "hi_95")


def apply_events(
    forecast: pl.DataFrame,
    events: pl.DataFrame,
    *,
    catalogue: pl.DataFrame | None = None,
    key: str = "sku",
    freq: Frequency = DAY,
) -> pl.DataFrame:
    """Multiply forecast and bounds on each event's days by ``1 + uplift_pct / 100`` (events on
    the same day compound), and name the events in an ``events`` column.

    ``forecast`` holds ``key`` (``sku`` or ``product``) and the period column of ``freq``. A
    week is lifted by the mean of its seven days' factors: a three-day sale at +100% lifts its
    week by 3/7 (the days of a week are taken as equal). ``catalogue`` (``sku, product,
    category, product_type``) resolves events scoped to a product or a category (Shopify's
    product category or the merchant's own product type); events scoped to a SKU never lift a
    product's total.

    >>> from datetime import date
    >>> fc = pl.DataFrame({"sku": ["A", "A"], "day": [date(2026, 11, 27), date(2026, 11, 28)],
    ...                    "forecast": [10.0, 10.0]})
    >>> ev = pl.DataFrame({"name": ["Black Friday"], "start": [date(2026, 11, 27)],
    ...                    "end": [date(2026, 11, 27)], "scope": ["all"], "target": [None],
    ...                    "uplift_pct": [150.0]})
    >>> apply_events(fc, ev)["forecast"].to_list()
    [25.0, 10.0]
    """
    time = freq.column
    keys = (catalogue if catalogue is not None else forecast.select(key)).unique(key)
    if key != "sku":
        keys = keys.drop("sku", strict=False)
    for column in ("sku", "product", "category", "product_type"):
        if column not in keys.columns:
            keys = keys.with_columns(pl.lit(None, pl.String).alias(column))
    last_day = pl.col(time) + pl.duration(days=freq.days - 1)
    days = (
        forecast.select(key, time)
        .unique()
        .with_columns(pl.date_ranges(time, last_day).alias("_day"))
        .explode("_day")
    )
    rows = days.join(keys, on=key, how="left")
    hits = rows.join_where(
        events, pl.col("_day") >= pl.col("start"), pl.col("_day") <= pl.col("end")
    )
    per_day = (
        hits.filter(_applies().fill_null(False))
        .group_by(key, time, "_day")
        .agg((1 + pl.col("uplift_pct") / 100).product().alias("uplift"), pl.col("name"))
    )
    factors = per_day.group_by(key, time).agg(
        # days of the period without an event keep a factor of 1
        ((pl.col("uplift").sum() + freq.days - pl.len()) / freq.days).alias("uplift"),
        pl.col("name")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .unique()
        .sort()
        .str.join(", ")
        .alias("events"),
    )
    present = [c for c in SCALED if c in forecast.columns]
    return (
        forecast.join(factors, on=[key, time], how="left")
        .with_columns((pl.col(c) * pl.col("uplift").fill_null(1.0)).alias(c) for c in present)
        .drop("uplift")
    )


def _applies() -> pl.Expr:
    """Whether an event (``scope``, ``target``) covers a row (``sku``, ``product``, category)."""
    return (
        (pl.col("scope") == "all")
        | ((pl.col("scope") == "sku") & (pl.col("sku") == pl.col("target")))
        | ((pl.col("scope") == "product") & (pl.col("product") == pl.col("target")))
        | (
            (pl.col("scope") == "category")
            & (
                (pl.col("category") == pl.col("target"))
                | (pl.col("product_type") == pl.col("target"))
            )
        )
    )


def unmatched_events(
    forecast: pl.DataFrame,
    events: pl.DataFrame,
    catalogue: pl.DataFrame,
    *,
    freq: Frequency = DAY,
) -> list[str]:
    """Names of scoped events inside the forecast's days whose target nothing here carries."""
    first = forecast[freq.column].min()
    last = forecast.select(pl.col(freq.column).max() + pl.duration(days=freq.days - 1)).item()
    known = {
        "sku": set(catalogue["sku"].drop_nulls()),
        "product": set(catalogue["product"].drop_nulls()),
        "category": set(catalogue["category"].drop_nulls())
        | set(catalogue["product_type"].drop_nulls()),
    }
    return [
        str(row["name"])
        for row in events.iter_rows(named=True)
        if row["scope"] != "all"
        and row["start"] <= last
        and row["end"] >= first
        and row["target"] not in known.get(str(row["scope"]), set())
    ]
