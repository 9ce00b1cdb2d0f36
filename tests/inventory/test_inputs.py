"""From canonical tables to the planner's inputs: suppliers per SKU, stock, prices, quantiles."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from icebergops.inventory.inputs import (
    UNKNOWN_SUPPLIER,
    demand_quantiles,
    selling_prices,
    stock_levels,
    supplier_for_skus,
)
from icebergops.inventory.leadtime import learn_lead_times
from icebergops.schema import PURCHASE_ORDERS, SUPPLIERS, conform, empty

SUPPLIERS_CSV = pl.DataFrame(
    {
        "supplier": ["Acme", "Acme", "Bolt", "Bolt", "Crane"],
        "sku": [None, "A", "A", None, None],
        "lead_time_days": [30.0, None, 5.0, 12.0, 60.0],
        "case_pack": [6, None, 1, 4, 1],
    }
)


def _supply(
    skus: list[str], vendors: pl.DataFrame | None = None
) -> dict[str, tuple[str, float, int]]:
    learned = learn_lead_times(empty(PURCHASE_ORDERS))
    frame = supplier_for_skus(
        pl.Series(skus), conform(SUPPLIERS_CSV, SUPPLIERS), learned, vendors=vendors
    )
    return {
        r["sku"]: (r["supplier"], r["lead_time_days"], r["case_pack"])
        for r in frame.iter_rows(named=True)
    }


def test_a_sku_takes_its_first_own_row_with_the_suppliers_defaults() -> None:
    # A is listed under Acme first (blank lead time and pack: Acme's defaults) and Bolt second
    assert _supply(["A"])["A"] == ("Acme", 30.0, 6)


def test_a_sku_without_a_row_takes_its_vendors_defaults_or_is_unknown() -> None:
    # C's vendor has no terms: ordered from it all the same, with the default lead time
    vendors = pl.DataFrame({"sku": ["B", "C", "D"], "vendor": ["Bolt", "Nobody", " "]})
    found = _supply(["B", "C", "D", "E"], vendors)
    assert found["B"] == ("Bolt", 12.0, 4)
    assert found["C"][0] == "Nobody" and found["C"][1] == 14.0
    assert found["D"][0] == found["E"][0] == UNKNOWN_SUPPLIER
    assert found["D"][1] == found["E"][1] == 14.0


def test_a_vendor_without_terms_still_has_its_lead_time_learned() -> None:
    # Nobody has no row in suppliers.csv, but its purchase orders show 40-day deliveries
    po = conform(
        pl.DataFrame({
            "po_number": ["1", "2", "3"], "supplier": ["Nobody"] * 3, "sku": ["C"] * 3,
            "ordered_date": [date(2026, 1, 1) + timedelta(days=30 * i) for i in range(3)],
            "received_date": [date(2026, 2, 10) + timedelta(days=30 * i) for i in range(3)],
            "quantity_ordered": [5] * 3, "quantity_received": [5] * 3,
        }),
        PURCHASE_ORDERS,
    )  # fmt: skip
    vendors = pl.DataFrame({"sku": ["A", "C", "C"], "vendor": ["Acme", "Nobody", "Other"]})
    frame = supplier_for_skus(
        pl.Series(["A", "C", "E"]),
        conform(SUPPLIERS_CSV, SUPPLIERS),
        learn_lead_times(po),
        vendors=vendors,
    )
    rows = {r["sku"]: r for r in frame.iter_rows(named=True)}
    assert rows["C"]["supplier"] == "Nobody"  # the products export's first vendor row
    assert rows["C"]["lead_time_days"] == 40.0 and rows["C"]["lead_time_source"] == "history"
    assert [rows[s]["in_suppliers_file"] for s in "ACE"] == [True, False, False]


def test_the_only_supplier_with_defaults_takes_every_sku() -> None:
    only = conform(SUPPLIERS_CSV.filter(pl.col("supplier") == "Crane"), SUPPLIERS)
    frame = supplier_for_skus(pl.Series(["X", "Y"]), only, learn_lead_times(empty(PURCHASE_ORDERS)))
    assert frame.sort("sku")["supplier"].to_list() == ["Crane", "Crane"]
    assert frame["lead_time_days"].to_list() == [60.0, 60.0]


def test_open_purchase_orders_replace_the_exports_incoming() -> None:
    inventory = pl.DataFrame({
        "sku": ["A", "A", "B"], "location": ["x", "y", "x"], "on_hand": [5, 3, 0],
        "committed": [1, None, 0], "incoming": [99, 99, 99], "stocked": [True, True, False],
    })  # fmt: skip
    po = pl.DataFrame({
        "sku": ["A", "C"], "quantity_ordered": [10, 4], "quantity_received": [None, None],
        "received_date": [None, None], "expected_date": [date(2026, 1, 2), None],
    })  # fmt: skip
    plain = stock_levels(inventory).sort("sku")
    assert plain.rows() == [("A", 8, 1, 198)]  # B is "not stocked" there
    owed = stock_levels(inventory, po).sort("sku").select("sku", "on_hand", "incoming")
    assert owed.rows() == [("A", 8, 10), ("C", 0, 4)]


def test_prices_are_what_customers_paid_and_null_without_prices() -> None:
    lines = pl.DataFrame({
        "sku": ["A", "A", "B", "A"], "quantity": [1, 3, 2, 5], "unit_price": [10.0, 6.0, None, 1.0],
        "order_date": [date(2026, 3, 1)] * 3 + [date(2024, 1, 1)],
        "status": ["fulfilled"] * 4, "is_test": [False] * 4,
    })  # fmt: skip
    prices = selling_prices(lines, today=date(2026, 3, 2)).sort("sku")
    assert prices.rows() == [("A", 7.0, 28.0, 4), ("B", None, None, 2)]


def test_quantiles_use_each_skus_own_window_and_level() -> None:
    days = [date(2026, 1, 1) + timedelta(d) for d in range(20)]
    history = pl.DataFrame({
        "sku": ["A"] * 20 + ["B"] * 20, "day": days * 2,
        "units": [1, 0] * 10 + [0] * 19 + [7],
    })  # fmt: skip
    wanted = pl.DataFrame(
        {"sku": ["A", "B"], "protection_days": [4.0, 2.0], "service_level": [0.5, 0.99]}
    )
    found = dict(demand_quantiles(history, wanted).iter_rows())
    assert found == {"A": 2.0, "B": 7.0}
