"""``icebergops forecast ORDERS...``: demand forecasts per SKU (or product, SKU × location,
SKU × channel) per day or week, with intervals."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from icebergops.cli.console import stderr_console
from icebergops.cli.evaluation import report_backtest
from icebergops.cli.forecast_report import (
    ForecastInputs,
    per_series,
    summarise,
    warn_inputs,
)
from icebergops.cli.options import (
    AsOfOption,
    ConfigOption,
    EngineOption,
    EventsOption,
    FormatOption,
    KindOption,
    OrdersArgument,
    OutputOption,
    ProductsOption,
    StockoutsOption,
)
from icebergops.cli.pipeline import require_dated
from icebergops.cli.progress import stages
from icebergops.config import Config, load_config
from icebergops.demand.calendar import FREQUENCIES, Frequency
from icebergops.demand.engines import open_engine
from icebergops.demand.events import (
    apply_events,
    apply_fixed,
    unapplied_fixed,
    unmatched_events,
)
from icebergops.demand.forecast import EXTRA_MODELS, forecast_demand
from icebergops.demand.hierarchy import catalogue
from icebergops.demand.likely import (
    most_likely,
    rounded,
    sale_evidence,
)
from icebergops.demand.plots import plot_forecasts
from icebergops.demand.series import (
    LevelHistory,
    level_history,
    with_level_columns,
)
from icebergops.errors import InputError, Where
from icebergops.outputs import (
    check_outputs,
    format_for,
    not_an_input,
    require_plotting,
    write_table,
)
from icebergops.sources import read_options, read_orders, read_table


class Freq(StrEnum):
    day = "day"
    week = "week"


class Level(StrEnum):
    sku = "sku"
    product = "product"
    sku_location = "sku-location"
    sku_channel = "sku-channel"


LONGEST_HORIZON_DAYS = 728  # 104 weeks: beyond two years a SKU forecast is a guess


def horizon_days(text: str) -> int:
    """``56d``, ``8w`` or ``56`` → days."""
    match = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", text.lower())
    if not match or int(match[1]) == 0:
        raise typer.BadParameter(
            f"{text!r} is not a number of days or weeks (e.g. 56d or 8w)", param_hint="--horizon"
        )
    days = int(match[1]) * (7 if match[2] == "w" else 1)
    if days > LONGEST_HORIZON_DAYS:
        raise typer.BadParameter(
            f"{text!r} is {days:,} days ahead; forecasts go at most {LONGEST_HORIZON_DAYS} days "
            "(104 weeks) ahead",
            param_hint="--horizon",
        )
    return days


def horizon_periods(text: str, freq: Frequency) -> int:
    """``--horizon`` in periods of ``freq``: ``8w`` and ``56d`` are 8 weeks; ``10d`` is no
    number of weeks and is refused rather than rounded."""
    days = horizon_days(text)
    if days % freq.days:
        whole = [f"{max(days // freq.days, 1)}w", f"{days // freq.days + 1}w"]
        raise typer.BadParameter(
            f"{text!r} is {days} days, not a whole number of {freq.name}s (--freq {freq.name}): "
            f"use {' or '.join(dict.fromkeys(whole))}",
            param_hint="--horizon",
        )
    return days // freq.days


def forecast_command(
    orders: OrdersArgument,
    horizon: Annotated[
        str, typer.Option(metavar="DAYS|WEEKS", help="How far ahead: days (56d) or weeks (8w).")
    ] = "28d",
    freq: Annotated[
        Freq,
        typer.Option(
            "--freq",
            metavar="day|week",
            help="Forecast per day, or per ISO week (Monday to Sunday).",
        ),
    ] = Freq.day,
    level: Annotated[
        Level,
        typer.Option(
            "--level",
            metavar="sku|product|sku-location|sku-channel",
            help="One series per SKU, product, SKU × location or channel.",
        ),
    ] = Level.sku,
    as_of: AsOfOption = None,
    kind: KindOption = None,
    config: ConfigOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate", help="Backtest against the baselines over the last --origins horizons."
        ),
    ] = False,
    origins: Annotated[
        int, typer.Option(min=1, max=12, metavar="N", help="Horizons to backtest.")
    ] = 3,
    scores: Annotated[
        Path | None,
        typer.Option(
            "--scores",
            metavar="FILE",
            help="With --evaluate: each SKU's scores per method to this file (.csv, .xlsx, .json).",
            dir_okay=False,
        ),
    ] = None,
    products: ProductsOption = None,
    events: EventsOption = None,
    stockouts: StockoutsOption = None,
    inventory: Annotated[
        list[Path] | None,
        typer.Option(
            "--inventory",
            metavar="FILE",
            help="Inventory export: series out of stock now are censored (per location too).",
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="DIR",
            help="Write PNG charts of the top 10 series by revenue here.",
            file_okay=False,
        ),
    ] = None,
    engine: EngineOption = "local",
    extra_models: Annotated[
        str | None,
        typer.Option(
            "--extra-models",
            metavar="theta,arima,mstl",
            help="More candidates for regular series: AutoTheta, AutoARIMA (slow), MSTL.",
        ),
    ] = None,
) -> None:
    """Forecast units per series and period with 80/95% intervals, models chosen by backtest.

    Weekly forecasts start with the current week, whole, when it is not over yet."""
    inputs = [*orders, *(products or []), events, stockouts, *(inventory or [])]
    _check_files(output, fmt, scores, evaluate, inputs)
    extra = _extra_models(extra_models)
    if plot is not None:
        require_plotting()
    settings = load_config(config)
    err = stderr_console(highlight=True)
    period = FREQUENCIES[freq.value]
    periods = horizon_periods(horizon, period)
    day = as_of.date() if as_of else None
    files = (orders, products, inventory, events, stockouts)
    read = _read_all(files, kind, settings, day, level.value, period, err)
    warn_inputs(read, period, evaluate, day, err)
    with open_engine(engine) as backend:
        if backend.fugue is not None:
            err.print(f"models run on {backend.where}")
        if evaluate:
            _check_evaluable(read.levels, period, periods, orders[0], day)
            outputs = (output, fmt, scores)
            report_backtest(read.levels, period, periods, origins, outputs, err, backend, extra)
            return
        with stages(err) as progress:
            fitted = forecast_demand(
                read.levels.history,
                horizon=periods,
                products=read.levels.products,
                key=read.levels.key,
                freq=period,
                progress=progress,
                events=read.events,
                engine=backend,
                extra_models=extra,
            )
    result = _with_events(with_level_columns(fitted, read.levels), read, period, err)
    levels = read.levels
    evidence = sale_evidence(levels.history, periods=periods, by=[levels.key], freq=period)
    result = most_likely(result, by=levels.columns, evidence=with_level_columns(evidence, levels))
    ahead = f"{periods} {period.name}{'s' if periods > 1 else ''}"
    if plot is not None:  # the files first: if they cannot be written, no table was printed
        charts = plot_forecasts(levels.history, fitted, plot, key=levels.key, freq=period)
    if format_for(output, fmt, stdout_is_tty=sys.stdout.isatty()) == "table":
        title = f"forecast, next {ahead}: one row each (a row per {period.name} in CSV, XLSX, JSON)"
        write_table(per_series(result, levels.columns, period), output, "table", title=title)
    else:
        write_table(rounded(result), output, fmt, title=f"forecast, next {ahead}")
    if plot is not None:
        err.print(f"{len(charts)} charts in {plot}")
    summarise(result, fitted, read, period, ahead, err)


def _check_files(
    output: Path | None,
    fmt: str | None,
    scores: Path | None,
    evaluate: bool,
    inputs: Sequence[Path | None],
) -> None:
    """Outputs that are no input, ``--scores`` only with ``--evaluate`` and apart from
    ``--output``, and formats the files can be written in."""
    not_an_input([output, scores], inputs)
    if scores is not None and not evaluate:
        raise typer.BadParameter(
            "only with --evaluate: they are the backtest's", param_hint="--scores"
        )
    if scores is not None and output is not None and scores.resolve() == output.resolve():
        raise typer.BadParameter(
            "give the scores a file of their own, not --output's", param_hint="--scores"
        )
    check_outputs([(output, fmt), (scores, None)])


def _read_all(
    files: tuple[list[Path], list[Path] | None, list[Path] | None, Path | None, Path | None],
    kind: str | None,
    settings: Config,
    day: date | None,
    level: str,
    period: Frequency,
    err: Console,
) -> ForecastInputs:
    """The exports (orders, products, inventory, events, stockouts) read, and their series
    at ``level`` per ``period`` built, under one progress display."""
    orders, products, inventory, events, stockouts = files
    with stages(err) as progress:
        progress("reading the exports")
        lines, families, repeats = _read(orders, products, kind, settings, day)
        read = ForecastInputs(
            lines,
            families,
            repeats,
            read_table(inventory, "inventory", config=settings) if inventory else None,
            read_table([events], "events", config=settings) if events else None,
            read_table([stockouts], "stockouts", config=settings) if stockouts else None,
        )
        read.levels = level_history(
            lines,
            level=level,
            catalogue=families,
            freq=period,
            as_of=day,
            stock=read.stock,
            stockouts=read.stockouts,
        )
    return read


def _with_events(
    result: pl.DataFrame, read: ForecastInputs, period: Frequency, err: Console
) -> pl.DataFrame:
    """``result`` with the events' uplifts and fixed units, warning of those that apply to
    nothing."""
    known, families, levels = read.events, read.families, read.levels
    if known is None:
        return result
    unmatched = unmatched_events(result, known, families, freq=period)
    for name in unmatched:
        err.print(f"warning: event {name!r} matches no SKU, product or category")
    result = apply_events(result, known, catalogue=families, key=levels.columns[0], freq=period)
    result = apply_fixed(result, known, catalogue=families, by=levels.columns, freq=period)
    missed = unapplied_fixed(result, known, catalogue=families, by=levels.columns, freq=period)
    for name in missed:
        if name not in unmatched:
            err.print(f"warning: event {name!r} {_not_fixed(known, name, levels.level)}")
    return result


def _not_fixed(events: pl.DataFrame, name: str, level: str) -> str:
    """Why an event that fixes units fixed none (see ``unapplied_fixed``)."""
    scope, target = events.filter(pl.col("name") == name).select("scope", "target").row(0)
    if scope == "sku" and level == "product":
        return "fixes a SKU's units, which a forecast per product leaves as they are"
    return f"fixes the units of {target}, which has no forecast here (not sold yet?): not applied"


def _extra_models(text: str | None) -> tuple[str, ...]:
    """``theta,mstl`` → ``("theta", "mstl")``; an unknown name is a usage error."""
    names = tuple(
        dict.fromkeys(part.strip().lower() for part in (text or "").split(",") if part.strip())
    )
    unknown = [name for name in names if name not in EXTRA_MODELS]
    if unknown:
        raise typer.BadParameter(
            f"{unknown[0]!r} is not one of {', '.join(EXTRA_MODELS)}", param_hint="--extra-models"
        )
    return names


def _read(
    orders: list[Path],
    products: list[Path] | None,
    kind: str | None,
    settings: Config,
    as_of: date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Order lines, the catalogue (``sku, product, category, product_type``) and the warnings
    of exports that repeat an earlier one's lines."""
    options = read_options(settings)
    lines, repeats = read_orders(orders, kind=kind, config=settings, options=options)
    require_dated(lines, orders[0], as_of)
    exported = read_table(products, "products", config=settings) if products else None
    return lines, catalogue(lines, exported), repeats


def _check_evaluable(
    levels: LevelHistory, period: Frequency, periods: int, path: Path, as_of: date | None = None
) -> None:
    """A backtest origin scores the series with 3 horizons of history before it
    (:func:`~icebergops.demand.evaluate.backtest`), and the last origin is one horizon before the
    end: some series must span 4 horizons (up to ``as_of``, where given)."""
    longest = levels.history.group_by(levels.key).len()["len"].max()
    longest = int(longest) if isinstance(longest, int) else 0
    if longest >= 4 * periods:
        return
    unit = period.name if longest == 1 else f"{period.name}s"
    later = f", or an --as-of later than {as_of}" if as_of is not None else ""
    raise InputError(
        f"the longest history holds {longest} {unit}: --evaluate needs {4 * periods} for a "
        f"{periods}-{period.name} horizon (3 horizons to forecast from, 1 to score)",
        where=Where(file=path),
        hint=(
            f"use --horizon {longest // 4}{period.name[0]} or less{later}"
            if longest >= 4
            else f"export a longer order history{later}"
        ),
    )
