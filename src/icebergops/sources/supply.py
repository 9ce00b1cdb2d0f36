"""Our own plain CSV layouts: ``suppliers.csv``, ``purchase_orders.csv``, ``events.csv`` and
``stockouts.csv``."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from icebergops.errors import InputError
from icebergops.schema import (
    CURRENCY_CODE,
    EVENTS,
    LONGEST_LEAD_DAYS,
    PURCHASE_ORDERS,
    STOCKOUTS,
    SUPPLIERS,
)
from icebergops.sources.canonical import add_numbers, finish
from icebergops.sources.cells import Findings, check_parsed, clean_text, text_or_null
from icebergops.sources.layouts import Layout, ReadOptions
from icebergops.sources.rawfile import RawTable

ISO_DATE = "%Y-%m-%d"
# column: (lowest, highest or None, unit); outside it a value is an error, not a plan.
# A billion a unit, or a million units in a case or a minimum, is a typo (1e300 was taken)
MOST_MONEY, MOST_UNITS = 1e9, 1_000_000
SUPPLIER_RANGES = {
    "lead_time_days": (0.0, LONGEST_LEAD_DAYS, "days"),
    "lead_time_std_days": (0.0, LONGEST_LEAD_DAYS, "days"),
    "unit_cost": (0.0, MOST_MONEY, ""),
    "case_pack": (1, MOST_UNITS, "units"),
    "moq": (0, MOST_UNITS, "units"),
    "min_order_value": (0.0, MOST_MONEY, ""),
}
PO_RANGES = {
    "quantity_ordered": (0, MOST_UNITS, "units"),
    "quantity_received": (0, MOST_UNITS, "units"),
    "unit_cost": (0.0, MOST_MONEY, ""),
}
# -100% is no sale at all; beyond +10,000% (101 times the usual sales) is a typo.
EVENT_RANGES = {"uplift_pct": (-100.0, 10_000.0, "percent"), "units": (0.0, None, "units")}
EVENT_AMOUNTS = ("uplift_pct", "units")  # an event has one of them


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
        pl.coalesce(currency_code("currency"), pl.lit(options.currency, pl.String)).alias(
            "currency"
        )
        if "currency" in raw.header
        else pl.lit(options.currency, pl.String).alias("currency"),
    )
    check_currency(raw, frame, findings)
    check_ranges(raw, frame, findings, SUPPLIER_RANGES)
    # a second row of terms for one supplier and SKU (or two rows of defaults): the first had
    # won without a word, 40.03 or 99.99 a unit
    terms = pl.struct(pl.col("supplier"), pl.col("sku").fill_null(""))
    findings.from_mask(
        raw,
        frame,
        ~terms.is_first_distinct(),
        kind="repeated_terms",
        severity="error",
        message="gives terms for a supplier and SKU that an earlier line gives: which hold is "
        "unclear",
        column="supplier",  # named even where the SKU is empty (the supplier's defaults)
    )
    if {"moq", "case_pack"} <= set(frame.columns):  # optional columns, as every term is
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
    check_ranges(raw, frame, findings, PO_RANGES)
    if {"received_date", "ordered_date"} <= set(frame.columns):  # open POs only: no receipts
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
    frame = frame.with_columns(clean_text(c).alias(c) for c in ("po_number", "supplier", "sku"))
    # the same line twice (a paste, a merge of two exports): its units would be incoming twice.
    # Two receipts of one PO line on other days differ, and are two lines.
    cells = [c for c in raw.header if c in frame.columns]
    findings.from_mask(
        raw,
        frame,
        ~pl.struct(cells).is_first_distinct(),
        kind="repeated_po_line",
        severity="error",
        message="repeats an earlier line of the same purchase order: its units would count twice",
        column="po_number",
    )
    if "currency" in frame.columns:
        frame = frame.with_columns(currency_code("currency").alias("currency"))
        check_currency(raw, frame, findings)
    return finish(frame, PURCHASE_ORDERS)


def currency_code(column: str) -> pl.Expr:
    """A currency cell as the code it is: trimmed and in capitals (``usd`` is USD; a budget
    summed "960.72 usd" apart from the USD)."""
    return clean_text(column).str.to_uppercase()


def check_currency(raw: RawTable, frame: pl.DataFrame, findings: Findings) -> None:
    """A currency that is no three-letter code (``DOLLARS``, ``€``) is an error: amounts in it
    cannot be added to any other."""
    findings.from_mask(
        raw,
        frame,
        (~pl.col("currency").str.contains(f"^{CURRENCY_CODE}$")).fill_null(False),
        kind="not_a_currency",
        severity="error",
        message="is not a currency code (ISO 4217, such as USD, EUR or GBP)",
        column="currency",
    )


def check_ranges(
    raw: RawTable,
    frame: pl.DataFrame,
    findings: Findings,
    ranges: Mapping[str, tuple[float, float | None, str]],
) -> None:
    """Report numbers outside their plausible range (a negative lead time, 99,999,999 days)."""
    for column, (low, high, unit) in ranges.items():
        if column not in frame.columns:
            continue
        outside = pl.col(column) < low
        if high is not None:
            outside = outside | (pl.col(column) > high)
        bounds = (
            f"between {_number(low)} and {_number(high)}"
            if high is not None
            else f"at least {_number(low)}"
        )
        findings.from_mask(
            raw,
            frame,
            outside.fill_null(False),
            kind="out_of_range",
            severity="error",
            message=f"is out of range: must be {bounds}" + (f" {unit}" if unit else ""),
            column=column,
        )


SCOPES = ("all", "category", "product", "sku")
FIXED_SCOPES = ("sku", "product")  # where an event may fix the units


def read_events(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    """Events that lift the forecast by ``uplift_pct``, or fix a SKU's (product's) units over the
    event's days to ``units``; each row has one of the two."""
    if not any(column in raw.header for column in EVENT_AMOUNTS):
        raise InputError(
            "has neither an uplift_pct nor a units column",
            where=raw.where(line=1),
            hint="uplift_pct lifts the forecast by a percentage; units fixes a SKU's units",
        )
    amounts = {c: c for c in EVENT_AMOUNTS}
    frame = add_numbers(raw, raw.frame, findings, decimals=amounts)
    frame = frame.with_columns(
        pl.lit(None, pl.Float64).alias(c) for c in EVENT_AMOUNTS if c not in raw.header
    )
    check_ranges(raw, frame, findings, EVENT_RANGES)
    uplift, units = pl.col("uplift_pct").is_not_null(), pl.col("units").is_not_null()
    both, neither = "both uplift_pct and units", "neither uplift_pct nor units"
    for mask, what in ((uplift & units, both), (~uplift & ~units, neither)):
        findings.from_mask(
            raw,
            frame,
            mask,
            kind="event_amount",
            severity="error",
            message=f"has {what}: an event lifts the forecast by a "
            "percentage or fixes a number of units",
            column="units" if what == both else None,
        )
    frame = _parse_span(raw, frame, findings).with_columns(
        clean_text("name").alias("name"),
        pl.coalesce(text_or_null(raw.header, "scope").str.to_lowercase(), pl.lit("all")).alias(
            "scope"
        ),
        text_or_null(raw.header, "target").alias("target"),
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
        (units & ~pl.col("scope").is_in(FIXED_SCOPES)).fill_null(False),
        kind="units_scope",
        severity="error",
        message=f"fixes units, so its scope must be {' or '.join(FIXED_SCOPES)} (a fixed "
        "number of units is a SKU's or a product's)",
        column="scope" if "scope" in raw.header else None,
    )
    _check_span(raw, frame, findings)
    return finish(frame, EVENTS)


