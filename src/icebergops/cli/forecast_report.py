"""What ``icebergops forecast`` says besides its forecasts: warnings about what it read, the
terminal's one row per series, and the summary on stderr."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from rich.console import Console

from icebergops.cli.pipeline import staleness
from icebergops.demand.calendar import Frequency
from icebergops.demand.history import demand_lines
from icebergops.demand.likely import NONE_LIKELIER, forecast_zero
from icebergops.demand.series import NOUNS, LevelHistory, counted_series, unmatched_stockouts
from icebergops.demand.summary import forecast_summary, spike_warning, spikes
from icebergops.outputs import render_table


@dataclass
class ForecastInputs:
    """What ``forecast`` read: order lines, catalogue, the repeated exports' warnings, stock,
    events and stockouts; ``levels`` once the series are built from them."""

    lines: pl.DataFrame
    families: pl.DataFrame
    repeats: list[str]
    stock: pl.DataFrame | None
    events: pl.DataFrame | None
    stockouts: pl.DataFrame | None
    levels: LevelHistory = field(init=False)


def warn_inputs(
    read: ForecastInputs, period: Frequency, evaluate: bool, day: date | None, err: Console
) -> None:
    """Repeated exports, series with no whole period yet, stockout dates of no sold SKU, and an
    old export (unless a backtest replays the history as it is)."""
    for repeated in read.repeats:
        err.print(f"warning: {repeated}", markup=False)
    warn_unforecast(read.levels, period, err)
    if read.stockouts is not None:
        sold = demand_lines(read.lines).select("sku", pl.col("order_date").alias("day"))
        if idle := unmatched_stockouts(read.stockouts, sold):
            err.print(f"warning: {idle}", markup=False)
    if (not evaluate or day is not None) and (
        stale := staleness(read.lines, day, today=date.today())
    ):
        err.print(f"warning: {stale}", markup=False)


def warn_unforecast(levels: LevelHistory, period: Frequency, err: Console) -> None:
    """Series that sold only in the current, incomplete week have no week to forecast from."""
    forecast = levels.history.select(levels.key).unique()
    missing = levels.index.join(forecast, on=levels.key, how="anti")
    if not missing.is_empty():
        err.print(
            f"warning: {counted_series(missing.height, levels.level)} sold only in the current "
            f"{period.name}, which is not over: not forecast (e.g. {missing[levels.key][0]}); "
            "--freq day forecasts them",
            markup=False,
        )


def summarise(
    result: pl.DataFrame,
    fitted: pl.DataFrame,
    read: ForecastInputs,
    period: Frequency,
    ahead: str,
    err: Console,
) -> None:
    """The summary table on stderr, the series and units in all, those forecast 0, and the
    spikes worth a look."""
    levels = read.levels
    summary = forecast_summary(result, columns=levels.columns)
    err.print(render_table(summary.with_columns(pl.col("units").round().cast(pl.Int64))))
    err.print(
        f"{counted_series(fitted[levels.key].n_unique(), levels.level)}, {ahead} ahead, "
        f"{result['expected'].sum():,.0f} units expected in all"
    )
    if zero := zero_line(*forecast_zero(result, by=levels.columns), ahead):
        err.print(zero, markup=False)
    found = spikes(levels.history, key=levels.key, freq=period)
    noun = NOUNS[levels.level]
    if warning := spike_warning(found, noun, period.name, lines=read.lines, freq=period):
        err.print(f"warning: {warning}", markup=False)


def zero_line(likely: int, none: int, ahead: str) -> str:
    """The line on the series forecast 0: those where none sold is the likelier outcome, and
    those with no unit expected at all; empty where there are none.

    >>> line = zero_line(355, 874, "7 days")
    >>> line.startswith("1,229 of them forecast 0: 355 most likely selling none in 7 days")
    True
    >>> line.endswith("in the last year), 874 with none expected")
    True
    >>> zero_line(2, 0, "14 days")  # doctest: +NORMALIZE_WHITESPACE
    '2 of them forecast 0: most likely selling none in 14 days (under 0.69 sales expected, or
     no sale in most spells of 14 days in the last year)'
    """
    if not likely + none:
        return ""
    why = (
        f"(under {NONE_LIKELIER:.2f} sales expected, or no sale in most spells of {ahead} "
        "in the last year)"
    )
    if not none:
        return f"{likely:,} of them forecast 0: most likely selling none in {ahead} {why}"
    if not likely:
        return f"{none:,} of them forecast 0: none expected in {ahead}"
    return (
        f"{likely + none:,} of them forecast 0: {likely:,} most likely selling none in {ahead} "
        f"{why}, {none:,} with none expected"
    )


MODEL_WIDTH = 32  # characters of the model's name a terminal row shows


def per_series(result: pl.DataFrame, columns: Sequence[str], period: Frequency) -> pl.DataFrame:
    """The terminal's view: one row per series, the most expected first, with the horizon's
    total (the point forecast's and the mean's), the first period's, the model (cut short) and
    the demand class. The files keep a row per period; bounds of a total are not the sum of the
    periods' bounds, so none is shown here."""
    model = pl.col("model").first()
    cut = pl.when(model.str.len_chars() > MODEL_WIDTH).then(
        model.str.slice(0, MODEL_WIDTH - 1) + "…"
    )
    return (
        result.sort(period.column)
        .group_by(columns, maintain_order=True)
        .agg(
            pl.col("forecast").sum().round(1).alias("units"),
            pl.col("expected").sum().round(1).alias("expected"),
            pl.col("forecast").first().round(2).alias(f"first {period.name}"),
            cut.otherwise(model).alias("model"),
            pl.col("method").first(),
            pl.col("demand_class").first(),
        )
        .sort(["expected", *columns], descending=[True, *([False] * len(columns))])
    )
