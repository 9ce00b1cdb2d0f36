"""Inventory snapshots into the canonical ``inventory`` table, whatever layout they came in."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from icebergops.schema import INVENTORY
from icebergops.sources.canonical import add_numbers, add_sku, finish, variant_name
from icebergops.sources.cells import Findings, clean_text, text_or_null
from icebergops.sources.layouts import ReadOptions
from icebergops.sources.rawfile import LINE, RawTable

NOT_STOCKED = "not stocked"
OPTIONS = ["Option1 Value", "Option2 Value", "Option3 Value"]


def snapshot_date(raw: RawTable, options: ReadOptions) -> date:
    """The day the snapshot describes: ``--as-of`` when given, else the day the file was written."""
    if options.as_of is not None:
        return options.as_of
    return datetime.fromtimestamp(raw.path.stat().st_mtime).date()


def inventory_frame(
    raw: RawTable,
    frame: pl.DataFrame,
    quantities: dict[str, str],
    options: ReadOptions,
    findings: Findings,
) -> pl.DataFrame:
    """Build the inventory table from ``{canonical: raw column}`` quantity columns."""
    present = {out: src for out, src in quantities.items() if src in frame.columns}
    not_stocked = [
        clean_text(src).str.to_lowercase() == NOT_STOCKED for src in set(present.values())
    ]
    frame = frame.with_columns(
        (~pl.any_horizontal(not_stocked).fill_null(False)).alias("stocked"),
        *(
            pl.when(clean_text(src).str.to_lowercase() != NOT_STOCKED).then(pl.col(src)).alias(src)
            for src in set(present.values())
        ),
    )
    frame = add_numbers(raw, frame, findings, integers=present)
    options_present = [c for c in OPTIONS if c in frame.columns]
    frame = frame.with_columns(variant_name("Title", options_present).alias("variant_title"))
    frame = add_sku(raw, frame, findings, sku="SKU", title="variant_title")
    findings.from_mask(
        raw,
        frame,
        pl.col("on_hand") < 0,
        kind="negative_on_hand",
        message="has negative stock on hand (oversold)",
        column=present.get("on_hand"),
    )
    findings.from_mask(
        raw,
        frame,
        ~pl.col("stocked"),
        kind="not_stocked",
        severity="info",
        message="is not stocked at this location",
        column=present.get("available"),
    )
    return finish(
        frame.with_columns(
            pl.col("variant_title").alias("title"),
            pl.lit(snapshot_date(raw, options)).alias("as_of"),
            text_or_null(frame.columns, "HS Code").alias("hs_code"),
            text_or_null(frame.columns, "COO").alias("country_of_origin"),
        ),
        INVENTORY,
    )


def melt_locations(raw: RawTable, locations: list[str]) -> pl.DataFrame:
    """One row per SKU and location from a layout with one quantity column per location."""
    index = [name for name in raw.frame.columns if name not in locations]
    melted = raw.frame.unpivot(
        index=index, on=locations, variable_name="location", value_name="quantity"
    )
    return melted.sort(LINE, maintain_order=True)
