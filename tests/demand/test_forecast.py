"""Forecasts with model selection: non-negative, ordered intervals, sensible picks."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from icebergops.demand.calendar import DAY, WEEK
from icebergops.demand.forecast import _padded, _placeholders, forecast_demand


def history() -> pl.DataFrame:
    rng = np.random.default_rng(3)
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(200)]
    weekly = np.array([2, 2, 2, 2, 3, 9, 9])  # a weekend peak
    smooth = weekly[np.arange(200) % 7] + rng.poisson(1, 200)
    rare = np.where(rng.random(200) < 0.08, rng.integers(1, 4, 200), 0)
    new = [0] * 30
    return pl.concat(
        [
            pl.DataFrame({"sku": "SMOOTH", "day": days, "units": smooth}),
            pl.DataFrame({"sku": "RARE", "day": days, "units": rare}),
            pl.DataFrame({"sku": "NEW", "day": days[-30:], "units": [2, *new[1:]]}),
        ]
    ).with_columns(pl.col("units").cast(pl.Int64))


def test_forecasts_are_non_negative_with_ordered_intervals() -> None:
    result = forecast_demand(history(), horizon=14)
    assert result.group_by("sku").len().sort("sku").rows() == [
        ("NEW", 14),
        ("RARE", 14),
        ("SMOOTH", 14),
    ]
    bounds = result.select("lo_95", "lo_80", "forecast", "hi_80", "hi_95").drop_nulls()
    assert bounds.height == 42  # the short-history fallback too: from its own spread
    for low, high in zip(bounds.columns, bounds.columns[1:], strict=False):
        assert (bounds[low] <= bounds[high] + 1e-9).all(), (low, high)
    assert (result["forecast"] >= 0).all()


def test_the_choice_follows_the_demand_pattern() -> None:
    result = forecast_demand(history(), horizon=14).unique("sku").sort("sku")
    picks = dict(result.select("sku", "model").iter_rows())
    classes = dict(result.select("sku", "demand_class").iter_rows())
    assert classes["SMOOTH"] == "smooth" and classes["RARE"] in ("intermittent", "lumpy")
    # the weekend peak is the signal: a weekly-seasonal model must be among the combined ones
    assert {"SeasonalNaive", "AutoETS"} & set(picks["SMOOTH"].split(" + "))
    assert len(picks["SMOOTH"].split(" + ")) == 3
    # too short for a model: its own days, blended with the store's established SKUs
    assert picks["NEW"].endswith("own 28-day average + 48% average of 2 SKUs in the store")


def test_weekend_peak_is_forecast() -> None:
    result = forecast_demand(history(), horizon=14).filter(pl.col("sku") == "SMOOTH")
    weekend = result.filter(pl.col("day").dt.weekday() >= 6)["forecast"].mean()
    weekday = result.filter(pl.col("day").dt.weekday() < 6)["forecast"].mean()
    assert weekend is not None and weekday is not None
    assert float(weekend) > 2 * float(weekday)  # type: ignore[arg-type]


def weekly_history() -> pl.DataFrame:
    """Weekly units: OLD has three years with a yearly season, YOUNG one year, NEW ten weeks."""
    rng = np.random.default_rng(7)
    weeks = [date(2023, 1, 2) + timedelta(weeks=i) for i in range(156)]  # Mondays
    season = 20 + 15 * np.sin(2 * np.pi * np.arange(156) / 52)
    return pl.concat(
        [
            pl.DataFrame({"sku": "OLD", "week_start": weeks, "units": rng.poisson(season)}),
            pl.DataFrame({"sku": "YOUNG", "week_start": weeks[-60:], "units": rng.poisson(8, 60)}),
            pl.DataFrame({"sku": "NEW", "week_start": weeks[-10:], "units": [3] * 10}),
        ]
    ).with_columns(pl.col("units").cast(pl.Int64))


def test_weekly_forecasts_start_after_the_history_on_mondays() -> None:
    stages: list[str] = []
    result = forecast_demand(weekly_history(), horizon=8, freq=WEEK, progress=stages.append)
    assert result.group_by("sku").len().sort("sku").rows() == [("NEW", 8), ("OLD", 8), ("YOUNG", 8)]
    assert (result["week_start"].dt.weekday() == 1).all()
    first = date(2023, 1, 2) + timedelta(weeks=156)
    assert set(result.group_by("sku").agg(pl.col("week_start").min())["week_start"]) == {first}
    assert result["week_start"].max() == first + timedelta(weeks=7)
    # the yearly season is modelled for the three-year series only
    fitting = sorted(s for s in stages if s.startswith("fitting"))
    assert fitting == ["fitting 1 series (regular)", "fitting 1 series (regular, season 52)"]
    picks = dict(result.unique("sku").select("sku", "model").iter_rows())
    # ten weeks of its own weigh 10 / (10 + 4): the rest is OLD's and YOUNG's typical rate
    assert picks["NEW"] == (
        "71% trailing 4-week average + 29% average of 2 long series (short history)"
    )


def test_the_yearly_season_is_forecast_from_weekly_history() -> None:
    result = forecast_demand(weekly_history(), horizon=8, freq=WEEK).filter(pl.col("sku") == "OLD")
    # the next 8 weeks are the start of the year: rising from 20 to about 30 units a week,
    # while the last 4 weeks of the history averaged about 16
    assert 20 < result["forecast"].mean() < 32  # type: ignore[operator]


def test_the_kept_autoets_fit_keeps_its_season_in_phase_over_any_horizon() -> None:
    """AutoETS is fitted on the first validation window and run forward to the forecast; with
    a horizon of 31 days the forecast window starts 3 weekdays later than the fit's: the fitted
    weekly season must still fall on the right days (a fresh fit is the reference)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    from icebergops.demand.calendar import DAY
    from icebergops.demand.forecast import _run

    rng = np.random.default_rng(1)
    n, weekly = DAY.fit + 2 * 31 + 10, np.array([2, 2, 3, 4, 8, 12, 6.0])
    frames = []
    for uid in ("A", "B", "C"):
        y = weekly[np.arange(n) % 7] * rng.uniform(0.8, 1.5) + rng.poisson(1, n)
        days = [date(2024, 1, 1) + timedelta(days=i) for i in range(n)]
        frames.append(pl.DataFrame({"unique_id": uid, "ds": days, "y": y.astype(float)}))
    data = pl.concat(frames)
    for horizon in (28, 31):
        _, ahead = _run(data, regular=True, horizon=horizon, season_length=7, windows=2, freq=DAY)
        last_year = data.group_by("unique_id", maintain_order=True).tail(DAY.fit)
        fresh = StatsForecast(models=[AutoETS(season_length=7, model="ZNZ")], freq="1d")
        both = ahead.join(fresh.forecast(df=last_year, h=horizon), on=["unique_id", "ds"],
                          suffix="_fresh")  # fmt: skip
        assert both.height == 3 * horizon
        assert np.corrcoef(both["AutoETS"], both["AutoETS_fresh"])[0, 1] > 0.99, horizon
        assert (both["AutoETS"] - both["AutoETS_fresh"]).abs().mean() < 0.3, horizon


