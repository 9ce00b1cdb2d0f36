"""Steps every reader shares on its way to a canonical table: dates, SKUs, quantities, checks."""

from __future__ import annotations

import polars as pl

from icebergops.schema import Schema, conform
from icebergops.sources.cells import (
    Findings,
    check_mixed_formats,
    check_parsed,
    clean_text,
    local_timestamp,
    parse_integer,
    parse_number,
    timestamp_format,
    utc_timestamp,
)
from icebergops.sources.layouts import ReadOptions
from icebergops.sources.rawfile import LINE, RawTable

PARSED = "__parsed"


def add_timestamps(
    raw: RawTable, frame: pl.DataFrame, column: str, options: ReadOptions, findings: Findings
) -> pl.DataFrame:
    """``ordered_at`` (UTC instant, where an offset or store time zone says) and ``order_date``.

    The store-local date is the date as written in the export: Shopify writes each timestamp in
    the store's time zone with its offset (``2023-05-31 23:06:04 -0700``), so that order belongs to
    31 May even though it is 1 June in UTC.
    """
    fmt = timestamp_format(raw, column, options.date_format)
    check_mixed_formats(raw, frame, column, fmt, findings)
    local = local_timestamp(column, fmt)
    instant = utc_timestamp(column, fmt)
    if options.timezone and "%z" not in fmt and "%#z" not in fmt:
        instant = local.dt.replace_time_zone(
            options.timezone, ambiguous="earliest", non_existent="null"
        )
        instant = instant.dt.convert_time_zone("UTC")
    return frame.with_columns(instant.alias("ordered_at"), local.dt.date().alias("order_date"))


def add_sku(
    raw: RawTable,
    frame: pl.DataFrame,
    findings: Findings,
    *,
    sku: str | None,
    title: str,
) -> pl.DataFrame:
    """``sku`` from its column, or the line item title where the export left it empty (counted)."""
    code = clean_text(sku) if sku and sku in frame.columns else pl.lit(None, pl.String)
    frame = frame.with_columns(
        pl.coalesce(code, clean_text(title)).alias("sku"),
        code.is_null().alias("sku_from_title"),
    )
    findings.from_mask(
        raw,
        frame,
        pl.col("sku_from_title") & pl.col("sku").is_not_null(),
        kind="empty_sku",
        message="has no SKU: the line item name stands in for it",
        column=sku or title,
    )
    findings.from_mask(
        raw,
        frame,
        pl.col("sku").is_null(),
        kind="no_product",
        message="has neither a SKU nor a product name: left out",
        column=sku or title,
    )
    return frame.filter(pl.col("sku").is_not_null())


def add_numbers(
    raw: RawTable,
    frame: pl.DataFrame,
    findings: Findings,
    *,
    integers: dict[str, str] | None = None,
    decimals: dict[str, str] | None = None,
) -> pl.DataFrame:
    """Parse ``{output: raw column}`` as whole or decimal numbers; report cells that do not parse."""
    integers = {k: v for k, v in (integers or {}).items() if v in frame.columns}
    decimals = {k: v for k, v in (decimals or {}).items() if v in frame.columns}
    # Parse into temporary names first: an output may share its name with its raw column.
    frame = frame.with_columns(
        *(parse_integer(source).alias(f"{out}{PARSED}") for out, source in integers.items()),
        *(parse_number(source).alias(f"{out}{PARSED}") for out, source in decimals.items()),
    )
    checks = {f"{out}{PARSED}": (src, "whole number") for out, src in integers.items()}
    checks |= {f"{out}{PARSED}": (src, "number") for out, src in decimals.items()}
    check_parsed(raw, frame, checks, findings)
    return frame.with_columns(
        pl.col(f"{out}{PARSED}").alias(out) for out in [*integers, *decimals]
    ).drop(checks)


def check_quantities(raw: RawTable, frame: pl.DataFrame, findings: Findings, column: str) -> None:
    """Zero and negative quantities on lines that are not cancellations are worth a look."""
    live = pl.col("status") != "cancelled"
    findings.from_mask(
        raw,
        frame,
        live & (pl.col("quantity") < 0),
        kind="negative_quantity",
        message="has a negative quantity",
        column=column,
    )
    findings.from_mask(
        raw,
        frame,
        live & (pl.col("quantity") == 0),
        kind="zero_quantity",
        message="has a zero quantity",
        column=column,
    )


def finish(frame: pl.DataFrame, schema: Schema) -> pl.DataFrame:
    """Rename the line column and cast to the canonical table."""
    return conform(frame.rename({LINE: "source_line"}), schema)


def carry_down(columns: list[str], key: str) -> list[pl.Expr]:
    """Fill order-level cells that exports write only on an order's first line."""
    return [pl.col(name).forward_fill().over(key).alias(name) for name in columns]


def strip_excel_guard(column: str) -> pl.Expr:
    """``'53122`` → ``53122``: Excel-guard apostrophes that keep leading zeros in exports."""
    return clean_text(column).str.strip_prefix("'")


def variant_name(title: str, options: list[str]) -> pl.Expr:
    """Shopify's line item name: ``Title - Option1 / Option2`` (no suffix for ``Default Title``)."""
    values = [
        pl.when(clean_text(o) != "Default Title").then(clean_text(o)).otherwise(None)
        for o in options
    ]
    suffix = pl.concat_str(values, separator=" / ", ignore_nulls=True)
    return (
        pl.when(suffix.str.len_chars() > 0)
        .then(pl.concat_str([clean_text(title), suffix], separator=" - "))
        .otherwise(clean_text(title))
    )
