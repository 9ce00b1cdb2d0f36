"""Top-down forecasting for catalogues of many sparse variants: forecast the product, split it.

Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §11.2 "Top-down
approaches": proportions of the historical (here: recent) demand. A product whose sizes and
colours each sell a few times a year shows its season as a whole; its variants do not.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from icebergops.demand.arrays import group_totals, in_series_order
from icebergops.demand.calendar import DAY, Frequency
from icebergops.demand.events import SCALED

RECENT_DAYS = 90  # the mix of variants is taken from this many most recent days


def product_of_title(title: pl.Expr) -> pl.Expr:
    """Shopify's line item name is ``Product - Variant``: the product is what precedes the last
    `` - ``. A title without that separator is a product of its own.

    >>> pl.select(product_of_title(pl.lit("Rieker - L4655-35- Rouge - 40 / ROUGE"))).item()
    'Rieker - L4655-35- Rouge'
    """
    return (
        pl.when(title.str.contains(" - ", literal=True))
        .then(title.str.replace(r"^(.*) - [^-]*$", "$1"))
        .otherwise(title)
    )


def products_from_orders(order_lines: pl.DataFrame) -> pl.DataFrame:
    """``sku, product`` from the order lines' titles (the most frequent title of each SKU)."""
    titles = (
        order_lines.filter(pl.col("title").is_not_null())
        .group_by("sku")
        .agg(pl.col("title").mode().sort().first())
    )
    return titles.select("sku", product_of_title(pl.col("title")).alias("product"))


SPARSE_SHARE = 1 / 14  # a SKU that sold on fewer than one day in two weeks is "sparse"
SPARSE_POOL = "all sparse SKUs"


def variant_families(
    history: pl.DataFrame,
    products: pl.DataFrame | None,
    *,
    key: str = "sku",
    freq: Frequency = DAY,
) -> pl.DataFrame:
    """``key, product, top_down``: a series is forecast top-down when its product has several.

    Sparse single-series products are pooled: the pool's total has a level and a season that
    no single one of them shows, and each gets its recent share of it. ``products`` maps
    ``key`` to ``product``; in weekly history "sparse" is the weekly equivalent of the daily
    share (a week with a sale, at that daily rate).
    """
    sparse = 1 - (1 - SPARSE_SHARE) ** freq.days
    selling = history.group_by(key).agg(((pl.col("units") > 0).mean()).alias("selling"))
    series = history.select(key).unique().join(selling, on=key)
    if products is None:
        mapped = series.with_columns(pl.col(key).alias("product"))
    else:
        mapped = series.join(products.select(key, "product").unique(key), on=key, how="left")
        mapped = mapped.with_columns(pl.coalesce("product", key).alias("product"))
    single = pl.len().over("product") == 1
    pooled = single & (pl.col("selling") < sparse)
    mapped = mapped.with_columns(
        pl.when(pooled).then(pl.lit(SPARSE_POOL)).otherwise(pl.col("product")).alias("product")
    )
    return mapped.select(key, "product", (pl.len().over("product") > 1).alias("top_down"))


def product_history(
    history: pl.DataFrame, families: pl.DataFrame, *, key: str = "sku", freq: Frequency = DAY
) -> pl.DataFrame:
    """Units per product and period (``product, <period>, units``), summed over its series
    (see :func:`~icebergops.demand.arrays.group_totals`), sorted by product and period."""
    return group_totals(
        history, families, key=key, group="product", period=freq.column, step=freq.days
    )


def split_by_mix(
    product_forecast: pl.DataFrame,
    history: pl.DataFrame,
    families: pl.DataFrame,
    *,
    key: str = "sku",
    freq: Frequency = DAY,
) -> pl.DataFrame:
    """Each series' share of its product's units over the last ``RECENT_DAYS`` (all history
    where the product sold nothing then) times the product forecast and bounds."""
    time = freq.column
    last = history[time].max()
    assert last is not None
    recent = pl.col(time) > last - timedelta(days=RECENT_DAYS)  # type: ignore[operator]
    # summed per series, then joined to its product: joining every period first cost twice as
    # long (the sums can differ in the last bit: polars adds a contiguous series another way)
    units = (
        history.group_by(key)
        .agg(
            pl.col("units").filter(recent).sum().alias("recent"), pl.col("units").sum().alias("all")
        )
        .join(families.select(key, "product"), on=key)
    )
    shares = units.with_columns(
        pl.when(pl.col("recent").sum().over("product") > 0)
        .then(pl.col("recent") / pl.col("recent").sum().over("product"))
        .otherwise(pl.col("all") / pl.col("all").sum().over("product"))
        .fill_nan(0.0)
        .alias("share")
    )
    return shares.join(product_forecast, on="product").select(
        key,
        time,
        *((pl.col(c) * pl.col("share")).alias(c) for c in SCALED if c in product_forecast.columns),
        pl.concat_str(pl.col("model"), pl.lit(" (product total)")).alias("model"),
    )


