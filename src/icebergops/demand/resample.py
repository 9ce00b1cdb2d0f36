"""How sure a backtest is that the chosen forecasts beat a baseline: the series resampled.

A backtest over a few horizons of a few hundred SKUs is one sample of a store's weeks. Drawing
the series again with replacement (the bootstrap; Efron & Tibshirani 1993, ch. 6), a series'
horizons together, and scoring every draw the way :func:`~.accuracy.overall` scores the whole
(each pair of methods on the series both have a score for: in a backtest, every series scored)
shows how much of a lead is luck: a lead the chosen forecasts keep in 95 of 100 draws is one
that other weeks of the same store would most likely show too; one they keep in 60 is not.
Every method is scored on the same draws (a paired comparison), with a fixed seed: the same
backtest gives the same shares.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

DRAWS = 1000  # the shares' own sampling error is then at most 0.016 (one standard error)
CHUNK = 100  # draws at a time: 100 × 30,000 weights (24 MB), not 1,000 × 30,000
SEED = 20261207
LOW, HIGH = 5.0, 95.0  # percentiles of the gain that `wape_gain_lo` and `wape_gain_hi` give

Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


def ahead_shares(
    per_period: pl.DataFrame,
    totals: pl.DataFrame,
    *,
    key: str,
    chosen: str,
    draws: int = DRAWS,
    seed: int = SEED,
) -> pl.DataFrame:
    """Per method other than ``chosen``: the share of draws of the series in which ``chosen``
    scores lower on horizon-total WAPE (``ahead_wape``) and on mean RMSSE
    (``ahead_rmsse``), a tie counting half; and the 5th and 95th percentiles of its
    horizon-total WAPE's gain on the method's (``wape_gain_lo``, ``wape_gain_hi``: 1 − ours / theirs).

    ``per_period`` and ``totals`` are :func:`~.accuracy.series_errors` of the backtest per period
    and per horizon total (``key, model, abs_error, actual, rmsse``). A share is null where no
    draw has a value: nothing sold in any (WAPE), or no series with a naive scale (RMSSE); and
    every share is null where ``chosen`` has no row at all or ``draws`` is 0.

    >>> frame = pl.DataFrame({"sku": ["a", "b", "a", "b"], "model": ["us", "us", "it", "it"],
    ...                       "abs_error": [1.0, 2.0, 3.0, 2.0], "actual": [4.0, 4.0, 4.0, 4.0],
    ...                       "rmsse": [0.5, 0.5, 0.5, 0.5]})
    >>> ahead_shares(frame, frame, key="sku", chosen="us", draws=200).row(0)[:3]
    ('it', 0.865, 0.5)
    """
    series = totals.get_column(key).unique().sort()
    others = sorted(set(totals["model"]) - {chosen})
    columns = {"abs_error": totals, "actual": totals, "rmsse": per_period}
    wide = {
        (name, model): _column(frame, series, key, model, name)
        for name, frame in columns.items()
        for model in [chosen, *others]
    }
    scored = chosen in set(totals["model"]) and series.len() > 0 and draws > 0
    drawn: dict[str, list[Floats]] = {model: [] for model in others}
    rng = np.random.default_rng(seed)
    for at in range(0, draws if scored else 0, CHUNK):  # one chunk of weights at a time
        weights = rng.multinomial(
            series.len(), np.full(series.len(), 1.0 / series.len()), size=min(CHUNK, draws - at)
        ).astype(np.float64)
        for model in others:
            drawn[model].append(_scores(wide, chosen, model, weights))
    rows = [_summary(model, np.concatenate(drawn[model], axis=1)) for model in others if scored]
    rows = rows or [(model, None, None, None, None) for model in others]
    return pl.DataFrame(
        rows,
        schema={
            "model": pl.String,
            "ahead_wape": pl.Float64,
            "ahead_rmsse": pl.Float64,
            "wape_gain_lo": pl.Float64,
            "wape_gain_hi": pl.Float64,
        },
        orient="row",
    )


def _column(frame: pl.DataFrame, series: pl.Series, key: str, model: str, name: str) -> Floats:
    """``name`` of ``model`` per series of ``series``, NaN where it has none: not scored, or
    infinite (an RMSSE on a series without a naive scale, which the score leaves out too)."""
    values = frame.filter(pl.col("model") == model).select(key, pl.col(name).cast(pl.Float64))
    aligned = pl.DataFrame({key: series}).join(values, on=key, how="left")
    column = aligned.get_column(name).to_numpy().astype(np.float64)
    return np.where(np.isfinite(column), column, np.nan)


def _scores(
    wide: dict[tuple[str, str], Floats], chosen: str, model: str, weights: Floats
) -> Floats:
    """Rows: ``chosen``'s and ``model``'s horizon-total WAPE, then their mean RMSSE, per draw
    of ``weights``; each pair over the series both have a value for."""
    both = ~np.isnan(wide["abs_error", chosen]) & ~np.isnan(wide["abs_error", model])
    actual = wide["actual", chosen]
    scaled = ~np.isnan(wide["rmsse", chosen]) & ~np.isnan(wide["rmsse", model])
    ones = np.ones_like(actual)
    return np.stack(
        [
            _ratio(weights, wide["abs_error", chosen], actual, both),
            _ratio(weights, wide["abs_error", model], actual, both),
            _ratio(weights, wide["rmsse", chosen], ones, scaled),
            _ratio(weights, wide["rmsse", model], ones, scaled),
        ]
    )


def _summary(
    model: str, scores: Floats
) -> tuple[str, float | None, float | None, float | None, float | None]:
    ours, theirs, ours_r, theirs_r = scores
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = np.where(theirs > 0, 1.0 - ours / theirs, np.nan)
    valid = gain[~np.isnan(gain)]
    lo, hi = np.percentile(valid, [LOW, HIGH]) if valid.size else (np.nan, np.nan)
    return (model, _share(ours, theirs), _share(ours_r, theirs_r), _value(lo), _value(hi))


def _ratio(weights: Floats, numerator: Floats, denominator: Floats, use: Mask) -> Floats:
    """Σ w·numerator / Σ w·denominator over the series ``use`` marks, per draw (NaN at 0/0)."""
    top = weights[:, use] @ numerator[use]
    bottom = weights[:, use] @ denominator[use]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom > 0, top / bottom, np.nan)


def _share(ours: Floats, theirs: Floats) -> float | None:
    """The share of draws (with a value for both) where ``ours`` is lower; a tie counts half."""
    valid = ~np.isnan(ours) & ~np.isnan(theirs)
    if not valid.any():
        return None
    lower = (ours[valid] < theirs[valid]).mean() + 0.5 * (ours[valid] == theirs[valid]).mean()
    return float(lower)


def _value(number: float) -> float | None:
    return None if np.isnan(number) else float(number)
