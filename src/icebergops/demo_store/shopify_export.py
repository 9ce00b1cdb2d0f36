"""Shopify's "Export orders" CSV layout (79 columns, the newest header) for the demo store.

One row per line item. Order-level cells appear only on an order's first row; ``Name``, ``Email``,
``Created at``, the ``Lineitem …`` cells and ``Vendor`` repeat on every row, as real exports do.
"""

from __future__ import annotations

import polars as pl

from icebergops.demo_store.geography import excel_guarded
from icebergops.demo_store.store_time import shopify_timestamp

ORDERS_HEADER_LINE = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,"
    "Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,"
    "Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,"
    "Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,"
    "Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,"
    "Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,"
    "Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,"
    "Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,"
    "Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,"
    "Next Payment Due At,Payment References"
)
ORDERS_HEADER = ORDERS_HEADER_LINE.split(",")

#: cells that repeat on every line item of an order; the rest appear on its first row only
LINE_LEVEL = {"Name", "Email", "Created at", "Vendor", "Lineitem discount"} | {
    name for name in ORDERS_HEADER if name.startswith("Lineitem ")
}


def _address(prefix: str) -> dict[str, pl.Expr]:
    return {
        f"{prefix} Name": pl.lit("REDACTED"),
        f"{prefix} City": pl.col("city"),
        f"{prefix} Zip": excel_guarded(pl.col("zip")),
        f"{prefix} Province": pl.col("province"),
        f"{prefix} Country": pl.col("country"),
        f"{prefix} Province Name": pl.col("province_name"),
    }


def _cells() -> dict[str, pl.Expr]:
    """Every filled column of the export, as an expression over :func:`shopify_orders` rows."""
    taxed = pl.col("taxes") > 0
    return {
        "Name": pl.col("order_name"),
        "Email": pl.col("email"),
        "Financial Status": pl.col("financial_status"),
        "Paid at": shopify_timestamp(pl.col("paid_at")),
        "Fulfillment Status": pl.col("fulfillment_status"),
        "Fulfilled at": shopify_timestamp(pl.col("fulfilled_at")),
        "Accepts Marketing": pl.col("accepts_marketing"),
        "Currency": pl.lit("USD"),
        "Subtotal": pl.col("subtotal"),
        "Shipping": pl.col("shipping"),
        "Taxes": pl.col("taxes"),
        "Total": pl.col("total"),
        "Discount Code": pl.col("discount_code"),
        "Discount Amount": pl.col("discount_amount"),
        "Shipping Method": pl.col("shipping_method"),
        "Created at": shopify_timestamp(pl.col("created_at")),
        "Lineitem quantity": pl.col("quantity"),
        "Lineitem name": pl.col("lineitem_name"),
        "Lineitem price": pl.col("unit_price"),
        "Lineitem compare at price": pl.col("compare_at_price"),
        "Lineitem sku": pl.col("sku"),
        "Lineitem requires shipping": pl.lit("true"),
        "Lineitem taxable": pl.lit("true"),
        "Lineitem fulfillment status": pl.col("line_fulfillment_status"),
        **_address("Billing"),
        **_address("Shipping"),
        "Cancelled at": shopify_timestamp(pl.col("cancelled_at")),
        "Payment Method": pl.col("payment_method"),
        "Payment Reference": pl.col("payment_reference"),
        "Refunded Amount": pl.col("refunded_amount"),
        "Vendor": pl.col("vendor"),
        "Outstanding Balance": pl.col("outstanding_balance"),
        "Location": pl.col("location"),
        "Id": pl.col("shopify_id"),
        "Tags": pl.col("tags"),
        "Risk Level": pl.col("risk_level"),
        "Source": pl.col("source"),
        "Lineitem discount": pl.col("line_discount"),
        "Tax 1 Name": pl.when(taxed).then(pl.col("tax_name")),
        "Tax 1 Value": pl.when(taxed).then(pl.col("taxes")),
        "Payment ID": pl.col("payment_reference"),
        "Payment References": pl.col("payment_reference"),
    }


def shopify_orders_export(orders: pl.DataFrame) -> pl.DataFrame:
    """The 79 columns of Shopify's orders export from :func:`shopify_orders` rows (same order).

    Money stays Float64 (write with two decimals); every other cell is text or an integer.
    """
    cells = _cells()
    first_row = pl.col("line_number") == 1
    return orders.select(
        (cells[name] if name in LINE_LEVEL else pl.when(first_row).then(cells[name])).alias(name)
        if name in cells
        else pl.lit(None, pl.String).alias(name)
        for name in ORDERS_HEADER
    )
