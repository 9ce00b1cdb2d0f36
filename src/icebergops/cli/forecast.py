"""``icebergops forecast ORDERS...``: daily demand forecasts per SKU with intervals."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

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
)
from icebergops.cli.pipeline import require_dated
from icebergops.config import load_config
from icebergops.demand.engines import Engine, open_engine
from icebergops.demand.evaluate import BASELINES, CHOSEN, accuracy_table, backtest
from icebergops.demand.events import apply_events, unmatched_events
from icebergops.demand.forecast import forecast_demand
from icebergops.demand.hierarchy import catalogue
from icebergops.demand.history import daily_demand
from icebergops.demand.plots import plot_forecasts
from icebergops.demand.stockouts import censor_stockouts, out_of_stock
from icebergops.outputs import write_table
from icebergops.sources import ReadOptions, read_table


def horizon_days(text: str) -> int:
    """``56d``, ``8w`` or ``56`` → days."""
    match = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", text.lower())
    if not match or int(match[1]) == 0:
        raise typer.BadParameter(
            f"{text!r} is not a number of days or weeks (e.g. 56d or 8w)", param_hint="--horizon"
        )
    return int(match[1]) * (7 if match[2] == "w" else 1)


def forecast_command(
    orders: OrdersArgument,
    horizon: Annotated[str, typer.Option(help="How far ahead: days (56d) or weeks (8w).")] = "28d",
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
    origins: Annotated[int, typer.Option(min=1, max=12, help="Horizons to backtest.")] = 3,
    products: ProductsOption = None,
    events: EventsOption = None,
    inventory: Annotated[
        list[Path] | None,
        typer.Option("--inventory", help="Inventory export: SKUs out of stock now are censored."),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="Write PNG charts of the top 10 SKUs by revenue here.", file_okay=False
        ),
    ] = None,
    engine: EngineOption = "local",
) -> None:
    """Forecast units per SKU per day, choosing a model per SKU by backtest; 80/95% intervals."""
    settings = load_config(config)
    err = Console(stderr=True)
    days = horizon_days(horizon)
    options = ReadOptions(currency=settings.store.currency, timezone=settings.store.timezone)
    lines = read_table(orders, "order_lines", kind=kind, config=settings, options=options)
    require_dated(lines, orders[0])
    history = daily_demand(lines, as_of=as_of.date() if as_of else None)
    stock = read_table(inventory, "inventory", config=settings) if inventory else None
    history = censor_stockouts(history, out_of_stock=out_of_stock(stock))
    exported = read_table(products, "products", config=settings) if products else None
    families = catalogue(lines, exported)
    with open_engine(engine) as backend:
        if backend.fugue is not None:
            err.print(f"models run on {backend.where}")
        if evaluate:
            _evaluate(history, families, days, origins, output, fmt, backend)
            return
        result = forecast_demand(history, horizon=days, products=families, engine=backend)
    if events is not None:
        known = read_table([events], "events", config=settings)
        for name in unmatched_events(result, known, families):
            err.print(f"warning: event {name!r} matches no SKU, product or category")
        result = apply_events(result, known, catalogue=families)
    write_table(result, output, fmt, title=f"forecast, next {days} days")
    if plot is not None:
        charts = plot_forecasts(history, result, plot)
        err.print(f"{len(charts)} charts in {plot}")
    err.print(
        f"{result['sku'].n_unique():,} SKUs, {days} days ahead, "
        f"{result['forecast'].sum():,.0f} units forecast in all"
    )


def _evaluate(
    history: pl.DataFrame,
    products: pl.DataFrame,
    days: int,
    origins: int,
    output: Path | None,
    fmt: str | None,
    engine: Engine,
) -> None:
    results = backtest(history, horizon=days, origins=origins, products=products, engine=engine)
    table = accuracy_table(results, history)
    write_table(table, output, fmt, title=f"backtest: {origins} x {days} days")
    wape = dict(table.select("model", "wape_horizon").iter_rows())
    ours, average = wape[CHOSEN], wape[BASELINES["WindowAverage"]]
    gain = (1 - ours / average) * 100
    Console(stderr=True).print(
        f"horizon-total WAPE {ours:.3f} against {average:.3f} for the trailing 28-day average: "
        + (f"{gain:.1f}% lower" if gain >= 0 else f"{-gain:.1f}% higher (worse)")
    )
