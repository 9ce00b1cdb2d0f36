"""The backtest's engine: AutoETS fitted once per series, then run forward at later origins."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal
from statsforecast.models import AutoETS

from icebergops.demand.engines import LOCAL
from icebergops.demand.warm import WarmEngine

SETTINGS = {"h": 14, "step_size": 14, "input_size": 90, "n_windows": 3, "refit": False}


def series(days: int) -> pl.DataFrame:
    """Three weekly-seasonal series in statsforecast's columns; one starts 40 days late."""
    rng = np.random.default_rng(3)
    weekly = np.array([4, 4, 4, 5, 6, 12, 11])
    frames = []
    for uid, start in (("A", 0), ("B", 0), ("C", 40)):
        n = days - start
        y = weekly[np.arange(start, days) % 7] * rng.uniform(0.5, 2) + rng.poisson(2, n)
        ds = [date(2024, 1, 1) + timedelta(days=start + i) for i in range(n)]
        frames.append(pl.DataFrame({"unique_id": uid, "ds": ds, "y": y.astype(float)}))
    return pl.concat(frames)


def models() -> list[object]:
    return [AutoETS(season_length=7, model="ZNZ")]


def validate(engine: object, data: pl.DataFrame) -> pl.DataFrame:
    result: pl.DataFrame = engine.cross_validation(  # type: ignore[attr-defined]
        models(), data, freq="1d", n_jobs=1, **SETTINGS
    )
    return result


def test_a_first_call_is_statsforecasts_own_fit_and_forward() -> None:
    data = series(200)
    warm = WarmEngine()
    assert_frame_equal(validate(warm, data), validate(LOCAL, data), rel_tol=1e-9)
    assert sorted(uid for uid, _ in warm.fits) == ["A", "B", "C"]


def test_later_calls_run_the_kept_fits_forward_over_the_newer_data() -> None:
    warm = WarmEngine()
    validate(warm, series(200))
    kept = dict(warm.fits)
    later = validate(warm, series(228))
    assert {key: fit for key, (fit, _) in warm.fits.items()} == {
        key: fit for key, (fit, _) in kept.items()
    }  # no series was fitted again
    refitted = validate(LOCAL, series(228))
    assert_frame_equal(later.drop("AutoETS"), refitted.drop("AutoETS"))
    # the kept parameters, not new ones, yet forecasts of the same size
    assert not np.allclose(later["AutoETS"], refitted["AutoETS"])
    assert np.allclose(later["AutoETS"].mean(), refitted["AutoETS"].mean(), rtol=0.2)


def test_a_fit_as_old_as_refit_days_is_fitted_again() -> None:
    warm = WarmEngine(refit_days=28)
    validate(warm, series(200))
    assert_frame_equal(validate(warm, series(228)), validate(LOCAL, series(228)), rel_tol=1e-9)


def test_a_series_new_at_a_later_call_is_fitted_then() -> None:
    warm = WarmEngine()
    validate(warm, series(200).filter(pl.col("unique_id") != "C"))
    assert sorted(uid for uid, _ in warm.fits) == ["A", "B"]
    result = validate(warm, series(228))
    assert sorted(uid for uid, _ in warm.fits) == ["A", "B", "C"]
    fresh = validate(LOCAL, series(228)).filter(pl.col("unique_id") == "C")
    assert_frame_equal(result.filter(pl.col("unique_id") == "C"), fresh, rel_tol=1e-9)


def test_cheap_models_refit_on_every_window_as_usual() -> None:
    from statsforecast.models import WindowAverage

    data, cheap = series(200), {**SETTINGS, "refit": True}
    warm = WarmEngine()
    ours = warm.cross_validation([WindowAverage(28)], data, freq="1d", n_jobs=1, **cheap)
    theirs = LOCAL.cross_validation([WindowAverage(28)], data, freq="1d", n_jobs=1, **cheap)
    assert_frame_equal(ours, theirs)
    assert warm.fits == {}
