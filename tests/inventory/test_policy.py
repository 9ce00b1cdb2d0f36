"""The restock plan on literal frames with hand-computed numbers, and its invariants."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icebergops.errors import InputError
from icebergops.inventory.explain import explain
from icebergops.inventory.policy import plan_restock

TODAY = date(2026, 3, 2)


def demand(**columns: list[object]) -> pl.DataFrame:
    return pl.DataFrame(columns)


def supply_row(sku: str, **terms: object) -> dict[str, object]:
    row: dict[str, object] = {
        "sku": sku,
        "supplier": "acme",
        "unit_cost": 8.0,
        "case_pack": 1,
        "moq": 0,
        "min_order_value": None,
        "lead_time_days": 10.0,
        "lead_time_std_days": 0.0,
        "lead_time_source": "supplier file",
    }
    return {**row, **terms}


def supply(*rows: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema_overrides={"min_order_value": pl.Float64})


def test_one_sku_worked_through_by_hand() -> None:
    # d = 10 ± 3/day, L = 9 ± 2 days, R = 7, 95%: σ(L+R) = √(16·9 + 100·4) = √544 = 23.324,
    # SS = 1.6449 × 23.324 = 38.364, ROP = 90 + SS = 128.364, S = 160 + SS = 198.364;
    # position = 100 − 10 + 0 = 90, raw = 108.364, cases of 12 → 120 (MOQ 50 → 60 is below it).
    plan = plan_restock(
        demand(sku=["A"], demand_per_day=[10.0], demand_std_per_day=[3.0], price=[20.0]),
        pl.DataFrame({"sku": ["A"], "on_hand": [100], "committed": [10], "incoming": [0]}),
        supply(
            supply_row(
                "A",
                case_pack=12,
                moq=50,
                lead_time_days=9.0,
                lead_time_std_days=2.0,
                min_order_value=1000.0,
            )
        ),
        today=TODAY,
    )
    row = plan.row(0, named=True)
    assert row["safety_stock"] == pytest.approx(38.364, abs=1e-3)
    assert row["reorder_point"] == pytest.approx(128.364, abs=1e-3)
    assert row["order_up_to"] == pytest.approx(198.364, abs=1e-3)
    assert (row["position"], row["raw_quantity"], row["moq_effective"]) == (
        90,
        pytest.approx(108.364, abs=1e-3),
        60,
    )
    assert (
        row["moq_warning"]
        == "MOQ 50 is not a multiple of the case pack 12: at least 60 are ordered"
    )
    # 120 at 8.00 is 960, below acme's minimum of 1000, and A is due: one more case, 1056
    assert (row["order_quantity"], row["top_up_quantity"], row["order_value"]) == (132, 12, 1056.0)
    # already below the reorder point: order today; 90 on the shelf last 9 days
    assert (row["order_by_date"], row["stockout_date"], row["days_of_cover"]) == (
        TODAY,
        TODAY + timedelta(days=9),
        9.0,
    )
    # shortage before arrival: σ_L = √(9·9 + 100·4) = 21.932, position = d·L: σ·G(0) = 8.7495
    assert row["units_short"] == pytest.approx(8.7495, abs=1e-3)
    assert row["revenue_at_risk"] == pytest.approx(174.99, abs=1e-2)
    assert (
        row["supplier_order_value"],
        row["supplier_shortfall"],
        row["below_supplier_minimum"],
        row["supplier_minimum_status"],
    ) == (1056.0, 0.0, False, "topped up")
    assert row["reason"] == (
        "position 90 is below order-up-to level 198.4; +12 units to reach acme's minimum order 1000.0"
    )


def two_per_day(on_hand: int, **plan_options: object) -> dict[str, object]:
    """d = 2 units/day exactly, L = 10, R = 7: ROP = 20, S = 34."""
    plan = plan_restock(
        demand(sku=["B"], demand_per_day=[2.0], demand_std_per_day=[0.0]),
        pl.DataFrame({"sku": ["B"], "on_hand": [on_hand]}),
        supply(supply_row("B")),
        today=TODAY,
        **plan_options,  # type: ignore[arg-type]
    )
    return plan.row(0, named=True)


def test_future_order_by_and_stockout_dates() -> None:
    row = two_per_day(60)
    assert row["order_quantity"] == 0
    assert row["order_by_date"] == TODAY + timedelta(days=20)  # (60 − 20) / 2
    assert row["stockout_date"] == TODAY + timedelta(days=30)
    assert row["reason"] == "position 60 covers order-up-to level 34.0"


def test_order_up_to_orders_above_the_reorder_point_but_reorder_point_trigger_waits() -> None:
    assert two_per_day(25)["order_quantity"] == 9
    waiting = two_per_day(25, trigger="reorder-point")
    assert waiting["order_quantity"] == 0
    assert waiting["reason"] == "position 25 is above reorder point 20.0"
    assert two_per_day(20, trigger="reorder-point")["order_quantity"] == 14


def test_a_backlog_is_ordered_even_without_demand() -> None:
    row = plan_restock(
        demand(sku=["C"], demand_per_day=[0.0], demand_std_per_day=[0.0]),
        pl.DataFrame({"sku": ["C"], "on_hand": [-3], "committed": [0]}),
        supply(supply_row("C")),
        today=TODAY,
    ).row(0, named=True)
    assert (row["position"], row["order_quantity"], row["stockout_date"], row["dead_stock"]) == (
        -3,
        3,
        None,
        False,
    )


def test_no_expected_demand_buys_no_safety_stock() -> None:
    row = plan_restock(
        demand(sku=["C"], demand_per_day=[0.0], demand_std_per_day=[2.0]),
        pl.DataFrame({"sku": ["C"], "on_hand": [0]}),
        supply(supply_row("C")),
        today=TODAY,
    ).row(0, named=True)
    assert row["order_up_to"] > 0
    assert (row["order_quantity"], row["reason"]) == (0, "no demand expected")


def test_forecast_quantile_replaces_the_normal_approximation() -> None:
    # S = 9 (the quantile over 21 days), SS = 9 − 0.2·21 = 4.8, ROP = 0.2·14 + 4.8 = 7.6
    row = plan_restock(
        demand(sku=["D"], demand_per_day=[0.2], demand_std_per_day=[0.5], demand_quantile=[9.0]),
        pl.DataFrame({"sku": ["D"], "on_hand": [3]}),
        supply(supply_row("D", lead_time_days=14.0)),
        today=TODAY,
    ).row(0, named=True)
    assert row["safety_method"] == "forecast quantile"
    assert row["safety_stock"] == pytest.approx(4.8)
    assert row["reorder_point"] == pytest.approx(7.6)
    assert row["order_quantity"] == 6


def test_overstock_dead_stock_and_skus_without_supplier_or_stock() -> None:
    plan = plan_restock(
        demand(sku=["slow", "new"], demand_per_day=[0.1, 1.0], demand_std_per_day=[0.0, 0.0]),
        pl.DataFrame({"sku": ["slow", "dead"], "on_hand": [100, 7]}),
        supply(supply_row("slow")),
        today=TODAY,
        default_lead_time_days=5.0,
    )
    got = plan.select(
        "sku", "overstock", "dead_stock", "lead_time_days", "lead_time_source", "order_quantity"
    )
    assert got.rows() == [
        ("dead", False, True, 5.0, "default", 0),
        ("new", False, False, 5.0, "default", 12),  # S = 1·(5 + 7), nothing on hand
        ("slow", True, False, 10.0, "supplier file", 0),
    ]
    assert (
        plan.filter(pl.col("sku") == "dead").get_column("reason").item()
        == "no demand expected; 7 units on hand"
    )


def test_a_lumpy_sku_the_policy_orders_is_not_overstocked() -> None:
    """0.02 a day is 250 days in a position of 5, but the 95% quantile over 17 days asks for 8:
    it is ordered, so it is no overstock (the two flags once said both)."""
    row = plan_restock(
        demand(sku=["L"], demand_per_day=[0.02], demand_std_per_day=[0.3], demand_quantile=[8.0]),
        pl.DataFrame({"sku": ["L"], "on_hand": [5]}),
        supply(supply_row("L")),
        today=TODAY,
    ).row(0, named=True)
    assert (row["order_quantity"], row["overstock"]) == (3, False)


def test_an_open_purchase_order_due_after_the_stockout_leaves_a_shortage() -> None:
    """2 a day, 4 on the shelf (2 days), 30 on order due in 8 days, lead time 10: about 6
    days x 2 = 12 units are short before the order comes, though the position covers S."""

    def row(due_in: int) -> dict[str, object]:
        stock = pl.DataFrame(
            {"sku": ["B"], "on_hand": [4], "incoming": [30]},
        ).with_columns(pl.lit(TODAY + timedelta(days=due_in)).alias("next_expected_date"))
        plan = plan_restock(
            demand(sku=["B"], demand_per_day=[2.0], demand_std_per_day=[0.0]),
            stock,
            supply(supply_row("B")),
            today=TODAY,
        )
        return plan.row(0, named=True)

    late = row(8)
    assert (late["incoming_after_stockout"], late["units_short"]) == (True, pytest.approx(12.0))
    assert late["reason"] == (
        "position 34 covers order-up-to level 34.0; the shelf runs empty on 2026-03-04, "
        "before the open purchase order due 2026-03-10"
    )
    assert row(20)["units_short"] == pytest.approx(16.0)  # today's order would come on day 10
    on_time = row(1)
    assert (on_time["incoming_after_stockout"], on_time["units_short"]) == (False, 0.0)


def test_stock_is_pooled_unless_demand_is_per_location_too() -> None:
    stock = pl.DataFrame({"sku": ["E", "E"], "location": ["north", "south"], "on_hand": [10, 4]})
    per_sku = demand(sku=["E"], demand_per_day=[1.0], demand_std_per_day=[0.0])
    pooled = plan_restock(per_sku, stock, supply(supply_row("E")), today=TODAY)
    assert pooled.select("sku", "on_hand", "order_quantity").rows() == [("E", 14, 3)]  # S = 17
    per_location = demand(
        sku=["E", "E"],
        location=["north", "south"],
        demand_per_day=[1.0, 0.5],
        demand_std_per_day=[0.0, 0.0],
    )
    split = plan_restock(per_location, stock, supply(supply_row("E")), today=TODAY)
    assert split.select("location", "order_quantity").rows() == [
        ("north", 7),
        ("south", 5),
    ]  # S = 17, 8.5


def test_a_sku_with_two_supplier_rows_is_an_input_error() -> None:
    with pytest.raises(InputError, match="1 SKUs have more than one supplier row"):
        plan_restock(
            demand(sku=["F"], demand_per_day=[1.0], demand_std_per_day=[0.0]),
            pl.DataFrame({"sku": ["F"], "on_hand": [0]}),
            supply(supply_row("F"), supply_row("F", supplier="bolt")),
            today=TODAY,
        )


def test_explain_lists_the_arithmetic() -> None:
    plan = plan_restock(
        demand(sku=["B"], demand_per_day=[2.0], demand_std_per_day=[0.0]),
        pl.DataFrame({"sku": ["B"], "on_hand": [25]}),
        supply(supply_row("B")),
        today=TODAY,
    )
    steps = dict(explain(plan, sku="B").select("step", "value").iter_rows())
    assert steps["order-up-to level (S)"] == "34.00"
    assert steps["inventory position"] == "25"
    assert steps["order quantity"] == "9"
    with pytest.raises(InputError, match="'Z' is not in the plan"):
        explain(plan, sku="Z")


skus = st.integers(min_value=1, max_value=6)


@st.composite
def plan_inputs(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    n = draw(skus)
    names = [f"s{i}" for i in range(n)]
    floats = st.floats(min_value=0, max_value=200, allow_nan=False)
    d = pl.DataFrame(
        {
            "sku": names,
            "demand_per_day": draw(st.lists(floats, min_size=n, max_size=n)),
            "demand_std_per_day": draw(st.lists(floats, min_size=n, max_size=n)),
        }
    )
    s = pl.DataFrame(
        {
            "sku": names,
            "on_hand": draw(st.lists(st.integers(-50, 5000), min_size=n, max_size=n)),
            "committed": draw(st.lists(st.integers(0, 100), min_size=n, max_size=n)),
            "incoming": draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n)),
        }
    )
    p = supply(
        *(
            supply_row(
                name,
                case_pack=draw(st.integers(1, 50)),
                moq=draw(st.integers(0, 300)),
                lead_time_days=draw(st.floats(0, 120)),
                lead_time_std_days=draw(st.floats(0, 30)),
            )
            for name in names
        )
    )
    return d, s, p


@settings(max_examples=60, deadline=None)
@given(plan_inputs(), st.sampled_from(["order-up-to", "reorder-point"]), st.floats(0.5, 0.999))
def test_orders_are_never_negative_whole_cases_and_at_least_the_moq(
    inputs: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame], trigger: str, level: float
) -> None:
    d, s, p = inputs
    plan = plan_restock(d, s, p, today=TODAY, trigger=trigger, service_level=level)  # type: ignore[arg-type]
    assert plan.height == d.height
    q, pack, moq = (plan.get_column(c) for c in ("order_quantity", "case_pack", "moq"))
    assert (q >= 0).all()
    assert (q % pack == 0).all()
    assert ((q == 0) | (q >= moq)).all()
    # an order always brings the position to at least the order-up-to level
    ordered = plan.filter(pl.col("order_quantity") > 0)
    assert (ordered["position"] + ordered["order_quantity"] >= ordered["order_up_to"] - 1e-6).all()
