"""Forecasts per series with model selection by rolling-origin cross-validation.

The only module that talks to statsforecast: it renames to statsforecast's ``unique_id``/``ds``/``y``
and back. Expensive models (AutoETS) run only on series with regular demand; intermittent series
get the intermittent-demand methods (Croston SBA, TSB, ADIDA, IMAPA). Every series also gets the
baselines a seller would use otherwise (seasonal naive, the trailing average of 28 days or 4
weeks), in the running with the others; the choice is pooled over the series fitted together
(:mod:`demand.selection`), and series that stopped selling are forecast zero
(:mod:`demand.stopped`). Series are days or ISO weeks (:mod:`demand.calendar`);
:mod:`demand.engines` makes the calls, in this process or on a cluster.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from icebergops.demand.arrays import in_series_order
from icebergops.demand.calendar import DAY, Frequency
from icebergops.demand.classify import demand_classes
from icebergops.demand.engines import LOCAL, PARALLEL_FROM, Engine
from icebergops.demand.events import SCALED
from icebergops.demand.hierarchy import (
    product_history,
    split_by_mix,
    variant_families,
    with_own_rate,
)
from icebergops.demand.newskus import (
    SIBLING_DAYS,
    start_from_siblings,
    towards_established,
    trailing_average,
)
from icebergops.demand.selection import flat_shape, pick_models, select_models
from icebergops.demand.stopped import stopped_selling, zero_stopped
from icebergops.demand.yearly import apply_yearly, yearly_factors

REGULAR = ("smooth", "erratic")
BOUNDS = SCALED[1:]  # lo_80, hi_80, lo_95, hi_95
# AutoETS is the one costly model (~0.02 s a series as _run sets it up): it is tried where a SKU
# sells in at least one period in three, where level and season can be estimated; rarer sellers
# get the intermittent methods only.
ETS_WORTH_ADI = 3.0
FIT_DAYS = DAY.fit  # days of daily history the models are fitted on (input_size)
# periods a series needs before its first validation window: AutoETS refuses to fit fewer than
# its parameters plus 5 ("tiny datasets"), which weekly series with a short horizon can have
MIN_TRAIN = 8

#: Told what the forecaster is doing now (``"fitting 120 series (regular)"``), for a
#: progress display; the CLI passes one, the library says nothing by default.
Progress = Callable[[str], None]


def _quiet(stage: str) -> None:
    """A progress callback that says nothing."""


#: Candidates a caller may add for regular series (``--extra-models``): AutoTheta (about 1.5
#: times AutoETS's cost), AutoARIMA (about 35 times), MSTL (daily: weekly season, ETS trend).
EXTRA_MODELS = ("theta", "arima", "mstl")


def _models(
    regular: bool, season_length: int, freq: Frequency, extra: Sequence[str] = ()
) -> tuple[list[object], list[object]]:
    """Cheap models (refit on every window) and expensive ones (fitted once, then run forward);
    ``extra`` names more expensive ones from :data:`EXTRA_MODELS` for regular series."""
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        MSTL,
        TSB,
        AutoARIMA,
        AutoETS,
        AutoTheta,
        CrostonSBA,
        SeasonalNaive,
        WindowAverage,
    )

    baselines: list[object] = [SeasonalNaive(season_length), WindowAverage(freq.window)]
    intermittent = [CrostonSBA(), TSB(alpha_d=0.1, alpha_p=0.1), ADIDA(), IMAPA()]
    # No trend: daily SKU demand seldom has one that lasts a horizon, and leaving the trended
    # variants out makes the fit about six times cheaper (benchmarks/forecast.py).
    expensive: list[object] = [AutoETS(season_length=season_length, model="ZNZ")] if regular else []
    if regular:
        unknown = sorted(set(extra) - set(EXTRA_MODELS))
        if unknown:
            raise ValueError(f"unknown extra models {unknown}: choose from {EXTRA_MODELS}")
        if "theta" in extra:
            expensive.append(AutoTheta(season_length=season_length))
        if "arima" in extra:
            expensive.append(AutoARIMA(season_length=season_length))
        if "mstl" in extra and season_length > 1:  # a season to take out, or it is AutoETS
            expensive.append(
                MSTL(season_length=season_length, trend_forecaster=AutoETS(model="ZNN"))
            )
    return [*baselines, *intermittent], expensive


def _to_nixtla(history: pl.DataFrame, key: str, freq: Frequency) -> pl.DataFrame:
    return history.select(
        pl.col(key).alias("unique_id"),
        pl.col(freq.column).alias("ds"),
        pl.col("units").cast(pl.Float64).alias("y"),
    )


def _run(
    history: pl.DataFrame,
    *,
    regular: bool,
    horizon: int,
    season_length: int,
    windows: int,
    freq: Frequency,
    engine: Engine = LOCAL,
    extra: Sequence[str] = (),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cross-validation frame and forecast frame (wide: one column per model).

    Models see the last ``freq.fit`` periods of history: recent demand is what the next weeks
    resemble, and fitting costs time in proportion to length. Expensive models are fitted once,
    on the first validation window, and run forward over the later ones and on to the forecast
    (the model that was validated is the one that forecasts), instead of being fitted again.
    Run forward from where it was fitted: each later window's data starts on the fit's first
    period (no ``input_size``), so the level is carried through the newer periods and the
    season stays in phase. A window cut ``horizon`` periods later would start the fitted
    season on another weekday (unless the horizon is whole weeks), and AutoETS, whose fitted
    season barely updates, would keep it out of phase: for a 31-day horizon its forecast
    correlated 0.49 with a fresh fit's, against 1.00 for 28 days (``tests/demand``).

    Cheap models are fitted on each window's last ``freq.fit`` periods, the forecast included:
    it is one more window, after the history, in the same call (a separate ``forecast`` call
    fitted them on all of ``recent``, ``windows * horizon`` periods more than they were
    validated on, and started statsforecast's worker processes a second time).
    """
    cheap, expensive = _models(regular, season_length, freq, extra)
    jobs = _jobs(history)
    recent = history.group_by("unique_id", maintain_order=True).tail(freq.fit + windows * horizon)
    # one more window after the history (its actuals are placeholders): the forecast, made by
    # the same call as the validation windows, from the last freq.fit periods as they are
    padded = _padded(recent, _placeholders(recent, horizon, freq), horizon)
    last = pl.col("cutoff") == pl.col("cutoff").max().over("unique_id")
    validation, ahead = pl.DataFrame(), pl.DataFrame()
    settings = {"h": horizon, "step_size": horizon, "n_windows": windows + 1}
    with warnings.catch_warnings():
        # ETS on an all-zero stretch divides by zero inside statsforecast; the fit is discarded.
        warnings.simplefilter("ignore", RuntimeWarning)
        for models, refit, input_size in ((cheap, True, freq.fit), (expensive, False, None)):
            if not models:
                continue
            # expensive models: window 0 trains on the first freq.fit periods of `recent`
            checked = engine.cross_validation(
                models, padded, freq=freq.interval, n_jobs=jobs, refit=refit,
                input_size=input_size, **settings,
            )  # fmt: skip
            validation = _beside(
                validation, checked.filter(~last), ["unique_id", "ds", "cutoff", "y"]
            )
            ahead = _beside(ahead, checked.filter(last).drop("cutoff", "y"), ["unique_id", "ds"])
    return validation, ahead


