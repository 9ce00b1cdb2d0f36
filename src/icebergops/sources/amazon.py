"""Amazon reports: the Amazon.in order report and stock files, and Seller Central flat files
(All Orders Report, Manage FBA Inventory, FBA Customer Shipment Sales)."""

from __future__ import annotations

import polars as pl

from icebergops.schema import INVENTORY, ORDER_LINES, PRODUCTS
from icebergops.sources.canonical import (
    add_numbers,
    add_sku,
    add_timestamps,
    check_quantities,
    finish,
)
from icebergops.sources.cells import Findings, clean_text, text_or_null
from icebergops.sources.inventory import snapshot_date
from icebergops.sources.layouts import Layout, ReadOptions
from icebergops.sources.rawfile import RawTable

#: Where a marketplace's day begins: Seller Central writes purchase dates in UTC.
MARKETPLACE_ZONES = {
    "amazon.com": "America/Los_Angeles",
    "amazon.ca": "America/Los_Angeles",
    "amazon.com.mx": "America/Mexico_City",
    "amazon.com.br": "America/Sao_Paulo",
    "amazon.co.uk": "Europe/London",
    "amazon.de": "Europe/Berlin",
    "amazon.fr": "Europe/Paris",
    "amazon.it": "Europe/Rome",
    "amazon.es": "Europe/Madrid",
    "amazon.nl": "Europe/Amsterdam",
    "amazon.se": "Europe/Stockholm",
    "amazon.pl": "Europe/Warsaw",
    "amazon.co.jp": "Asia/Tokyo",
    "amazon.in": "Asia/Kolkata",
    "amazon.com.au": "Australia/Sydney",
    "amazon.sg": "Asia/Singapore",
    "amazon.ae": "Asia/Dubai",
    "amazon.sa": "Asia/Riyadh",
    "amazon.com.tr": "Europe/Istanbul",
}


def _unit_price(total: str, quantity: str = "quantity") -> pl.Expr:
    """Amazon order reports give the line total; the canonical table wants the price per unit."""
    return pl.when(pl.col(quantity) > 0).then(pl.col(total) / pl.col(quantity))


# ---------------------------------------------------------------- Amazon.in order report


