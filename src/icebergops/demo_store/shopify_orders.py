"""The demo store's Shopify orders: sales lines grouped into orders with customers, money, statuses.

Money is in USD. Times are naive store-local datetimes (US Eastern); the export adds the offset.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from icebergops.demo_store.geography import COLUMBUS, RENO, destinations, draw_destinations
from icebergops.demo_store.sales import merge_same_sku

ORDER_SIZES = np.array([1, 2, 3, 4])
ORDER_SIZE_ODDS = np.array([0.84, 0.11, 0.04, 0.01])
HOUR_WEIGHTS = np.array(
    [
        1.2,
        0.7,
        0.4,
        0.3,
        0.3,
        0.5,
        1.0,
        1.8,
        2.5,
        3.0,
        3.4,
        3.5,
        3.8,
        3.6,
        3.4,
        3.3,
        3.4,
        3.6,
        4.0,
        4.5,
        5.0,
        4.8,
        3.5,
        2.2,
    ]
)
PAYMENT_METHODS = ("Shopify Payments", "PayPal Express Checkout", "Shop Pay Installments")
PAYMENT_ODDS = (0.78, 0.17, 0.05)
SOURCES = ("web", "580111", "shopify_draft_order")  # 580111: the Shop app
SOURCE_ODDS = (0.86, 0.12, 0.02)
DISCOUNT_CODES = {"WELCOME10": 0.10, "TRAIL15": 0.15}
CANCELLED = 0.02  # of orders
REFUNDED = 0.03  # of fulfilled orders; 60% of these partially
FREE_SHIPPING_FROM = 75.0  # USD subtotal, US only
FIRST_ORDER_NUMBER = 1001


def group_into_orders(lines: pl.DataFrame, *, seed: int = 7) -> pl.DataFrame:
    """Shuffle each day's lines and cut them into baskets of 1-4 lines (mostly 1).

    Adds ``order_index`` (0, 1, … in date order) and ``line_number`` (1, 2, … within the order).
    """
    rng = np.random.default_rng([seed, 4])
    count = lines.height
    shuffled = lines.with_columns(_shuffle=pl.Series(rng.random(count))).sort("date", "_shuffle")
    bounds = np.cumsum(rng.choice(ORDER_SIZES, count, p=ORDER_SIZE_ODDS))
    basket = pl.Series("_basket", np.searchsorted(bounds, np.arange(count), side="right"))
    starts = (pl.col("_basket") != pl.col("_basket").shift()) | (
        pl.col("date") != pl.col("date").shift()
    )
    return (
        shuffled.with_columns(basket)
        .with_columns(order_index=starts.fill_null(True).cum_sum().cast(pl.Int64) - 1)
        .drop("_shuffle", "_basket")
        .pipe(merge_same_sku)
        .with_columns(line_number=pl.int_range(1, pl.len() + 1).over("order_index"))
    )


def _hex_ids(values: np.ndarray, template: str) -> pl.Series:
    return pl.Series([template.format(int(v)) for v in values])


def _order_headers(basket: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """One row per order: when, who, where, how they paid, and random draws for its fate."""
    first = basket.filter(pl.col("line_number") == 1).select("order_index", "date")
    count = first.height
    hour = rng.choice(24, count, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    seconds = pl.Series(hour * 3600 + rng.integers(0, 3600, count))
    where = destinations()[draw_destinations(count, rng)]
    customers = rng.integers(0, 2**40, int(count * 0.7))
    codes = rng.choice(["", *DISCOUNT_CODES], count, p=[0.94, 0.04, 0.02])
    return pl.concat([first, where], how="horizontal").with_columns(
        created_at=pl.col("date").cast(pl.Datetime("us")) + pl.duration(seconds=pl.lit(seconds)),
        email=_hex_ids(rng.choice(customers, count), "cust_{:010x}@example.invalid"),
        accepts_marketing=pl.Series(np.where(rng.random(count) < 0.45, "yes", "no")),
        payment_method=pl.Series(rng.choice(PAYMENT_METHODS, count, p=PAYMENT_ODDS)),
        payment_reference=_hex_ids(rng.integers(0, 2**40, count), "ref_{:010x}"),
        source=pl.Series(rng.choice(SOURCES, count, p=SOURCE_ODDS)),
        discount_code=pl.Series(codes).replace("", None),
        expedited=pl.Series(rng.random(count) < 0.1),
        fulfil_hours=pl.Series(rng.uniform(3, 30, count)),
        fate=pl.Series(rng.random(count)),
        chance=pl.Series(rng.random(count)),
    )


def _priced_items(
    basket: pl.DataFrame, headers: pl.DataFrame, catalogue: pl.DataFrame, plan: pl.DataFrame
) -> pl.DataFrame:
    """Line items with their name, vendor, line total and share of the order's discount code."""
    details = catalogue.select("sku", "title", "variant_title", "vendor").join(
        plan.select("sku", "stocked_in_reno"), on="sku", maintain_order="left"
    )
    rate = pl.col("discount_code").replace_strict(DISCOUNT_CODES, default=0.0)
    return (
        basket.join(
            headers.select("order_index", "discount_code"), on="order_index", maintain_order="left"
        )
        .join(details, on="sku", how="left", maintain_order="left")
        .with_columns(line_total=pl.col("quantity") * pl.col("unit_price"))
        .with_columns(
            line_discount=(pl.col("line_total") * rate).round(2),
            lineitem_name=pl.when(pl.col("variant_title") != "")
            .then(pl.format("{} - {}", "title", "variant_title"))
            .otherwise("title"),
        )
    )


