"""New SKUs: a few days of their own sales, blended with what their siblings sell.

A SKU launched ten days ago has ten days of evidence, often a launch spike or nothing at all. Its
siblings (SKUs of the same category, or product type; without a catalogue, every established
SKU of the store) have years. The forecast starts from their
typical rate and moves to the SKU's own as days accumulate: a credibility weight
``days / (days + CREDIBILITY_DAYS)`` (Bühlmann's credibility, as in "like item" forecasting of new
products: Kahn, *Journal of Business Forecasting* 21(4), 2002). A SKU with 28 days of history
counts half its own average, half its siblings'; with 84 days, three quarters its own.

A series too short for the models' validation windows (:func:`trailing_average`) is moved the
same way towards the store's established series (:func:`towards_established`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

import polars as pl

from icebergops.demand.calendar import Frequency
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


def trailing_average(
    history: pl.DataFrame, key: str, horizon: int, freq: Frequency
) -> pl.DataFrame:
    """The average of each series' last ``freq.window`` periods, with bounds from how far those
    periods lay from it: the 80/95% quantiles of their absolute deviations, as the models'
    bounds are of their validation errors (:func:`~demand.selection.select_models`). A
    series this short has no validation window; its own spread is the evidence there is
    (narrower than out-of-sample errors would be, and none with one period)."""
    time = freq.column
    tail = history.sort(key, time).group_by(key, maintain_order=True).tail(freq.window)
    mean = pl.col("units").mean()
    recent = tail.group_by(key).agg(
        mean.alias("forecast"),
        pl.col(time).max(),
        *(
            (pl.col("units") - mean).abs().quantile(level / 100).alias(f"q{level}")
            for level in LEVELS
        ),
    )
    periods = recent.select(
        pl.col(key).alias("unique_id"),
        pl.date_ranges(
            pl.col(time) + pl.duration(days=freq.days),
            pl.col(time) + pl.duration(days=freq.days * horizon),
            interval=freq.interval,
        ).alias("ds"),
        pl.col("forecast").cast(pl.Float64),
        *(
            expr
            for level in LEVELS
            for expr in (
                (pl.col("forecast") - pl.col(f"q{level}")).clip(lower_bound=0).alias(f"lo_{level}"),
                (pl.col("forecast") + pl.col(f"q{level}")).alias(f"hi_{level}"),
            )
        ),
    ).explode("ds")
    return periods.with_columns(pl.lit(f"{freq.window_name} (short history)").alias("model"))


def towards_established(
    forecast: pl.DataFrame, history: pl.DataFrame, info: pl.DataFrame, key: str, freq: Frequency
) -> pl.DataFrame:
    """Short series' trailing averages (``unique_id, ds, forecast``, bounds, ``model``) moved
    towards the typical rate of the series with a long history, by credibility: a series
    with ``n`` periods counts ``n / (n + CREDIBILITY_DAYS)`` its own (in days), as new SKUs
    do with their siblings (:mod:`demand.newskus`). A series whose first sale was on the last
    day has one period, which is that sale: its own average alone is a rate of one a day.
    Bounds keep their distance from the forecast; the lower one stays at or above zero."""
    long = info.filter(pl.col("periods") * freq.days >= SIBLING_DAYS)[key]
    last = history[freq.column].max()
    if long.is_empty() or last is None:
        return forecast
    since = last - timedelta(days=SIBLING_DAYS - freq.days)  # type: ignore[operator]
    rates = (
        history.filter(pl.col(key).is_in(long.implode()) & (pl.col(freq.column) >= since))
        .group_by(key)
        .agg(pl.col("units").mean())
    )
    prior = rates.select(pl.col("units").mean().fill_null(0.0)).item()
    credible = CREDIBILITY_DAYS / freq.days
    weights = info.select(
        pl.col(key).alias("unique_id"),
        (pl.col("periods") / (pl.col("periods") + credible)).alias("_own"),
    )
    joined = forecast.join(weights, on="unique_id", how="left")
    own = pl.col("_own").fill_null(1.0)
    point = own * pl.col("forecast") + (1 - own) * prior
    bounds = moved_bounds(point, joined.columns)
    label = pl.format(
        "{}% {} + {}% average of {} long series (short history)",
        (own * 100).round(0).cast(pl.Int64),
        pl.lit(freq.window_name),
        ((1 - own) * 100).round(0).cast(pl.Int64),
        pl.lit(len(rates)),
    )
    return joined.with_columns(*bounds, point.alias("forecast"), label.alias("model")).drop("_own")
