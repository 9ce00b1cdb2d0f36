"""Supplier minimum order values: topped up where it sells soonest, deferred, or flagged."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from icebergops.inventory.budget import fit_budget
from icebergops.inventory.minimums import STATUS, supplier_minimums, top_up_to_minimums
from icebergops.inventory.policy import plan_restock


def plan(*rows: dict[str, object], minimum: float = 30.0) -> pl.DataFrame:
    """Plan rows of supplier acme: 1 a day, cost 1, price 2, single units, L + R 17 days (so
    due below a position of 17) unless a row says otherwise."""
    base: dict[str, object] = {
        "supplier": "acme", "min_order_value": minimum, "unit_cost": 1.0, "price": 2.0,
        "case_pack": 1, "moq_effective": 0, "demand_per_day": 1.0, "position": 0,
        "protection_days": 17.0, "review_days": 7, "order_quantity": 0, "dead_stock": False,
        "overstock": False, "reason": "why",
    }  # fmt: skip
    frame = pl.DataFrame([{**base, **row} for row in rows])
    return frame.with_columns((pl.col("order_quantity") * pl.col("unit_cost")).alias("order_value"))


def quantities(frame: pl.DataFrame) -> dict[str, int]:
    return dict(frame.select("sku", "order_quantity").iter_rows())


def test_cases_go_to_the_skus_that_run_out_soonest() -> None:
    # A ends at 15 days of cover after its order, C at 20, B at 40: the 20 missing units even
    # out A and C week by week (A to 28 days, C to 27) and B, with the most cover, gets none
    before = plan(
        {"sku": "A", "position": 5, "order_quantity": 10},
        {"sku": "B", "position": 40},
        {"sku": "C", "position": 20},
    )
    after = top_up_to_minimums(before)
    assert quantities(after) == {"A": 23, "B": 0, "C": 7}
    assert after["top_up_quantity"].to_list() == [13, 0, 7]
    assert after["supplier_order_value"].to_list() == [30.0] * 3
    assert set(after[STATUS]) == {"topped up"}
    assert after["reason"].to_list() == [
        "why; +13 units to reach acme's minimum order 30.0",
        "why",
        "why; +7 units to reach acme's minimum order 30.0",
    ]


def test_within_a_review_period_a_class_and_margin_go_first() -> None:
    # X runs out in 10 days, Y in 12: the same week, so Y, an A-class SKU, gets the 2 units
    before = plan(
        {"sku": "X", "position": 0, "order_quantity": 10, "abc_class": "C"},
        {"sku": "Y", "position": 12, "abc_class": "A"},
        minimum=12.0,
    )
    assert quantities(top_up_to_minimums(before)) == {"X": 10, "Y": 2}
    # without classes, the higher margin per unit of money goes first
    no_classes = before.drop("abc_class").with_columns(pl.Series("price", [2.0, 3.0]))
    assert quantities(top_up_to_minimums(no_classes)) == {"X": 10, "Y": 2}
    # in different weeks, cover decides whatever the class
    later = before.with_columns(pl.Series("position", [0, 15]))
    assert quantities(top_up_to_minimums(later)) == {"X": 12, "Y": 0}


def test_whole_cases_the_moq_first_and_never_dead_unpriced_or_overstocked_skus() -> None:
    before = plan(
        {"sku": "A", "order_quantity": 12, "case_pack": 6, "position": 1, "demand_per_day": 0.2},
        {"sku": "dead", "demand_per_day": 0.0, "position": 5, "dead_stock": True},
        {"sku": "free", "unit_cost": 0.0},
        {"sku": "full", "position": 400, "overstock": True},
        {"sku": "new", "case_pack": 4, "moq_effective": 20, "position": 30},
        minimum=40.0,
    )
    after = top_up_to_minimums(before)
    # "new" (30 days) before A (65 days after its order): its MOQ of 20 first, then cases of 4
    assert quantities(after) == {"A": 12, "dead": 0, "free": 0, "full": 0, "new": 28}
    assert after.filter(pl.col("sku") == "A")["supplier_order_value"].item() == 40.0


def test_the_step_that_completes_the_minimum_is_the_cheapest_that_does() -> None:
    # 5 missing: next in line is B's MOQ of 24 (10 days of cover), but a case of 6 of A (17
    # days) completes the minimum with 1 over instead of 19
    before = plan(
        {"sku": "A", "order_quantity": 12, "case_pack": 6},
        {"sku": "B", "moq_effective": 24, "position": 10},
        minimum=17.0,
    )
    after = top_up_to_minimums(before)
    assert quantities(after) == {"A": 18, "B": 0}
    # with more missing, B's MOQ comes first and A's case completes it
    assert quantities(
        top_up_to_minimums(before.with_columns(pl.lit(40.0).alias("min_order_value")))
    ) == {"A": 18, "B": 24}


def test_a_minimum_out_of_reach_under_the_overstock_threshold_is_flagged_not_topped_up() -> None:
    # 0.1 a day: 180 days of cover is 18 units, far from the 100 missing
    before = plan({"sku": "A", "demand_per_day": 0.1, "order_quantity": 5}, minimum=100.0)
    after = top_up_to_minimums(before, overstock_days=180)
    row = after.row(0, named=True)
    assert (row["order_quantity"], row["top_up_quantity"]) == (5, 0)
    assert (row["below_supplier_minimum"], row[STATUS], row["supplier_shortfall"]) == (
        True,
        "below",
        95.0,
    )
    assert row["reason"] == (
        "why; acme's order of 5.0 is below its minimum 100.0: "
        "topping it up would take SKUs past 180 days of cover"
    )


def test_a_small_order_that_can_wait_is_deferred_unless_the_limit_allows_the_top_up() -> None:
    # 10 of a minimum of 30 would need +200%; A's position of 20 lasts the 17 days of L + R
    waiting = plan({"sku": "A", "position": 20, "order_quantity": 10}, {"sku": "B", "position": 9})
    after = top_up_to_minimums(waiting)
    assert quantities(after) == {"A": 0, "B": 0}
    assert (after[STATUS].to_list(), after["below_supplier_minimum"].to_list()) == (
        ["defer", "defer"],
        [False, False],
    )
    assert after["reason"][0] == (
        "why; defer: 10 units wait, as acme's order of 10.0 is below its minimum 30.0, "
        "topping it up would add 200%, and all of it lasts until an order at the next review "
        "arrives"
    )
    assert after["reason"][1] == "why"
    assert quantities(top_up_to_minimums(waiting, limit=2.5)) == {"A": 10, "B": 20}
    # when something is due, the top-up goes ahead however large: both end at 20 days' cover
    due = waiting.with_columns(pl.Series("position", [1, 9]))
    assert quantities(top_up_to_minimums(due)) == {"A": 19, "B": 11}


def test_the_limit_is_on_what_the_top_up_costs_not_on_the_shortfall() -> None:
    # 5 missing (10%), but the only step is a case of 50: +100% for an order that can wait
    waiting = plan(
        {"sku": "A", "position": 20, "order_quantity": 50, "case_pack": 50}, minimum=55.0
    )
    after = top_up_to_minimums(waiting)
    assert (after["order_quantity"].item(), after[STATUS].item()) == (0, "defer")
    assert "topping it up would add 100%" in after["reason"].item()
    assert top_up_to_minimums(waiting, limit=1.0)["order_quantity"].item() == 100
    # out of reach and nothing due: defer, saying why
    far = waiting.with_columns(pl.lit(5000.0).alias("min_order_value"))
    assert top_up_to_minimums(far)["reason"].item() == (
        "why; defer: 50 units wait, as acme's order of 50.0 is below its minimum 5000.0, "
        "topping it up would take SKUs past 180 days of cover, and all of it lasts until an "
        "order at the next review arrives"
    )


def test_supplier_minimums_sum_over_the_suppliers_rows() -> None:
    frame = pl.DataFrame(
        {
            "supplier": ["a", "a", "b", "c", None, "d"],
            "order_value": [40.0, 30.0, 0.0, 80.0, 5.0, 60.0],
            "min_order_value": [100.0, 100.0, 50.0, None, 10.0, 50.0],
            "top_up_quantity": [0, 0, 0, 0, 0, 3],
        }
    )
    got = supplier_minimums(frame)
    assert got["supplier_order_value"].to_list() == [70.0, 70.0, 0.0, 80.0, None, 60.0]
    assert got["supplier_shortfall"].to_list() == [30.0, 30.0, None, None, None, 0.0]
    assert got["below_supplier_minimum"].to_list() == [True, True, False, False, False, False]
    assert got[STATUS].to_list() == ["below", "below", None, None, None, "topped up"]


@st.composite
def plans(draw: st.DrawFn) -> pl.DataFrame:
    """Random plans, then minimums of 0.3 to 4 times each supplier's order value: most are
    topped up, deferred or flagged."""
    n = draw(st.integers(1, 10))
    skus = [f"s{i}" for i in range(n)]

    def column(strategy: st.SearchStrategy[object]) -> list[object]:
        return draw(st.lists(strategy, min_size=n, max_size=n))

    overstock_days = draw(st.sampled_from([30.0, 180.0]))
    unminded = plan_restock(
        pl.DataFrame(
            {
                "sku": skus,
                "demand_per_day": column(st.sampled_from([0.0, 0.05, 0.5, 3.0, 40.0])),
                "demand_std_per_day": column(st.floats(0, 10)),
                "price": column(st.one_of(st.none(), st.floats(0, 100))),
                "abc_class": column(st.sampled_from(["A", "B", "C"])),
            },
            schema_overrides={"price": pl.Float64},
        ),
        pl.DataFrame({"sku": skus, "on_hand": column(st.integers(-20, 400))}),
        pl.DataFrame(
            {
                "sku": skus,
                "supplier": column(st.sampled_from(["a", "b", "c"])),
                "unit_cost": column(st.one_of(st.none(), st.floats(0.01, 60))),
                "case_pack": column(st.integers(1, 24)),
                "moq": column(st.integers(0, 100)),
                "lead_time_days": column(st.floats(1, 60)),
            },
            schema_overrides={"unit_cost": pl.Float64},
        ),
        today=date(2026, 3, 2),
        overstock_days=overstock_days,
    )
    factor = pl.col("supplier").replace_strict(
        {s: draw(st.floats(0.3, 4.0)) for s in "abc"}, return_dtype=pl.Float64
    )
    value = pl.col("order_value").fill_null(0.0).sum().over("supplier")
    minded = unminded.with_columns((value * factor + 1.0).alias("min_order_value"))
    limit = draw(st.sampled_from([0.0, 0.5, 100.0]))
    return top_up_to_minimums(minded, overstock_days=overstock_days, limit=limit)


def assert_orderable_and_minimums_met_or_flagged(frame: pl.DataFrame) -> None:
    q, pack, moq = (frame.get_column(c) for c in ("order_quantity", "case_pack", "moq"))
    assert ((q >= 0) & (q % pack == 0) & ((q == 0) | (q >= moq))).all()
    per_supplier = (
        frame.filter(pl.col("supplier").is_not_null())
        .group_by("supplier")
        .agg(
            pl.col("order_value").fill_null(0.0).sum().alias("value"),
            pl.col("min_order_value").max().alias("minimum"),
            pl.col("below_supplier_minimum").all().alias("flagged"),
            pl.col(STATUS).first().alias("status"),
        )
    )
    for row in per_supplier.iter_rows(named=True):
        if row["value"] > 0 and row["minimum"] is not None:
            met = row["value"] >= row["minimum"] - 1e-6
            assert met or (row["flagged"] and row["status"] == "below"), row
        if row["status"] == "defer":
            assert row["value"] == 0


@settings(max_examples=80, deadline=None)
@given(plans())
def test_after_the_top_up_every_supplier_meets_its_minimum_or_is_flagged(
    before: pl.DataFrame,
) -> None:
    assert_orderable_and_minimums_met_or_flagged(before)
    # a top-up never takes a SKU past the overstock threshold it was checked against
    added = before.filter(pl.col("top_up_quantity") > 0)
    assert (added["dead_stock"].not_() & added["overstock"].not_()).all()


@settings(max_examples=60, deadline=None)
@given(plans(), st.floats(0, 1.2))
def test_a_budget_after_the_top_up_is_never_exceeded_and_flags_what_it_cuts(
    before: pl.DataFrame, share: float
) -> None:
    priced = before.with_columns(pl.col("unit_cost").fill_null(1.0)).with_columns(
        (pl.col("order_quantity") * pl.col("unit_cost")).alias("order_value")
    )
    budget = share * float(priced.get_column("order_value").sum())
    after = fit_budget(priced, budget=budget)
    assert after.get_column("order_value").sum() <= budget + 1e-6
    assert_orderable_and_minimums_met_or_flagged(after)
    assert (after["top_up_quantity"] <= after["order_quantity"]).all()
