"""Re-forecasting at many origins without re-fitting: the engine of the policy backtest.

``icebergops backtest`` forecasts again every few weeks over a year of history. Fitting AutoETS
is what costs (about 17 ms a series, against 40 µs to run a fitted one over new data), so here
each series' AutoETS is fitted once and run forward at the later origins, with the parameters
(smoothing weights, the form of error and season) it was fitted with and the level and season
brought up to date by the newer data, as ``statsforecast``'s ``refit=False`` does within one
call. A fit is reused while it is less than ``refit_days`` old; only data before each origin
is ever seen, so nothing is learnt from the future. Cheap models are refitted as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl

from icebergops.demand.engines import Engine, _local

Fit = tuple[Any, date]  # a fitted model and the last period of the data it was fitted on


@dataclass(frozen=True)
class WarmEngine(Engine):
    """:class:`Engine` in this process that keeps each series' fitted expensive models.

    Calls with ``refit=False`` (see :func:`demand.forecast._run`) fit only the series it has
    no fit for, or whose fit is ``refit_days`` old or older at the first validation window,
    and run every series' fit forward over each window, as statsforecast would have.
    """

    name: str = "local (fits kept)"
    refit_days: int = 364
    fits: dict[tuple[str, str], Fit] = field(default_factory=dict, compare=False)

    def cross_validation(
        self, models: list[object], data: pl.DataFrame, *, freq: str, n_jobs: int, **settings: Any
    ) -> pl.DataFrame:
        if settings.get("refit", True) is not False:
            return super().cross_validation(models, data, freq=freq, n_jobs=n_jobs, **settings)
        windows = _Windows.of(data.sort("unique_id", "ds"), **settings)
        names = [repr(model) for model in models]
        keys = [_identity(model) for model in models]
        first = windows.cutoff_dates(0)
        stale = [
            i
            for i, uid in enumerate(windows.ids)
            if any(not self._fresh((uid, key), first[i]) for key in keys)
        ]
        if stale:
            fitted = _local(models, freq, n_jobs).fit(df=windows.training(0, stale))
            row = {uid: i for i, uid in enumerate(fitted.uids.to_list())}
            for i in stale:
                uid = windows.ids[i]
                for j, key in enumerate(keys):
                    self.fits[(uid, key)] = (fitted.fitted_[row[uid], j], first[i])
        forecasts = {
            name: windows.forward([self.fits[(uid, key)][0] for uid in windows.ids])
            for name, key in zip(names, keys, strict=True)
        }
        return windows.frame().with_columns(
            pl.Series(name, values) for name, values in forecasts.items()
        )

    def _fresh(self, key: tuple[str, str], cutoff: date) -> bool:
        known = self.fits.get(key)
        return known is not None and cutoff - known[1] < timedelta(days=self.refit_days)


def _identity(model: object) -> str:
    """What makes two model objects the same model: name, season and form (AutoETS' ``ZNZ``)."""
    settings = (getattr(model, name, None) for name in ("season_length", "model"))
    return " ".join([repr(model), *(str(value) for value in settings if value is not None)])


@dataclass(frozen=True)
class _Windows:
    """statsforecast's validation windows over ``data`` (sorted by series and period): window
    ``w`` of a series of ``n`` periods trains on positions ``[cut - input_size, cut)`` and
    tests on ``[cut, cut + h)``, where ``cut = n - test_size + w * step_size``."""

    data: pl.DataFrame
    ids: list[str]
    starts: np.ndarray  # first row of each series
    lengths: np.ndarray
    h: int
    step_size: int
    n_windows: int
    input_size: int | None

    @classmethod
    def of(
        cls,
        data: pl.DataFrame,
        *,
        h: int,
        n_windows: int,
        step_size: int = 1,
        input_size: int | None = None,
        **_: Any,
    ) -> _Windows:
        runs = data.group_by("unique_id", maintain_order=True).agg(pl.len().alias("n"))
        lengths = runs["n"].to_numpy().astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        ids = runs["unique_id"].to_list()
        return cls(data, ids, starts, lengths, h, step_size, n_windows, input_size)

    def cuts(self, window: int) -> np.ndarray:
        """Per series, the position of window ``window``'s first test period."""
        test_size = self.h + self.step_size * (self.n_windows - 1)
        return self.lengths - test_size + window * self.step_size

    def _train(self, cut: int) -> int:
        return max(0, cut - (cut if self.input_size is None else self.input_size))

    def cutoff_dates(self, window: int) -> list[date]:
        """Per series, the last period its window ``window`` trains on."""
        days = self.data["ds"].gather(self.starts + self.cuts(window) - 1)
        return list(days.to_list())

    def training(self, window: int, series: list[int]) -> pl.DataFrame:
        """The rows window ``window`` of ``series`` (indices) trains on."""
        cuts = self.cuts(window)
        rows = [
            np.arange(self.starts[i] + self._train(cuts[i]), self.starts[i] + cuts[i])
            for i in series
        ]
        return self.data[np.concatenate(rows)]

    def forward(self, fits: list[Any]) -> np.ndarray:
        """Each series' fit run over each window's training data: forecasts in :meth:`frame`'s
        row order."""
        y = self.data["y"].to_numpy()
        out = np.empty(len(self.ids) * self.n_windows * self.h)
        at = 0
        for i, fit in enumerate(fits):
            series = y[self.starts[i] : self.starts[i] + self.lengths[i]]
            for window in range(self.n_windows):
                cut = int(self.cuts(window)[i])
                result = fit.forward(y=series[self._train(cut) : cut], h=self.h)
                out[at : at + self.h] = result["mean"]
                at += self.h
        return out

    def frame(self) -> pl.DataFrame:
        """``unique_id, ds, cutoff, y`` of every test period, by series, window and period."""
        rows, cutoffs = [], []
        for window in range(self.n_windows):
            cuts = self.cuts(window)
            rows.append(self.starts[:, None] + cuts[:, None] + np.arange(self.h)[None, :])
            cutoffs.append(np.repeat(self.starts + cuts - 1, self.h).reshape(-1, self.h))
        order = np.stack(rows, axis=1).ravel()  # series, then window, then period
        last = np.stack(cutoffs, axis=1).ravel()
        picked = self.data[order]
        return picked.select("unique_id", "ds", self.data["ds"].gather(last).alias("cutoff"), "y")
