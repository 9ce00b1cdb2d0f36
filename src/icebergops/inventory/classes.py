"""ABC classes by revenue share, XYZ classes by demand variability, and service level per class.

ABC is Pareto analysis of revenue; XYZ ranks the coefficient of variation of demand per period.
Together (AX … CZ) they set service levels: high for the few SKUs that make the money and sell
steadily, lower for the long tail (Silver, Pyke & Thomas, "Inventory and Production Management
in Supply Chains", 4th ed., §2 on ABC classification; Scholz-Reiter et al. 2012 on ABC–XYZ).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from icebergops.errors import ConfigError


def abc_classes(
    revenue: pl.DataFrame,
    *,
    keys: Sequence[str] = ("sku",),
    a_share: float = 0.80,
    b_share: float = 0.15,
) -> pl.DataFrame:
    """``abc_class`` per row of ``revenue`` (``*keys, revenue``, in currency).

    SKUs are ranked by revenue; a SKU is A while the SKUs ranked above it make less than
    ``a_share`` of the total, B while they make less than ``a_share + b_share``, else C. So the
    SKU that crosses 80% is still A, and a single SKU with 90% of revenue is A, not B. SKUs
    without revenue are C. Also returns ``revenue_share`` and ``cumulative_share`` (0–1).

    >>> r = pl.DataFrame({"sku": ["a", "b", "c", "d"], "revenue": [70.0, 20.0, 6.0, 4.0]})
    >>> abc_classes(r).select("sku", "abc_class").rows()
    [('a', 'A'), ('b', 'A'), ('c', 'B'), ('d', 'C')]
    """
    total = pl.col("revenue").sum()
    above = (pl.col("revenue").cum_sum() - pl.col("revenue")) / total
    ranked = revenue.with_columns(pl.col("revenue").fill_null(0.0)).sort(
        ["revenue", *keys], descending=[True, *([False] * len(keys))]
    )
    return ranked.with_columns(
        (pl.col("revenue") / total).alias("revenue_share"),
        (pl.col("revenue").cum_sum() / total).alias("cumulative_share"),
        pl.when(pl.col("revenue") <= 0)
        .then(pl.lit("C"))
        .when(above < a_share)
        .then(pl.lit("A"))
        .when(above < a_share + b_share)
        .then(pl.lit("B"))
        .otherwise(pl.lit("C"))
        .alias("abc_class"),
    )


def xyz_classes(
    history: pl.DataFrame,
    *,
    keys: Sequence[str] = ("sku",),
    period_days: int = 7,
    x_cut: float = 0.5,
    y_cut: float = 1.0,
) -> pl.DataFrame:
    """``xyz_class`` from the coefficient of variation of demand per period of ``period_days``.

    ``history`` holds ``*keys, day, units`` per day, zero-filled (as from
    :func:`icebergops.demand.history.daily_demand`). Periods are counted from the first day of
    the whole history so every SKU shares them; a period a SKU has fewer than ``period_days``
    days in (the partial week at either end) is left out. CV = sample standard deviation /
    mean of units per period: X below ``x_cut``, Y below ``y_cut``, else Z; a SKU with no
    demand, or fewer than two whole periods, is Z. Returns ``periods``, ``period_mean`` (units),
    ``demand_cv`` and ``xyz_class``.

    >>> from datetime import date, timedelta
    >>> days = [date(2026, 1, 1) + timedelta(days=i) for i in range(14)]
    >>> h = pl.DataFrame({"sku": ["s"] * 14, "day": days, "units": [1] * 7 + [3] * 7})
    >>> xyz_classes(h).row(0)
    ('s', 2, 14.0, 0.7071067811865476, 'Y')
    """
    start = history.get_column("day").min()
    period = ((pl.col("day") - pl.lit(start)).dt.total_days() // period_days).alias("_period")
    totals = (
        history.group_by(*keys, period)
        .agg(pl.col("units").sum().cast(pl.Float64).alias("_units"), pl.len().alias("_days"))
        .filter(pl.col("_days") == period_days)
    )
    stats = totals.group_by(keys).agg(
        pl.len().alias("periods"),
        pl.col("_units").mean().alias("period_mean"),
        pl.when(pl.col("_units").mean() > 0)
        .then(pl.col("_units").std() / pl.col("_units").mean())
        .alias("demand_cv"),
    )
    cv = pl.col("demand_cv")
    every = history.select(keys).unique()
    return (
        every.join(stats, on=list(keys), how="left")
        .with_columns(
            pl.col("periods").fill_null(0),
            pl.when(cv.is_null())
            .then(pl.lit("Z"))
            .when(cv < x_cut)
            .then(pl.lit("X"))
            .when(cv < y_cut)
            .then(pl.lit("Y"))
            .otherwise(pl.lit("Z"))
            .alias("xyz_class"),
        )
        .sort(keys)
    )


def service_levels(
    classes: pl.DataFrame, *, levels: Mapping[str, float], default: float = 0.95
) -> pl.DataFrame:
    """``service_level`` per row from its ``abc_class`` and ``xyz_class`` (e.g. ``"AX"``).

    ``levels`` maps class pairs to cycle service levels (the probability of not running out
    between two receipts), for example ``{"AX": 0.98, "CZ": 0.85}``; other pairs get
    ``default``. Levels must lie strictly between 0 and 1.

    >>> c = pl.DataFrame({"sku": ["a", "b"], "abc_class": ["A", "C"], "xyz_class": ["X", "Y"]})
    >>> service_levels(c, levels={"AX": 0.98}).get_column("service_level").to_list()
    [0.98, 0.95]
    """
    for name, level in {**levels, "default": default}.items():
        if not 0.0 < level < 1.0:
            raise ConfigError(
                f"service level {name}: {level} is not between 0 and 1",
                hint="write a probability such as 0.95 (95% of cycles without a stockout)",
            )
    pair = pl.concat_str("abc_class", "xyz_class")
    return classes.with_columns(
        pair.alias("abc_xyz"),
        pair.replace_strict(dict(levels), default=default, return_dtype=pl.Float64).alias(
            "service_level"
        ),
    )


def abc_xyz(
    revenue: pl.DataFrame,
    history: pl.DataFrame,
    *,
    levels: Mapping[str, float] | None = None,
    default_level: float = 0.95,
    period_days: int = 7,
) -> pl.DataFrame:
    """ABC, XYZ and service level per SKU in one frame: the SKUs of ``revenue`` and ``history``.

    A SKU without revenue rows is C; one without history is Z.
    """
    abc = abc_classes(revenue).select("sku", "revenue", "abc_class")
    xyz = xyz_classes(history, period_days=period_days).select("sku", "demand_cv", "xyz_class")
    both = abc.join(xyz, on="sku", how="full", coalesce=True).with_columns(
        pl.col("revenue").fill_null(0.0),
        pl.col("abc_class").fill_null("C"),
        pl.col("xyz_class").fill_null("Z"),
    )
    return service_levels(both, levels=levels or {}, default=default_level).sort("sku")
