"""The demo store's Amazon.com sales as Seller Central's "All Orders Report" (tab-separated).

Only the last 12 months (a seller's report window). ``item-price`` is the line total in USD before
promotions; promotions are negative ``item-promotion-discount`` amounts. Cancelled lines report
quantity 0 and no price, and pending ones no price, as Seller Central does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from icebergops.demo_store.geography import destinations
from icebergops.demo_store.sales import merge_same_sku
from icebergops.demo_store.shopify_orders import HOUR_WEIGHTS
from icebergops.demo_store.store_time import amazon_timestamp

AMAZON_HEADER_LINE = (
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\t"
    "fulfillment-channel\tsales-channel\torder-channel\turl\tship-service-level\tproduct-name\tsku\t"
    "asin\titem-status\tquantity\tcurrency\titem-price\titem-tax\tshipping-price\tshipping-tax\t"
    "gift-wrap-price\tgift-wrap-tax\titem-promotion-discount\tship-promotion-discount\tship-city\t"
    "ship-state\tship-postal-code\tship-country\tpromotion-ids\tis-business-order\t"
    "purchase-order-number\tprice-designation"
)
AMAZON_HEADER = AMAZON_HEADER_LINE.split("\t")
REPORT_DAYS = 365
CANCELLED = 0.015
SERVICE_LEVELS = ("Standard", "Expedited", "SecondDay")
SERVICE_ODDS = (0.7, 0.25, 0.05)
MERCHANT_SHIPPING = 5.99  # USD per order line, waived from FREE_SHIPPING_FROM
FREE_SHIPPING_FROM = 35.0
FREE_SHIPPING_PROMOTION = "US Core Free Shipping Promotion 5487213091"


def _amazon_lines(lines: pl.DataFrame, plan: pl.DataFrame, end: date) -> pl.DataFrame:
    first_day = end - timedelta(days=REPORT_DAYS - 1)
    listed = plan.select("sku", "asin", "fba", "title", "colour", "size")
    return (
        lines.filter(pl.col("channel") == "amazon", pl.col("date") >= first_day)
        .join(listed, on="sku", how="left", maintain_order="left")
        .with_columns(
            regular_price=pl.coalesce("compare_at_price", "unit_price"),
            product_name=pl.concat_str(
                pl.lit("Fernwood Outfitters ") + pl.col("title"),
                "colour",
                "size",
                separator=", ",
                ignore_nulls=True,
            ),
        )
    )


def _order_ids(count: int, rng: np.random.Generator) -> pl.Series:
    parts = zip(
        rng.integers(111, 115, count),
        rng.integers(0, 10**7, count),
        rng.integers(0, 10**7, count),
        strict=True,
    )
    return pl.Series([f"{a}-{b:07d}-{c:07d}" for a, b, c in parts])


def _orders(items: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Mostly one line per order; ~6% join the previous same-day order of the same channel."""
    count = items.height
    items = items.with_columns(_shuffle=pl.Series(rng.random(count))).sort(
        "date", "fba", "_shuffle"
    )
    joins = pl.Series(rng.random(count) < 0.06)
    same = (pl.col("date") == pl.col("date").shift()) & (pl.col("fba") == pl.col("fba").shift())
    items = items.with_columns(order_index=(~(same.fill_null(False) & joins)).cum_sum())
    items = merge_same_sku(items)
    orders = items.select("order_index").unique(maintain_order=True)
    hour = rng.choice(24, orders.height, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    us = destinations().filter(pl.col("country") == "US")
    where = us[
        rng.choice(us.height, orders.height, p=(us["chance"] / us["chance"].sum()).to_numpy())
    ]
    return (
        pl.concat([orders, where.select("city", "province", "zip", "tax_rate")], how="horizontal")
        .with_columns(
            amazon_order_id=_order_ids(orders.height, rng),
            seconds=pl.Series(hour * 3600 + rng.integers(0, 3600, orders.height)),
            ship_service_level=pl.Series(rng.choice(SERVICE_LEVELS, orders.height, p=SERVICE_ODDS)),
            business=pl.Series(rng.random(orders.height) < 0.03),
            fate=pl.Series(rng.random(orders.height)),
            upper_city=pl.Series(rng.random(orders.height) < 0.3),
        )
        .join(items.drop("_shuffle"), on="order_index", maintain_order="left_right")
    )


def _status(export_at: datetime) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """order-status, item-status and hours until the last update."""
    age = (pl.lit(export_at) - pl.col("purchased_at")).dt.total_hours()
    cancelled = pl.col("fate") < CANCELLED
    order = (
        pl.when(cancelled)
        .then(pl.lit("Cancelled"))
        .when(age < 6)
        .then(pl.lit("Pending"))
        .when(age < 30)
        .then(pl.lit("Shipping"))
        .otherwise(pl.lit("Shipped"))
    )
    item = order.replace({"Pending": "Unshipped", "Shipping": "Unshipped"})
    updated = pl.min_horizontal(age, pl.lit(2) + (pl.col("fate") * 1000) % 40)
    return order, item, updated


def _money() -> dict[str, pl.Expr]:
    priced = ~pl.col("order-status").is_in(["Cancelled", "Pending"])
    line_total = pl.col("quantity") * pl.col("regular_price")
    discount = pl.col("quantity") * (pl.col("unit_price") - pl.col("regular_price"))
    shipping = pl.when(~pl.col("fba")).then(MERCHANT_SHIPPING).otherwise(0.0)
    free_ship = (shipping > 0) & (line_total >= FREE_SHIPPING_FROM)
    promotions = pl.concat_str(
        pl.when(pl.col("promotion").is_not_null()).then(pl.lit("Fernwood ") + pl.col("promotion")),
        pl.when(free_ship).then(pl.lit(FREE_SHIPPING_PROMOTION)),
        separator=",",
        ignore_nulls=True,
    )
    tax = ((line_total + discount) * pl.col("tax_rate") / 100).round(2)
    return {
        "item-price": pl.when(priced).then(line_total),
        "item-tax": pl.when(priced).then(tax),
        "shipping-price": pl.when(priced).then(shipping),
        "shipping-tax": pl.when(priced).then(0.0),
        "gift-wrap-price": pl.when(priced).then(0.0),
        "gift-wrap-tax": pl.when(priced).then(0.0),
        "item-promotion-discount": pl.when(priced).then(discount.round(2)),
        "ship-promotion-discount": pl.when(priced).then(
            pl.when(free_ship).then(-shipping).otherwise(0.0)
        ),
        "promotion-ids": pl.when(priced & (promotions != "")).then(promotions),
    }


def _report_cells(item_status: pl.Expr) -> dict[str, pl.Expr]:
    """Every column of the report, as expressions over the staged order lines."""
    cancelled = pl.col("order-status") == "Cancelled"
    city = pl.col("city")
    text = {"merchant-order-id", "order-channel", "url", "purchase-order-number"}
    return {
        **{name: pl.lit(None, pl.String) for name in text},
        "amazon-order-id": pl.col("amazon_order_id"),
        "purchase-date": amazon_timestamp(pl.col("purchased_at")),
        "last-updated-date": amazon_timestamp(pl.col("updated_at")),
        "order-status": pl.col("order-status"),
        "fulfillment-channel": pl.when("fba").then(pl.lit("Amazon")).otherwise(pl.lit("Merchant")),
        "sales-channel": pl.lit("Amazon.com"),
        "ship-service-level": pl.col("ship_service_level"),
        "product-name": pl.col("product_name"),
        "sku": pl.col("sku"),
        "asin": pl.col("asin"),
        "item-status": item_status,
        "quantity": pl.when(cancelled).then(0).otherwise("quantity"),
        "currency": pl.lit("USD"),
        **_money(),
        "ship-city": pl.when("upper_city").then(city.str.to_uppercase()).otherwise(city),
        "ship-state": pl.col("province"),
        "ship-postal-code": pl.col("zip"),
        "ship-country": pl.lit("US"),
        "is-business-order": pl.col("business").cast(pl.String),
        "price-designation": pl.when("business").then(pl.lit("Business Price")),
    }


def amazon_all_orders(
    lines: pl.DataFrame, plan: pl.DataFrame, *, end: date, seed: int = 7
) -> pl.DataFrame:
    """The All Orders Report's 32 columns for the last 12 months of Amazon lines, oldest first."""
    rng = np.random.default_rng([seed, 6])
    export_at = datetime.combine(end + timedelta(days=1), datetime.min.time())
    orders = _orders(_amazon_lines(lines, plan, end), rng).with_columns(
        purchased_at=pl.col("date").cast(pl.Datetime("us")) + pl.duration(seconds="seconds")
    )
    order_status, item_status, updated_hours = _status(export_at)
    staged = orders.with_columns(order_status.alias("order-status")).with_columns(
        updated_at=pl.col("purchased_at") + pl.duration(seconds=updated_hours * 3600)
    )
    cells = _report_cells(item_status)
    ordered = staged.sort("purchased_at", "amazon_order_id", maintain_order=True)
    return ordered.select(cells[name].alias(name) for name in AMAZON_HEADER)
