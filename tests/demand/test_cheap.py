"""The compiled cheap models give statsforecast's own validation forecasts."""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from statsforecast import StatsForecast
from statsforecast.models import TSB, WindowAverage

from icebergops.demand.calendar import DAY, WEEK, Frequency
from icebergops.demand.cheap import NAMES, cheap_validation, supported
from icebergops.demand.engines import LOCAL
from icebergops.demand.forecast import _models


def _store(seed: int, series: int, shortest: int, step: timedelta) -> pl.DataFrame:
    """Series of every kind a store has: smooth, intermittent, lumpy, silent, gone quiet."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(series):
        n = int(rng.integers(shortest, 500))
        selling = rng.choice([0.01, 0.05, 0.2, 0.6, 1.0])
        y = rng.poisson(rng.uniform(0.3, 8.0), n) * (rng.random(n) < selling)
        if i % 23 == 0:
            y[:] = 0  # never sold in the data given
        if i % 17 == 0:
            y[-150:] = 0  # sold, then stopped
        if i % 29 == 0:
            y[: n // 2] = 0  # a late start
        start = date(2024, 1, 1) + step * int(rng.integers(0, 40))
        frames.append(
            pl.DataFrame({
                "unique_id": f"s{i:04d}",
                "ds": [start + step * k for k in range(n)],
                "y": y.astype(float),
            })
        )  # fmt: skip
    return pl.concat(frames).sort("unique_id", "ds")


@pytest.mark.parametrize(
    ("freq", "season", "input_size", "h"),
    [(DAY, 7, 364, 28), (DAY, 7, None, 14), (WEEK, 52, 104, 8), (WEEK, 1, 52, 4)],
)
def test_the_kernel_forecasts_what_statsforecast_does(
    freq: Frequency, season: int, input_size: int | None, h: int
) -> None:
    data = _store(seed=season + h, series=250, shortest=3 * h + 1, step=timedelta(days=freq.days))
    cheap, _ = _models(False, season, freq)
    settings = {"h": h, "step_size": h, "n_windows": 3, "input_size": input_size}
    with warnings.catch_warnings():  # a first window shorter than a season: NaN, and a warning
        warnings.simplefilter("ignore", UserWarning)
        theirs = StatsForecast(models=cheap, freq=freq.interval, n_jobs=1).cross_validation(
            df=data, refit=True, **settings
        )
    ours = cheap_validation(cheap, data, **settings)
    assert ours is not None
    # the same rows and windows; the numbers equal up to the order of a mean's additions
    assert_frame_equal(ours, theirs, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)
    assert ours.height == data["unique_id"].n_unique() * 3 * h
    for name in NAMES:  # every model computed something, and the intermittent ones differ
        assert ours[name].drop_nans().len() > 0
    assert not ours["IMAPA"].equals(ours["ADIDA"])


def test_other_models_or_settings_go_to_statsforecast() -> None:
    cheap, _ = _models(False, 7, DAY)
    assert supported(cheap) == (7, DAY.window)
    assert supported(cheap[:-1]) is None
    assert supported([*cheap[:3], TSB(alpha_d=0.2, alpha_p=0.1), *cheap[4:]]) is None
    assert supported([cheap[0], WindowAverage(3, alias="Other"), *cheap[2:]]) is None
    # the engine still answers for them, through statsforecast
    data = _store(seed=3, series=20, shortest=100, step=timedelta(days=1))
    fewer = cheap[:2]
    settings = {"h": 14, "step_size": 14, "n_windows": 2, "input_size": 100}
    got = LOCAL.cross_validation(fewer, data, freq="1d", n_jobs=1, refit=True, **settings)
    want = StatsForecast(models=fewer, freq="1d", n_jobs=1).cross_validation(
        df=data, refit=True, **settings
    )
    assert_frame_equal(got, want)
