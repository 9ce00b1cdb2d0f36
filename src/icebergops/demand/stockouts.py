"""Stockouts are not zero demand: find the days a SKU could not sell, and keep them out of fitting.

A run of zero-sale days is censored when the SKU is out of stock now and the run reaches the last
day, or when a run that ended is too long to be chance for a SKU that sold steadily before it: a
SKU that sold on a share ``p`` of days goes ``L`` days without a sale with probability ``(1-p)^L``.
Seasonal lulls are not stockouts: a run is left alone when the same weeks a year earlier sold at
less than half the rate before it, or when it is longer than ``MAX_RUN`` days.
"""

from __future__ import annotations

import polars as pl

MIN_RUN = 7  # days: shorter gaps are never called stockouts
CHANCE = 0.001  # a zero run less likely than this at the earlier rate is a stockout
STEADY = 0.5  # only SKUs that sold on at least half the days before a run can be judged
RATE_DAYS = 56  # the rate before a run is the mean of this many earlier days
MAX_RUN = 56  # days: a longer lull is more likely a season or a discontinued product
YEAR = 364  # days: same weekday one year earlier
AVAILABLE = pl.coalesce("available", "on_hand")  # units free to sell in an inventory row


def unlikely_run(selling: pl.Expr, length: pl.Expr) -> pl.Expr:
    """Whether ``length`` periods without a sale are less likely than ``CHANCE`` for a series
    that sells in a share ``selling`` of its periods: ``(1 - selling) ** length``."""
    return (1 - selling).pow(length) < CHANCE


