"""``icebergops backtest ORDERS...``: replay the recommended policy and the seller's rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from icebergops.cli.console import stderr_console
from icebergops.cli.options import (
    ConfigOption,
    EventsOption,
    FormatOption,
    KindOption,
    OrdersArgument,
    OutputOption,
    ProductsOption,
    PurchaseOrdersOption,
    ReviewDaysOption,
    ServiceLevelOption,
    SuppliersOption,
)
from icebergops.cli.pipeline import StoreFiles, Tables, policy_levels, read_store, with_options
from icebergops.config import load_config
from icebergops.demand.history import demand_lines
from icebergops.errors import InputError, Where
from icebergops.inventory.backtest import CURRENT, compare_policies
from icebergops.inventory.leadtime import learn_lead_times
from icebergops.inventory.simulation import SellerRule, summary
from icebergops.outputs import check_outputs, not_an_input, require_plotting, write_table


def backtest_command(
    orders: OrdersArgument,
    products: ProductsOption = None,
    suppliers: SuppliersOption = None,
    purchase_orders_file: PurchaseOrdersOption = None,
    events: EventsOption = None,
    days: Annotated[
        int, typer.Option(min=28, max=730, metavar="DAYS", help="Days of history to replay.")
    ] = 182,
    every: Annotated[
        int, typer.Option(min=7, max=182, metavar="DAYS", help="Days between re-forecasts.")
    ] = 28,
    service_level: ServiceLevelOption = None,
    review_days: ReviewDaysOption = None,
    margin_days: Annotated[
        float,
        typer.Option(
            metavar="DAYS", help="Current rule: reorder when cover < lead time + this many days."
        ),
    ] = 14.0,
    order_days: Annotated[
        float,
        typer.Option(metavar="DAYS", help="Current rule: order this many days of average sales."),
    ] = 30.0,
    sweep: Annotated[
        str,
        typer.Option(
            "--service-levels",
            metavar="LEVELS",
            help="Also replay these flat service levels, to compare at equal fill rate.",
        ),
    ] = "0.5,0.7,0.8,0.9,0.95,0.98",
    per_sku: Annotated[
        Path | None,
        typer.Option(
            "--per-sku", metavar="FILE", help="Write the per-SKU results here.", dir_okay=False
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            metavar="FILE.png",
            help="Write a PNG of stock value over time.",
            dir_okay=False,
        ),
    ] = None,
    kind: KindOption = None,
    config: ConfigOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """Replay the last DAYS of demand: the recommended policy against your current rule."""
    not_an_input(
        [output, per_sku], [*orders, *(products or []), suppliers, purchase_orders_file, events]
    )
    check_outputs([(output, fmt), (per_sku, None)])
    if plot is not None:
        require_plotting()
    settings = load_config(config)
    files = StoreFiles(  # the replay starts from zero stock
        orders, (), products or [], suppliers, purchase_orders_file, events, no_stock=True
    )
    tables = read_store(files, config=settings, kind=kind)
    for repeated in tables.repeats:  # said before the replay's minutes, not after
        stderr_console().print(f"warning: {repeated}", markup=False)
    restock = replace(  # the replay spends what the policy asks: no budget
        with_options(
            settings.restock, service_level=service_level, review_days=review_days, budget=None
        ),
        budget=None,
    )
    last = tables.lines["order_date"].max()
    if not isinstance(last, date):
        raise InputError("has no dated order lines to replay", where=Where(file=orders[0]))
    # the first lead time + review of the replay is not scored: stock then is the assumed start
    burn_in = int(_longest_lead_time(tables, restock.default_lead_time_days)) + restock.review_days
    start = last - timedelta(days=days + burn_in - 1)
    _check_span(tables, orders[0], days=days, burn_in=burn_in)
    levels, history, terms = policy_levels(
        tables,
        settings=restock,
        start=start,
        every_days=every,
        service_levels=_levels(sweep),
        currency=settings.store.currency,
    )
    rule = SellerRule(margin_days=margin_days, order_days=order_days)
    replays = compare_policies(
        history,
        terms,
        levels,
        start=start,
        review_days=restock.review_days,
        rule=rule,
        burn_in=burn_in,
    )
    skus = replays[CURRENT].per_sku["sku"]
    names = pl.DataFrame({"sku": skus}).join(terms.select("sku", "supplier"), on="sku", how="left")
    table = summary(replays, names["supplier"].to_list())
    # the files first: one that cannot be written fails the command before it prints the table
    if per_sku is not None:
        long = pl.concat(
            [r.per_sku.with_columns(pl.lit(n).alias("policy")) for n, r in replays.items()]
        )
        write_table(long.select("sku", "policy", pl.exclude("sku", "policy")), per_sku)
    if plot is not None:
        from icebergops.inventory.plots import plot_stock_value

        plot_stock_value(replays, start + timedelta(days=burn_in), plot)
    write_table(
        table, output, fmt, title=f"policy backtest, {start + timedelta(days=burn_in)} to {last}"
    )
    _verdict(table, stderr_console())


MIN_HISTORY_DAYS = 28  # of orders before the first re-forecast: what its first forecast is from


def _check_span(tables: Tables, path: Path, *, days: int, burn_in: int) -> None:
    """The orders that are demand (not cancelled, not test) must reach back over the days
    replayed, the burn-in before them (stock then is the assumed start) and
    ``MIN_HISTORY_DAYS`` to forecast from; else say how far they go and what ``--days`` they
    allow."""
    sold = demand_lines(tables.lines)["order_date"]  # the days the replay forecasts from
    first, last = sold.min(), tables.lines["order_date"].max()
    if not isinstance(first, date) or not isinstance(last, date):
        raise InputError("has no order lines that are demand to replay", where=Where(file=path))
    span = (last - first).days + 1
    needed = days + burn_in + MIN_HISTORY_DAYS
    if span >= needed:
        return
    most = span - burn_in - MIN_HISTORY_DAYS
    raise InputError(
        f"holds {span} days of orders ({first} to {last}): too few to replay {days} days, "
        f"which needs {needed} ({burn_in} of burn-in, the longest lead time plus the review "
        f"period, and {MIN_HISTORY_DAYS} to forecast from before them)",
        where=Where(file=path),
        hint=f"use --days {most} or fewer" if most >= 28 else "export a longer order history",
    )


def _longest_lead_time(tables: Tables, default: float) -> float:
    """Days: the longest lead time stated in suppliers.csv or seen in purchase-order history."""
    stated = tables.suppliers["lead_time_days"].drop_nulls().to_list()
    seen = []
    if tables.purchase_orders is not None:
        seen = learn_lead_times(tables.purchase_orders)["lead_time_days"].drop_nulls().to_list()
    return float(max([default, *stated, *seen]))


def _levels(text: str) -> list[float]:
    try:
        levels = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        levels = [-1.0]
    if not all(0.5 <= level < 1 for level in levels):
        raise typer.BadParameter(
            f"{text!r} is not a list of service levels such as 0.9,0.95",
            param_hint="--service-levels",
        )
    return levels


def _verdict(table: pl.DataFrame, err: Console) -> None:
    """Honest lines: the configured policy against the rule, and at an equal fill rate."""
    rows = {r["policy"]: r for r in table.iter_rows(named=True)}
    theirs = rows.pop(CURRENT)
    err.print(
        f"current rule: stock value {theirs['average_stock_value']:,.0f}, fill rate {theirs['fill_rate']:.1%}"
    )
    ours = rows["icebergops (as configured)"]
    err.print(f"icebergops as configured: {_against(ours, theirs)}")
    matching = [r for r in rows.values() if r["fill_rate"] >= theirs["fill_rate"]]
    if matching:
        best = min(matching, key=lambda r: r["average_stock_value"])
        err.print(f"at an equal or better fill rate, {best['policy']}: {_against(best, theirs)}")
    else:
        err.print("no replayed service level reaches the current rule's fill rate")
    value = _at_fill_rate(list(rows.values()), theirs["fill_rate"])
    if value is not None:
        err.print(
            f"at the current rule's fill rate (interpolated between the replayed service levels): "
            f"stock value {value:,.0f} ({_change(value, theirs['average_stock_value'])})"
        )


def _at_fill_rate(rows: list[dict[str, float]], fill: float) -> float | None:
    """Stock value where the replayed levels' fill-rate curve crosses ``fill`` (linear)."""
    points = sorted((r["fill_rate"], r["average_stock_value"]) for r in rows)
    for (f0, v0), (f1, v1) in pairwise(points):
        if f0 <= fill <= f1 and f1 > f0:
            return v0 + (v1 - v0) * (fill - f0) / (f1 - f0)
    return None


def _against(ours: dict[str, float], theirs: dict[str, float]) -> str:
    change = _change(ours["average_stock_value"], theirs["average_stock_value"])
    points = (ours["fill_rate"] - theirs["fill_rate"]) * 100
    return (
        f"stock value {ours['average_stock_value']:,.0f} ({change}), "
        f"fill rate {ours['fill_rate']:.1%} ({points:+.1f} points)"
    )


def _change(value: float, base: float) -> str:
    """``+12.5%`` on ``base``; where ``base`` is 0 (no unit cost or price known: every stock
    value is 0) there is no percentage (it was a ZeroDivisionError, exit 70, on rieker_qc).

    >>> _change(90.0, 80.0), _change(0.0, 0.0)
    ('+12.5%', 'no stock value to compare: no unit costs or prices')
    """
    return (
        f"{(value / base - 1) * 100:+.1f}%"
        if base
        else "no stock value to compare: no unit costs or prices"
    )
