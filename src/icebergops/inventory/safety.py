"""Safety stock and the normal-distribution formulas behind it, as polars expressions.

Demand over a protection period is taken as normal, with the spread of both daily demand and
the lead time (Silver, Pyke & Thomas, "Inventory and Production Management in Supply Chains",
4th ed., 2017, ch. 6 on individual items with probabilistic demand; Chopra & Meindl, "Supply
Chain Management", ch. 12 on safety inventory).
The normal CDF is Abramowitz & Stegun's 26.2.17 (absolute error below 7.5e-8), so no scipy.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import polars as pl

from icebergops.errors import ConfigError

Number = pl.Expr | float


def _expr(value: Number) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(float(value))


def z_scores(service_level: pl.Series) -> pl.Series:
    """The standard normal quantile of each cycle service level: ``NormalDist().inv_cdf``.

    Computed once per distinct level (there are a handful), so 100,000 SKUs cost nothing.

    >>> z_scores(pl.Series([0.95, 0.5])).round(4).to_list()
    [1.6449, 0.0]
    """
    distinct = service_level.drop_nulls().unique().to_list()
    bad = [level for level in distinct if not 0.0 < level < 1.0]
    if bad:
        raise ConfigError(
            f"service level {bad[0]} is not between 0 and 1",
            hint="write a probability such as 0.95 (95% of cycles without a stockout)",
        )
    table = {level: NormalDist().inv_cdf(level) for level in distinct}
    return service_level.replace_strict(table, return_dtype=pl.Float64).alias("z")


def protection_std(
    *, demand_std: Number, demand_per_day: Number, days: Number, lead_time_std: Number
) -> pl.Expr:
    """Standard deviation (units) of demand over ``days`` whose lead-time part is uncertain.

    σ = √(T·σ_d² + d²·σ_L²), with T the protection period (days), σ_d the daily demand spread
    (units/day), d the mean daily demand and σ_L the lead time spread (days). Silver, Pyke &
    Thomas (2017), ch. 6 (random lead time); Chopra & Meindl, ch. 12 (the review period adds to
    T, not to σ_L). Example: T = 16, σ_d = 3, d = 10, σ_L = 2: √(144 + 400) = 23.32 units.

    >>> pl.select(protection_std(demand_std=3, demand_per_day=10, days=16, lead_time_std=2)).item()
    23.323807579381203
    """
    d, days_, s_d, s_l = map(_expr, (demand_per_day, days, demand_std, lead_time_std))
    return (days_ * s_d.pow(2) + d.pow(2) * s_l.pow(2)).sqrt()


def safety_stock(
    *,
    z: Number,
    demand_per_day: Number,
    demand_std: Number,
    lead_time_days: Number,
    lead_time_std: Number,
    review_days: Number,
) -> pl.Expr:
    """Safety stock (units) for periodic review: SS = z·√((L+R)·σ_d² + d²·σ_L²).

    Silver, Pyke & Thomas (2017), ch. 6: the (R, S) system protects over R + L, with the
    variance of a random lead time. Example: z = 1.645 (95%), d = 10 units/day, σ_d = 3,
    L = 9 ± 2 days, R = 7: √(16·9 + 100·4) = √544 = 23.32, so SS = 38.37 units.

    >>> ss = safety_stock(z=1.645, demand_per_day=10, demand_std=3, lead_time_days=9,
    ...                   lead_time_std=2, review_days=7)
    >>> round(pl.select(ss).item(), 2)
    38.37
    """
    spread = protection_std(
        demand_std=demand_std,
        demand_per_day=demand_per_day,
        days=_expr(lead_time_days) + _expr(review_days),
        lead_time_std=lead_time_std,
    )
    return _expr(z) * spread


def normal_pdf(x: pl.Expr) -> pl.Expr:
    """φ(x), the standard normal density."""
    return (-(x.pow(2)) / 2).exp() / math.sqrt(2 * math.pi)


def normal_cdf(x: pl.Expr) -> pl.Expr:
    """Φ(x) by Abramowitz & Stegun (1964), formula 26.2.17; |error| < 7.5e-8.

    >>> round(pl.select(normal_cdf(pl.lit(1.645))).item(), 4)
    0.95
    """
    t = 1.0 / (1.0 + 0.2316419 * x.abs())
    poly = t * (
        0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429)))
    )
    upper = 1.0 - normal_pdf(x) * poly
    return pl.when(x >= 0).then(upper).otherwise(1.0 - upper)


def normal_loss(k: pl.Expr) -> pl.Expr:
    """G(k) = φ(k) − k·(1 − Φ(k)): expected units short per unit of σ with stock at μ + kσ.

    Silver, Pyke & Thomas (2017), ch. 6 and its appendix (the unit normal loss function G_u).
    At k = 0 it is φ(0) = 1/√(2π) = 0.3989.

    >>> round(pl.select(normal_loss(pl.lit(0.0))).item(), 4)
    0.3989
    """
    return normal_pdf(k) - k * (1.0 - normal_cdf(k))


def expected_shortage(*, mean: Number, std: Number, stock: Number) -> pl.Expr:
    """Expected units short, E[(D − stock)⁺], when demand D is normal(mean, std) (units).

    σ·G((stock − μ)/σ) (Silver, Pyke & Thomas 2017, ch. 6); with no spread it is simply
    max(μ − stock, 0). Example: μ = 100, σ = 20, 100 in stock: 20·0.3989 = 7.98 units.

    >>> round(pl.select(expected_shortage(mean=100, std=20, stock=100)).item(), 2)
    7.98
    """
    mu, sigma, s = map(_expr, (mean, std, stock))
    spread = sigma * normal_loss((s - mu) / sigma)
    return pl.when(sigma > 0).then(spread).otherwise((mu - s).clip(lower_bound=0.0))
