"""Replay an ordering policy day by day over a stretch of real demand, every SKU at once.

Each day: stock due arrives, customers buy what is on the shelf (demand beyond it is lost: an
online shopper buys elsewhere), and on review days the policy decides what to order; an order
arrives after the SKU's lead time. Two policies: the order-up-to levels the restock plan
recommends (recomputed at each forecast origin from the history before it), and the seller's
current rule of thumb. Both start at their own level (stock history before the replay is
unknown) and see the same demand, lead times, case packs and MOQs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

Decide = Callable[[int, np.ndarray, np.ndarray], np.ndarray]  # (day, position, past) → raw units


@dataclass(frozen=True)
class SellerRule:
    """ "Reorder when cover < lead time + ``margin_days``, order ``order_days`` of average sales"
    (the average over the last ``average_days``): the spreadsheet rule this tool replaces."""

    margin_days: float = 14.0
    order_days: float = 30.0
    average_days: int = 30


@dataclass(frozen=True)
class SkuTerms:
    """Per SKU, in the order of the demand array's columns."""

    skus: list[str]
    lead_days: np.ndarray  # days from order to arrival
    case_pack: np.ndarray  # units per case (≥ 1)
    moq: np.ndarray  # units
    value: np.ndarray  # per unit of stock: unit cost, or selling price where the cost is unknown
    price: np.ndarray  # per unit of lost sales


@dataclass(frozen=True)
class Replay:
    """Per SKU results and the daily stock value of one policy."""

    per_sku: pl.DataFrame  # sku, demand, served, lost_units, lost_revenue, stockout_days, …
    daily_value: np.ndarray  # stock value at each day's close, summed over SKUs
    ordered: np.ndarray  # reviews × SKUs: whether each review ordered the SKU


def round_orders(raw: np.ndarray, case_pack: np.ndarray, moq: np.ndarray) -> np.ndarray:
    """Raw needs → whole cases, at least the MOQ (in whole cases), 0 where nothing is needed.

    >>> round_orders(np.array([13.4, 3.0, 0.0]), np.array([6, 6, 6]), np.array([10, 10, 10]))
    array([18, 12,  0])
    """
    units = np.ceil(np.maximum(raw - 1e-9, 0.0)).astype(np.int64)
    cases = -(-units // case_pack) * case_pack
    floor = -(-moq // case_pack) * case_pack
    return np.where(raw > 1e-9, np.maximum(cases, floor), 0)


def replay(
    demand: np.ndarray,
    terms: SkuTerms,
    *,
    start_stock: np.ndarray,
    review_days: int,
    decide: Decide,
    warmup: int = 0,
    burn_in: int = 0,
) -> Replay:
    """Replay ``demand`` (days × SKUs, units) from day ``warmup``; ``decide`` sees the day,
    the inventory position and the demand before that day, and returns raw units to order.

    Days before ``warmup`` only feed ``decide``'s averages; the first ``burn_in`` days replayed
    are not scored (stock then reflects the assumed start, not the policy). ``daily_value``
    covers the scored days.
    """
    days, n = demand.shape
    lead = np.maximum(np.rint(terms.lead_days).astype(np.int64), 1)
    arrivals = np.zeros((days + int(lead.max()) + 1, n))
    on_hand = start_stock.astype(float).copy()
    on_order = np.zeros(n)
    served = np.zeros(n)
    stockout_days = np.zeros(n, dtype=np.int64)
    orders = np.zeros(n, dtype=np.int64)
    stock_days = np.zeros(n)
    scored_from = warmup + burn_in
    daily_value = np.zeros(days - scored_from)
    columns = np.arange(n)
    ordered = []
    for day in range(warmup, days):
        on_hand += arrivals[day]
        on_order -= arrivals[day]
        if (day - warmup) % review_days == 0:
            raw = decide(day, on_hand + on_order, demand[:day])
            quantity = round_orders(raw, terms.case_pack, terms.moq)
            arrivals[day + lead, columns] += quantity
            on_order += quantity
            orders += quantity > 0
            ordered.append(quantity > 0)
        sold = np.minimum(on_hand, demand[day])
        on_hand -= sold
        if day < scored_from:
            continue
        served += sold
        stockout_days += on_hand <= 0  # out of stock at the day's close
        stock_days += on_hand
        daily_value[day - scored_from] = float(on_hand @ terms.value)
    wanted = demand[scored_from:].sum(axis=0)
    lost = wanted - served
    stockout_days = np.where(wanted > 0, stockout_days, 0)  # an unsold SKU is not "out"
    per_sku = pl.DataFrame(
        {
            "sku": terms.skus,
            "demand_units": wanted,
            "served_units": served,
            "lost_units": lost,
            "lost_revenue": lost * terms.price,
            "stockout_days": stockout_days,
            "average_stock_units": stock_days / (days - scored_from),
            "average_stock_value": stock_days / (days - scored_from) * terms.value,
            "purchase_orders": orders,
        }
    )
    return Replay(per_sku, daily_value, np.array(ordered).reshape(-1, n))


def seller_rule(rule: SellerRule, lead_days: np.ndarray) -> Decide:
    """The seller's rule as a ``decide`` function for :func:`replay`."""

    def decide(day: int, position: np.ndarray, past: np.ndarray) -> np.ndarray:
        average = past[-rule.average_days :].mean(axis=0) if day else np.zeros(position.shape)
        cover = np.divide(position, average, out=np.full(position.shape, np.inf), where=average > 0)
        due = cover < lead_days + rule.margin_days
        return np.where(due, rule.order_days * average, 0.0)

    return decide


def order_up_to(levels: np.ndarray, origins: np.ndarray) -> Decide:
    """Order up to the level in force on each day (``levels``: origins × SKUs, ``origins``:
    the first day each row applies from, ascending)."""

    def decide(day: int, position: np.ndarray, past: np.ndarray) -> np.ndarray:
        row = int(np.searchsorted(origins, day, side="right")) - 1
        target = levels[max(row, 0)]
        return np.where(position < target, target - position, 0.0)

    return decide


def summary(replays: dict[str, Replay], suppliers: list[str | None]) -> pl.DataFrame:
    """One row per policy: fill rate, stockout days, lost units and revenue, average stock
    value, purchase orders (one per supplier per review day with anything to order) and lines.
    ``suppliers`` names each SKU's supplier, in column order."""
    rows = []
    for name, result in replays.items():
        t = result.per_sku
        names = np.array([s or "" for s in suppliers])
        orders = sum(len(set(names[mask])) for mask in result.ordered)
        demand = float(t["demand_units"].sum())
        rows.append(
            {
                "policy": name,
                "fill_rate": float(t["served_units"].sum()) / demand if demand else None,
                "stockout_days": int(t["stockout_days"].sum()),
                "lost_units": float(t["lost_units"].sum()),
                "lost_revenue": float(t["lost_revenue"].fill_nan(None).sum()),
                "average_stock_value": float(result.daily_value.mean()),
                "purchase_orders": orders,
                "purchase_order_lines": int(t["purchase_orders"].sum()),
            }
        )
    schema = {"policy": pl.String, "fill_rate": pl.Float64, "stockout_days": pl.Int64,
              "lost_units": pl.Float64, "lost_revenue": pl.Float64,
              "average_stock_value": pl.Float64, "purchase_orders": pl.Int64,
              "purchase_order_lines": pl.Int64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema).with_columns(
        pl.col("fill_rate").round(4), pl.col("lost_units").round(0),
        pl.col("lost_revenue", "average_stock_value").round(2),
    )  # fmt: skip
