"""The cheap models' validation windows for every series in one compiled pass.

:func:`demand.forecast._run` validates SeasonalNaive, WindowAverage, CrostonSBA, TSB, ADIDA and
IMAPA on every series at every call, refitted on each window: for the policy backtest that is
every SKU at every origin. statsforecast runs them one series, one window and one model at a
time from Python (and IMAPA one aggregation level at a time), so at 5,000 SKUs the calls, not
the arithmetic, are what cost: about 2 s an origin, with worker processes started each time.

Here the same arithmetic runs as one ``numba`` loop over series, windows and models. It follows
statsforecast 2.1's code step for step (``models.py``: ``_seasonal_naive``, ``_window_average``,
``_croston_sba``, ``_tsb``, ``_adida``, ``_imapa``; ``src/ses.cpp``: ``ses_sse``,
``ses_forecast``, ``golden_section_ses``, ``chunk_forecast``), in float64 as it computes, so the
forecasts are the same numbers (``tests/demand/test_cheap.py`` compares them with
statsforecast's own on random series). Only this exact set of models, refitted on every window
in this process, takes this path (:func:`cheap_validation`); anything else, and every cluster
engine, goes through statsforecast.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from numba import njit, prange

from icebergops.demand.warm import _Windows

# statsforecast's model names (their repr), in the kernel's output order
NAMES = ("SeasonalNaive", "WindowAverage", "CrostonSBA", "TSB", "ADIDA", "IMAPA")
_GOLDEN = (math.sqrt(5.0) + 1.0) / 2.0


def supported(models: list[object]) -> tuple[int, int] | None:
    """``(season_length, window_size)`` when ``models`` are exactly the kernel's set with the
    settings it computes (TSB at alpha 0.1 and 0.1, no conformal intervals), else ``None``."""
    if [repr(model) for model in models] != list(NAMES):
        return None
    if any(getattr(model, "prediction_intervals", None) is not None for model in models):
        return None
    tsb = models[3]
    if (getattr(tsb, "alpha_d", None), getattr(tsb, "alpha_p", None)) != (0.1, 0.1):
        return None
    season = getattr(models[0], "season_length", None)
    window = getattr(models[1], "window_size", None)
    if not isinstance(season, int) or not isinstance(window, int) or season < 1 or window < 1:
        return None
    return season, window


def cheap_validation(
    models: list[object], data: pl.DataFrame, *, h: int, n_windows: int, step_size: int,
    input_size: int | None, **_: Any,
) -> pl.DataFrame | None:  # fmt: skip
    """statsforecast's ``cross_validation(refit=True)`` frame for the kernel's models over
    ``data`` (``unique_id, ds, y``, sorted by series and period): ``unique_id, ds, cutoff, y``
    and one column per model, rows by series, window and period. ``None`` where the models
    are not the kernel's (see :func:`supported`)."""
    settings = supported(models)
    if settings is None:
        return None
    season, window = settings
    windows = _Windows.of(data, h=h, n_windows=n_windows, step_size=step_size)
    cuts = np.stack([windows.cuts(w) for w in range(n_windows)], axis=1).astype(np.int64)
    y = np.ascontiguousarray(data["y"].to_numpy(), dtype=np.float64)
    out = _forecasts(
        y, windows.starts, cuts, -1 if input_size is None else int(input_size), h, season, window
    )
    flat = out.reshape(-1, len(NAMES))
    return windows.frame().with_columns(pl.Series(name, flat[:, j]) for j, name in enumerate(NAMES))


@njit(cache=True)
def _ses_sse(alpha: float, x: npt.NDArray[np.float64], n: int) -> float:
    if n < 2:
        return 0.0
    complement = 1.0 - alpha
    forecast = x[0]
    sse = 0.0
    for i in range(1, n):
        forecast = alpha * x[i - 1] + complement * forecast
        err = x[i] - forecast
        sse += err * err
    return sse


@njit(cache=True)
def _ses_forecast(x: npt.NDArray[np.float64], n: int, alpha: float) -> float:
    """The one-step forecast of ``ses_forecast`` (its fitted values are not needed)."""
    if n == 1:
        return float(x[0])
    complement = 1.0 - alpha
    fitted = x[0]
    for j in range(n - 1):
        fitted = alpha * x[j] + complement * fitted
    return float(alpha * x[n - 1] + complement * fitted)


@njit(cache=True)
def _golden_section(x: npt.NDArray[np.float64], n: int) -> float:
    a, b = 0.1, 0.3
    c = b - (b - a) / _GOLDEN
    d = a + (b - a) / _GOLDEN
    fc = _ses_sse(c, x, n)
    fd = _ses_sse(d, x, n)
    while abs(b - a) >= 1e-12:
        if fc < fd:
            b = d
            d = c
            fd = fc
            c = b - (b - a) / _GOLDEN
            fc = _ses_sse(c, x, n)
        elif fd < fc:
            a = c
            c = d
            fc = fd
            d = a + (b - a) / _GOLDEN
            fd = _ses_sse(d, x, n)
        else:
            break
    return (b + a) / 2.0