def test_cheap_models_forecast_from_the_periods_they_were_validated_on() -> None:
    """The cheap models' forecast is fitted on the last ``DAY.fit`` days, as each validation
    window is, not on the longer stretch the windows need: a SKU that sold daily before that
    year and weekly in it is forecast from its weekly year."""
    from statsforecast.models import ADIDA, IMAPA, CrostonSBA

    from icebergops.demand.calendar import DAY
    from icebergops.demand.forecast import _run

    n = DAY.fit + 2 * 28
    y = np.where(np.arange(n) < 2 * 28, 6.0, np.where(np.arange(n) % 7 == 3, 2.0, 0.0))
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(n)]
    data = pl.DataFrame({"unique_id": "A", "ds": days, "y": y})
    validation, ahead = _run(data, regular=False, horizon=28, season_length=7, windows=2, freq=DAY)
    assert validation["cutoff"].n_unique() == 2 and ahead.height == 28
    assert ahead["ds"].min() == days[-1] + timedelta(days=1)
    for model in (ADIDA(), IMAPA(), CrostonSBA()):
        expected = model.forecast(y=y[-DAY.fit :], h=28)["mean"]
        np.testing.assert_allclose(ahead[repr(model)], expected, rtol=1e-9)
        assert model.forecast(y=y, h=28)["mean"][0] != pytest.approx(expected[0], rel=1e-3)


