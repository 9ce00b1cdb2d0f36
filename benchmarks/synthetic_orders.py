"""A synthetic Shopify orders export, as large as wanted, that reads like a real one.

Orders of 1–4 lines (mean 1.3) over two years; order-level cells (statuses, money totals,
addresses, payment, tags…) only on an order's first line, as Shopify writes them; ``Name``,
``Email``, ``Created at``, ``Vendor`` and the ``Lineitem`` cells on every line; 5,000 SKUs with a
long tail; 3 % cancelled; Excel-guarded ZIPs (``'53122``). Vectorised and written in chunks of
500,000 lines with a fixed seed: the same size always gives the same file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

CHUNK_LINES = 500_000
SKUS = 5_000
SEED = 20230531
HEADER_LINE = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,"
    "Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,"
    "Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,"
    "Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,"
    "Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,"
    "Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,"
    "Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,"
    "Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,"
    "Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,"
    "Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,"
    "Payment Terms Name,Next Payment Due At,Payment References"
)
HEADER = HEADER_LINE.split(",")
# Cells Shopify writes on every line of an order; all others only on its first line.
EVERY_LINE = {"Name", "Email", "Created at", "Vendor", *(c for c in HEADER if "Lineitem" in c)}
START = 1_654_041_600  # 2022-06-01: two years of orders from here
CHOICES: dict[str, dict[str, float]] = {  # order-level cells, with their weights ("" = empty)
    "Accepts Marketing": {"yes": 5, "no": 1},
    "Shipping Method": {"Shipping & Handling": 4, "free": 1},
    "Shipping City": {"Elm Grove": 1, "Erie": 1, "Tahlequah": 1, "Lawrenceville": 1},
    "Payment Method": {"Shopify Payments": 6, "PayPal Express Checkout": 3, "Stripe": 1},
    "Tags": {"GrowLTV": 5, "": 4, "Subscription, Subscription Recurring Order": 2},
    "Source": {"web": 6, "subscription_contract": 3, "shopify_draft_order": 1},
    "Discount Code": {"": 12, "MOM20": 1},
}
CONSTANT = {"Currency": "USD", "Risk Level": "Low", "Tax 1 Name": "State Tax 6%"}
CONSTANT |= dict.fromkeys(
    ["Shipping", "Discount Amount", "Refunded Amount", "Outstanding Balance"], "0.00"
)
CONSTANT |= dict.fromkeys(["Billing Name", "Shipping Name"], "REDACTED")
CONSTANT |= dict.fromkeys(["Billing Country", "Shipping Country"], "US")
LINE_CONSTANT = {"Lineitem requires shipping": "true", "Lineitem taxable": "true"}
LINE_CONSTANT |= {"Lineitem discount": "0.00"}


def _money(cents: np.ndarray) -> pl.Series:
    """Cents as ``74.22``."""
    whole, part = pl.Series(cents // 100).cast(pl.String), pl.Series(cents % 100).cast(pl.String)
    return whole + "." + part.str.zfill(2)


def _shopify_time(seconds: np.ndarray) -> pl.Series:
    """``2023-05-31 23:06:04 -0700``, null for NaN; US daylight saving, roughly March to October."""
    t = pl.from_epoch(pl.Series(seconds).cast(pl.Int64, strict=False), time_unit="s")
    summer = t.dt.month().is_between(3, 10)
    offset = pl.when(summer).then(pl.lit(" -0700")).otherwise(pl.lit(" -0800"))
    return pl.select(pl.concat_str(t.dt.strftime("%Y-%m-%d %H:%M:%S"), offset)).to_series()


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> pl.Series:
    p = np.array(list(weights.values())) / sum(weights.values())
    return pl.Series(list(weights))[rng.choice(len(weights), n, p=p)].replace("", None)


def catalogue(rng: np.random.Generator) -> pl.DataFrame:
    """``SKUS`` variants: sku, name, price (cents) and vendor."""
    colours, sizes = ["Black", "Blue", "Red", "Green", "Grey"], ["S", "M", "L", "XL"]
    families = ["Calming Blanket", "Pee Pads", "Nail Grinder", "Chew Toy", "Travel Bowl", "Harness"]
    rows = [(i, families[i % 6], colours[i // 6 % 5], sizes[i // 30 % 4]) for i in range(SKUS)]
    return pl.DataFrame(
        {
            "Lineitem sku": [f"{f[:4].upper()}-{c[:3].upper()}-{s}-{i:04d}" for i, f, c, s in rows],
            "Lineitem name": [f"{f} {i // 120 + 1} - {c} / {s}" for i, f, c, s in rows],
            "price_cents": rng.integers(499, 8999, SKUS),
            "Vendor": [("Alpha Paw", "Tailwind Pets", "Nordic Hound")[i % 3] for i, *_ in rows],
        }
    )


def order_cells(
    rng: np.random.Generator, ids: np.ndarray, created: np.ndarray, cents: np.ndarray
) -> pl.DataFrame:
    """One row per order of its cells, ``created`` in epoch seconds, ``cents`` its subtotal."""
    n = len(ids)
    cancelled, refunded = rng.random(n) < 0.03, rng.random(n) < 0.02
    shipped = ~cancelled & (rng.random(n) < 0.95)
    later = {"Paid": (0, 5, np.full(n, True)), "Fulfilled": (3_600, 4 * 86_400, shipped)}
    later["Cancelled"] = (600, 3 * 86_400, cancelled)
    guard = rng.random(n) < 0.7
    zips = pl.Series(rng.integers(501, 99_950, n)).cast(pl.String).str.zfill(5)
    state = _pick(
        rng, {"WI:Wisconsin": 3, "NJ:New Jersey": 2, "OK:Oklahoma": 1, "CA:California": 4}, n
    )
    reference = pl.Series(ids * 7919 % 10**10).cast(pl.String)
    frame = pl.DataFrame(
        {
            "Created at": _shopify_time(created),
            "Subtotal": _money(cents),
            "Taxes": _money(np.rint(cents * 0.06).astype(np.int64)),
            "Total": _money(np.rint(cents * 1.06).astype(np.int64)),
            "Financial Status": np.where(cancelled, "voided", np.where(refunded, "refunded", "paid")),
            "Fulfillment Status": np.where(shipped, "fulfilled", "unfulfilled"),
            "Lineitem fulfillment status": np.where(shipped, "fulfilled", "pending"),
            **{f"{k} at": _shopify_time(np.where(mask, created + rng.integers(lo, hi, n), np.nan))
               for k, (lo, hi, mask) in later.items()},
            **{k: _pick(rng, w, n) for k, w in CHOICES.items()},
            "Shipping Zip": pl.select(pl.when(pl.lit(pl.Series(guard))).then("'" + zips)
                                      .otherwise(zips + "-1063")).to_series(),
            "Shipping Province": state.str.split(":").list.get(0),
            "Shipping Province Name": state.str.split(":").list.get(1),
            "Payment Reference": "ref_" + reference,
            "Id": pl.Series(ids + 5_090_000_000_000).cast(pl.String),
        }
    )  # fmt: skip
    return frame.with_columns(
        *(pl.lit(value).alias(name) for name, value in CONSTANT.items()),
        *(pl.col(f"Shipping {c}").alias(f"Billing {c}") for c in ("Zip", "Province", "City")),
        pl.col("Shipping Province Name").alias("Billing Province Name"),
        pl.col("Payment Reference").alias("Payment ID"),
        pl.col("Payment Reference").alias("Payment References"),
        pl.col("Taxes").alias("Tax 1 Value"),
    )


def orders_chunk(
    rng: np.random.Generator, first_order: int, lines: int, orders_total: int, skus: pl.DataFrame
) -> tuple[pl.DataFrame, int]:
    """``lines`` export lines starting at order ``first_order``; also returns the orders used."""
    sizes = rng.choice(4, int(lines / 1.2) + 100, p=[0.78, 0.15, 0.05, 0.02]) + 1
    n = int(np.searchsorted(np.cumsum(sizes), lines)) + 1
    order = np.repeat(np.arange(n), sizes[:n])[:lines]
    rank = 1.0 / (np.arange(SKUS) + 20.0) ** 1.1  # a long tail of slow sellers
    items = skus[rng.choice(SKUS, lines, p=rank / rank.sum())]
    quantity = rng.choice([1, 2, 3, 4, 6], lines, p=[0.7, 0.18, 0.07, 0.03, 0.02])
    cents = np.bincount(order, weights=quantity * items["price_cents"].to_numpy(), minlength=n)
    cents = cents.astype(np.int64)
    spacing = 2 * 365 * 86_400 / orders_total  # two years of orders, in seconds
    ids = first_order + np.arange(n)
    orders = order_cells(rng, ids, START + (ids + rng.random(n)) * spacing, cents)
    emails = pl.Series(rng.integers(0, n, n)).cast(pl.String)
    orders = orders.with_columns(
        pl.Series("order", np.arange(n)),
        ("#AP-" + pl.Series(ids + 100_001).cast(pl.String)).alias("Name"),
        ("cust_" + emails + "@example.invalid").alias("Email"),
    )
    frame = items.with_columns(
        pl.Series("order", order),
        pl.Series("first", np.r_[True, order[1:] != order[:-1]]),
        pl.Series("Lineitem quantity", quantity).cast(pl.String),
        _money(items["price_cents"].to_numpy()).alias("Lineitem price"),
        *(pl.lit(value).alias(name) for name, value in LINE_CONSTANT.items()),
    ).join(orders, on="order", how="left", maintain_order="left")
    return frame.select(_export_cell(c, frame.columns) for c in HEADER), n


def _export_cell(column: str, present: list[str]) -> pl.Expr:
    if column not in present:
        return pl.lit(None, pl.String).alias(column)
    return pl.col(column) if column in EVERY_LINE else pl.when("first").then(pl.col(column))


def write_orders_export(path: Path, lines: int) -> None:
    """Write a Shopify orders export of ``lines`` lines, in chunks so memory stays bounded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    skus, orders, written = catalogue(rng), 0, 0
    partial = path.with_suffix(".part")
    with partial.open("wb") as handle:
        while written < lines:
            size = min(CHUNK_LINES, lines - written)
            frame, used = orders_chunk(rng, orders, size, int(lines / 1.3), skus)
            frame.write_csv(handle, include_header=written == 0)
            orders, written = orders + used, written + size
    partial.rename(path)
