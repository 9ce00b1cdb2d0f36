"""The backtest's engine: AutoETS fitted once per series, then run forward at later origins."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal
from statsforecast.models import AutoETS

from icebergops.demand.engines import LOCAL
from icebergops.demand.warm import WarmEngine

# as demand.forecast._run asks for AutoETS: no input_size, each window trains from the start
SETTINGS = {"h": 14, "step_size": 14, "input_size": None, "n_windows": 3, "refit": False}
WEEKLY = np.array([4, 4, 4, 5, 6, 12, 11])


def series(days: int, *, scale: float = 1.0) -> pl.DataFrame:
    """Three weekly-seasonal series in statsforecast's columns; one starts 40 days late."""
    rng = np.random.default_rng(3)
    frames = []
    for uid, start in (("A", 0), ("B", 0), ("C", 40)):
        n = days - start
        y = WEEKLY[np.arange(start, days) % 7] * rng.uniform(0.5, 2) * scale + rng.poisson(2, n)
        ds = [date(2024, 1, 1) + timedelta(days=start + i) for i in range(n)]
        frames.append(pl.DataFrame({"unique_id": uid, "ds": ds, "y": y.astype(float)}))
    return pl.concat(frames)


def last(data: pl.DataFrame, days: int) -> pl.DataFrame:
    """Each series' last ``days`` rows: what a later origin of the backtest passes."""
    return data.group_by("unique_id", maintain_order=True).tail(days)


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
    assert sorted(warm.kept) == ["A", "B", "C"]


def test_later_calls_run_the_kept_fit_forward_from_its_own_first_day() -> None:
    """The next origin's data starts 28 days later: the kept fit runs over the days it was fitted
    from, then the new ones, exactly as ``fit.forward`` on that whole stretch would."""
    full = series(400)
    warm = WarmEngine()
    validate(warm, last(full.filter(pl.col("ds") < date(2024, 12, 1)), 200))
    fits = {uid: kept.fits for uid, kept in warm.kept.items()}
    later = validate(warm, last(full.filter(pl.col("ds") < date(2024, 12, 29)), 200))
    assert {uid: kept.fits for uid, kept in warm.kept.items()} == fits  # nothing fitted again
    first_day = date(2024, 12, 1) - timedelta(days=200)
    for uid in ("A", "B"):
        y = full.filter((pl.col("unique_id") == uid) & (pl.col("ds") >= first_day))["y"]
        fit = next(iter(fits[uid].values()))
        expected = []
        for window in range(3):  # windows cut 42, 28 and 14 days before 2024-12-29
            cut = (date(2024, 12, 29) - first_day).days - 14 * (3 - window)
            expected.extend(fit.forward(y=y[:cut].to_numpy(), h=14)["mean"])
        np.testing.assert_allclose(later.filter(pl.col("unique_id") == uid)["AutoETS"], expected)
    refitted = validate(LOCAL, last(full.filter(pl.col("ds") < date(2024, 12, 29)), 200))
    assert_frame_equal(later.drop("AutoETS"), refitted.drop("AutoETS"))
    assert not np.allclose(later["AutoETS"], refitted["AutoETS"])


def test_origins_apart_by_no_whole_weeks_keep_the_season_in_phase() -> None:
    """31 days between calls: the fitted season (which barely updates) must still fall on the
    right weekdays, as a fresh fit's does."""
    full = series(450)
    warm = WarmEngine()
    validate(warm, last(full.filter(pl.col("ds") < date(2024, 12, 1)), 250))
    data = last(full.filter(pl.col("ds") < date(2025, 1, 1)), 250)
    later, fresh = validate(warm, data), validate(LOCAL, data)
    assert np.corrcoef(later["AutoETS"], fresh["AutoETS"])[0, 1] > 0.95
    assert (later["AutoETS"] - fresh["AutoETS"]).abs().mean() < 1.0


def test_a_fit_as_old_as_refit_days_is_fitted_again() -> None:
    warm = WarmEngine(refit_days=28)
    validate(warm, series(200))
    assert_frame_equal(validate(warm, series(228)), validate(LOCAL, series(228)), rel_tol=1e-9)


def test_an_earlier_origin_never_uses_a_fit_of_later_days() -> None:
    warm = WarmEngine()
    validate(warm, series(228))
    assert_frame_equal(validate(warm, series(200)), validate(LOCAL, series(200)), rel_tol=1e-9)


def test_a_series_new_at_a_later_call_is_fitted_then() -> None:
    warm = WarmEngine()
    validate(warm, series(200).filter(pl.col("unique_id") != "C"))
    assert sorted(warm.kept) == ["A", "B"]
    result = validate(warm, series(228))
    assert sorted(warm.kept) == ["A", "B", "C"]
    fresh = validate(LOCAL, series(228)).filter(pl.col("unique_id") == "C")
    assert_frame_equal(result.filter(pl.col("unique_id") == "C"), fresh, rel_tol=1e-9)


def test_another_series_under_a_known_name_is_fitted_again() -> None:
    """A product's total named like a SKU seen before, or a pool whose members changed: the
    days both were seen on hold other values, so the old fit is not theirs."""
    warm = WarmEngine()
    validate(warm, series(200))
    other = series(228, scale=3.0)
    assert_frame_equal(validate(warm, other), validate(LOCAL, other), rel_tol=1e-9)


def test_cheap_models_and_fixed_input_sizes_are_statsforecasts_own() -> None:
    from statsforecast.models import WindowAverage

    data, cheap = series(200), {**SETTINGS, "refit": True, "input_size": 90}
    warm = WarmEngine()
    ours = warm.cross_validation([WindowAverage(28)], data, freq="1d", n_jobs=1, **cheap)
    theirs = LOCAL.cross_validation([WindowAverage(28)], data, freq="1d", n_jobs=1, **cheap)
    assert_frame_equal(ours, theirs)
    sized = {**SETTINGS, "input_size": 90}
    ours = warm.cross_validation(models(), data, freq="1d", n_jobs=1, **sized)
    theirs = LOCAL.cross_validation(models(), data, freq="1d", n_jobs=1, **sized)
    assert_frame_equal(ours, theirs)
    assert warm.kept == {}
