"""Fitting a plan to a budget: literal cuts by margin, and the invariants with hypothesis."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icebergops.errors import ConfigError, InputError
from icebergops.inventory.budget import deferred, fit_budget
from icebergops.inventory.policy import plan_restock

TODAY = date(2026, 3, 2)


def plan(
    prices: list[float | None],
    *,
    unit_cost: list[float | None] | None = None,
    case_pack: list[int] | None = None,
    moq: list[int] | None = None,
    std: float = 0.0,
) -> pl.DataFrame:
    """SKUs selling 1 a day; L = 10, R = 7: each orders 17 units from nothing on hand."""
    n = len(prices)
    skus = [f"s{i}" for i in range(n)]
    return plan_restock(
        pl.DataFrame(
            {
                "sku": skus,
                "demand_per_day": [1.0] * n,
                "demand_std_per_day": [std] * n,
                "price": prices,
            }
        ),
        pl.DataFrame({"sku": skus, "on_hand": [0] * n}),
        pl.DataFrame(
            {
                "sku": skus,
                "supplier": ["acme"] * n,
                "unit_cost": unit_cost or [1.0] * n,
                "case_pack": case_pack or [1] * n,
                "moq": moq or [0] * n,
                "lead_time_days": [10.0] * n,
            },
            schema_overrides={"unit_cost": pl.Float64},
        ),
        today=TODAY,
    )


def test_a_budget_above_the_total_changes_nothing() -> None:
    before = plan([5.0, 3.0])
    after = fit_budget(before, budget=1000.0)
    assert after.get_column("order_quantity").to_list() == [17, 17]
    assert after.get_column("deferred_quantity").to_list() == [0, 0]
    assert after.get_column("deferred_margin").to_list() == [0.0, 0.0]
    assert deferred(after).is_empty()


def test_the_low_margin_sku_is_cut_first() -> None:
    # every unit sells for sure (no spread): margin per unit of money 9 for s0, 1 for s1
    after = fit_budget(plan([10.0, 2.0]), budget=20.0)
    assert after.select(
        "order_quantity", "deferred_quantity", "order_value", "deferred_margin"
    ).rows() == [
        (17, 0, 17.0, 0.0),
        (3, 14, 3.0, 14.0),
    ]
    assert deferred(after).get_column("sku").to_list() == ["s1"]


def test_with_uncertain_demand_the_top_units_of_a_sku_go_before_another_skus_likely_units() -> None:
    # same margins; s0's top units are unlikely to sell, so s1 keeps more than half the money
    after = fit_budget(plan([2.0, 2.0], std=3.0), budget=30.0)
    kept = after.get_column("order_quantity").to_list()
    assert sum(kept) == 30
    assert abs(kept[0] - kept[1]) <= 1  # symmetric SKUs share evenly


def test_an_moq_is_bought_whole_or_not_at_all() -> None:
    before = plan([4.0], case_pack=[2], moq=[10])  # 17 → 18 in cases of 2
    assert before.get_column("order_quantity").item() == 18
    assert fit_budget(before, budget=9.0).get_column("order_quantity").item() == 0
    assert fit_budget(before, budget=11.0).get_column("order_quantity").item() == 10
    assert fit_budget(before, budget=13.9).get_column("order_quantity").item() == 12


def test_money_a_blocked_sku_cannot_use_goes_to_the_next() -> None:
    # s0's MOQ block (60 units) is the best use of money but does not fit 50: s1 gets it
    before = plan([10.0, 3.0], case_pack=[60, 1], moq=[60, 0])
    after = fit_budget(before, budget=50.0)
    assert after.get_column("order_quantity").to_list() == [0, 17]


def test_bad_budgets_and_unpriced_orders() -> None:
    with pytest.raises(ConfigError):
        fit_budget(plan([1.0]), budget=-1.0)
    with pytest.raises(InputError, match="no unit cost"):
        fit_budget(plan([1.0], unit_cost=[None]), budget=10.0)


@st.composite
def plans(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(1, 8))
    skus = [f"s{i}" for i in range(n)]

    def column(strategy: st.SearchStrategy[object]) -> list[object]:
        return draw(st.lists(strategy, min_size=n, max_size=n))

    return plan_restock(
        pl.DataFrame(
            {
                "sku": skus,
                "demand_per_day": column(st.floats(0, 80)),
                "demand_std_per_day": column(st.floats(0, 40)),
                "price": column(st.one_of(st.none(), st.floats(0, 100))),
            },
            schema_overrides={"price": pl.Float64},
        ),
        pl.DataFrame({"sku": skus, "on_hand": column(st.integers(-20, 500))}),
        pl.DataFrame(
            {
                "sku": skus,
                "supplier": column(st.sampled_from(["a", "b"])),
                "unit_cost": column(st.floats(0.01, 60)),
                "case_pack": column(st.integers(1, 24)),
                "moq": column(st.integers(0, 200)),
                "lead_time_days": column(st.floats(1, 60)),
                "lead_time_std_days": column(st.floats(0, 10)),
            }
        ),
        today=TODAY,
    )


@settings(max_examples=80, deadline=None)
@given(plans(), st.floats(0, 1.2), st.integers(1, 30))
def test_the_budget_is_never_exceeded_and_orders_stay_orderable(
    before: pl.DataFrame, share: float, max_steps: int
) -> None:
    budget = share * float(before.get_column("order_value").sum())
    after = fit_budget(before, budget=budget, max_steps=max_steps)
    assert after.get_column("order_value").sum() <= budget + 1e-6
    q, pack, moq = (after.get_column(c) for c in ("order_quantity", "case_pack", "moq"))
    assert (q >= 0).all()
    assert (q % pack == 0).all()
    assert ((q == 0) | (q >= moq)).all()
    assert (after["order_quantity"] + after["deferred_quantity"] == before["order_quantity"]).all()
    if budget >= before.get_column("order_value").sum():
        assert (after["deferred_quantity"] == 0).all()


def test_a_cut_below_a_suppliers_minimum_is_flagged_and_said() -> None:
    # 2 × 17 units at 1.00 is 34, topped up to acme's minimum of 40 (+3 each); a budget of 20
    # cuts the top-ups first, then leaves the order below the minimum
    before = plan_restock(
        pl.DataFrame({"sku": ["s0", "s1"], "demand_per_day": [1.0, 1.0],
                      "demand_std_per_day": [0.0, 0.0], "price": [5.0, 5.0]}),
        pl.DataFrame({"sku": ["s0", "s1"], "on_hand": [0, 0]}),
        pl.DataFrame({"sku": ["s0", "s1"], "supplier": ["acme"] * 2, "unit_cost": [1.0] * 2,
                      "min_order_value": [40.0] * 2, "lead_time_days": [10.0] * 2}),
        today=TODAY,
    )  # fmt: skip
    assert before.select("order_quantity", "top_up_quantity").rows() == [(20, 3), (20, 3)]
    after = fit_budget(before, budget=20.0)
    assert after["order_quantity"].sum() == 20
    assert after["top_up_quantity"].to_list() == [0, 0]
    assert after["supplier_minimum_status"].to_list() == ["below", "below"]
    assert after["below_supplier_minimum"].all()
    assert after["reason"][0].endswith(
        "; the budget leaves acme's order at 20.0, below its minimum 40.0"
    )
