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
    """SKUs and a days × SKUs array of units from ``first`` to ``last`` (zeros before a launch)."""
    days = pl.DataFrame({"day": pl.date_range(first, last, "1d", eager=True)})
    wide = history.filter(pl.col("day").is_between(first, last)).pivot(
        on="sku", index="day", values="units", aggregate_function="sum"
    )
    wide = days.join(wide, on="day", how="left").fill_null(0).drop("day")
    skus = sorted(wide.columns)
    return skus, wide.select(skus).to_numpy().astype(float)


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
        origins = sorted(own["origin"].unique())
        grid = own.pivot(on="sku", index="origin", values="order_up_to", aggregate_function="first")
        grid = grid.sort("origin")
        targets = np.stack(
            [grid[sku].fill_null(0.0).to_numpy() if sku in grid.columns else np.zeros(len(origins))
             for sku in skus], axis=1,
        )  # fmt: skip
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
