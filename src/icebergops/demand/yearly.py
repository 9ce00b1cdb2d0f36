"""Yearly seasonality: last year's change from the recent weeks to the weeks ahead.

Daily SKU models see a week's pattern and a level; the level they carry forward is the recent
one. Before a season turns (gloves in October, sandals in March) that level is wrong by as much as
demand changed a year ago over the same weeks. The factor here is that change, measured on the
SKU's category as a whole (one SKU's year-ago weeks are too few sales to measure it):

    factor = (units in the ``h`` days ahead, a year ago) / (units in the 28 days before, a year
    ago, scaled to ``h`` days)

the seasonal-index idea of classical decomposition (Hyndman & Athanasopoulos, *Forecasting:
Principles and Practice*, 3rd ed., §3.4) applied to the one stretch of the year that matters.
It is used only where two years of history exist, and only where it would have made the
category's forecast no worse on the last two horizons before the forecast (where it would have
been worse, last year's season was not this year's and the factor is left at 1).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from icebergops.demand.arrays import group_totals
from icebergops.demand.events import SCALED

YEAR = 364  # 52 weeks: the same weekdays a year ago
BASE_DAYS = 28  # the recent stretch the models' level comes from
HISTORY_DAYS = 2 * YEAR  # the rule: yearly seasonality when two years of history exist
MIN_UNITS = 28  # fewer units than this a year ago measure noise, not a season
CLIP = (0.25, 4.0)
WHOLE_STORE = "(whole store)"


def _group(families: pl.DataFrame | None) -> pl.DataFrame | None:
    if families is None or "category" not in families.columns:
        return None
    return families.select(
        "sku", pl.coalesce("category", "product_type").alias("season_group")
    ).unique("sku")


def _totals(daily: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    """Units per group over ``first``..``last``: the mean of its days without an event (a
    promotion listed in events.csv) times the window's days, so a promotion a year ago is not
    counted again on top of this year's, which events.csv lifts by itself."""
    window = pl.col("day").is_between(first, last)
    plain = window & ~pl.col("event_day")
    days = (last - first).days + 1
    return daily.group_by("season_group").agg(
        (pl.col("units").filter(plain).mean().fill_null(0.0) * days).alias("units")
    )


def _event_days(daily: pl.DataFrame, events: pl.DataFrame | None) -> pl.Series:
    """Whether each row of ``daily`` (``season_group, day``) falls in an event for all SKUs or
    for that category (SKU and product events are too narrow to move a category)."""
    if events is None or events.is_empty():
        return pl.Series("event_day", [False] * daily.height)
    wide = (
        events.filter(pl.col("scope").is_in(["all", "category"]))
        .select(
            pl.when(pl.col("scope") == "all")
            .then(None)
            .otherwise(pl.col("target"))
            .alias("target"),
            pl.date_ranges("start", "end").alias("day"),
        )
        .explode("day")
    )
    everywhere = wide.filter(pl.col("target").is_null())["day"].implode()
    in_category = (
        wide.filter(pl.col("target").is_not_null())
        .select(pl.col("target").alias("season_group"), "day", pl.lit(True).alias("hit"))
        .unique()
    )
    marked = daily.select("season_group", "day").join(
        in_category, on=["season_group", "day"], how="left", maintain_order="left"
    )
    return marked.select(
        (pl.col("day").is_in(everywhere) | pl.col("hit").fill_null(False)).alias("event_day")
    ).to_series()


def _factors(daily: pl.DataFrame, origin: date, horizon: int) -> pl.DataFrame:
    """``season_group, factor, ahead_units``: last year's change at ``origin`` (its last day)."""
    then = origin - timedelta(days=YEAR)
    before = _totals(daily, then - timedelta(days=BASE_DAYS - 1), then).rename({"units": "before"})
    ahead = _totals(daily, then + timedelta(days=1), then + timedelta(days=horizon))
    return before.join(ahead.rename({"units": "ahead"}), on="season_group").select(
        "season_group",
        (pl.col("ahead") / (pl.col("before") * horizon / BASE_DAYS)).clip(*CLIP).alias("factor"),
        ((pl.col("before") >= MIN_UNITS) & (pl.col("ahead") >= MIN_UNITS)).alias("measured"),
    )


def yearly_factors(
    history: pl.DataFrame,
    families: pl.DataFrame | None,
    *,
    horizon: int,
    checks: int = 2,
    events: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``sku, yearly_factor``: the factor per SKU, 1.0 where it is not used (see the module).

    Days of ``events`` (events.csv) are left out of the measurement, so that the forecast's
    own event uplift is not applied twice. A category's factor is kept where, over the last
    ``checks`` horizons before the end of the history, scaling the category's recent 28-day rate
    by each origin's factor came at least as close to what the category then sold as the rate
    alone did (summed absolute errors).
    """
    groups = _group(families)
    skus = history.select("sku").unique()
    if groups is None:
        groups = pl.DataFrame(schema={"sku": pl.String, "season_group": pl.String})
    mapped = skus.join(groups, on="sku", how="left").with_columns(
        pl.col("season_group").fill_null(WHOLE_STORE)
    )
    first, last = history["day"].min(), history["day"].max()
    assert isinstance(first, date) and isinstance(last, date)
    needed = max(HISTORY_DAYS, YEAR + BASE_DAYS + checks * horizon)  # the checks' year-ago weeks
    if (last - first).days + 1 < needed:
        return mapped.select("sku", pl.lit(1.0).alias("yearly_factor"))
    daily = group_totals(history, mapped, key="sku", group="season_group", period="day", step=1)
    daily = daily.with_columns(_event_days(daily, events))
    errors = []
    for back in range(checks, 0, -1):
        cutoff = last - timedelta(days=back * horizon)
        recent = _totals(daily, cutoff - timedelta(days=BASE_DAYS - 1), cutoff)
        actual = _totals(daily, cutoff + timedelta(days=1), cutoff + timedelta(days=horizon))
        base = pl.col("recent") * horizon / BASE_DAYS
        errors.append(
            _factors(daily, cutoff, horizon)
            .join(recent.rename({"units": "recent"}), on="season_group")
            .join(actual.rename({"units": "actual"}), on="season_group")
            .select(
                "season_group",
                "measured",
                (base * pl.col("factor") - pl.col("actual")).abs().alias("with_factor"),
                (base - pl.col("actual")).abs().alias("without"),
            )
        )
    checked = (
        pl.concat(errors)
        .group_by("season_group")
        .agg(
            pl.col("measured").all(),
            (pl.col("with_factor").sum() <= pl.col("without").sum()).alias("helped"),
            pl.len().alias("checks"),
        )
        .filter(pl.col("measured") & pl.col("helped") & (pl.col("checks") == checks))
    )
    now = (
        _factors(daily, last, horizon)
        .filter("measured")
        .join(checked.select("season_group"), on="season_group")
    )
    return mapped.join(now.select("season_group", "factor"), on="season_group", how="left").select(
        "sku", pl.col("factor").fill_null(1.0).alias("yearly_factor")
    )


def apply_yearly(forecast: pl.DataFrame, factors: pl.DataFrame) -> pl.DataFrame:
    """Forecast and bounds times each SKU's factor, which is shown (``yearly_factor``)."""
    scaled = [c for c in SCALED if c in forecast.columns]
    return forecast.join(factors, on="sku", how="left").with_columns(
        pl.col("yearly_factor").fill_null(1.0),
        *(pl.col(c) * pl.col("yearly_factor").fill_null(1.0) for c in scaled),
    )