def _shipping() -> tuple[pl.Expr, pl.Expr]:
    """Shipping method and price (USD): free US standard from $75, flat rates otherwise."""
    us = pl.col("country") == "US"
    method = (
        pl.when(us & pl.col("expedited"))
        .then(pl.lit("Expedited Shipping"))
        .when(us & (pl.col("subtotal") >= FREE_SHIPPING_FROM))
        .then(pl.lit("Free Standard Shipping"))
        .when(us)
        .then(pl.lit("Standard Shipping"))
        .otherwise(pl.lit("International Standard"))
    )
    prices = {"Expedited Shipping": 14.95, "Free Standard Shipping": 0.0, "Standard Shipping": 6.95}
    price = method.replace_strict(prices, default=None, return_dtype=pl.Float64)
    return method, price.fill_null(pl.when(pl.col("country") == "CA").then(14.95).otherwise(24.95))


def _with_money(headers: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    """Subtotal (after discount), shipping, taxes, total; the fulfilling warehouse."""
    sums = items.group_by("order_index", maintain_order=True).agg(
        merchandise=pl.col("line_total").sum(),
        discount_amount=pl.col("line_discount").sum().round(2),
        reno_stocks_all=pl.col("stocked_in_reno").all(),
        line_count=pl.len(),
    )
    method, price = _shipping()
    taxed = pl.col("subtotal") <= pl.col("tax_threshold")
    return (
        headers.join(sums, on="order_index", maintain_order="left")
        .with_columns(subtotal=(pl.col("merchandise") - pl.col("discount_amount")).round(2))
        .with_columns(
            shipping_method=method,
            shipping=price,
            taxes=pl.when(taxed)
            .then(pl.col("subtotal") * pl.col("tax_rate") / 100)
            .otherwise(0.0)
            .round(2),
            location=pl.when((pl.col("warehouse") == RENO) & ~pl.col("reno_stocks_all"))
            .then(pl.lit(COLUMBUS))
            .otherwise("warehouse"),
        )
        .with_columns(total=(pl.col("subtotal") + pl.col("shipping") + pl.col("taxes")).round(2))
    )


def _financial_status(is_open: pl.Expr) -> pl.Expr:
    fate, chance = pl.col("fate"), pl.col("chance")
    cancelled = (fate < CANCELLED) & ~is_open
    refunded = (fate >= CANCELLED) & (fate < CANCELLED + REFUNDED) & ~is_open
    return (
        pl.when(cancelled & (chance < 0.7))
        .then(pl.lit("refunded"))
        .when(cancelled)
        .then(pl.lit("voided"))
        .when(refunded & (chance < 0.6))
        .then(pl.lit("partially_refunded"))
        .when(refunded)
        .then(pl.lit("refunded"))
        .when(is_open & (chance > 0.85))
        .then(pl.lit("pending"))
        .otherwise(pl.lit("paid"))
    )


def _with_statuses(headers: pl.DataFrame, *, end: date) -> pl.DataFrame:
    """Cancellations (~2%), refunds (~3%, most partial), and the orders still open at export."""
    export_at = datetime.combine(end + timedelta(days=1), datetime.min.time())
    ready_at = pl.col("created_at") + pl.duration(seconds=pl.col("fulfil_hours") * 3600)
    is_open = ready_at > export_at
    cancelled = (pl.col("fate") < CANCELLED) & ~is_open
    partly_shipped = is_open & (pl.col("line_count") > 1) & (pl.col("chance") < 0.5)
    status = pl.col("financial_status")
    return headers.with_columns(
        financial_status=_financial_status(is_open),
        fulfillment_status=pl.when(partly_shipped)
        .then(pl.lit("partial"))
        .when(is_open | cancelled)
        .then(pl.lit("unfulfilled"))
        .otherwise(pl.lit("fulfilled")),
        fulfilled_at=pl.when(~is_open & ~cancelled).then(ready_at),
        cancelled_at=pl.when(cancelled).then(ready_at - pl.duration(hours=2)),
        risk_level=pl.when(cancelled & (pl.col("chance") > 0.5))
        .then(pl.lit("High"))
        .otherwise(pl.lit("Low")),
    ).with_columns(
        paid_at=pl.when(~status.is_in(["pending", "voided"])).then(
            pl.col("created_at") + pl.duration(seconds=1)
        ),
        refunded_amount=pl.when(status == "refunded")
        .then(pl.col("total"))
        .when(status == "partially_refunded")
        .then((pl.col("total") * (0.2 + 0.4 * pl.col("fate") / (CANCELLED + REFUNDED))).round(2))
        .otherwise(0.0),
        outstanding_balance=pl.when(status == "pending").then(pl.col("total")).otherwise(0.0),
        tags=pl.when(pl.col("country") != "US").then(pl.lit("international")),
    )


def _numbered(headers: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Order names ``#1001``, … and 13-digit ids, both increasing with creation time."""
    ordered = headers.sort("created_at", "order_index")
    steps = rng.integers(20_000, 900_000, ordered.height)
    return ordered.with_columns(
        order_name=pl.format("#{}", pl.int_range(pl.len()) + FIRST_ORDER_NUMBER),
        shopify_id=pl.Series(6_012_345_000_000 + np.cumsum(steps)),
    )


def shopify_orders(
    lines: pl.DataFrame,
    catalogue: pl.DataFrame,
    plan: pl.DataFrame,
    *,
    end: date,
    seed: int = 7,
) -> pl.DataFrame:
    """One row per Shopify line item with its order's attributes, newest order first.

    ``lines`` are :func:`~icebergops.demo_store.sales.sales_lines`; only the ``shopify`` channel
    is used. Order-level columns repeat on every line here; the export blanks them.
    """
    rng = np.random.default_rng([seed, 5])
    basket = group_into_orders(lines.filter(pl.col("channel") == "shopify"), seed=seed)
    headers = _order_headers(basket, rng)
    items = _priced_items(basket, headers, catalogue, plan)
    headers = _numbered(_with_statuses(_with_money(headers, items), end=end), rng)
    line_status = (pl.col("fulfillment_status") == "fulfilled") | (
        (pl.col("fulfillment_status") == "partial") & (pl.col("line_number") == 1)
    )
    return (
        items.drop("discount_code", "date")
        .join(headers, on="order_index", maintain_order="left")
        .with_columns(
            line_fulfillment_status=pl.when(line_status)
            .then(pl.lit("fulfilled"))
            .otherwise(pl.lit("pending"))
        )
        .sort(["created_at", "order_index", "line_number"], descending=[True, True, False])
    )
