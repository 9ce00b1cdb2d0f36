"""Purchase orders: each in its supplier's currency, totals an accountant can trust."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from icebergops.inventory.purchase import purchase_orders
from icebergops.outputs import write_table

TODAY = date(2026, 3, 2)


def _plan(**columns: list[object]) -> pl.DataFrame:
    base = {
        "supplier": ["Acme", "Acme", "Lusitana"],
        "sku": ["A", "B", "C"],
        "title": ["Anvil", "Bolt", "Cork"],
        "order_quantity": [12, 4, 6],
        "unit_cost": [2.5, None, 10.0],
        "lead_time_days": [10.0, 10.0, 30.0],
    }
    return pl.DataFrame({**base, **columns})


def test_each_order_is_labelled_in_its_suppliers_currency() -> None:
    orders = purchase_orders(_plan(currency=[None, None, "EUR"]), today=TODAY, currency="USD")
    acme, lusitana = orders["Acme"], orders["Lusitana"]
    assert "line total (USD)" in acme.columns  # no currency named: the store's
    assert "line total (EUR)" in lusitana.columns and "line total (USD)" not in lusitana.columns
    total = acme.row(-1, named=True)
    # B has no unit cost: the total counts A only, and says so
    assert (total["title"], total["line total (USD)"]) == ("2 lines, 1 without a unit cost", 30.0)


def test_a_total_without_any_unit_cost_is_empty_not_zero() -> None:
    plan = _plan(unit_cost=[None, None, None])
    total = purchase_orders(plan, today=TODAY, currency="USD")["Acme"].row(-1, named=True)
    assert total["sku"] == "TOTAL" and total["quantity (units)"] == 16
    assert total["line total (USD)"] is None


def test_costs_in_two_currencies_get_a_currency_column_and_a_total_each() -> None:
    plan = _plan(supplier=["Acme"] * 3, unit_cost=[2.5, 1.0, 10.0], currency=["USD", "EUR", "EUR"])
    order = purchase_orders(plan, today=TODAY, currency="USD")["Acme"]
    assert "currency" in order.columns and "line total" in order.columns
    totals = order.filter(pl.col("sku").str.starts_with("TOTAL"))
    assert dict(totals.select("currency", "line total").iter_rows()) == {"USD": 30.0, "EUR": 64.0}


def test_a_cost_per_gram_keeps_its_digits_on_the_purchase_order(tmp_path: Path) -> None:
    """0.00345 a unit was 0.0034 on the PO (rounded to 4 decimals twice over), and 0.0 before."""
    plan = pl.DataFrame(
        {"sku": ["A"], "title": ["Saffron, per gram"], "supplier": ["S"], "order_quantity": [1200],
         "unit_cost": [0.00345], "lead_time_days": [10.0], "currency": ["USD"]}
    )  # fmt: skip
    (po,) = purchase_orders(plan, today=date(2026, 1, 1), currency="USD").values()
    target = tmp_path / "po.csv"
    write_table(po, target)
    line = pl.read_csv(target).row(0, named=True)
    assert (line["unit cost (USD)"], line["line total (USD)"]) == (0.00345, 4.14)