def censor_stockouts(
    history: pl.DataFrame,
    *,
    out_of_stock: pl.Series | None = None,
    key: str = "sku",
    known: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Add ``censored`` (bool) and replace censored days' ``units`` with the earlier rate.

    ``history`` holds ``key, day, units``; ``out_of_stock`` the series (of ``key``) the inventory
    export shows at zero (or below) now; ``known`` the days a stockouts file names (``key,
    start, end``, inclusive; or ``key, day``), censored whatever the runs say, at the rate before each stretch
    (or the units sold, where a day sold more before it ran out). The original units stay in
    ``units_observed``.

    >>> h = pl.DataFrame({"sku": ["A"] * 45, "day": list(range(45)),
    ...                   "units": [3] * 20 + [0] * 20 + [2] * 5})
    >>> censor_stockouts(h)["censored"].sum()
    20
    """
    zero = pl.col("units") == 0
    ordered = history.sort(key, "day").with_columns(
        zero.rle_id().over(key).alias("run"),
        pl.col("units")
        .cast(pl.Float64)
        .rolling_mean(RATE_DAYS, min_samples=14)
        .shift(1)
        .over(key)
        .alias("rate_before"),
        (pl.col("units") > 0)
        .cast(pl.Float64)
        .rolling_mean(RATE_DAYS, min_samples=14)
        .shift(1)
        .over(key)
        .alias("selling_before"),
        pl.col("units").shift(YEAR).over(key).alias("last_year"),
    )
    runs = ordered.group_by(key, "run").agg(
        zero.all().alias("zero"),
        pl.len().alias("length"),
        pl.col("rate_before").first().alias("rate"),
        pl.col("selling_before").first().alias("selling"),
        pl.col("day").max().alias("until"),
        pl.col("last_year").mean().alias("rate_last_year"),
    )
    last_day = ordered.group_by(key).agg(pl.col("day").max().alias("last"))
    stocked_out = (
        pl.col(key).is_in(out_of_stock.implode()) if out_of_stock is not None else pl.lit(False)
    )
    runs = runs.join(last_day, on=key).with_columns(
        (
            pl.col("zero")
            & (
                # a run that reaches today may be a product the store stopped selling: only
                # the inventory export can tell that it is out of stock instead
                (
                    (pl.col("until") < pl.col("last"))
                    & pl.col("length").is_between(MIN_RUN, MAX_RUN)
                    & (pl.col("selling") >= STEADY)
                    & unlikely_run(pl.col("selling"), pl.col("length"))
                    # the same weeks a year before sold too: not the off-season
                    & (pl.col("rate_last_year").fill_null(pl.col("rate")) >= pl.col("rate") / 2)
                )
                # out of stock now for longer than MAX_RUN: more likely given up than waited for
                | (
                    stocked_out
                    & (pl.col("until") == pl.col("last"))
                    & (pl.col("length") <= MAX_RUN)
                )
            ).fill_null(False)
        ).alias("censored")
    )
    # kept in key and day order: the restock plan reads the history as one slice per SKU
    marked = ordered.join(
        runs.select(key, "run", "censored", "rate"), on=[key, "run"], maintain_order="left"
    )
    if known is not None and not known.is_empty():
        marked = _censor_known(marked, known, key)
    return marked.select(
        *[c for c in history.columns if c != "units"],
        pl.when(pl.col("censored"))
        .then(pl.col("rate").fill_null(0.0))
        .otherwise(pl.col("units").cast(pl.Float64))
        .alias("units"),
        pl.col("units").alias("units_observed"),
        "censored",
    )


def _censor_known(marked: pl.DataFrame, known: pl.DataFrame, key: str) -> pl.DataFrame:
    """Censor the days inside ``known``'s stretches: at the rate before the stretch began
    (after it ended, for a stretch in a series' first weeks; left as they are where neither
    has 14 days), or the units sold that day where more (a day that sold out part way)."""
    if "day" not in known.columns:  # stretches: a row per day
        known = known.select(key, pl.date_ranges("start", "end").alias("day")).explode("day")
    days = known.select(key, "day").unique().with_columns(pl.lit(True).alias("known_out"))
    out = pl.col("known_out").fill_null(False)
    marked = marked.join(days, on=[key, "day"], how="left", maintain_order="left")
    units = pl.col("units").cast(pl.Float64)
    after = units.reverse().rolling_mean(RATE_DAYS, min_samples=14).shift(1).reverse().over(key)
    marked = marked.with_columns(out.rle_id().over(key).alias("_stretch"), after.alias("_after"))
    stretch = [key, "_stretch"]
    rate = pl.coalesce(
        pl.col("rate_before").first().over(stretch), pl.col("_after").last().over(stretch)
    )
    usable = out & rate.is_not_null()
    return marked.with_columns(
        pl.when(usable & ~pl.col("censored"))
        .then(pl.max_horizontal(rate, units))
        .otherwise(pl.col("rate"))
        .alias("rate"),
        (pl.col("censored") | usable).alias("censored"),
    ).drop("known_out", "_stretch", "_after")


def out_of_stock(inventory: pl.DataFrame | None) -> pl.Series | None:
    """SKUs with nothing available at any stocked location (units on hand less committed);
    rows without a number say nothing."""
    if inventory is None:
        return None
    counted = inventory.filter(pl.col("stocked") & AVAILABLE.is_not_null())
    totals = counted.group_by("sku").agg(AVAILABLE.sum())
    return totals.filter(pl.col("available") <= 0)["sku"]


def out_of_stock_at(inventory: pl.DataFrame) -> pl.DataFrame:
    """``sku, location, out_here`` for each location the snapshot names for a SKU: true where
    it stocks the SKU and has nothing available, false where it has some or does not stock it
    (a location that stopped carrying a SKU awaits no stock). Rows without a number are left
    out: what they hold is unknown."""
    located = pl.col("location").str.strip_chars().fill_null("") != ""
    known = ~pl.col("stocked") | AVAILABLE.is_not_null()
    return (
        inventory.filter(located & known)
        .group_by("sku", "location")
        .agg((pl.col("stocked") & (AVAILABLE.sum() <= 0)).any().alias("out_here"))
    )
