"""``icebergops demo``: generate the demo store and run the main job on it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from icebergops.inspection import summarize
from icebergops.outputs import write_text
from icebergops.sources import read_source

DEFAULT_FOLDER = Path("icebergops-demo")


def demo_command(
    folder: Annotated[
        Path, typer.Argument(help="Where to write the demo store and the results.")
    ] = DEFAULT_FOLDER,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same store.")] = 7,
) -> None:
    """Write a realistic demo store (Shopify and Amazon exports) and inspect it."""
    from icebergops.demo_store import generate_demo_store

    err = Console(stderr=True, highlight=False)
    written = generate_demo_store(folder / "store", seed=seed)
    err.print(f"demo store: {len(written)} files in {folder / 'store'}")
    results = folder / "results"
    import json

    reports = []
    for name, path in written.items():
        if path.suffix in (".csv", ".txt") and name not in (
            "suppliers",
            "purchase_orders",
            "events",
        ):
            reports.append(summarize(read_source(path)))
    write_text(json.dumps(reports, indent=1) + "\n", results / "inspect.json")
    for report in reports:
        typer.echo(
            f"{Path(report['file']).name}: {report['format']}, {report['lines']:,} lines, "
            f"{report['skus']:,} SKUs, {report['errors']} errors, {report['warnings']} warnings"
        )
    err.print(f"results: {results}")