def _placeholders(recent: pl.DataFrame, horizon: int, freq: Frequency) -> pl.DataFrame:
    """``horizon`` periods after each series' last, with zero demand (never scored)."""
    ends = recent.group_by("unique_id", maintain_order=True).agg(pl.col("ds").max())
    return ends.select(
        "unique_id",
        pl.date_ranges(
            pl.col("ds") + pl.duration(days=freq.days),
            pl.col("ds") + pl.duration(days=freq.days * horizon),
            interval=freq.interval,
        ).alias("ds"),
        pl.lit(0.0).alias("y"),
    ).explode("ds")


def _padded(recent: pl.DataFrame, placeholders: pl.DataFrame, horizon: int) -> pl.DataFrame:
    """``recent`` with each series' ``horizon`` placeholders (from :func:`_placeholders`, in
    ``recent``'s order of series) after its rows, sorted by series and period. ``recent`` comes
    sorted as a rule (the history is): its rows are then put in place by position instead of
    sorted again (the sort was a quarter of ``_run``'s own time in the policy backtest)."""
    rows = recent.height
    lengths = recent["unique_id"].rle().struct.field("len").to_numpy().astype(np.int64)
    series = len(lengths)
    if not in_series_order(recent, "unique_id", "ds") or placeholders.height != series * horizon:
        return pl.concat([recent, placeholders]).sort("unique_id", "ds")
    source = np.empty(rows + series * horizon, np.int64)
    before = np.repeat(np.arange(series, dtype=np.int64) * horizon, lengths)  # earlier series' pads
    source[np.arange(rows) + before] = np.arange(rows)
    ends = np.cumsum(lengths) + np.arange(series) * horizon  # where each series' pads start
    source[(ends[:, None] + np.arange(horizon)).ravel()] = rows + np.arange(series * horizon)
    return pl.concat([recent, placeholders]).gather(source)