@njit(cache=True)
def _chunk_sums(y: npt.NDArray[np.float64], level: int, sums: npt.NDArray[np.float64]) -> int:
    """Sums of whole chunks of ``level`` periods, counted from the end (the first
    ``len(y) % level`` periods are dropped), into ``sums``; how many there are."""
    lost = len(y) % level
    chunks = (len(y) - lost) // level
    for i in range(chunks):
        s = 0.0
        base = lost + i * level
        for j in range(level):
            s += y[base + j]
        sums[i] = s
    return chunks


@njit(cache=True)
def _mean_interval(y: npt.NDArray[np.float64]) -> float:
    """The mean of ``_intervals(y)``: periods from the start, then between non-zero values."""
    total, count, previous = 0.0, 0, 0
    for j in range(len(y)):
        if y[j] != 0.0:
            total += float(j + 1 - previous)
            previous = j + 1
            count += 1
    return total / count if count else math.nan


@njit(cache=True)
def _adida_imapa(
    y: npt.NDArray[np.float64], top: int, sums: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """``(ADIDA, IMAPA)``: IMAPA averages the per-period forecasts of aggregation levels 1 to
    ``top`` (the rounded mean interval); ADIDA is the forecast of level ``top`` alone
    (statsforecast's ``chunk_forecast`` divided by the level), so its search is IMAPA's last."""
    total, last = 0.0, math.nan
    for level in range(1, top + 1):
        chunks = _chunk_sums(y, level, sums)
        alpha = _golden_section(sums, chunks)  # one chunk: no error to search, alpha 0.2
        last = _ses_forecast(sums, chunks, alpha) / level
        total += last
    return last, total / top


@njit(cache=True)
def _croston_sba(y: npt.NDArray[np.float64], scratch: npt.NDArray[np.float64]) -> float:
    # demand sizes, then intervals, each smoothed at alpha 0.1
    n = 0
    for v in y:
        if v > 0:
            scratch[n] = v
            n += 1
    if n == 0:
        return float(y[len(y) - 1]) * 0.95  # statsforecast's _naive, scaled as SBA scales it
    demand = _ses_forecast(scratch, n, 0.1)
    m, previous = 0, 0
    for j in range(len(y)):
        if y[j] != 0.0:
            scratch[m] = float(j + 1 - previous)
            previous = j + 1
            m += 1
    interval = _ses_forecast(scratch, m, 0.1)
    mean = demand / interval if interval != 0.0 else demand
    return mean * 0.95


@njit(cache=True)
def _tsb(y: npt.NDArray[np.float64], scratch: npt.NDArray[np.float64]) -> float:
    n = len(y)
    for j in range(n):
        scratch[j] = 1.0 if y[j] != 0.0 else 0.0
    probability = _ses_forecast(scratch, n, 0.1)
    m = 0
    for v in y:
        if v > 0:
            scratch[m] = v
            m += 1
    demand = _ses_forecast(scratch, m, 0.1)
    return probability * demand


@njit(cache=True, parallel=True)
def _forecasts(
    y: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    cuts: npt.NDArray[np.int64],
    input_size: int,
    h: int,
    season: int,
    window: int,
) -> npt.NDArray[np.float64]:
    """``(series, window, period, model)`` forecasts, models in :data:`NAMES` order; window
    ``w`` of series ``i`` trains on the ``input_size`` periods (all, when -1) before
    ``cuts[i, w]``."""
    series, n_windows = cuts.shape
    out = np.full((series, n_windows, h, 6), np.nan)
    for i in prange(series):  # series on every core; each its own scratch
        scratch = np.empty(max(1, cuts[i, n_windows - 1]))
        for w in range(n_windows):
            cut = cuts[i, w]
            if cut <= 0:
                continue  # no data before this window: left NaN
            first = 0 if input_size < 0 else max(0, cut - input_size)
            train = y[starts[i] + first : starts[i] + cut]
            n = len(train)
            if n == 0:
                continue
            # SeasonalNaive: the last season repeated (positions before the data stay NaN)
            available = min(season, n)
            for t in range(h):
                position = t % season
                offset = position - (season - available)
                if offset >= 0:
                    out[i, w, t, 0] = train[n - available + offset]
            if n >= window:
                total = 0.0
                for j in range(n - window, n):
                    total += train[j]
                average = total / window
                for t in range(h):
                    out[i, w, t, 1] = average
            zero = True
            for v in train:
                if v != 0.0:
                    zero = False
                    break
            sba = _croston_sba(train, scratch)
            if zero:
                tsb = adida = imapa = 0.0
            else:
                tsb = _tsb(train, scratch)
                adida, imapa = _adida_imapa(train, int(np.rint(_mean_interval(train))), scratch)
            for t in range(h):
                out[i, w, t, 2] = sba
                out[i, w, t, 3] = tsb
                out[i, w, t, 4] = adida
                out[i, w, t, 5] = imapa
    return out
