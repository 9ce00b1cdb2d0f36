"""Replay the recommended policy and the seller's rule over the same months of real demand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from icebergops.inventory.simulation import (
    Replay,
    SellerRule,
    SkuTerms,
    order_up_to,
    replay,
    seller_rule,
)

CURRENT = "current rule"


def demand_matrix(
    history: pl.DataFrame, *, first: date, last: date
) -> tuple[list[str], np.ndarray]:
    """SKUs and a days × SKUs array of units from ``first`` to ``last`` (zeros before a launch).

    >>> h = pl.DataFrame({"sku": ["B", "A"], "day": [date(2026, 1, 2), date(2026, 1, 1)],
    ...                   "units": [3, 1]})
    >>> demand_matrix(h, first=date(2026, 1, 1), last=date(2026, 1, 3))[1].tolist()
    [[1.0, 0.0], [0.0, 3.0], [0.0, 0.0]]
    """
    window = history.filter(pl.col("day").is_between(first, last))
    skus = sorted(window["sku"].unique().to_list())
    column = {sku: i for i, sku in enumerate(skus)}
    demand = np.zeros(((last - first).days + 1, len(skus)))
    rows = (window["day"] - first).dt.total_days().to_numpy()
    columns = window["sku"].replace_strict(column, return_dtype=pl.Int64).to_numpy()
    np.add.at(demand, (rows, columns), window["units"].cast(pl.Float64).to_numpy())
    return skus, demand


def compare_policies(
    history: pl.DataFrame,
    terms: pl.DataFrame,
    levels: pl.DataFrame,
    *,
    start: date,
    review_days: int = 7,
    rule: SellerRule | None = None,
    burn_in: int = 0,
) -> dict[str, Replay]:
    """Both policies over ``history`` from ``start`` to its last day.

    ``terms``: ``sku, lead_time_days, case_pack, moq, unit_cost, price`` per SKU; ``levels``:
    ``policy, origin, sku, order_up_to`` (each policy's level from each origin on). Stock is valued at unit
    cost, or at the selling price where the cost is unknown. Each policy starts at its own
    level: the order-up-to level of the first origin, and for the rule its trigger plus one
    order (lead time + margin + order days of average sales); the first ``burn_in`` days are
    replayed but not scored, so that the assumed start washes out.
    """
    rule = rule or SellerRule()
    last = history["day"].max()
    assert isinstance(last, date)
    first = start - timedelta(days=rule.average_days)
    skus, demand = demand_matrix(history, first=first, last=last)
    t = pl.DataFrame({"sku": skus}).join(terms, on="sku", how="left")
    lead = t["lead_time_days"].fill_null(14.0).to_numpy()
    pack = t["case_pack"].fill_null(1).clip(lower_bound=1).to_numpy()
    moq = t["moq"].fill_null(0).to_numpy()
    price = t["price"].fill_null(0.0).to_numpy()
    value = t["unit_cost"].fill_null(t["price"]).fill_null(0.0).to_numpy()
    warmup = (start - first).days
    terms_ = SkuTerms(skus, lead, pack, moq, value, price)
    replays = {}
    for (name,), own in levels.sort("policy").group_by("policy", maintain_order=True):
        origins, targets = _targets(own, skus)
        offsets = np.array([(o - first).days for o in origins])
        replays[str(name)] = replay(
            demand, terms_, start_stock=np.ceil(targets[0]), decide=order_up_to(targets, offsets),
            review_days=review_days, warmup=warmup, burn_in=burn_in,
        )  # fmt: skip
    average = demand[:warmup].mean(axis=0)
    own_level = np.ceil((lead + rule.margin_days + rule.order_days) * average)
    replays[CURRENT] = replay(
        demand, terms_, start_stock=own_level, decide=seller_rule(rule, lead),
        review_days=review_days, warmup=warmup, burn_in=burn_in,
    )  # fmt: skip
    return replays


def _targets(levels: pl.DataFrame, skus: list[str]) -> tuple[list[date], np.ndarray]:
    """Origins (ascending) and an origins × SKUs array of order-up-to levels (0 where none)."""
    origins = sorted(levels["origin"].unique().to_list())
    row = {origin: i for i, origin in enumerate(origins)}
    column = {sku: i for i, sku in enumerate(skus)}
    known = levels.filter(pl.col("sku").is_in(skus) & pl.col("order_up_to").is_not_null())
    targets = np.zeros((len(origins), len(skus)))
    targets[
        known["origin"].replace_strict(row, return_dtype=pl.Int64).to_numpy(),
        known["sku"].replace_strict(column, return_dtype=pl.Int64).to_numpy(),
    ] = known["order_up_to"].to_numpy()
    return origins, targets
