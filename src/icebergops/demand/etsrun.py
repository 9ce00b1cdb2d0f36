"""Fitted AutoETS models run forward over new data: every series in one compiled loop.

statsforecast's ``AutoETS.forward`` runs a fit's recursion over the data it is given, from the
fit's initial states with its smoothing weights, and forecasts from the last state: about 100 µs
a call, three quarters of it Python around its C++ loop. The backtest (:mod:`demand.warm`) asks
it for every kept fit, at every validation window, at every origin. Here the same arithmetic
(statsforecast 2.1's ``ets.cpp``: ``Calc``'s state update and ``Forecast``, step for step) runs
once per series over its longest window, and each window's forecast is taken from the state at
its cut: a series' windows all start on the fit's first period, so each is a prefix of the next.

Only models without a trend are run here (``model="ZNZ"``, the one the forecast fits); a fit
with a trend, a window whose data is one constant value (statsforecast fits a new model there
instead), and a window reached after the states broke down (the level at statsforecast's NA
mark), go through statsforecast. The error type does not enter the states or the mean.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

TOL = 1e-10  # statsforecast's ets.cpp constants
HUGE_N = 1e10
NA = -99999.0
SEASONS = {"N": 0, "A": 1, "M": 2}


def forward_means(
    fits: list[Any], data: list[npt.NDArray[np.float64]], cuts: npt.NDArray[np.int64], h: int
) -> npt.NDArray[np.float64]:
    """``out[i, w]``: the ``h`` mean forecasts of ``fits[i]`` (a fitted statsforecast
    ``AutoETS``) run over ``data[i][:cuts[i, w]]``, as ``fits[i].forward(y=..., h=h)`` gives them.
    ``cuts[i]`` must be ascending, from 0 up to ``len(data[i])``: the compiled loop does not
    check its indices, so they are checked here."""
    n, windows = cuts.shape
    lengths = np.array([len(values) for values in data], np.int64)
    if cuts.size and (
        (cuts < 0).any() or (np.diff(cuts, axis=1) < 0).any() or (cuts > lengths[:, None]).any()
    ):
        raise ValueError("cuts must ascend within each series' data")
    out = np.full((n, windows, h), np.nan)
    compiled = [i for i, fit in enumerate(fits) if _runnable(fit)]
    if compiled:
        width = 1 + max(int(fits[i].model_["m"]) for i in compiled)
        states = np.full((len(compiled), width), np.nan)
        season = np.zeros(len(compiled), np.int64)
        m = np.ones(len(compiled), np.int64)
        weights = np.zeros((len(compiled), 2))  # alpha, gamma
        for row, i in enumerate(compiled):
            model = fits[i].model_
            init = np.asarray(model["par"][4:], float)
            states[row, : len(init)] = init
            season[row] = SEASONS[model["components"][2]]
            m[row] = max(int(model["m"]), 1)
            alpha, gamma = float(model["par"][0]), float(model["par"][2])
            weights[row] = (alpha, 0.0 if season[row] == 0 else gamma)
        offsets = np.concatenate([[0], np.cumsum(lengths[compiled])]).astype(np.int64)
        values = np.concatenate([np.asarray(data[i], np.float64) for i in compiled])
        result = np.full((len(compiled), windows, h), np.nan)
        left = np.zeros((len(compiled), windows), np.bool_)
        _run(values, offsets, cuts[compiled], states, season, m, weights, h, result, left)
        out[compiled] = result
    else:
        left = np.zeros((0, windows), np.bool_)
    fast = set(compiled)
    slow = [(i, w) for i in range(n) if i not in fast for w in range(windows)]
    slow += [(compiled[row], int(w)) for row, w in zip(*np.nonzero(left), strict=True)]
    for i, w in slow:
        y = np.asarray(data[i][: cuts[i, w]], np.float64)
        out[i, w] = fits[i].forward(y=y, h=h)["mean"]
    return out


def _runnable(fit: Any) -> bool:
    """A fitted statsforecast ``AutoETS`` without a trend (``ANA``, ``MNM``, ``ANN``...)."""
    model = getattr(fit, "model_", None)
    if type(fit).__name__ != "AutoETS" or not isinstance(model, dict):
        return False
    components = str(model.get("components", ""))
    return (
        len(components) == 4 and components[1] + components[3] == "NN" and components[2] in SEASONS
    )


@njit(cache=True)
def _run(
    values: npt.NDArray[np.float64],
    offsets: npt.NDArray[np.int64],
    cuts: npt.NDArray[np.int64],
    states: npt.NDArray[np.float64],
    season: npt.NDArray[np.int64],
    m: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    h: int,
    out: npt.NDArray[np.float64],
    left: npt.NDArray[np.bool_],
) -> None:
    """The forecasts into ``out``; ``left[i, w]`` set where statsforecast must give window
    ``w``'s: its data is one value (statsforecast fits anew), or the states broke down before
    its cut (statsforecast looks at the data first, and may fit anew)."""
    for i in range(cuts.shape[0]):
        period, kind, alpha, gamma = m[i], season[i], weights[i, 0], weights[i, 1]
        level = states[i, 0]
        s = np.zeros(period)
        old = np.zeros(period)
        if kind != 0:
            s[:] = states[i, 1 : 1 + period]
        y = values[offsets[i] : offsets[i + 1]]
        t, broken, same = 0, False, True
        for w in range(cuts.shape[1]):
            while t < cuts[i, w] and not broken:
                same = same and y[t] == y[0]
                old[:] = s
                q = level  # no trend: the level is the one-step forecast before the season
                last = old[period - 1]
                f0 = q if kind == 0 else (q + last if kind == 1 else q * last)
                if abs(f0 - NA) < TOL:  # statsforecast's calc gives up: no states after this
                    broken = True
                    break
                if kind == 0:
                    p = y[t]
                elif kind == 1:
                    p = y[t] - last
                else:
                    p = HUGE_N if abs(last) < TOL else y[t] / last
                level = q + alpha * (p - q)
                if kind != 0:
                    ratio = HUGE_N if abs(q) < TOL else y[t] / q
                    seasonal = y[t] - q if kind == 1 else ratio
                    s[0] = last + gamma * (seasonal - last)
                    s[1:] = old[: period - 1]
                t += 1
            left[i, w] = broken or (same and t == cuts[i, w])
            if broken:
                continue
            for k in range(h):
                f = level
                j = period - 1 - k
                while j < 0:
                    j += period
                if kind == 1:
                    f += s[j]
                elif kind == 2:
                    f *= s[j]
                out[i, w, k] = f
