"""ABC classes by revenue share, XYZ classes by demand variability, and service level per class.

ABC is Pareto analysis of revenue; XYZ ranks the coefficient of variation of demand per period.
Together (AX … CZ) they set service levels: high for the few SKUs that make the money and sell
steadily, lower for the long tail (Silver, Pyke & Thomas, "Inventory and Production Management
in Supply Chains", 4th ed., §2 on ABC classification; Scholz-Reiter et al. 2012 on ABC–XYZ).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from icebergops.demand.arrays import DailySeries, as_series
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
    history: pl.DataFrame | DailySeries,
    *,
    keys: Sequence[str] = ("sku",),
    period_days: int = 7,
    x_cut: float = 0.5,
    y_cut: float = 1.0,
) -> pl.DataFrame:
    """``xyz_class`` from the coefficient of variation of demand per period of ``period_days``.

    ``history`` holds ``*keys, day, units`` per day, zero-filled (as from
    :func:`icebergops.demand.history.daily_demand`), or is that history laid out by
    :func:`~icebergops.demand.arrays.daily_series`. Periods are counted from the first day of
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
    series = as_series(history, keys)
    names = series.keys.columns
    cv = pl.col("demand_cv")
    # a SKU that is null matches no other table: no statistics, as for one without history
    unknown = pl.any_horizontal(pl.col(names).is_null())
    return (
        series.keys.with_columns(_period_stats(series, period_days))
        .with_columns(
            pl.when(unknown).then(0).otherwise(pl.col("periods")).cast(pl.UInt32).alias("periods"),
            pl.when(~unknown).then(pl.col("period_mean", "demand_cv")),
        )
        .with_columns(
            pl.when(cv.is_null())
            .then(pl.lit("Z"))
            .when(cv < x_cut)
            .then(pl.lit("X"))
            .when(cv < y_cut)
            .then(pl.lit("Y"))
            .otherwise(pl.lit("Z"))
            .alias("xyz_class"),
        )
        .sort(names)
    )


def _whole_periods(
    series: DailySeries, period_days: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Each whole period's series (its row in ``series.keys``) and units (float).

    In day order a series' period is a slice of rows; a period with fewer than
    ``period_days`` rows is partial and left out.
    """
    day, n = series.day, len(series.day)
    if n == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0)
    period = (day - day.min()) // period_days
    opens = np.ones(n, dtype=bool)
    np.not_equal(period[1:], period[:-1], out=opens[1:])
    opens[series.starts] = True
    first = np.flatnonzero(opens)
    whole = np.diff(first, append=n) == period_days
    totals = np.add.reduceat(series.units, first)[whole].astype(np.float64)
    return np.searchsorted(series.ends, first[whole], side="right"), totals


def _period_stats(series: DailySeries, period_days: int) -> list[pl.Series]:
    """``periods``, ``period_mean`` (units) and ``demand_cv`` (null without two whole periods
    or without demand) per series: counts, means and sample deviations by ``np.bincount``."""
    owner, totals = _whole_periods(series, period_days)
    size = series.keys.height
    periods = np.bincount(owner, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(owner, weights=totals, minlength=size) / periods
        spread = np.bincount(owner, weights=(totals - mean[owner]) ** 2, minlength=size)
        cv = np.sqrt(spread / (periods - 1)) / mean
    return [
        pl.Series("periods", periods, dtype=pl.UInt32),
        pl.Series("period_mean", np.where(periods > 0, mean, np.nan)).fill_nan(None),
        pl.Series("demand_cv", np.where((periods > 1) & (mean > 0), cv, np.nan)).fill_nan(None),
    ]


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
    history: pl.DataFrame | DailySeries,
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
