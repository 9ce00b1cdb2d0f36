"""The compiled forward run of fitted AutoETS models gives statsforecast's own forecasts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsforecast.models import AutoETS

from icebergops.demand.etsrun import forward_means


def _fits(model: str, seed: int, count: int) -> tuple[list[AutoETS], list[np.ndarray]]:
    """Fits on a year of daily demand with a weekly season, and the longer data each is run over."""
    rng = np.random.default_rng(seed)
    fits, data = [], []
    week = 1 + 0.4 * np.sin(np.arange(500) * 2 * np.pi / 7)
    for i in range(count):
        y = rng.poisson(rng.uniform(0.5, 12.0) * week).astype(float) + (i % 3 == 0)
        if "M" in model:
            y += 1.0  # multiplicative forms are fitted on positive data only
        elif i % 5 == 0:
            y[:60] = 0.0  # a late start: its first windows hold one value, zero
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fits.append(AutoETS(season_length=7, model=model).fit(y[:364]))
        data.append(y)
    return fits, data


@pytest.mark.parametrize("model", ["ZNZ", "ANN", "MNM", "AAN"])
def test_forward_means_are_statsforecast_forward(model: str) -> None:
    fits, data = _fits(model, seed=len(model) + ord(model[0]), count=12)
    forms = {fit.model_["components"] for fit in fits}
    assert model != "ZNZ" or {"ANAN", "MNMN"} & forms  # seasonal forms are among those run
    cuts = np.array([[30, 200, 364, 392, 420, 500]] * len(fits), np.int64)
    got = forward_means(fits, data, cuts, h=28)
    for i, fit in enumerate(fits):
        for w, cut in enumerate(cuts[i]):
            want = fit.forward(y=data[i][:cut], h=28)["mean"]
            np.testing.assert_allclose(got[i, w], want, rtol=1e-12, atol=1e-12)


def test_a_constant_window_is_left_to_statsforecast() -> None:
    """statsforecast fits a new model on data of one value: so must the run forward."""
    fits, data = _fits("ZNZ", seed=3, count=1)
    data[0][:100] = 4.0
    data[0][100] = 9.0
    cuts = np.array([[50, 100, 101]], np.int64)
    got = forward_means(fits, data, cuts, h=7)
    for w, cut in enumerate(cuts[0]):
        np.testing.assert_allclose(got[0, w], fits[0].forward(y=data[0][:cut], h=7)["mean"])
    assert not np.allclose(got[0, 0], got[0, 2])  # the refit and the run differ: both checked


def test_states_that_broke_down_leave_the_window_to_statsforecast() -> None:
    """statsforecast looks at the data before it runs the states: where they break down (the
    level at its missing-value mark), a window of one value is still fitted anew there."""
    fits, data = _fits("ANN", seed=5, count=1)
    fits[0].model_["par"][4] = -99999.0  # the initial level: statsforecast's NA
    data[0][:] = 5.0
    cuts = np.array([[10, 60]], np.int64)
    got = forward_means(fits, data, cuts, h=7)
    for w, cut in enumerate(cuts[0]):
        want = fits[0].forward(y=data[0][:cut], h=7)["mean"]
        assert np.isfinite(want).all()
        np.testing.assert_allclose(got[0, w], want)


@pytest.mark.parametrize("cuts", [[[60, 30]], [[-5, 30]], [[30, 501]]])
def test_cuts_outside_the_data_or_out_of_order_are_refused(cuts: list[list[int]]) -> None:
    fits, data = _fits("ANN", seed=1, count=1)  # 500 values
    with pytest.raises(ValueError, match="cuts must ascend"):
        forward_means(fits, data, np.array(cuts, np.int64), h=7)
