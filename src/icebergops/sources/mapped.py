"""Any other CSV, read through a column mapping from ``icebergops.yaml`` (``sources:``)."""

from __future__ import annotations

import operator
from dataclasses import replace
from datetime import timedelta
from functools import partial, reduce
from pathlib import Path

import polars as pl

from icebergops.config import CancelRule, SourceMapping, place_of
from icebergops.errors import Where
from icebergops.schema import INVENTORY, ORDER_LINES, PRODUCTS, Schema
from icebergops.sources.canonical import (
    SKU_TEXT,
    add_numbers,
    add_sku,
    add_timestamps,
    check_quantities,
    finish,
    not_product,
    once_per_run,
    report_not_products,
)
from icebergops.sources.cells import Findings, clean_text
from icebergops.sources.countries import iso_code
from icebergops.sources.inventory import snapshot_date
from icebergops.sources.layouts import Layout, ReadOptions
from icebergops.sources.rawfile import LINE, RawTable

SCHEMAS: dict[str, Schema] = {
    "order_lines": ORDER_LINES,
    "inventory": INVENTORY,
    "products": PRODUCTS,
}
CANCELLED = "__cancelled"
TAKEN = "__taken"  # a sale that a cancellation of the same SKU and quantity cancels
LIVE = "__live"  # a line that is no cancellation (its status is not "cancelled")
# Cells an export repeats on every line of an order (or of a location's stock).
REPEATED = {"order_id", "currency", "status", "location", "ship_region", "ship_postal_code"}
NUMERIC = {"unit_price", "price", "unit_cost", "weight_g", "length_cm", "width_cm", "height_cm"}


def kind_of(mapping: SourceMapping) -> str:
    return f"mapped:{mapping.name}"


def layout_for(mapping: SourceMapping, config: Path | None = None, index: int = 0) -> Layout:
    """The layout of ``config``'s ``sources[index]``."""
    return Layout(
        kind=kind_of(mapping),
        label=f"{mapping.name} (column mapping from config)",
        table=mapping.kind,
        required=frozenset(mapping.columns.values())
        | (
            {mapping.cancelled_when.column, *mapping.cancelled_when.match}
            if mapping.cancelled_when
            else set()
        ),
        read=partial(read_mapped, mapping),
        own_not_products=True,  # in the filter it has anyway
        version=lambda header: f"{len(header)} columns, mapped",
        date_column=mapping.columns.get("ordered_at") or mapping.columns.get("order_date"),
        numbers={
            source: pl.Int64() if SCHEMAS[mapping.kind][canon] == pl.Int64() else pl.Float64()
            for canon, source in mapping.columns.items()
            if canon in SCHEMAS[mapping.kind]
            and (canon in NUMERIC or SCHEMAS[mapping.kind][canon] == pl.Int64())
        },
        config_key=partial(_config_key, mapping, config, index),
    )


def _config_key(
    mapping: SourceMapping, config: Path | None, index: int, name: str
) -> tuple[str, Where]:
    """The key that names header column ``name`` in ``sources[index]``, and its place."""
    keys = [f"columns.{canon}" for canon, src in mapping.columns.items() if src == name]
    if mapping.cancelled_when is not None:
        if mapping.cancelled_when.column == name:
            keys.append("cancelled_when.column")
        if name in mapping.cancelled_when.match:
            keys.append("cancelled_when.match")
    key = f"sources[{index}].{keys[0] if keys else 'columns'}"
    return key, place_of(config, key)


def read_mapped(
    mapping: SourceMapping, raw: RawTable, options: ReadOptions, findings: Findings
) -> pl.DataFrame:
    schema = SCHEMAS[mapping.kind]
    columns = {canon: src for canon, src in mapping.columns.items() if canon in schema}
    frame = raw.frame
    integers = {c: s for c, s in columns.items() if schema[c] == pl.Int64()}
    decimals = {c: s for c, s in columns.items() if c in NUMERIC}
    severity = "warning" if mapping.kind == "products" else "error"  # see add_numbers
    frame = add_numbers(
        raw, frame, findings, integers=integers, decimals=decimals, severity=severity
    )
    countries = "ship_country" in columns and mapping.country_names  # to_iso trims them itself
    text = {
        canon: src
        for canon, src in columns.items()
        if schema[canon] == pl.String()
        and canon != "sku"
        and not (countries and canon == "ship_country")
    }
    title = "title" if "title" in columns else columns["sku"]
    title_is_clean = title in text
    text[SKU_TEXT] = columns["sku"]  # trimmed beside the other texts, in parallel
    frame = frame.with_columns(_clean_texts(frame, text, _order_level(mapping)))
    frame = add_sku(
        raw,
        frame,
        findings,
        sku=columns["sku"],
        title=title,
        title_is_clean=title_is_clean,
        sku_text=SKU_TEXT,
    )
    if mapping.kind == "order_lines":
        return _order_lines(mapping, raw, frame, options, findings)
    if mapping.kind == "inventory":
        frame = frame.with_columns(
            pl.lit(True).alias("stocked"), pl.lit(snapshot_date(raw, options)).alias("as_of")
        )
    return finish(frame, schema)