def _jobs(data: pl.DataFrame) -> int:
    """statsforecast's ``n_jobs``: every core, once there are enough series to share out."""
    return -1 if data["unique_id"].n_unique() >= PARALLEL_FROM else 1


def _beside(frame: pl.DataFrame, more: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``more``'s model columns added to ``frame`` (which may still be empty)."""
    return more if frame.is_empty() else frame.join(more, on=keys, how="left")


def history_needed(horizon: int, windows: int) -> int:
    """Periods a series needs for models to be chosen by validation: shorter series get the
    trailing average. ``windows`` validation horizons, and before them another horizon or
    ``MIN_TRAIN`` periods, whichever is more."""
    return windows * horizon + max(horizon, MIN_TRAIN)


def forecast_demand(
    history: pl.DataFrame,
    *,
    horizon: int = 28,
    windows: int = 2,
    products: pl.DataFrame | None = None,
    key: str = "sku",
    freq: Frequency = DAY,
    progress: Progress | None = None,
    yearly: bool = True,
    events: pl.DataFrame | None = None,
    engine: Engine = LOCAL,
    extra_models: Sequence[str] = (),
) -> pl.DataFrame:
    """Forecasts per series for ``horizon`` periods after the history, with 80/95% intervals.

    ``history`` holds ``key, <period>, units``, zero-filled (see :mod:`demand.history`); periods
    are days or weeks as ``freq`` says. With ``products`` (``key, product``), the series of
    products with several variants are forecast top-down: the product's total, split by each
    variant's recent share (variants of sizes and colours sell too rarely each to show a
    pattern), averaged with the variant's own trailing average (:func:`with_own_rate`). The
    ``method`` column says which. Series shorter than ``windows + 1`` horizons
    (or than ``windows`` horizons and ``MIN_TRAIN`` periods) get the trailing average, flagged;
    daily per-SKU, such new SKUs are blended with their category siblings' rate instead (with
    no category, or no ``products``, the store's established SKUs': :mod:`demand.newskus`).
    Daily per-SKU forecasts with two years of history are scaled by their category's yearly
    factor where ``yearly`` and where it holds (:mod:`demand.yearly`), measured on days
    outside ``events`` (which the caller applies itself); weekly series get a 52-week season
    instead.
    Forecasts and bounds are never negative (units per period). ``engine`` is where the models
    run (see :mod:`demand.engines`); the choice among them is made here either way.
    ``extra_models`` adds candidates for regular series (:data:`EXTRA_MODELS`).
    """
    report = progress or _quiet
    each_class = demand_classes(history, keys=(key,))  # the bottom-up series' too
    classes = each_class.select(key, "demand_class")
    families = variant_families(history, products, key=key, freq=freq)
    own_series = families.filter(~pl.col("top_down"))[key]
    bottom_up = history.filter(pl.col(key).is_in(own_series.implode()))  # in the history's order
    frames = []
    if not bottom_up.is_empty():
        each = "per SKU" if key == "sku" else "per series"
        fc = forecast_series(
            bottom_up, key, horizon, windows, freq=freq, progress=report, engine=engine,
            classes=each_class, extra_models=extra_models,
        )  # fmt: skip
        frames.append(fc.with_columns(pl.lit(each).alias("method")))
    families = families.filter(pl.col("top_down"))
    if not families.is_empty():
        totals = product_history(history, families, key=key, freq=freq)
        product_fc = forecast_series(
            totals, "product", horizon, windows, freq=freq, progress=report, engine=engine,
            extra_models=extra_models,
        )  # fmt: skip
        # without a catalogue the only families are the pool of sparse series
        how = "top-down by product" if products is not None else "top-down (sparse pool)"
        split = split_by_mix(product_fc, history, families, key=key, freq=freq)
        frames.append(
            with_own_rate(split, history, key=key, freq=freq, families=families).with_columns(
                pl.lit(how).alias("method")
            )
        )
    result = pl.concat(frames, how="diagonal_relaxed")
    counted = "censored" in history.columns  # stockout periods kept out of fitting (imputed)
    daily_skus = key == "sku" and freq == DAY  # demand.newskus counts SKUs' history in days
    per_series = (
        history.group_by(key).agg(
            pl.len().alias("days"),
            *([pl.col("censored").sum().alias(f"censored_{freq.name}s")] if counted else []),
        )  # one pass for both counts
        if counted or daily_skus
        else None
    )
    if daily_skus and per_series is not None:
        days = per_series.select("sku", "days")
        short = days.filter(pl.col("days") < history_needed(horizon, windows))["sku"]
        new = own_series.to_frame().join(short.to_frame(), on="sku")["sku"]
        established = days.filter(pl.col("days") >= SIBLING_DAYS)["sku"]
        result = start_from_siblings(result, history, products, new=new, established=established)
        if yearly:  # weekly series carry their year in a 52-week season (demand.calendar)
            factors = yearly_factors(history, products, horizon=horizon, events=events)
            result = apply_yearly(result, factors)
    stopped = stopped_selling(history, key=key, freq=freq, horizon=horizon)
    result = zero_stopped(result, stopped, key=key, freq=freq)
    result = result.join(classes, on=key, how="left")
    if counted and per_series is not None:
        result = result.join(per_series.drop("days"), on=key, how="left")
    return result.sort(key, freq.column)


def forecast_series(
    history: pl.DataFrame,
    key: str,
    horizon: int,
    windows: int,
    *,
    freq: Frequency = DAY,
    progress: Progress | None = None,
    engine: Engine = LOCAL,
    classes: pl.DataFrame | None = None,
    extra_models: Sequence[str] = (),
) -> pl.DataFrame:
    """Forecasts for every series of ``history`` (``key, <period>, units``), one model choice
    each. Series are fitted in batches of one group (regular or intermittent) and one season
    length (see :meth:`Frequency.season_length`). ``classes``: :func:`demand_classes` of these
    series where the caller has them already (of more series is fine), else worked out here."""
    report = progress or _quiet
    if classes is None:
        classes = demand_classes(history, keys=(key,))
    lengths = history.group_by(key).agg(pl.len().alias("periods"))
    info = classes.join(lengths, on=key).with_columns(
        pl.when(pl.col("periods") < history_needed(horizon, windows))
        .then(pl.lit("short history"))
        .when(pl.col("demand_class").is_in(REGULAR) | (pl.col("adi") < ETS_WORTH_ADI))
        .then(pl.lit("regular"))
        .otherwise(pl.lit("intermittent"))
        .alias("group"),
        freq.season_length(pl.col("periods")),
    )
    frames = []
    batches = (
        info.filter(pl.col("group") != "short history")
        .select("group", "season")
        .unique()
        .sort("group", "season", descending=[False, True])
    )
    for group, season in batches.iter_rows():
        ids = info.filter((pl.col("group") == group) & (pl.col("season") == season))[key]
        what = f"{ids.len():,} {'product totals' if key == 'product' else 'series'} ({group}" + (
            f", season {season})" if season > 1 else ")"
        )
        report(f"fitting {what}")
        data = _to_nixtla(history.filter(pl.col(key).is_in(ids.implode())), key, freq)
        validation, ahead = _run(
            data,
            regular=group == "regular",
            horizon=horizon,
            season_length=season,
            windows=windows,
            freq=freq,
            engine=engine,
            extra=extra_models,
        )
        report(f"selecting models for {what}")
        models = [c for c in ahead.columns if c not in ("unique_id", "ds")]
        chosen = select_models(validation, models)
        frames.append(pick_models(ahead, chosen, models, flat_shape(validation, chosen, models)))
    short = info.filter(pl.col("group") == "short history")[key]
    if not short.is_empty():
        own = trailing_average(
            history.filter(pl.col(key).is_in(short.implode())), key, horizon, freq
        )
        frames.append(towards_established(own, history, info, key, freq))
    result = pl.concat(frames, how="diagonal_relaxed")
    # every batch has bounds (validation errors, or a short series' own spread); the columns
    # are guaranteed all the same, as restock and the writers read them
    missing = [pl.lit(None, pl.Float64).alias(c) for c in BOUNDS if c not in result.columns]
    return result.with_columns(missing).rename({"unique_id": key, "ds": freq.column})


def baseline_forecasts(
    history: pl.DataFrame,
    *,
    horizon: int,
    names: dict[str, str],
    key: str = "sku",
    freq: Frequency = DAY,
    engine: Engine = LOCAL,
) -> pl.DataFrame:
    """The baselines a seller would otherwise use, on every series: ``key, <period>, forecast,
    model``. Seasonal ones use the season where a series holds two (see
    :meth:`Frequency.season_length`), else none.

    ``names`` maps statsforecast model names (Naive, SeasonalNaive, WindowAverage, AutoETS) to
    the names shown in reports. A series shorter than the trailing window gets the average of
    the periods it has; one shorter than ``MIN_TRAIN`` periods, too short for AutoETS to fit,
    gets that average as its AutoETS forecast too.
    """
    from statsforecast.models import AutoETS, Naive, SeasonalNaive, WindowAverage

    seasons = history.group_by(key).agg(
        freq.season_length(pl.len()), (pl.len() < MIN_TRAIN).alias("tiny")
    )
    frames = []
    for season, tiny in seasons.select("season", "tiny").unique().sort("season", "tiny").rows():
        models: list[object] = [Naive(), SeasonalNaive(season), WindowAverage(freq.window)]
        if not tiny:  # AutoETS refuses to fit fewer periods ("tiny datasets")
            models.append(AutoETS(season_length=season))
        ids = seasons.filter((pl.col("season") == season) & (pl.col("tiny") == tiny))[key]
        data = _to_nixtla(history.filter(pl.col(key).is_in(ids.implode())), key, freq)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frames.append(
                engine.forecast(models, data, freq=freq.interval, n_jobs=_jobs(data), h=horizon)
            )
    # statsforecast's WindowAverage has no forecast for a series shorter than its window; a
    # seller's spreadsheet averages the days there are (a store exported after three weeks)
    recent = (
        history.sort(key, freq.column)
        .group_by(key)
        .agg(pl.col("units").tail(freq.window).mean().cast(pl.Float64).alias("__recent"))
        .rename({key: "unique_id"})
    )
    tiny = seasons.select(pl.col(key).alias("unique_id"), pl.col("tiny").alias("__tiny"))
    wide = (
        pl.concat(frames, how="diagonal_relaxed")
        .join(recent, on="unique_id", how="left")
        .join(tiny, on="unique_id", how="left")
    )
    if "AutoETS" not in wide.columns:
        wide = wide.with_columns(pl.lit(None, pl.Float64).alias("AutoETS"))
    # a cluster engine hands back NaN as null (pandas): either means no forecast
    window = pl.col("WindowAverage").fill_nan(None).fill_null(pl.col("__recent"))
    return (
        wide.with_columns(window)
        .with_columns(
            pl.when(pl.col("__tiny"))
            .then(pl.col("WindowAverage"))
            .otherwise(pl.col("AutoETS"))
            .alias("AutoETS")
        )
        .drop("__recent", "__tiny")
        .unpivot(index=["unique_id", "ds"], variable_name="model", value_name="forecast")
        .select(
            pl.col("unique_id").alias(key),
            pl.col("ds").alias(freq.column),
            pl.col("forecast").clip(lower_bound=0),
            pl.col("model").replace_strict(names),
        )
    )
