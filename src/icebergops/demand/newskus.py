"""New SKUs: a few days of their own sales, blended with what their siblings sell.

A SKU launched ten days ago has ten days of evidence, often a launch spike or nothing at all. Its
siblings (SKUs of the same category, or product type; without a catalogue, every established
SKU of the store) have years. The forecast starts from their
typical rate and moves to the SKU's own as days accumulate: a credibility weight
``days / (days + CREDIBILITY_DAYS)`` (Bühlmann's credibility, as in "like item" forecasting of new
products: Kahn, *Journal of Business Forecasting* 21(4), 2002). A SKU with 28 days of history
counts half its own average, half its siblings'; with 84 days, three quarters its own.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

import polars as pl

from icebergops.demand.selection import LEVELS

CREDIBILITY_DAYS = 28  # days of own history that weigh as much as the siblings' rate
OWN_DAYS = 28  # the SKU's own rate: its average over at most this many last days
SIBLING_DAYS = 90  # the siblings' rate: their average over this many last days
METHOD = "new SKU: blended with its siblings"


STORE = "the store"  # the sibling group of a SKU without a category: every established SKU


def moved_bounds(
    point: pl.Expr, columns: Collection[str], *, where: pl.Expr | None = None
) -> list[pl.Expr]:
    """The 80/95% bounds of ``columns`` where the forecast moves to ``point`` (on the rows
    ``where`` holds; else all): they keep their distance from the forecast (its own spread,
    the same either side: demand.forecast), measured from the upper bound, as the lower one
    may have been cut at zero; the lower one stays at or above zero."""
    moves = pl.lit(True) if where is None else where
    shift = pl.when(moves).then(point - pl.col("forecast")).otherwise(0.0)
    bounds = []
    for level in LEVELS:
        hi, lo = f"hi_{level}", f"lo_{level}"
        if hi in columns:
            bounds.append((pl.col(hi) + shift).alias(hi))
            if lo in columns:
                spread = pl.col(hi) - pl.col("forecast")
                lower = pl.when(moves).then(pl.col("forecast") + shift - spread)
                bounds.append(lower.otherwise(pl.col(lo)).clip(lower_bound=0).alias(lo))
    return bounds


def sibling_rates(
    history: pl.DataFrame, families: pl.DataFrame | None, established: pl.Series
) -> pl.DataFrame:
    """``sku, sibling_rate, siblings, sibling_group``: for every SKU of ``history``, the mean
    daily units over the last ``SIBLING_DAYS`` of the ``established`` SKUs of its category
    (product type where the category is unknown); of every established SKU of the store where
    it has neither, or no established sibling there, or ``families`` is None (no catalogue).
    Left out only when the store has no established SKU.

    >>> from datetime import date
    >>> h = pl.DataFrame({"sku": ["A", "A", "B", "C", "D"], "units": [2, 4, 1, 9, 1],
    ...     "day": [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 2), date(2026, 1, 2),
    ...             date(2026, 1, 2)]})
    >>> f = pl.DataFrame({"sku": ["A", "B", "C"], "category": ["Boots", "Boots", "Hats"],
    ...                   "product_type": [None, None, None]})
    >>> sibling_rates(h, f, pl.Series(["A"])).sort("sku").rows()
    [('A', 3.0, 1, 'Boots'), ('B', 3.0, 1, 'Boots'), ('C', 3.0, 1, 'the store'), ('D', 3.0, 1, 'the store')]
    """
    last = history["day"].max()
    assert last is not None
    since = last - timedelta(days=SIBLING_DAYS - 1)  # type: ignore[operator]
    own = (
        history.filter(pl.col("sku").is_in(established.implode()) & (pl.col("day") >= since))
        .group_by("sku")
        .agg(pl.col("units").mean().alias("rate"))
    )
    if own.is_empty():
        return pl.DataFrame(
            schema={
                "sku": pl.String,
                "sibling_rate": pl.Float64,
                "siblings": pl.UInt32,
                "sibling_group": pl.String,
            }
        )
    skus = history.select("sku").unique()
    if families is not None and "category" in families.columns:
        group = pl.coalesce("category", "product_type").alias("sibling_group")
        groups = families.select("sku", group).unique("sku").drop_nulls()
    else:
        groups = pl.DataFrame(schema={"sku": pl.String, "sibling_group": pl.String})
    rates = (
        own.join(groups, on="sku")
        .group_by("sibling_group")
        .agg(pl.col("rate").mean().alias("sibling_rate"), pl.len().alias("siblings"))
    )
    store = own.select(pl.col("rate").mean().alias("store_rate"), pl.len().alias("store_skus")).row(
        0
    )
    found = skus.join(groups, on="sku", how="left").join(rates, on="sibling_group", how="left")
    alone = pl.col("sibling_rate").is_null()
    return found.select(
        "sku",
        pl.when(alone).then(store[0]).otherwise("sibling_rate").alias("sibling_rate"),
        pl.when(alone).then(store[1]).otherwise("siblings").cast(pl.UInt32).alias("siblings"),
        pl.when(alone).then(pl.lit(STORE)).otherwise("sibling_group").alias("sibling_group"),
    )


def start_from_siblings(
    forecast: pl.DataFrame,
    history: pl.DataFrame,
    families: pl.DataFrame | None,
    *,
    new: pl.Series,
    established: pl.Series,
) -> pl.DataFrame:
    """``forecast`` with the ``new`` SKUs' rows replaced by their blend with siblings' rates.

    ``forecast`` has ``sku, day, forecast, model, method`` (and bounds, which keep their
    distance from the forecast); ``families`` (``sku, category, product_type``) says who the
    siblings are; without a catalogue, or without an established sibling, the siblings are
    every established SKU of the store. New SKUs are flagged with ``method`` = :data:`METHOD`
    and a ``model`` naming the weights and the group; where the store has no established SKU
    they keep their own trailing average.
    """
    if new.is_empty():
        return forecast
    siblings = sibling_rates(history, families, established).filter(
        pl.col("sku").is_in(new.implode())
    )
    if siblings.is_empty():
        return forecast
    own = (
        history.join(siblings.select("sku"), on="sku")
        .sort("sku", "day")
        .group_by("sku")
        .agg(pl.col("units").tail(OWN_DAYS).mean().alias("own_rate"), pl.len().alias("days"))
    )
    weight = pl.col("days") / (pl.col("days") + CREDIBILITY_DAYS)
    blends = own.join(siblings, on="sku").select(
        "sku",
        (weight * pl.col("own_rate") + (1 - weight) * pl.col("sibling_rate")).alias("blend"),
        pl.format(
            "{}% own {}-day average + {}% average of {} SKUs in {}",
            (weight * 100).round(0).cast(pl.Int64),
            pl.min_horizontal(pl.col("days"), OWN_DAYS),
            ((1 - weight) * 100).round(0).cast(pl.Int64),
            "siblings",
            "sibling_group",
        ).alias("blend_model"),
    )
    joined = forecast.join(blends, on="sku", how="left")
    blended = pl.col("blend").is_not_null()
    moved = moved_bounds(pl.col("blend"), forecast.columns, where=blended)
    return joined.with_columns(
        *moved,
        pl.when(blended).then(pl.col("blend")).otherwise(pl.col("forecast")).alias("forecast"),
        pl.when(blended).then(pl.col("blend_model")).otherwise(pl.col("model")).alias("model"),
        pl.when(blended).then(pl.lit(METHOD)).otherwise(pl.col("method")).alias("method"),
    ).drop("blend", "blend_model")
