"""Shopify exports: orders (every header version seen), products, and the three inventory layouts."""

from __future__ import annotations

import polars as pl

from icebergops.schema import ORDER_LINES, PRODUCTS
from icebergops.sources.canonical import (
    SKU_TEXT,
    add_numbers,
    add_sku,
    add_timestamps,
    carry_down,
    check_quantities,
    finish,
    strip_excel_guard,
    variant_name,
)
from icebergops.sources.cells import Findings, clean_text, text_or_null
from icebergops.sources.inventory import inventory_frame, melt_locations
from icebergops.sources.layouts import Layout, ReadOptions
from icebergops.sources.rawfile import RawTable

# Order-level cells the reader uses: Shopify writes them on an order's first line only.
ORDER_LEVEL = [
    "Financial Status",
    "Currency",
    "Cancelled at",
    "Payment Method",
    "Location",
    "Tags",
    "Shipping Country",
    "Shipping Province",
    "Shipping Zip",
    "Billing Country",
    "Billing Province",
    "Billing Zip",
    "Created at",
]
ORDER_COLUMNS = frozenset(
    [
        *ORDER_LEVEL,
        "Name",
        "Lineitem quantity",
        "Lineitem name",
        "Lineitem price",
        "Lineitem sku",
        "Lineitem requires shipping",
        "Lineitem fulfillment status",
    ]
)


def orders_version(header: tuple[str, ...]) -> str:
    names = set(header)
    if "Payment References" in names:
        return f"{len(header)} columns (newest, with Payment References)"
    if "Payment ID" in names:
        return f"{len(header)} columns (with Payment ID)"
    if "Outstanding Balance" not in names and "Lineitem price" in names:
        return f"{len(header)} columns (older, before Outstanding Balance/Location)"
    return f"{len(header)} columns chosen by the merchant"