def _parse_span(raw: RawTable, frame: pl.DataFrame, findings: Findings) -> pl.DataFrame:
    """``start`` and ``end`` as dates (YYYY-MM-DD), a cell that is none reported."""
    dates = ("start", "end")
    frame = frame.with_columns(
        pl.col(c).str.strip_chars().str.to_date(ISO_DATE, strict=False).alias(f"{c}__parsed")
        for c in dates
    )
    check_parsed(raw, frame, {f"{c}__parsed": (c, "date (YYYY-MM-DD)") for c in dates}, findings)
    return frame.with_columns(pl.col(f"{c}__parsed").alias(c) for c in dates)


def _check_span(raw: RawTable, frame: pl.DataFrame, findings: Findings) -> None:
    """A row whose ``end`` comes before its ``start`` is an error."""
    findings.from_mask(
        raw,
        frame,
        (pl.col("end") < pl.col("start")).fill_null(False),
        kind="end_before_start",
        severity="error",
        message="ends before it starts",
        column="end",
    )


def read_stockouts(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    """Days a SKU was out of stock (``start`` to ``end``, inclusive), everywhere or at one
    ``location``: kept out of fitting and scoring, as the stockouts icebergops finds itself."""
    frame = _parse_span(raw, raw.frame, findings).with_columns(
        clean_text("sku").alias("sku"),
        text_or_null(raw.header, "location").alias("location"),
    )
    findings.from_mask(
        raw,
        frame,
        pl.col("sku").is_null(),
        kind="no_sku",
        severity="error",
        message="has no SKU: which SKU was out of stock?",
        column="sku",
    )
    _check_span(raw, frame, findings)
    return finish(frame, STOCKOUTS)


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
        frozenset({"name", "start", "end"}),  # and uplift_pct or units: read_events checks
        read_events,
    ),
    Layout(
        "stockouts",
        "icebergops stockouts file",
        "stockouts",
        frozenset({"sku", "start", "end"}),
        read_stockouts,
    ),
]


def _number(value: float) -> str:
    """1,000,000 and 0.5, never 1e+06."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"
