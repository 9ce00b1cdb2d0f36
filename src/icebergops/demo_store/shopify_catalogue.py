"""Shopify's "Export products" (53 columns) and "Export inventory" (newest layout) for the demo store."""

from __future__ import annotations

import polars as pl

PRODUCTS_HEADER_LINE = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,"
    "Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,Variant SKU,"
    "Variant Grams,Variant Inventory Tracker,Variant Inventory Policy,"
    "Variant Fulfillment Service,Variant Price,Variant Compare At Price,"
    "Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,Image Position,"
    "Image Alt Text,Gift Card,SEO Title,SEO Description,"
    "Google Shopping / Google Product Category,Google Shopping / Gender,"
    "Google Shopping / Age Group,Google Shopping / MPN,Google Shopping / Condition,"
    "Google Shopping / Custom Product,Google Shopping / Custom Label 0,"
    "Google Shopping / Custom Label 1,Google Shopping / Custom Label 2,"
    "Google Shopping / Custom Label 3,Google Shopping / Custom Label 4,Variant Image,"
    "Variant Weight Unit,Variant Tax Code,Cost per item,Included / United States,"
    "Included / Canada,Price / Canada,Compare At Price / Canada,Included / International,"
    "Price / International,Compare At Price / International,Status"
)
PRODUCTS_HEADER = PRODUCTS_HEADER_LINE.split(",")
INVENTORY_HEADER_LINE = (
    "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,"
    "Option3 Value,SKU,HS Code,COO,Location,Bin name,Incoming (not editable),"
    "Unavailable (not editable),Committed (not editable),Available (not editable),"
    "On hand (current),On hand (new)"
)
INVENTORY_HEADER = INVENTORY_HEADER_LINE.split(",")
NOT_STOCKED = "not stocked"
IMAGE_URL = "https://cdn.shopify.com/s/files/1/0712/4456/1024/files/{}-{}.jpg?v=1716200000"


def _options() -> dict[str, pl.Expr]:
    """Option names and values: Color then Size; ``Title``/``Default Title`` for single variants."""
    colour, size = pl.col("colour"), pl.col("size")
    return {
        "Option1 Name": pl.when(colour.is_not_null())
        .then(pl.lit("Color"))
        .when(size.is_not_null())
        .then(pl.lit("Size"))
        .otherwise(pl.lit("Title")),
        "Option1 Value": pl.coalesce(colour, size, pl.lit("Default Title")),
        "Option2 Name": pl.when(colour.is_not_null() & size.is_not_null()).then(pl.lit("Size")),
        "Option2 Value": pl.when(colour.is_not_null()).then(size),
    }


def _product_cells() -> dict[str, pl.Expr]:
    """Cells of a variant row; product-level ones are blanked below the first variant."""
    archived = pl.col("discontinued_date").is_not_null().all().over("product_number")
    launched = pl.col("launch_date").is_not_null()
    return {
        "Handle": pl.col("handle"),
        "Title": pl.col("title"),
        "Body (HTML)": pl.col("body_html"),
        "Vendor": pl.col("vendor"),
        "Product Category": pl.col("product_category"),
        "Type": pl.col("product_type"),
        "Tags": pl.when(launched).then(pl.col("tags") + ", new arrival").otherwise("tags"),
        "Published": pl.when(archived).then(pl.lit("false")).otherwise(pl.lit("true")),
        **_options(),
        "Variant SKU": pl.col("sku"),
        "Variant Grams": pl.col("grams"),
        "Variant Inventory Tracker": pl.lit("shopify"),
        "Variant Inventory Policy": pl.lit("deny"),
        "Variant Fulfillment Service": pl.lit("manual"),
        "Variant Price": pl.col("price"),
        "Variant Requires Shipping": pl.lit("true"),
        "Variant Taxable": pl.lit("true"),
        "Variant Barcode": pl.col("barcode"),
        "Image Alt Text": pl.when(pl.col("image_position") == 1).then(pl.col("title")),
        "Gift Card": pl.lit("false"),
        "Variant Weight Unit": pl.col("weight_unit"),
        "Cost per item": pl.col("unit_cost"),
        "Included / United States": pl.lit("true"),
        "Included / Canada": pl.lit("true"),
        "Included / International": pl.lit("true"),
        "Status": pl.when(archived).then(pl.lit("archived")).otherwise(pl.lit("active")),
    }


