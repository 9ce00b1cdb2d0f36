"""The day-by-day replay: hand-worked cases and invariants."""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from icebergops.inventory.simulation import (
    SellerRule,
    SkuTerms,
    order_up_to,
    replay,
    seller_rule,
    summary,
)


def _terms(n: int, lead: float = 2.0, pack: int = 1, moq: int = 0) -> SkuTerms:
    return SkuTerms(
        skus=[f"S{i}" for i in range(n)],
        lead_days=np.full(n, lead),
        case_pack=np.full(n, pack),
        moq=np.full(n, moq),
        value=np.full(n, 3.0),
        price=np.full(n, 10.0),
    )


def test_order_up_to_by_hand() -> None:
    # 2 units a day, lead time 2, review every day, level 6, starting with 6 on the shelf.
    demand = np.full((6, 1), 2.0)
    result = replay(
        demand,
        _terms(1),
        start_stock=np.array([6.0]),
        review_days=1,
        decide=order_up_to(np.array([[6.0]]), np.array([0])),
    )
    # day 0: position 6, no order; sells 2 → 4. day 1: position 4, orders 2 (arrive day 3);
    # sells 2 → 2. day 2: position 2 + 2 on order, orders 2 (day 4); sells 2 → 0. days 3-5:
    # 2 arrive, position 2 + 2 on order, orders 2, sells 2 → 0. Every unit sold, four days
    # closing empty, five orders.
    row = result.per_sku.row(0, named=True)
    assert row["demand_units"] == 12 and row["served_units"] == 12 and row["lost_units"] == 0
    assert row["stockout_days"] == 4
    assert row["purchase_orders"] == 5
    assert list(result.daily_value) == [12.0, 6.0, 0.0, 0.0, 0.0, 0.0]


def test_seller_rule_orders_days_of_average_sales() -> None:
    demand = np.vstack([np.full((30, 1), 1.0), np.zeros((10, 1))])
    rule = SellerRule(margin_days=0, order_days=30, average_days=30)
    result = replay(
        demand, _terms(1, lead=5.0), start_stock=np.array([0.0]), review_days=10,
        decide=seller_rule(rule, np.array([5.0])), warmup=30,
    )  # fmt: skip
    # at day 30 the average is 1/day and cover 0 < 5 days: 30 units ordered, arriving day 35
    assert result.per_sku["purchase_orders"][0] == 1
    assert result.daily_value[-1] == 30 * 3.0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=5, max_size=40),
    st.integers(1, 6),
    st.integers(1, 10),
    st.integers(0, 13),
)
def test_replay_invariants(rows: list[list[int]], pack: int, lead: int, moq: int) -> None:
    demand = np.array(rows, dtype=float)
    levels = np.array([[5.0, 20.0, 0.0]])
    result = replay(
        demand, _terms(3, lead=float(lead), pack=pack, moq=moq), start_stock=np.zeros(3),
        review_days=2, decide=order_up_to(levels, np.array([0])),
    )  # fmt: skip
    t = result.per_sku
    assert (t["served_units"] <= t["demand_units"]).all()
    assert (t["lost_units"] >= 0).all()
    assert (result.daily_value >= 0).all()
    assert t["purchase_orders"][2] == 0  # a level of 0 never orders
    table = summary({"p": result}, ["A", "A", "B"])
    assert 0 <= table["purchase_orders"][0] <= table["purchase_order_lines"][0]
    fill = table["fill_rate"][0]
    assert fill is None or 0.0 <= fill <= 1.0


def test_summary_counts_one_purchase_order_per_supplier_and_review() -> None:
    demand = np.full((4, 2), 1.0)
    result = replay(
        demand, _terms(2), start_stock=np.zeros(2), review_days=2,
        decide=order_up_to(np.array([[3.0, 3.0]]), np.array([0])),
    )  # fmt: skip
    both = summary({"p": result}, ["Acme", "Acme"])
    apart = summary({"p": result}, ["Acme", "Bolt"])
    # day 0 orders 3 of each; on day 2 they arrive, the position is back at 3: no order
    assert both["purchase_order_lines"][0] == apart["purchase_order_lines"][0] == 2
    assert both["purchase_orders"][0] == 1 and apart["purchase_orders"][0] == 2
    assert isinstance(both, pl.DataFrame)
