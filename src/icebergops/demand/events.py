"""Known events (promotions, launches, holidays) applied to forecasts as a percentage uplift."""

from __future__ import annotations

import polars as pl

SCALED = ("forecast", "lo_80", "hi_80", "lo_95", "hi_95")


def apply_events(
    forecast: pl.DataFrame, events: pl.DataFrame, *, catalogue: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Multiply forecast and bounds on each event's days by ``1 + uplift_pct / 100`` (events on
    the same day compound), and name the events in an ``events`` column.

    ``catalogue`` (``sku, product, category, product_type``) resolves events scoped to a product
    or a category (Shopify's product category or the merchant's own product type).

    >>> from datetime import date
    >>> fc = pl.DataFrame({"sku": ["A", "A"], "day": [date(2026, 11, 27), date(2026, 11, 28)],
    ...                    "forecast": [10.0, 10.0]})
    >>> ev = pl.DataFrame({"name": ["Black Friday"], "start": [date(2026, 11, 27)],
    ...                    "end": [date(2026, 11, 27)], "scope": ["all"], "target": [None],
    ...                    "uplift_pct": [150.0]})
    >>> apply_events(fc, ev)["forecast"].to_list()
    [25.0, 10.0]
    """
    keys = catalogue if catalogue is not None else forecast.select("sku").unique()
    for column in ("product", "category", "product_type"):
        if column not in keys.columns:
            keys = keys.with_columns(pl.lit(None, pl.String).alias(column))
    rows = forecast.select("sku", "day").join(keys.unique("sku"), on="sku", how="left")
    hits = rows.join_where(events, pl.col("day") >= pl.col("start"), pl.col("day") <= pl.col("end"))
    applies = (
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
    factors = (
        hits.filter(applies.fill_null(False))
        .group_by("sku", "day")
        .agg(
            (1 + pl.col("uplift_pct") / 100).product().alias("uplift"),
            pl.col("name").sort().str.join(", ").alias("events"),
        )
    )
    present = [c for c in SCALED if c in forecast.columns]
    return (
        forecast.join(factors, on=["sku", "day"], how="left")
        .with_columns((pl.col(c) * pl.col("uplift").fill_null(1.0)).alias(c) for c in present)
        .drop("uplift")
    )


def unmatched_events(
    forecast: pl.DataFrame, events: pl.DataFrame, catalogue: pl.DataFrame
) -> list[str]:
    """Names of scoped events inside the forecast's days whose target nothing here carries."""
    first, last = forecast["day"].min(), forecast["day"].max()
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