def read_orders(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    frame = carry_down(raw.frame, [c for c in ORDER_LEVEL if c in raw.header], "Name")
    frame = add_timestamps(raw, frame, "Created at", options, findings)
    frame = add_numbers(
        raw,
        frame,
        findings,
        integers={"quantity": "Lineitem quantity"},
        decimals={"unit_price": "Lineitem price"},
    )
    # The line item's name and SKU are trimmed once, side by side: the tip check, the SKU and the
    # title all use them (each was trimmed two or three times over).
    frame = frame.with_columns(
        clean_text("Lineitem name").alias("title"),
        text_or_null(frame.columns, "Lineitem sku").alias(SKU_TEXT),
    )
    frame = _drop_tips(raw, frame, findings)
    frame = add_sku(
        raw,
        frame,
        findings,
        sku="Lineitem sku",
        title="title",
        title_is_clean=True,
        sku_text=SKU_TEXT,
    )
    frame = frame.with_columns(
        clean_text("Name").alias("order_id"),
        pl.lit("shopify").alias("channel"),
        _currency(raw, options),
        _status(raw).alias("status"),
        pl.lit("merchant").alias("fulfilment"),
        text_or_null(raw.header, "Location").alias("location"),
        _either(raw, "Shipping Country", "Billing Country").alias("ship_country"),
        _either(raw, "Shipping Province", "Billing Province").alias("ship_region"),
        _either(raw, "Shipping Zip", "Billing Zip", guard=True).alias("ship_postal_code"),
        _is_test(raw).alias("is_test"),
    )
    check_quantities(raw, frame, findings, "Lineitem quantity")
    return finish(frame, ORDER_LINES)


def _either(raw: RawTable, first: str, second: str, *, guard: bool = False) -> pl.Expr:
    pick = [
        strip_excel_guard(c) if guard else clean_text(c) for c in (first, second) if c in raw.header
    ]
    return pl.coalesce(pick) if pick else pl.lit(None, pl.String)


def _currency(raw: RawTable, options: ReadOptions) -> pl.Expr:
    default = pl.lit(options.currency, pl.String)
    return pl.coalesce(text_or_null(raw.header, "Currency"), default).alias("currency")


def _status(raw: RawTable) -> pl.Expr:
    cancelled = text_or_null(raw.header, "Cancelled at").is_not_null()
    financial = text_or_null(raw.header, "Financial Status")
    line_state = text_or_null(raw.header, "Lineitem fulfillment status")
    return (
        pl.when(cancelled | (financial == "voided"))
        .then(pl.lit("cancelled"))
        .when(financial == "refunded")
        .then(pl.lit("refunded"))
        .when(line_state == "fulfilled")
        .then(pl.lit("fulfilled"))
        .otherwise(pl.lit("open"))
    )


def _is_test(raw: RawTable) -> pl.Expr:
    """Orders paid through Shopify's test gateway ("Bogus") or tagged ``test``."""
    gateway = text_or_null(raw.header, "Payment Method").str.to_lowercase()
    tags = text_or_null(raw.header, "Tags").str.to_lowercase()
    test = gateway.str.contains("bogus") | tags.str.contains(r"(^|,\s*)test(,|$)")
    return test.fill_null(False)


def _drop_tips(raw: RawTable, frame: pl.DataFrame, findings: Findings) -> pl.DataFrame:
    """Tips are line items without a SKU that ship nothing: not demand for any product."""
    if "Lineitem requires shipping" not in raw.header:
        return frame
    # The name is looked at only on the few lines without a SKU that ship nothing, and the lines
    # are filtered only where a tip was found (about 0.2 s less a million lines).
    maybe = pl.col(SKU_TEXT).is_null() & (clean_text("Lineitem requires shipping") == "false")
    # an empty "requires shipping" is no tip (null would drop the line without a finding)
    tip = (maybe & (pl.col("title").str.to_lowercase() == "tip")).fill_null(False)
    found = findings.from_mask(
        raw,
        frame.filter(maybe),
        tip,
        kind="tip_line",
        severity="info",
        message="is a tip, not a product: left out",
        column="Lineitem name",
    )
    return frame.filter(~tip) if found else frame


ORDERS = Layout(
    kind="shopify-orders",
    label="Shopify orders export",
    table="order_lines",
    required=frozenset({"Name", "Created at", "Lineitem quantity", "Lineitem name"}),
    read=read_orders,
    columns=ORDER_COLUMNS,
    version=orders_version,
    group_key="Name",
    date_column="Created at",
    numbers={"Lineitem quantity": pl.Int64(), "Lineitem price": pl.Float64()},
)

# ---------------------------------------------------------------- products

PRODUCT_LEVEL = ["Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags"]
OPTIONS = ["Option1 Value", "Option2 Value", "Option3 Value"]


def read_products(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    present = [c for c in PRODUCT_LEVEL if c in raw.header]
    frame = carry_down(raw.frame, present, "Handle")
    variant = pl.any_horizontal(
        clean_text(c).is_not_null()
        for c in ["Variant SKU", "Variant Price", *OPTIONS]
        if c in raw.header
    )
    findings.from_mask(
        raw,
        frame,
        ~variant,
        kind="image_row",
        severity="info",
        message="holds only an image: left out",
        column="Image Src",
    )
    frame = frame.filter(variant)
    frame = add_numbers(
        raw,
        frame,
        findings,
        integers={"inventory_quantity": "Variant Inventory Qty"},
        decimals={
            "price": "Variant Price",
            "unit_cost": "Cost per item",
            "weight_g": "Variant Grams",
        },
        severity="warning",
    )
    present_options = [c for c in OPTIONS if c in raw.header]
    frame = frame.with_columns(variant_name("Title", present_options).alias("variant_title"))
    frame = add_sku(raw, frame, findings, sku="Variant SKU", title="variant_title")
    return finish(
        frame.with_columns(
            clean_text("Handle").alias("handle"),
            pl.col("variant_title").alias("title"),
            html_to_text("Body (HTML)").alias("description"),
            text_or_null(raw.header, "Vendor").alias("vendor"),
            text_or_null(raw.header, "Product Category").alias("category"),
            text_or_null(raw.header, "Type").alias("product_type"),
            text_or_null(raw.header, "Tags").alias("tags"),
            strip_excel_guard("Variant Barcode").alias("barcode"),
            # Shopify writes 0 where no weight or cost was entered: unknown, not free or weightless.
            pl.when(pl.col("weight_g") > 0).then(pl.col("weight_g")).alias("weight_g"),
            pl.when(pl.col("unit_cost") > 0).then(pl.col("unit_cost")).alias("unit_cost"),
        ),
        PRODUCTS,
    )


def html_to_text(column: str) -> pl.Expr:
    """Product descriptions without tags, entities decoded, white space folded."""
    text = pl.col(column).str.replace_all(r"(?i)<br\s*/?>|</p>|</li>|</h\d>", " ")
    text = text.str.replace_all(r"<[^>]*>", "")
    for entity, char in (
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&#39;", "'"),
        ("&rsquo;", "'"),
        ("&amp;", "&"),
    ):
        text = text.str.replace_all(entity, char, literal=True)
    text = text.str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(text.str.len_bytes() > 0).then(text)


PRODUCTS_LAYOUT = Layout(
    kind="shopify-products",
    label="Shopify products export",
    table="products",
    required=frozenset({"Handle", "Title", "Variant SKU", "Variant Price"}),
    read=read_products,
    group_key="Handle",
    version=lambda h: (
        f"{len(h)} columns" + ("" if "Product Category" in h else " (older, no Product Category)")
    ),
)

# ---------------------------------------------------------------- inventory

ITEM = [
    "Handle",
    "Title",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "SKU",
    "HS Code",
    "COO",
]
PER_LOCATION = {
    "incoming": "Incoming",
    "unavailable": "Unavailable",
    "committed": "Committed",
    "available": "Available",
    "on_hand": "On hand",
}
NEWEST = {
    "incoming": "Incoming (not editable)",
    "unavailable": "Unavailable (not editable)",
    "committed": "Committed (not editable)",
    "available": "Available (not editable)",
    "on_hand": "On hand (current)",
}


def read_inventory_rows(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    """Row per SKU and location: ``Location,Incoming,Unavailable,Committed,Available,On hand``."""
    columns = NEWEST if "On hand (current)" in raw.header else PER_LOCATION
    frame = raw.frame.with_columns(clean_text("Location").alias("location"))
    return inventory_frame(raw, frame, columns, options, findings)


def read_inventory_columns(raw: RawTable, options: ReadOptions, findings: Findings) -> pl.DataFrame:
    """Old layout: one column per location after ``COO``, holding the available quantity."""
    locations = [name for name in raw.header if name not in ITEM]
    frame = melt_locations(raw, locations)
    return inventory_frame(
        raw, frame, {"available": "quantity", "on_hand": "quantity"}, options, findings
    )


_INVENTORY_BASE = frozenset({"Handle", "Title", "SKU", "Option1 Value"})
INVENTORY_ROWS = Layout(
    kind="shopify-inventory",
    label="Shopify inventory export (row per location)",
    table="inventory",
    required=_INVENTORY_BASE | {"Location", "Available"},
    read=read_inventory_rows,
    version=lambda h: (
        "row per location" + (", with On hand (current)/(new)" if "On hand (current)" in h else "")
    ),
)
INVENTORY_ROWS_NEWEST = Layout(
    kind="shopify-inventory",
    label="Shopify inventory export (row per location)",
    table="inventory",
    required=_INVENTORY_BASE | {"Location", "Available (not editable)", "On hand (current)"},
    read=read_inventory_rows,
    version=lambda h: "newest: row per location, with On hand (current)/(new)",
)
INVENTORY_COLUMNS = Layout(
    kind="shopify-inventory-columns",
    label="Shopify inventory export (column per location)",
    table="inventory",
    required=_INVENTORY_BASE | {"COO"},
    read=read_inventory_columns,
    version=lambda h: (
        f"old: one column per location ({_locations(len([n for n in h if n not in ITEM]))})"
    ),
    forbidden=frozenset({"Location"}),
)

LAYOUTS = [ORDERS, PRODUCTS_LAYOUT, INVENTORY_ROWS, INVENTORY_ROWS_NEWEST, INVENTORY_COLUMNS]


def _locations(n: int) -> str:
    return f"{n} location{'' if n == 1 else 's'}"
