"""``icebergops restock ORDERS... --inventory I``: what to buy, from whom, by when, and why."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from icebergops.cli.console import counted, stderr_console
from icebergops.cli.locations import NOUN, explain_locations, plan_restock_of
from icebergops.cli.options import (
    AsOfOption,
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
    StockoutsOption,
    SuppliersOption,
)
from icebergops.cli.pipeline import (
    Planned,
    StoreFiles,
    main_currency,
    order_value,
    read_store,
    with_options,
    write_purchase_orders,
)
from icebergops.config import load_config
from icebergops.inventory.budget import deferred
from icebergops.inventory.explain import explain
from icebergops.outputs import check_outputs, format_for, not_an_input, write_table

# What a seller reads on a terminal (short headers); --output gets every column.
SHOWN = {
    "sku": "sku", "location": "location", "title": "title", "supplier": "supplier", "on_hand": "on hand",
    "incoming": "incoming", "days_of_cover": "cover (days)", "order_quantity": "order",
    "order_value": "value", "currency": "currency", "order_by_date": "order by",
}  # fmt: skip


def restock_command(
    orders: OrdersArgument,
    inventory: Annotated[
        list[Path] | None,
        typer.Option(
            "--inventory",
            metavar="FILE",
            help="Inventory export(s), or a products export with stock.",
        ),
    ] = None,
    no_stock: Annotated[
        bool,
        typer.Option(
            "--no-stock",
            help="No inventory export: plan every SKU from 0 on hand (a store without stock yet).",
        ),
    ] = False,
    products: ProductsOption = None,
    suppliers: SuppliersOption = None,
    purchase_orders_file: PurchaseOrdersOption = None,
    events: EventsOption = None,
    stockouts: StockoutsOption = None,
    service_level: ServiceLevelOption = None,
    review_days: ReviewDaysOption = None,
    budget: Annotated[
        float | None, typer.Option(min=0, metavar="AMOUNT", help="Money to spend at most.")
    ] = None,
    po_dir: Annotated[
        Path | None,
        typer.Option(
            "--po-dir",
            metavar="DIR",
            help="Write one PO per supplier (CSV and XLSX) here.",
            file_okay=False,
        ),
    ] = None,
    explain_sku: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="SKU",
            help="Show how every number of this SKU came about (per location: each of its "
            "locations, or one as 'SKU @ location').",
        ),
    ] = None,
    per_location: Annotated[
        bool | None,
        typer.Option(
            "--per-location/--per-sku",
            help="Plan per SKU and warehouse from an inventory export with a row per location "
            "(default: restock.per_location in the config, else per SKU).",
        ),
    ] = None,
    suppliers_report: Annotated[
        bool,
        typer.Option(
            "--suppliers-report", help="Supplier lead-time scorecard instead of the plan."
        ),
    ] = False,
    as_of: AsOfOption = None,
    kind: KindOption = None,
    config: ConfigOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
) -> None:
    """Plan what to order today: order-up-to levels from forecasts, lead times and service levels."""
    not_an_input(
        [output],
        [
            *orders,
            *(inventory or []),
            *(products or []),
            suppliers,
            purchase_orders_file,
            events,
            stockouts,
        ],
    )
    check_outputs([(output, fmt)])
    settings = load_config(config)
    err = stderr_console()
    if no_stock and inventory:
        raise typer.BadParameter(
            "give --inventory or --no-stock, not both", param_hint="--no-stock"
        )
    files = StoreFiles(
        orders,
        inventory or [],
        products or [],
        suppliers,
        purchase_orders_file,
        events,
        no_stock or suppliers_report,  # the scorecard is of lead times: it needs no stock
        stockouts,
    )
    tables = read_store(files, config=settings, kind=kind, as_of=as_of.date() if as_of else None)
    restock = with_options(
        settings.restock,
        service_level=service_level,
        review_days=review_days,
        budget=budget,
        per_location=per_location,
    )
    currency = settings.store.currency or main_currency(tables.lines)
    planned = plan_restock_of(
        tables,
        settings=restock,
        as_of=as_of.date() if as_of else None,
        currency=currency,
        exchange_rates=settings.store.exchange_rates,
    )
    if suppliers_report:
        write_table(planned.lead_times, output, fmt, title="supplier lead times (days)")
        if planned.lead_times.is_empty():
            stderr_console(highlight=True).print(
                "no receipts in the purchase-order history (--purchase-orders): lead times "
                "are suppliers.csv's, else the default",
                markup=False,
            )
        return
    if explain_sku is not None:
        write_table(
            explain_locations(planned, explain_sku)
            if restock.per_location
            else explain(planned.plan, sku=explain_sku, history=planned.history),
            output,
            fmt,
            title=f"restock {explain_sku}",
        )
        return
    to_order = planned.plan.filter(pl.col("order_quantity") > 0).sort("order_by_date", "sku")
    columns = {name: header for name, header in SHOWN.items() if name in to_order.columns}
    # the short table for a person at a terminal; a file or a pipe gets the whole plan
    terminal = format_for(output, fmt, stdout_is_tty=sys.stdout.isatty()) == "table"
    shown = to_order.select(list(columns)).rename(columns) if terminal else planned.plan
    written = []  # the purchase orders first: if they cannot be written, no table was printed
    if po_dir is not None:
        written = write_purchase_orders(
            planned.plan, po_dir, today=planned.today, currency=currency
        )
    write_table(shown, output, fmt, title=f"restock plan, {planned.today}")
    if po_dir is not None:
        err.print(f"{len(written) // 2} purchase orders (CSV and XLSX) in {po_dir}")
    _summary(planned, to_order, restock.budget, currency, err)


def _summary(
    planned: Planned,
    to_order: pl.DataFrame,
    budget: float | None,
    currency: str | None,
    err: Console,
) -> None:
    rows = NOUN if "location" in planned.plan.columns else "SKUs"
    money = f" {currency}" if currency else ""
    total = order_value(to_order)
    unpriced = total.unpriced
    costs = "a unit cost in suppliers.csv or the products export's cost per item"
    text = total.text()
    if text is None:  # none is priced: 0.00 would read as nothing to pay
        value = f"value unknown: none of them has {costs}"
    else:
        value = f"{text if total.by_currency else text + money} in all"
        if unpriced:
            value += f" ({unpriced:,} of them without {costs}, not counted)"
    row = rows[:-1]  # "SKU", "SKU-location"
    err.print(
        f"{counted(planned.plan.height, row)} planned; {to_order.height:,} to order from "
        f"{counted(to_order['supplier'].n_unique(), 'supplier')}, {value}"
    )
    topped = planned.plan.filter(pl.col("top_up_quantity") > 0)
    if topped.height:
        topped_value = pl.col("top_up_quantity") * pl.col("unit_cost")
        added = order_value(topped.with_columns(topped_value.alias("order_value")))
        cost = added.text() if added.by_currency else f"{added.total or 0:,.2f}{money}"
        err.print(
            f"{counted(topped['supplier'].n_unique(), 'supplier')} topped up to their minimum "
            f"order value: {counted(int(topped['top_up_quantity'].sum()), 'unit')} on "
            f"{counted(topped.height, 'SKU')}, "
            f"{cost}"
        )
    if budget is not None and "deferred_quantity" in planned.plan.columns:
        cut = deferred(planned.plan)
        # the cut is worth its suppliers' currencies; the margin is the store's
        values = order_value(cut.with_columns(pl.col("deferred_value").alias("order_value")))
        worth = values.text() if values.by_currency else f"{values.total or 0:,.2f}{money}"
        err.print(
            f"budget {budget:,.2f}{money}: {counted(cut.height, row)} cut by "
            f"{worth} (expected margin lost "
            f"{cut['deferred_margin'].sum():,.2f}{money})"
            + (f", most: {', '.join(cut['sku'].head(5))}" if cut.height else "")
        )
    for warning in planned.warnings:
        err.print(f"warning: {warning}", markup=False)
