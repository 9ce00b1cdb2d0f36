"""Options shared by several commands, defined once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="icebergops.yaml to use (default: ./icebergops.yaml when present).",
        dir_okay=False,
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="csv, xlsx, json or table (default: table on a terminal, CSV when piped, else the --output suffix).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file instead of stdout.", dir_okay=False),
]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind", help="Skip detection: read every file as this layout (see `inspect --kinds`)."
    ),
]
AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of",
        help="The day inventory snapshots describe (default: the file's date).",
        formats=["%Y-%m-%d"],
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option("--encoding", help="Skip detection: utf-8, cp1252, cp932 (Shift_JIS), utf-16…"),
]