def _order_level(mapping: SourceMapping) -> dict[str, dict[str, pl.Expr]]:
    """``{raw column: {output: expression}}`` of order lines' cells that an order repeats: the
    cancellation flag and the country's ISO code, each column's runs found once with its text."""
    if mapping.kind != "order_lines":
        return {}
    outputs: dict[str, dict[str, pl.Expr]] = {}
    if mapping.cancelled_when is not None:
        rule = mapping.cancelled_when
        flag = pl.col(rule.column).str.strip_chars_start().str.starts_with(rule.starts_with)
        outputs.setdefault(rule.column, {})[CANCELLED] = flag
    if "ship_country" in mapping.columns and mapping.country_names:
        country = mapping.columns["ship_country"]
        outputs.setdefault(country, {})["ship_country"] = iso_code(country)
    return outputs


def _clean_texts(
    frame: pl.DataFrame, text: dict[str, str], order_level: dict[str, dict[str, pl.Expr]]
) -> list[pl.Series | pl.Expr]:
    """Trimmed text for ``{output: raw column}``; order-level cells once per run of equal ones,
    with the ``order_level`` outputs of the same columns."""
    by_run = {src: dict(outputs) for src, outputs in order_level.items()}
    for canon, src in text.items():
        if canon in REPEATED:
            by_run.setdefault(src, {})[canon] = clean_text(src)
    per_row = [clean_text(src).alias(canon) for canon, src in text.items() if canon not in REPEATED]
    return [*per_row, *(s for src, out in by_run.items() for s in once_per_run(frame, src, out))]


def _cancel_the_sales(
    raw: RawTable, frame: pl.DataFrame, rule: CancelRule, findings: Findings
) -> pl.DataFrame:
    """``frame`` with :data:`TAKEN` true on each sale that a cancellation takes out (see
    :class:`CancelRule`): the latest of the same SKU, quantity and ``match`` cells, at most
    ``cancels_sale_within_days`` before it. Runs before the cancellations' quantities are made
    positive: their keys use the absolute quantity."""
    days = rule.cancels_sale_within_days
    assert days is not None
    timed = frame["ordered_at"].null_count() < frame.height
    keys = ["sku", "quantity", *rule.match]

    def lines(rows: pl.Series) -> pl.DataFrame:
        """The keys and time of ``rows``, sorted by the time: the instant where the file's times
        have one (they sort across a clock change), else the local date; a cancellation then
        cancels a sale of the same day or up to `days` before."""
        at = (
            pl.col("ordered_at").gather(rows)
            if timed
            else pl.col("order_date").gather(rows).cast(pl.Datetime("us"))
        )
        picked = [pl.col(k).gather(rows) for k in keys]
        return (
            frame.select(
                *(v.abs() if k == "quantity" else v for k, v in zip(keys, picked, strict=True)),
                at.alias("__at"),
                pl.lit(rows).alias("__row"),
            )
            .drop_nulls([*keys, "__at"])
            .sort("__at")
        )

    # A hash of each line's keys: a cancellation's sale must have its hash, which leaves a few
    # thousand of 540,000 lines on Online Retail to gather, sort and match exactly.
    values = [pl.col(k).abs() if k == "quantity" else pl.col(k) for k in keys]
    hashed = reduce(operator.xor, [v.hash(seed=i) for i, v in enumerate(values)])
    marks = frame.select(
        pl.col(CANCELLED).fill_null(False).alias("__cancel"),
        (pl.col("quantity") > 0).alias("__sold"),  # not a stock adjustment's negative line
        hashed.alias("__hash"),
    )
    cancelling = marks.get_column("__cancel")
    hashes = marks.filter("__cancel").get_column("__hash")
    selling = marks.select(
        ~pl.col("__cancel") & pl.col("__sold") & pl.col("__hash").is_in(hashes.implode())
    ).to_series()
    sales = lines(selling.arg_true())
    matched = (
        lines(cancelling.arg_true())
        .select(*keys, "__at")
        .join_asof(
            sales.select(*keys, "__at", pl.col("__row").alias("__sale")),
            on="__at",
            by=keys,
            strategy="backward",
            tolerance=timedelta(days=days),
            check_sortedness=False,  # sorted by `__at` as a whole, which is what the join needs
        )
    )
    # Set in polars, not numpy: a numpy array turned into a Series makes polars import numpy.ma
    # (14 ms, a tenth of the reader's own work on Online Retail in a fresh process).
    sales_taken = matched.get_column("__sale").drop_nulls()  # a sale cancelled twice: once
    flags = pl.repeat(False, frame.height, dtype=pl.Boolean, eager=True)
    frame = frame.with_columns(flags.scatter(sales_taken, True).alias(TAKEN))
    taken = pl.col(TAKEN)
    findings.from_mask(
        raw,
        frame,
        taken,
        kind="cancelled_sale",
        message=f"is a sale cancelled within {days:g} day(s) by a cancellation of the same "
        f"{', '.join(keys[:-1])} and {keys[-1]}: left out of demand",
        severity="info",
        column=rule.column,
    )
    return frame