PRODUCT_LEVEL = {
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option2 Name",
    "Gift Card",
    "Included / United States",
    "Included / Canada",
    "Included / International",
    "Status",
}


def _images(catalogue: pl.DataFrame) -> pl.DataFrame:
    """1-3 images per product: product_number, handle, image_position, image_src."""
    products = catalogue.group_by("product_number", maintain_order=True).agg(
        pl.col("handle").first()
    )
    return (
        products.with_columns(image_position=pl.int_ranges(1, pl.col("product_number") % 3 + 2))
        .explode("image_position")
        .with_columns(image_src=pl.format(IMAGE_URL, "handle", "image_position"))
    )


def _variant_rows(
    catalogue: pl.DataFrame, plan: pl.DataFrame, images: pl.DataFrame
) -> pl.DataFrame:
    """One row per variant; image *k* of a product sits on its *k*-th variant row."""
    variants = catalogue.join(
        plan.select("sku", "launch_date", "discontinued_date"), on="sku", maintain_order="left"
    ).join(
        images.drop("handle"),
        left_on=["product_number", "variant_position"],
        right_on=["product_number", "image_position"],
        how="left",
        maintain_order="left",
    )
    cells, first = _product_cells(), pl.col("variant_position") == 1
    return variants.with_columns(
        image_position=pl.when(pl.col("image_src").is_not_null()).then("variant_position")
    ).select(
        "product_number",
        pl.col("variant_position").alias("_order"),
        *(
            (pl.when(first).then(cells[n]) if n in PRODUCT_LEVEL else cells[n]).alias(n)
            for n in cells
        ),
        pl.col("image_src").alias("Image Src"),
        pl.col("image_position").alias("Image Position"),
    )


def _image_only_rows(catalogue: pl.DataFrame, images: pl.DataFrame) -> pl.DataFrame:
    """Images beyond a product's variant count: only Handle, Image Src and Image Position."""
    counts = catalogue.group_by("product_number").agg(variant_count=pl.len())
    extra = images.join(counts, on="product_number", maintain_order="left").filter(
        pl.col("image_position") > pl.col("variant_count")
    )
    return extra.select(
        "product_number",
        (pl.col("image_position") + 1000).alias("_order"),
        pl.col("handle").alias("Handle"),
        pl.col("image_src").alias("Image Src"),
        pl.col("image_position").alias("Image Position"),
    )


def shopify_products_export(catalogue: pl.DataFrame, plan: pl.DataFrame) -> pl.DataFrame:
    """Each product's variant rows, then its image-only rows; money Float64, the rest text/int."""
    images = _images(catalogue)
    table = pl.concat(
        [_variant_rows(catalogue, plan, images), _image_only_rows(catalogue, images)],
        how="diagonal_relaxed",
    ).sort("product_number", "_order")
    return table.select(
        pl.col(name) if name in table.columns else pl.lit(None, pl.String).alias(name)
        for name in PRODUCTS_HEADER
    )


def shopify_inventory_export(stock: pl.DataFrame, catalogue: pl.DataFrame) -> pl.DataFrame:
    """One row per SKU per location; every quantity cell of an unstocked row says ``not stocked``.

    ``stock`` has sku, location, stocked, bin_name, incoming, unavailable, committed, available,
    on_hand (units).
    """
    quantities = {
        "Incoming (not editable)": "incoming",
        "Unavailable (not editable)": "unavailable",
        "Committed (not editable)": "committed",
        "Available (not editable)": "available",
        "On hand (current)": "on_hand",
    }
    rows = stock.join(catalogue, on="sku", how="left", maintain_order="left")
    options = _options()
    return rows.select(
        pl.col("handle").alias("Handle"),
        pl.col("title").alias("Title"),
        *(expr.alias(name) for name, expr in options.items()),
        pl.lit(None, pl.String).alias("Option3 Name"),
        pl.lit(None, pl.String).alias("Option3 Value"),
        pl.col("sku").alias("SKU"),
        pl.col("hs_code").alias("HS Code"),
        pl.col("country_of_origin").alias("COO"),
        pl.col("location").alias("Location"),
        pl.col("bin_name").alias("Bin name"),
        *(
            pl.when("stocked")
            .then(pl.col(column).cast(pl.String))
            .otherwise(pl.lit(NOT_STOCKED))
            .alias(name)
            for name, column in quantities.items()
        ),
        pl.lit(None, pl.String).alias("On hand (new)"),
    ).select(INVENTORY_HEADER)
