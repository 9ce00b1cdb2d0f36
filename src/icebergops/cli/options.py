"""Options shared by several commands, defined once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from icebergops.demand.engines import EngineName

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="icebergops.yaml to use (default: ./icebergops.yaml when present).",
        dir_okay=False,
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="csv, xlsx, json or table (default: table on a terminal, CSV when piped, else the "
        "--output suffix; table into a .txt file only).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to this file instead of stdout.",
        dir_okay=False,
    ),
]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        metavar="KIND",
        help="Skip detection: read every file as this layout (see `inspect --kinds`).",
    ),
]


def _as_of(help: str) -> Any:
    """``--as-of YYYY-MM-DD``, which means one thing to planning and another to ``inspect``."""
    return typer.Option("--as-of", metavar="YYYY-MM-DD", help=help, formats=["%Y-%m-%d"])


AsOfOption = Annotated[
    datetime | None,
    _as_of(
        "Plan as of this day: later sales are left out and the forecast starts the day "
        "after (default: the last order's date)."
    ),
]
SnapshotDateOption = Annotated[
    datetime | None, _as_of("The day inventory snapshots describe (default: the file's date).")
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="ENCODING",
        help="Skip detection: utf-8, cp1252, cp932 (Shift_JIS), utf-16…",
    ),
]
OrdersArgument = Annotated[
    list[Path],
    typer.Argument(metavar="ORDERS", help="Order exports (Shopify, Amazon, mapped CSV)."),
]
ProductsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--products", metavar="FILE", help="Shopify products export: variants grouped by handle."
    ),
]
EventsOption = Annotated[
    Path | None,
    typer.Option(
        "--events",
        metavar="FILE",
        help="events.csv: name,start,end,scope,target, and uplift_pct or units.",
    ),
]
StockoutsOption = Annotated[
    Path | None,
    typer.Option(
        "--stockouts",
        metavar="FILE",
        help="stockouts.csv: sku,start,end[,location]: days out of stock, kept out of fitting "
        "and scoring.",
    ),
]
SuppliersOption = Annotated[
    Path | None,
    typer.Option("--suppliers", metavar="FILE", help="suppliers.csv: terms per supplier and SKU."),
]
PurchaseOrdersOption = Annotated[
    Path | None,
    typer.Option(
        "--purchase-orders",
        metavar="FILE",
        help="purchase_orders.csv: open POs and lead-time history.",
    ),
]
ServiceLevelOption = Annotated[
    float | None,
    typer.Option(min=0.5, max=0.9999, metavar="P", help="Chance of no stockout per cycle."),
]
ReviewDaysOption = Annotated[
    int | None, typer.Option(min=1, max=365, metavar="DAYS", help="Days until you next order.")
]
EngineOption = Annotated[
    EngineName,
    typer.Option(
        metavar="local|dask|ray|spark",
        help="Where the models run: this machine, or a Dask, Ray or Spark cluster "
        "(each needs the extra of its name; see the README).",
    ),
]
