"""Synthetic M5-like daily demand: many SKUs, two years, mostly intermittent, zero-filled.

70 % of the series are intermittent: a sale on a day with probability ``p`` (log-uniform between
2 % and 60 %, so ADI from about 1.7 to 50 days); sizes are 1 + Poisson (mean up to 1.5), or for
a third of them lumpy (1 + negative binomial, mean 2–20, CV² well above 0.49). 30 % are smooth:
a level of 1–60 units a day (log-normal), a weekday profile with a weekend lift, a yearly sine
of amplitude 10–50 %, Poisson noise. Vectorised with numpy and a fixed seed: the same number of
series always gives the same frame (``sku, day, units``; ``units`` Int64).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

SEED = 20160101
DAYS = 730
START = date(2022, 1, 3)  # a Monday
SMOOTH_SHARE = 0.3
LUMPY_SHARE = 1 / 3  # of the intermittent series


def _intermittent(rng: np.random.Generator, series: int, days: int) -> np.ndarray:
    """Bernoulli occurrence times a positive size, units per day (``series × days``)."""
    p = np.exp(rng.uniform(np.log(0.02), np.log(0.6), series))[:, None]
    sells = rng.random((series, days)) < p
    mean = rng.uniform(0.0, 1.5, series)[:, None]
    sizes = 1 + rng.poisson(mean, (series, days))
    lumpy = rng.random(series) < LUMPY_SHARE
    # Negative binomial with dispersion 0.5: variance = mean + 2·mean², mean 2–20 units.
    lumpy_mean = rng.uniform(2.0, 20.0, int(lumpy.sum()))[:, None]
    lumpy_sizes = 1 + rng.negative_binomial(0.5, 0.5 / (0.5 + lumpy_mean), (len(lumpy_mean), days))
    sizes[lumpy] = lumpy_sizes
    return np.where(sells, sizes, 0)


def _smooth(rng: np.random.Generator, series: int, days: int) -> np.ndarray:
    """Poisson around level × weekday factor × yearly season, units per day."""
    level = np.exp(rng.normal(np.log(8.0), 0.8, series)).clip(1.0, 60.0)[:, None]
    weekday = np.exp(rng.normal(0.0, 0.15, (series, 7)))
    weekday[:, 5:] *= rng.uniform(1.0, 1.6, (series, 1))  # Saturday and Sunday
    t = np.arange(days)
    weekly = weekday[:, t % 7]
    amplitude = rng.uniform(0.1, 0.5, series)[:, None]
    phase = rng.uniform(0.0, 2 * np.pi, series)[:, None]
    yearly = 1 + amplitude * np.sin(2 * np.pi * t / 365.25 + phase)
    return rng.poisson(level * weekly * yearly)


def demand_series(series: int, *, days: int = DAYS, seed: int = SEED) -> pl.DataFrame:
    """``series`` SKUs (``SKU-000001`` …) × ``days`` days from ``START``, sorted by sku and day."""
    rng = np.random.default_rng(seed)
    smooth = rng.random(series) < SMOOTH_SHARE
    units = np.empty((series, days), dtype=np.int64)
    units[~smooth] = _intermittent(rng, int((~smooth).sum()), days)
    units[smooth] = _smooth(rng, int(smooth.sum()), days)
    row = pl.int_range(series * days, dtype=pl.Int64)
    return pl.select(
        pl.format("SKU-{}", (row // days + 1).cast(pl.String).str.zfill(6)).alias("sku"),
        (pl.lit(START) + pl.duration(days=row % days)).cast(pl.Date).alias("day"),
        pl.Series("units", units.ravel()),
    )
