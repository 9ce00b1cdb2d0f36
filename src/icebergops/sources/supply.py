"""Our own plain CSV layouts: ``suppliers.csv``, ``purchase_orders.csv`` and ``events.csv``."""

from __future__ import annotations

import polars as pl

from icebergops.schema import EVENTS, PURCHASE_ORDERS, SUPPLIERS
from icebergops.sources.canonical import add_numbers, finish
from icebergops.sources.cells import Findings, check_parsed, clean_text
from icebergops.sources.layouts import Layout, ReadOptions
from icebergops.sources.rawfile import RawTable

ISO_DATE = "%Y-%m-%d"


def read_suppliers(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    frame = add_numbers(
        raw,
        raw.frame,
        findings,
        integers={"case_pack": "case_pack", "moq": "moq"},
        decimals={
            "unit_cost": "unit_cost",
            "lead_time_days": "lead_time_days",
            "lead_time_std_days": "lead_time_std_days",
            "min_order_value": "min_order_value",
        },
    )
    frame = frame.with_columns(
        clean_text("supplier").alias("supplier"),
        clean_text("sku").alias("sku"),
        pl.coalesce(clean_text("currency"), pl.lit(options.currency, pl.String)).alias("currency")
        if "currency" in raw.header
        else pl.lit(options.currency, pl.String).alias("currency"),
    )
    bad_pack = (pl.col("moq") % pl.col("case_pack") != 0) & (pl.col("case_pack") > 0)
    findings.from_mask(
        raw,
        frame,
        bad_pack.fill_null(False),
        kind="moq_not_case_multiple",
        message="has an MOQ that is not a multiple of the case pack",
        column="moq",
    )
    return finish(frame, SUPPLIERS)


def read_purchase_orders(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    frame = add_numbers(
        raw,
        raw.frame,
        findings,
        integers={"quantity_ordered": "quantity_ordered", "quantity_received": "quantity_received"},
        decimals={"unit_cost": "unit_cost"},
    )
    dates = [c for c in ("ordered_date", "expected_date", "received_date") if c in raw.header]
    frame = frame.with_columns(
        pl.col(c).str.strip_chars().str.to_date(ISO_DATE, strict=False).alias(f"{c}__parsed")
        for c in dates
    )
    check_parsed(raw, frame, {f"{c}__parsed": (c, "date (YYYY-MM-DD)") for c in dates}, findings)
    frame = frame.with_columns(pl.col(f"{c}__parsed").alias(c) for c in dates)
    late = pl.col("received_date") < pl.col("ordered_date")
    findings.from_mask(
        raw,
        frame,
        late.fill_null(False),
        kind="received_before_ordered",
        severity="error",
        message="was received before it was ordered",
        column="received_date",
    )
    return finish(
        frame.with_columns(
            clean_text(c).alias(c) for c in ("po_number", "supplier", "sku", "currency")
        ),
        PURCHASE_ORDERS,
    )


SCOPES = ("all", "category", "product", "sku")


def read_events(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    frame = add_numbers(raw, raw.frame, findings, decimals={"uplift_pct": "uplift_pct"})
    dates = ("start", "end")
    frame = frame.with_columns(
        pl.col(c).str.strip_chars().str.to_date(ISO_DATE, strict=False).alias(f"{c}__parsed")
        for c in dates
    )
    check_parsed(raw, frame, {f"{c}__parsed": (c, "date (YYYY-MM-DD)") for c in dates}, findings)
    frame = frame.with_columns(
        *(pl.col(f"{c}__parsed").alias(c) for c in dates),
        clean_text("name").alias("name"),
        pl.coalesce(clean_text("scope").str.to_lowercase(), pl.lit("all")).alias("scope"),
        clean_text("target").alias("target") if "target" in raw.header else pl.lit(None, pl.String),
    )
    findings.from_mask(
        raw,
        frame,
        ~pl.col("scope").is_in(SCOPES),
        kind="unknown_scope",
        severity="error",
        message=f"is not a scope ({', '.join(SCOPES)})",
        column="scope",
    )
    findings.from_mask(
        raw,
        frame,
        (pl.col("end") < pl.col("start")).fill_null(False),
        kind="end_before_start",
        severity="error",
        message="ends before it starts",
        column="end",
    )
    return finish(frame, EVENTS)


LAYOUTS = [
    Layout(
        "suppliers",
        "icebergops suppliers file",
        "suppliers",
        frozenset({"supplier", "sku", "lead_time_days"}),
        read_suppliers,
    ),
    Layout(
        "purchase-orders",
        "icebergops purchase orders file",
        "purchase_orders",
        frozenset({"po_number", "supplier", "sku", "ordered_date", "quantity_ordered"}),
        read_purchase_orders,
    ),
    Layout(
        "events",
        "icebergops events file",
        "events",
        frozenset({"name", "start", "end", "uplift_pct"}),
        read_events,
    ),
]