def test_a_store_too_new_for_any_model_still_has_the_bound_columns() -> None:
    # a month of history: every SKU gets its trailing average, and the frame keeps the shape
    # that restock and the writers read (they failed on a missing hi_80)
    days = [date(2026, 5, 1) + timedelta(days=i) for i in range(30)]
    history = pl.concat(
        pl.DataFrame({"sku": sku, "day": days, "units": [(i + k) % 3 for i in range(30)]})
        for k, sku in enumerate(["A", "B"])
    )
    got = forecast_demand(history, horizon=21)
    assert {"lo_80", "hi_80", "lo_95", "hi_95"} <= set(got.columns)
    assert got["forecast"].null_count() == 0
    assert got.height == 2 * 21


def test_a_short_history_gets_bounds_from_its_own_spread_around_its_average() -> None:
    # 20 days: too few for a validation window; 2 units on 4 days in 5, none on the others
    days = [date(2026, 5, 1) + timedelta(days=i) for i in range(20)]
    units = [0 if i % 5 == 0 else 2 for i in range(20)]
    got = forecast_demand(pl.DataFrame({"sku": "A", "day": days, "units": units}), horizon=7)
    row = got.row(0, named=True)
    assert row["forecast"] == pytest.approx(1.6)
    # deviations: 0.4 on 16 days, 1.6 on 4: the 80% quantile is 0.4, the 95% one 1.6
    assert (row["lo_80"], row["hi_80"]) == pytest.approx((1.2, 2.0))
    assert (row["lo_95"], row["hi_95"]) == pytest.approx((0.0, 3.2))
    assert row["model"] == "trailing 28-day average (short history)"


@pytest.mark.parametrize("shuffled", [False, True])
def test_placeholders_go_after_each_series_as_a_sort_would_put_them(shuffled: bool) -> None:
    rng = np.random.default_rng(3)
    rows = [  # series of different lengths and ends, some of one row
        (uid, date(2026, 1, 1) + timedelta(days=int(start) + d), float(rng.integers(0, 5)))
        for uid, start, length in [("b", 3, 9), ("a", 0, 1), ("c", 5, 4), ("d", 1, 30)]
        for d in range(int(length))
    ]
    recent = pl.DataFrame(rows, schema=["unique_id", "ds", "y"], orient="row").sort(
        "unique_id", "ds"
    )
    if shuffled:  # not in series and period order: sorted, as before
        recent = recent.sample(fraction=1.0, seed=5)
    pads = _placeholders(recent, 3, DAY)
    expected = pl.concat([recent, pads]).sort("unique_id", "ds")
    assert _padded(recent, pads, 3).equals(expected)
    assert _padded(recent.head(0), pads.head(0), 3).height == 0


def test_extra_models_are_candidates_for_regular_series_only() -> None:
    """--extra-models theta,arima,mstl: validated beside AutoETS on regular series; the
    intermittent ones are forecast as without them."""
    from icebergops.demand.forecast import _run, _to_nixtla

    data = _to_nixtla(history().filter(pl.col("sku") == "SMOOTH"), "sku", DAY)
    args = {"horizon": 14, "season_length": 7, "windows": 2, "freq": DAY}
    validation, ahead = _run(data, regular=True, extra=("theta", "arima", "mstl"), **args)
    assert {"AutoETS", "AutoTheta", "AutoARIMA", "MSTL"} <= set(ahead.columns)
    assert validation.select("AutoTheta", "AutoARIMA", "MSTL").null_count().sum_horizontal()[0] == 0
    _, plain = _run(data, regular=False, extra=("theta",), **args)
    assert "AutoTheta" not in plain.columns and "AutoETS" not in plain.columns
    rare = history().filter(pl.col("sku") != "SMOOTH")
    with_extra = forecast_demand(rare, horizon=14, extra_models=("theta", "mstl"))
    assert with_extra.equals(forecast_demand(rare, horizon=14))
    with pytest.raises(ValueError, match="unknown extra models"):
        _run(data, regular=True, extra=("prophet",), **args)