def read_in_orders(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    frame = add_timestamps(raw, raw.frame, "Date", options, findings)
    frame = add_numbers(
        raw, frame, findings, integers={"quantity": "Qty"}, decimals={"total": "Amount"}
    )
    frame = add_sku(raw, frame, findings, sku="SKU", title="Style")
    status = clean_text("Status").str.to_lowercase()
    frame = frame.with_columns(
        clean_text("Order ID").alias("order_id"),
        pl.when(clean_text("Sales Channel").str.to_lowercase().str.starts_with("amazon"))
        .then(pl.lit("amazon"))
        .otherwise(pl.lit("other"))
        .alias("channel"),
        pl.concat_str(
            [text_or_null(raw.header, "Style"), text_or_null(raw.header, "Size")],
            separator=" - ",  # "product - variant", as Shopify names line items
            ignore_nulls=True,
        ).alias("title"),
        _unit_price("total").alias("unit_price"),
        pl.coalesce(text_or_null(raw.header, "currency"), pl.lit("INR")).alias(
            "currency"
        ),  # Amazon.in sells in rupees
        pl.when(status.str.contains("cancel"))
        .then(pl.lit("cancelled"))
        .when(status.str.contains("return|reject"))
        .then(pl.lit("returned"))
        .when(status.str.starts_with("shipped") | status.str.contains("deliver"))
        .then(pl.lit("fulfilled"))
        .otherwise(pl.lit("open"))
        .alias("status"),
        pl.when(clean_text("Fulfilment").str.to_lowercase() == "amazon")
        .then(pl.lit("fba"))
        .otherwise(pl.lit("merchant"))
        .alias("fulfilment"),
        text_or_null(raw.header, "ship-country").alias("ship_country"),
        text_or_null(raw.header, "ship-state").alias("ship_region"),
        text_or_null(raw.header, "ship-postal-code")
        .str.replace(r"\.0$", "")
        .alias("ship_postal_code"),
        pl.lit(False).alias("is_test"),
    )
    frame = frame.with_columns(
        pl.when(pl.col("status") == "returned").then(pl.col("quantity")).alias("refunded_quantity")
    )
    check_quantities(raw, frame, findings, "Qty")
    return finish(frame, ORDER_LINES)


def read_in_stock(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    frame = add_numbers(raw, raw.frame, findings, integers={"on_hand": "Stock"})
    frame = add_sku(raw, frame, findings, sku="SKU Code", title="Design No.")
    return finish(
        frame.with_columns(
            pl.concat_str(
                [
                    text_or_null(raw.header, "Design No."),
                    text_or_null(raw.header, "Color"),
                    text_or_null(raw.header, "Size"),
                ],
                separator=" ",
                ignore_nulls=True,
            ).alias("title"),
            pl.col("on_hand").alias("available"),
            pl.lit(True).alias("stocked"),
            pl.lit(snapshot_date(raw, options)).alias("as_of"),
        ),
        INVENTORY,
    )


def read_in_prices(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    """Per-SKU transfer price (cost), weight (kg) and marketplace MRPs of the Amazon.in seller."""
    price = "Amazon MRP" if "Amazon MRP" in raw.header else "Final MRP Old"
    frame = add_numbers(
        raw,
        raw.frame,
        findings,
        decimals={"unit_cost": "TP", "weight_kg": "Weight", "price": price},
        severity="warning",
    )
    frame = add_sku(raw, frame, findings, sku="Sku", title="Style Id")
    return finish(
        frame.with_columns(
            clean_text("Style Id").alias("handle"),
            pl.col("sku").alias("title"),
            text_or_null(raw.header, "Category").alias("category"),
            text_or_null(raw.header, "Catalog").alias("product_type"),
            (pl.col("weight_kg") * 1000).alias("weight_g"),
        ),
        PRODUCTS,
    )


# ---------------------------------------------------------------- Seller Central flat files


def read_all_orders(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    frame = add_timestamps(raw, raw.frame, "purchase-date", options, findings)
    frame = add_numbers(
        raw, frame, findings, integers={"quantity": "quantity"}, decimals={"total": "item-price"}
    )
    frame = add_sku(raw, frame, findings, sku="sku", title="product-name")
    status = pl.coalesce(
        text_or_null(raw.header, "item-status"), text_or_null(raw.header, "order-status")
    ).str.to_lowercase()
    frame = frame.with_columns(
        clean_text("amazon-order-id").alias("order_id"),
        _marketplace_channel(raw).alias("channel"),
        text_or_null(raw.header, "product-name").alias("title"),
        _unit_price("total").alias("unit_price"),
        _file_currency(raw, options).alias("currency"),
        pl.when(status.str.contains("cancel"))
        .then(pl.lit("cancelled"))
        .when(status.str.contains("^(shipped|delivered)"))
        .then(pl.lit("fulfilled"))
        .otherwise(pl.lit("open"))
        .alias("status"),
        _fulfilment(raw, "fulfillment-channel").alias("fulfilment"),
        text_or_null(raw.header, "ship-country").alias("ship_country"),
        text_or_null(raw.header, "ship-state").alias("ship_region"),
        text_or_null(raw.header, "ship-postal-code").alias("ship_postal_code"),
        pl.lit(False).alias("is_test"),
    )
    frame = _marketplace_dates(raw, frame, options, "sales-channel")
    check_quantities(raw, frame, findings, "quantity")
    return finish(frame, ORDER_LINES)


def read_shipment_sales(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    """FBA Customer Shipment Sales: one row per shipped unit group, always fulfilled by Amazon."""
    frame = add_timestamps(raw, raw.frame, "shipment-date", options, findings)
    frame = add_numbers(
        raw,
        frame,
        findings,
        integers={"quantity": "quantity"},
        decimals={"unit_price": "item-price-per-unit"},
    )
    frame = add_sku(raw, frame, findings, sku="sku", title="fnsku")
    frame = frame.with_columns(
        clean_text("amazon-order-id").alias("order_id"),
        pl.lit("amazon").alias("channel"),
        _file_currency(raw, options).alias("currency"),
        pl.lit("fulfilled").alias("status"),
        pl.lit("fba").alias("fulfilment"),
        text_or_null(raw.header, "fulfillment-center-id").alias("location"),
        text_or_null(raw.header, "ship-state").alias("ship_region"),
        text_or_null(raw.header, "ship-postal-code").alias("ship_postal_code"),
        pl.lit(False).alias("is_test"),
    )
    frame = _marketplace_dates(raw, frame, options, None)
    check_quantities(raw, frame, findings, "quantity")
    return finish(frame, ORDER_LINES)


def read_fba_inventory(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    """Manage FBA Inventory: Amazon's warehouses as one location, ``FBA``."""
    inbound = [
        "afn-inbound-working-quantity",
        "afn-inbound-shipped-quantity",
        "afn-inbound-receiving-quantity",
    ]
    frame = add_numbers(
        raw,
        raw.frame,
        findings,
        integers={
            "available": "afn-fulfillable-quantity",
            "committed": "afn-reserved-quantity",
            "on_hand": "afn-warehouse-quantity",
            "unsellable": "afn-unsellable-quantity",
            **{name: name for name in inbound},
        },
    )
    frame = add_sku(raw, frame, findings, sku="sku", title="product-name")
    present = [name for name in inbound if name in frame.columns]

    def number(name: str) -> pl.Expr:
        return pl.col(name) if name in frame.columns else pl.lit(None, pl.Int64)

    return finish(
        frame.with_columns(
            text_or_null(raw.header, "product-name").alias("title"),
            pl.lit("FBA").alias("location"),
            pl.coalesce(number("on_hand"), number("available") + number("committed")).alias(
                "on_hand"
            ),
            (pl.sum_horizontal(present) if present else pl.lit(None, pl.Int64)).alias("incoming"),
            pl.lit(True).alias("stocked"),
            pl.lit(snapshot_date(raw, options)).alias("as_of"),
        ),
        INVENTORY,
    )


def _file_currency(raw: RawTable, options: ReadOptions) -> pl.Expr:
    """Pending lines carry no currency: they are in the one the rest of the report uses."""
    currency = text_or_null(raw.header, "currency")
    return pl.coalesce(currency, currency.drop_nulls().mode().first(), pl.lit(options.currency))


def _fulfilment(raw: RawTable, column: str) -> pl.Expr:
    value = text_or_null(raw.header, column).str.to_lowercase()
    return (
        pl.when(value.str.contains("amazon|afn")).then(pl.lit("fba")).otherwise(pl.lit("merchant"))
    )


def _marketplace_channel(raw: RawTable) -> pl.Expr:
    channel = text_or_null(raw.header, "sales-channel").str.to_lowercase()
    return (
        pl.when(channel.str.starts_with("non-amazon"))
        .then(pl.lit("other"))
        .otherwise(pl.lit("amazon"))
    )


def _marketplace_dates(
    raw: RawTable, frame: pl.DataFrame, options: ReadOptions, channel: str | None
) -> pl.DataFrame:
    """Store-local date of a UTC purchase date: the configured zone, else the marketplace's."""
    if frame.get_column("ordered_at").null_count() == frame.height:
        return frame
    if options.timezone:
        return frame.with_columns(
            pl.col("ordered_at")
            .dt.convert_time_zone(options.timezone)
            .dt.date()
            .alias("order_date")
        )
    if channel is None or channel not in frame.columns:
        return frame
    # Each line in its own marketplace's day; lines of unknown channels (Non-Amazon) in the
    # day of the file's main marketplace, or as written where no marketplace is known at all.
    key = pl.col(channel).str.strip_chars().str.to_lowercase()
    zone = key.replace_strict(MARKETPLACE_ZONES, default=None, return_dtype=pl.String)
    zones = frame.select(zone.alias("zone"))["zone"]
    known = zones.drop_nulls()
    if known.is_empty():
        return frame
    main = str(known.mode().sort()[0])
    frame = frame.with_columns(zone.fill_null(main).alias("__zone"))
    local = pl.col("order_date")
    for name in sorted(set(known.to_list()) | {main}):
        converted = pl.col("ordered_at").dt.convert_time_zone(name).dt.date()
        local = pl.when(pl.col("__zone") == name).then(converted).otherwise(local)
    return frame.with_columns(local.alias("order_date")).drop("__zone")


LAYOUTS = [
    Layout(
        "amazon-in-orders",
        "Amazon.in order report",
        "order_lines",
        frozenset({"Order ID", "Date", "Status", "Fulfilment", "SKU", "Qty", "Amount"}),
        read_in_orders,
        date_column="Date",
        numbers={"Qty": pl.Int64(), "Amount": pl.Float64()},
    ),
    Layout(
        "amazon-in-stock",
        "Amazon.in stock snapshot",
        "inventory",
        frozenset({"SKU Code", "Design No.", "Stock"}),
        read_in_stock,
    ),
    Layout(
        "amazon-in-prices",
        "Amazon.in marketplace price list",
        "products",
        frozenset({"Sku", "Style Id", "TP", "Weight"}),
        read_in_prices,
    ),
    Layout(
        "amazon-all-orders",
        "Amazon All Orders Report",
        "order_lines",
        frozenset(
            {"amazon-order-id", "purchase-date", "order-status", "sku", "quantity", "item-price"}
        ),
        read_all_orders,
        date_column="purchase-date",
        numbers={"quantity": pl.Int64(), "item-price": pl.Float64()},
    ),
    Layout(
        "amazon-fba-inventory",
        "Amazon Manage FBA Inventory report",
        "inventory",
        frozenset({"sku", "fnsku", "asin", "afn-fulfillable-quantity"}),
        read_fba_inventory,
    ),
    Layout(
        "amazon-shipment-sales",
        "Amazon FBA Customer Shipment Sales report",
        "order_lines",
        frozenset({"shipment-date", "sku", "amazon-order-id", "quantity", "item-price-per-unit"}),
        read_shipment_sales,
        date_column="shipment-date",
    ),
]