def catalogue(order_lines: pl.DataFrame, products: pl.DataFrame | None = None) -> pl.DataFrame:
    """``sku, product, category, product_type`` for every SKU sold: from the products export
    where given (``handle`` is the product), else the product from the order lines' titles."""
    guessed = products_from_orders(order_lines).with_columns(
        pl.lit(None, pl.String).alias("category"), pl.lit(None, pl.String).alias("product_type")
    )
    if products is None or products.is_empty():
        return guessed
    exported = products.select(
        "sku", pl.col("handle").alias("product"), "category", "product_type"
    ).unique("sku")
    return pl.concat([exported, guessed.join(exported, on="sku", how="anti")])


def with_own_rate(
    split: pl.DataFrame,
    history: pl.DataFrame,
    *,
    key: str = "sku",
    freq: Frequency = DAY,
    families: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Top-down forecasts averaged, with equal weights, with each series' own trailing average
    (units per period over its last ``freq.window`` periods); bounds keep their distance from
    the forecast (lower bounds not below zero). With ``families`` (``key, product``) the
    periods count from the product's first sale, not the series' own: a variant first sold
    on the history's last day, of a product on sale for months, has sold one unit in 28 days,
    not one a day.

    The split assumes the variant mix of the last ``RECENT_DAYS`` holds; a series' own recent
    rate is a second view of its demand that assumes nothing about its siblings. An equal-weight
    average of two methods is the robust default (Clemen 1989, "Combining forecasts"; weights
    fitted on short histories tend to do worse).

    >>> split = pl.DataFrame({"sku": ["A"] * 2, "day": [1, 2], "forecast": [2.0, 2.0],
    ...                       "hi_80": [3.0, 3.0], "model": ["ETS (product total)"] * 2})
    >>> history = pl.DataFrame({"sku": ["A"] * 3, "day": [-2, -1, 0], "units": [0, 0, 3]})
    >>> with_own_rate(split, history)["forecast"].to_list()  # (2 + 1) / 2
    [1.5, 1.5]
    >>> older = pl.DataFrame({"sku": ["B"] * 6, "day": range(-5, 1), "units": [1] * 6})
    >>> families = pl.DataFrame({"sku": ["A", "B"], "product": ["P", "P"]})
    >>> both = pl.concat([history, older])
    >>> with_own_rate(split, both, families=families)["forecast"].to_list()  # (2 + 3 / 6) / 2
    [1.25, 1.25]
    """
    time = freq.column
    ordered = history if in_series_order(history, key, time) else history.sort(key, time)
    own = ordered.group_by(key).agg(
        pl.col("units").tail(freq.window).sum().alias("__sum"),
        pl.col(time).min().alias("__first"),
    )
    if families is not None:  # the product's first period: its variants' earliest
        own = own.join(families.select(key, "product"), on=key, how="left").with_columns(
            pl.col("__first").min().over(pl.coalesce("product", key))
        )
    span = pl.lit(history[time].max()) - pl.col("__first")
    if history.schema[time].is_temporal():
        span = span.dt.total_days() // freq.days
    periods = (span + 1).clip(upper_bound=freq.window)
    own = own.select(key, (pl.col("__sum") / periods).cast(pl.Float64).alias("__own"))
    combined = (pl.col("forecast") + pl.col("__own")) / 2
    shift = combined - pl.col("forecast")
    bounds = [c for c in SCALED[1:] if c in split.columns]
    return (
        split.join(own, on=key, how="left")
        .with_columns(pl.col("__own").fill_null(pl.col("forecast")))
        .with_columns(
            *((pl.col(c) + shift).clip(lower_bound=0).alias(c) for c in bounds),
            combined.alias("forecast"),
            pl.concat_str(pl.col("model"), pl.lit(f" + {freq.window_name}")).alias("model"),
        )
        .drop("__own")
    )