def _order_lines(
    mapping: SourceMapping,
    raw: RawTable,
    frame: pl.DataFrame,
    options: ReadOptions,
    findings: Findings,
) -> pl.DataFrame:
    when = mapping.columns.get("ordered_at") or mapping.columns.get("order_date")
    if when is not None:
        dated = replace(options, date_format=mapping.date_format or options.date_format)
        frame = add_timestamps(raw, frame, when, dated, findings)
    cancelled = pl.lit(False)
    rule = mapping.cancelled_when
    if rule is not None:  # the flag came with the order-level text
        cancelled = pl.col(CANCELLED).fill_null(False)  # finish drops the helper column
        if rule.cancels_sale_within_days is not None:
            frame = _cancel_the_sales(raw, frame, rule, findings)
            cancelled = cancelled | pl.col(TAKEN)
    status = pl.col("status") if "status" in mapping.columns else pl.lit("fulfilled")
    live = ~cancelled  # no cancellation: without a status column, no text to compare
    if "status" in mapping.columns:
        live = live & (status != "cancelled")
    frame = frame.with_columns(live.alias(LIVE))
    adjustment = ((pl.col("quantity") < 0) & pl.col(LIVE)).fill_null(False)
    findings.from_mask(
        raw,
        frame,
        adjustment,
        kind="adjustment_line",
        message="has a negative quantity but is no cancellation (a stock adjustment?): left out",
        column=mapping.columns["quantity"],
    )
    # Only the columns still needed go through the filter: the raw text would be copied for nothing.
    needed = [LINE, LIVE, CANCELLED, TAKEN, mapping.columns["quantity"], *ORDER_LINES]
    frame = frame.select(list(dict.fromkeys(c for c in needed if c in frame.columns)))
    if options.not_products:  # left out by the same filter as the adjustments
        # each line counted once: an adjustment line is reported as one already
        out = frame.select(not_product(options.not_products) & ~adjustment).to_series()
        if report_not_products(raw, frame, out, findings):
            adjustment = adjustment | pl.lit(out)
    frame = frame.filter(~adjustment).with_columns(  # made after the filter: not copied by it
        pl.when(cancelled).then(pl.lit("cancelled")).otherwise(status).alias("status"),
        pl.when(cancelled)
        .then(pl.col("quantity").abs())
        .otherwise(pl.col("quantity"))
        .alias("quantity"),
    )
    check_quantities(raw, frame, findings, mapping.columns["quantity"], live=pl.col(LIVE))
    # Cells the same on every line are added last: the filter above need not copy them.
    frame = frame.with_columns(
        pl.lit(mapping.channel).alias("channel"),
        pl.coalesce(
            pl.col("currency") if "currency" in mapping.columns else pl.lit(None, pl.String),
            pl.lit(mapping.currency or options.currency, pl.String),
        ).alias("currency"),
        pl.lit("merchant").alias("fulfilment"),
        pl.lit(False).alias("is_test"),
    )
    return finish(frame, ORDER_LINES)
