"""``icebergops run --config icebergops.yaml``: the nightly job, forecast → restock → files."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from icebergops import __version__
from icebergops.cli.console import counted, stderr_console
from icebergops.cli.locations import NOUN, plan_restock_of
from icebergops.cli.options import AsOfOption, ConfigOption
from icebergops.cli.pipeline import (
    OrderValue,
    Planned,
    StoreFiles,
    main_currency,
    order_value,
    read_store,
    write_purchase_orders,
)
from icebergops.config import DEFAULT_CONFIG, Config, load_config
from icebergops.demand.likely import most_likely, rounded, sale_evidence
from icebergops.errors import ConfigError, Where
from icebergops.outputs import write_table, write_text, write_xlsx
from icebergops.runs import dated_folder, prune, run_lock


@dataclass
class Clock:
    """Seconds per step, for the log and ``summary.json``."""

    steps: dict[str, float] = field(default_factory=dict)
    last: float = field(default_factory=time.perf_counter)

    def lap(self, step: str, err: Console, message: str) -> None:
        now = time.perf_counter()
        self.steps[step] = round(now - self.last, 2)
        self.last = now
        stamp = datetime.now().isoformat(timespec="seconds")
        err.print(f"{stamp} {step}: {message} ({self.steps[step]:.1f} s)", markup=False)


def run_command(
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    run_date: Annotated[
        datetime | None,
        typer.Option(
            "--run-date",
            metavar="YYYY-MM-DD",
            help="Name of the dated folder (default: today).",
            formats=["%Y-%m-%d"],
        ),
    ] = None,
) -> None:
    """Read the sources named under `run:` in the config, plan, write a dated folder and `latest`."""
    settings = load_config(config or DEFAULT_CONFIG)
    files, root = _files(settings)
    err = stderr_console()
    clock = Clock()
    # the run's day names its folder, and an export that stopped updating is judged against it
    ran = (run_date or datetime.now()).date()
    day = ran.isoformat()
    with run_lock(root), dated_folder(root, day) as folder:
        tables = read_store(files, config=settings, as_of=as_of.date() if as_of else None)
        clock.lap(
            "read", err, f"{tables.lines.height:,} order lines, {tables.stock.height:,} stock rows"
        )
        currency = settings.store.currency or main_currency(tables.lines)
        planned = plan_restock_of(
            tables,
            settings=settings.restock,
            as_of=as_of.date() if as_of else None,
            currency=currency,
            exchange_rates=settings.store.exchange_rates,
            today=ran,
        )
        to_order = planned.plan.filter(pl.col("order_quantity") > 0)
        rows = NOUN if settings.restock.per_location else "SKUs"
        clock.lap("plan", err, f"{planned.plan.height:,} {rows}, {to_order.height:,} to order")
        written = _write(folder, planned, currency)
        clock.lap("write", err, f"{len(written)} files in {root / day}")
        value = order_value(to_order)
        warnings = [*planned.warnings, *_unpriced_warning(value, to_order.height)]
        summary = {
            "icebergops": __version__,
            "run_date": day,
            "as_of": planned.today.isoformat(),
            "store": settings.store.name,
            "per_location": settings.restock.per_location,
            "inputs": {str(p): p.stat().st_size for p in _all(files)},
            "counts": {
                "order_lines": tables.lines.height,
                "skus_planned": planned.plan.height,
                "skus_to_order": to_order.height,
                "suppliers_to_order_from": to_order["supplier"].n_unique(),
                "units_to_order": int(to_order["order_quantity"].sum()),
                **value.counts(),
                "currency": currency,
            },
            "warnings": warnings,
            "files": sorted(written),
            "timings_s": clock.steps,
        }
        write_text(
            json.dumps(summary, indent=1, ensure_ascii=False) + "\n", folder / "summary.json"
        )
    for warning in warnings:
        err.print(f"warning: {warning}", markup=False)
    removed = prune(root, settings.run.keep_runs)
    newest = (root / "LATEST").read_text().strip()
    which = (
        "latest"
        if newest == day
        else f"removed again: older than the {settings.run.keep_runs} runs kept"
        if root / day in removed
        else f"a backfill: latest stays at {newest}"
    )
    err.print(
        f"done: {root / day} ({which}); {counted(len(removed), 'old run')} removed", markup=False
    )


def _unpriced_warning(value: OrderValue, rows: int) -> list[str]:
    if not value.unpriced:
        return []
    return [
        f"{value.unpriced:,} of the {rows:,} rows to order have no unit cost (suppliers.csv "
        "or the products export's cost per item): their value is not in order_value"
    ]


def _files(settings: Config) -> tuple[StoreFiles, Path]:
    """The run's input files and output folder, relative to the config file's folder."""
    run = settings.run
    base = (settings.path.parent if settings.path else Path(".")).resolve()
    if not run.orders:
        raise ConfigError(
            "run.orders: no order files named",
            where=Where(file=settings.path or DEFAULT_CONFIG),
            hint="list your order exports under run: orders: (see examples/icebergops.yaml)",
        )

    if not run.inventory and not run.no_stock:
        raise ConfigError(
            "run.inventory: no inventory export named: every SKU would be planned as 0 on hand",
            where=Where(file=settings.path or DEFAULT_CONFIG),
            hint="list your inventory exports under run: inventory:, or set run: no_stock: "
            "true to plan a store without stock from zero",
        )

    def at(path: Path | None) -> Path | None:
        return None if path is None else base / path

    files = StoreFiles(
        orders=[base / p for p in run.orders],
        inventory=[base / p for p in run.inventory],
        products=[base / p for p in run.products],
        suppliers=at(run.suppliers),
        purchase_orders=at(run.purchase_orders),
        events=at(run.events),
        no_stock=run.no_stock,
        stockouts=at(run.stockouts),
    )
    output = (base / run.output).resolve()
    if output.exists() and not output.is_dir():
        raise ConfigError(
            f"run.output: {output} is a file, not a folder",
            where=Where(file=settings.path or DEFAULT_CONFIG),
            hint="name a folder for the dated run folders (it is created when missing)",
        )
    return files, output


def _all(files: StoreFiles) -> list[Path]:
    single = [files.suppliers, files.purchase_orders, files.events, files.stockouts]
    return [*files.orders, *files.inventory, *files.products, *(p for p in single if p)]


def _write(folder: Path, planned: Planned, currency: str | None) -> list[str]:
    """The run's files, relative names: forecast, restock plan, one PO per supplier."""
    forecast, plan, today = planned.forecast, planned.plan, planned.today
    # as `icebergops forecast` writes it; the plan was made on the expected units
    series = [c for c in ("sku", "location") if c in forecast.columns]  # per location: both
    days = max(forecast["day"].n_unique(), 1)
    shown = most_likely(
        forecast, by=series, evidence=sale_evidence(planned.history, periods=days, by=series)
    )
    write_table(rounded(shown), folder / "forecast.csv", "csv")
    write_table(plan, folder / "restock.csv", "csv")
    write_xlsx(plan, folder / "restock.xlsx", sheet="restock")
    written = ["forecast.csv", "restock.csv", "restock.xlsx"]
    orders = write_purchase_orders(plan, folder / "purchase_orders", today=today, currency=currency)
    return written + [str(path.relative_to(folder)) for path in orders]
