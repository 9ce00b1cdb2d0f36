"""``icebergops demo``: generate the demo store and run the main job on it."""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from icebergops.cli.console import stderr_console
from icebergops.cli.options import FormatOption
from icebergops.cli.run import run_command
from icebergops.inspection import summarize
from icebergops.outputs import check_outputs, write_table, write_text
from icebergops.sources import read_source

DEFAULT_FOLDER = Path("icebergops-demo")
# The nightly job's config for the demo store, written beside it (paths relative to it).
DEMO_CONFIG = """\
# icebergops.yaml for the demo store: `icebergops run --config icebergops.yaml` plans from it.
store:
  name: Fernwood Outfitters
  currency: USD
restock:
  service_level: 0.95
  review_days: 7
run:
  orders: [store/shopify_orders_export.csv, store/amazon_all_orders.txt]
  inventory: [store/shopify_inventory_export.csv]
  products: [store/shopify_products_export.csv]
  suppliers: store/suppliers.csv
  purchase_orders: store/purchase_orders.csv
  events: store/events.csv
  output: runs
"""
NOT_EXPORTS = ("events", "readme")  # read by later steps (forecast events), or prose


def demo_command(
    folder: Annotated[
        Path,
        typer.Argument(metavar="FOLDER", help="Where to write the demo store and the results."),
    ] = DEFAULT_FOLDER,
    seed: Annotated[
        int,
        typer.Option(min=0, metavar="N", help="Random seed: the same seed gives the same store."),
    ] = 7,
    fmt: FormatOption = None,
) -> None:
    """Write a realistic demo store, inspect it and run the nightly job on it.

    Shopify and Amazon exports, suppliers and POs; forecast, plan and POs go to runs/latest/."""
    from icebergops.demo_store import generate_demo_store
    from icebergops.demo_store.store import DEFAULT_END

    check_outputs([(None, fmt)])
    err = stderr_console()
    written = generate_demo_store(folder / "store", seed=seed)
    err.print(f"demo store: {len(written)} files in {folder / 'store'}")
    reports = [
        summarize(read_source(path, all_columns=True))
        for name, path in written.items()
        if name not in NOT_EXPORTS
    ]
    results = folder / "results"
    write_text(json.dumps(reports, indent=1, ensure_ascii=False) + "\n", results / "inspect.json")
    overview = pl.DataFrame(
        {
            "file": [Path(r["file"]).name for r in reports],
            "format": [r["format"] for r in reports],
            "lines": [r["lines"] for r in reports],
            "skus": [r["skus"] for r in reports],
            "errors": [r["errors"] for r in reports],
            "warnings": [r["warnings"] for r in reports],
        }
    )
    write_table(overview, None, fmt, title="demo store")
    err.print(f"results: {results / 'inspect.json'}")
    config = folder / "icebergops.yaml"
    write_text(DEMO_CONFIG, config)
    # the store ends on its own day, not today's: plan as of it, as a nightly job would
    run_command(config=config, as_of=datetime.combine(DEFAULT_END, time()))
