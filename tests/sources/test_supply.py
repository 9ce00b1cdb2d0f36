"""Our own suppliers and purchase-order layouts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from icebergops.errors import InputError
from icebergops.sources import read_source, read_table

WriteFile = Callable[..., Path]
SUPPLIERS = """supplier,sku,unit_cost,currency,lead_time_days,lead_time_std_days,case_pack,moq,min_order_value
Cascade,,,USD,45,8,12,24,2500.00
Cascade,JKT-S,52.85,USD,,,6,10,
"""
POS = """po_number,supplier,sku,ordered_date,expected_date,received_date,quantity_ordered,quantity_received,unit_cost,currency
PO-1,Cascade,JKT-S,2025-05-25,2025-07-09,2025-07-08,24,24,9.45,USD
PO-2,Cascade,JKT-S,2025-08-01,2025-09-15,,12,,9.45,USD
"""


def test_suppliers_and_moq_check(write_file: WriteFile) -> None:
    source = read_source(write_file("suppliers.csv", SUPPLIERS))
    assert source.table.select("supplier", "sku", "lead_time_days", "case_pack", "moq").rows() == [
        ("Cascade", None, 45.0, 12, 24),
        ("Cascade", "JKT-S", None, 6, 10),
    ]
    (finding,) = source.findings
    assert (finding.kind, finding.lines, finding.value) == ("moq_not_case_multiple", (3,), "10")


def test_supplier_currencies_are_codes_in_capitals(write_file: WriteFile) -> None:
    """`usd` was a currency of its own (a PO with TOTAL usd and TOTAL USD lines); `DOLLARS` was
    accepted; and a file without moq and case_pack columns was an internal error."""
    terms = "supplier,sku,unit_cost,currency,lead_time_days\nA,X,1.5, usd ,10\nB,Y,2,EUR,5\n"
    table = read_table([write_file("s.csv", terms)], "suppliers")
    assert table["currency"].to_list() == ["USD", "EUR"]
    bad = write_file("bad.csv", terms.replace(" usd ", "DOLLARS"))
    with pytest.raises(InputError) as err:
        read_table([bad], "suppliers")
    assert err.value.line() == (
        f"{bad}:2: column 'currency': 'DOLLARS' is not a currency code (ISO 4217, such as USD, "
        "EUR or GBP)"
    )
    po = "po_number,supplier,sku,quantity_ordered,ordered_date,currency\nP1,A,X,5,2026-11-01,eur\n"
    assert read_table([write_file("po.csv", po)], "purchase_orders")["currency"].to_list() == [
        "EUR"
    ]


def test_repeated_terms_and_purchase_order_lines_are_errors(write_file: WriteFile) -> None:
    """A second row for one supplier and SKU (99.99 against 40.03) lost silently to the first;
    a purchase-order line pasted twice made its 12 incoming units 24."""
    terms = "supplier,sku,unit_cost,lead_time_days\nA,X,40.03,10\nA,,1,10\nA,X,99.99,10\nB,X,2,5\n"
    path = write_file("s.csv", terms)
    with pytest.raises(InputError) as err:
        read_table([path], "suppliers")
    assert err.value.line() == (
        f"{path}:4: column 'supplier': 'A' gives terms for a supplier and SKU that an earlier "
        "line gives: which hold is unclear"
    )
    assert (
        read_table(
            [write_file("ok.csv", terms.replace("A,X,99.99", "C,X,99.99"))], "suppliers"
        ).height
        == 4
    )
    head = "po_number,supplier,sku,ordered_date,received_date,quantity_ordered,quantity_received\n"
    line = "P1,A,X,2026-10-01,,12,0\n"
    po = write_file("po.csv", head + line + "P1,A,Y,2026-10-01,,5,0\n" + line)
    with pytest.raises(InputError) as err:
        read_table([po], "purchase_orders")
    assert err.value.line() == (
        f"{po}:4: column 'po_number': 'P1' repeats an earlier line of the same purchase order: "
        "its units would count twice"
    )
    assert err.value.hint is not None and "in a `line` column" in err.value.hint
    receipts = head + "P1,A,X,2026-10-01,2026-10-20,12,6\nP1,A,X,2026-10-01,2026-10-27,12,6\n"
    assert read_table([write_file("r.csv", receipts)], "purchase_orders").height == 2
    # an order that has a SKU twice in equal quantities says so by its lines' numbers
    numbered = f"line,{head}1,{line}2,{line}"
    table = read_table([write_file("n.csv", numbered)], "purchase_orders")
    assert table["quantity_ordered"].to_list() == [12, 12]


def test_a_cost_of_1e300_is_out_of_range(write_file: WriteFile) -> None:
    """It was taken, and the summary printed a 300-digit total."""
    path = write_file("s.csv", "supplier,sku,unit_cost,lead_time_days\nA,X,1e300,10\n")
    with pytest.raises(InputError) as err:
        read_table([path], "suppliers")
    assert err.value.line().endswith(
        "column 'unit_cost': '1e300' is out of range: must be between 0 and 1,000,000,000"
    )


def test_purchase_orders_dates(write_file: WriteFile) -> None:
    table = read_table([write_file("purchase_orders.csv", POS)], "purchase_orders")
    assert table.select("ordered_date", "received_date", "quantity_received").rows() == [
        (date(2025, 5, 25), date(2025, 7, 8), 24),
        (date(2025, 8, 1), None, None),
    ]


def test_purchase_order_bad_date(write_file: WriteFile) -> None:
    path = write_file("purchase_orders.csv", POS.replace("2025-07-08", "8/7/2025"))
    with pytest.raises(InputError) as err:
        read_table([path], "purchase_orders")
    assert (
        err.value.line()
        == f"{path}:2: column 'received_date': '8/7/2025' is not a date (YYYY-MM-DD)"
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "suppliers.csv",
            SUPPLIERS.replace("USD,45,8", "USD,99999999,8"),
            "2: column 'lead_time_days': '99999999' is out of range: "
            "must be between 0 and 730 days",
        ),
        (
            "suppliers.csv",
            SUPPLIERS.replace("USD,45,8", "USD,-5,8"),
            "2: column 'lead_time_days': '-5' is out of range: must be between 0 and 730 days",
        ),
        (
            "suppliers.csv",
            SUPPLIERS.replace("USD,,,6,10", "USD,,,0,10"),
            "3: column 'case_pack': '0' is out of range: must be between 1 and 1,000,000 units",
        ),
        (
            "purchase_orders.csv",
            POS.replace(",12,,9.45", ",-12,,9.45"),
            "3: column 'quantity_ordered': '-12' is out of range: must be between 0 and 1,000,000 units",
        ),
        (
            "events.csv",
            "name,start,end,uplift_pct\nSale,2025-01-01,2025-01-03,-500\n",
            "2: column 'uplift_pct': '-500' is out of range: "
            "must be between -100 and 10,000 percent",
        ),
    ],
)
def test_implausible_terms_are_errors(
    write_file: WriteFile, name: str, text: str, message: str
) -> None:
    """A lead time of 99,999,999 days or a -500% uplift is a typo, not a plan."""
    path = write_file(name, text)
    table = name.removesuffix(".csv")
    with pytest.raises(InputError) as err:
        read_table([path], table)
    assert err.value.line() == f"{path}:{message}"
    assert err.value.hint == "fix the value in the file"


def test_events_without_scope_or_target_apply_to_all(write_file: WriteFile) -> None:
    path = write_file("events.csv", "name,start,end,uplift_pct\nSale,2025-01-01,2025-01-03,40\n")
    (event,) = read_table([path], "events").select("scope", "target", "uplift_pct").rows()
    assert event == ("all", None, 40.0)


EVENTS_HEAD = "name,start,end,scope,target,uplift_pct,units\n"


def test_events_lift_by_a_percentage_or_fix_units(write_file: WriteFile) -> None:
    path = write_file(
        "events.csv",
        EVENTS_HEAD
        + "Fair,2026-12-01,2026-12-07,sku,HAT-S,,200\nSale,2026-12-01,2026-12-02,all,,40,\n",
    )
    got = read_table([path], "events").select("scope", "target", "uplift_pct", "units").rows()
    assert got == [("sku", "HAT-S", None, 200.0), ("all", None, 40.0, None)]
    # a file of fixed units alone needs no uplift_pct column
    only = write_file(
        "fixed.csv", "name,start,end,scope,target,units\nO,2026-12-01,2026-12-07,product,hat,12.5\n"
    )
    assert read_table([only], "events").select("uplift_pct", "units").row(0) == (None, 12.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            EVENTS_HEAD + "Fair,2026-12-01,2026-12-07,sku,HAT-S,40,200\n",
            "2: column 'units': '200' has both uplift_pct and units: an event lifts the "
            "forecast by a percentage or fixes a number of units",
        ),
        (
            EVENTS_HEAD + "Fair,2026-12-01,2026-12-07,sku,HAT-S,,\n",
            "2: has neither uplift_pct nor units: an event lifts the forecast by a percentage "
            "or fixes a number of units",
        ),
        (
            EVENTS_HEAD + "Fair,2026-12-01,2026-12-07,category,Socks,,200\n",
            "2: column 'scope': 'category' fixes units, so its scope must be sku or product (a "
            "fixed number of units is a SKU's or a product's)",
        ),
        (
            EVENTS_HEAD + "Fair,2026-12-01,2026-12-07,sku,HAT-S,,-3\n",
            "2: column 'units': '-3' is out of range: must be at least 0 units",
        ),
        (
            "name,start,end,scope,target\nFair,2026-12-01,2026-12-07,sku,HAT-S\n",
            "1: has neither an uplift_pct nor a units column",
        ),
    ],
)
def test_events_with_no_amount_or_a_fixed_one_they_cannot_have(
    write_file: WriteFile, text: str, message: str
) -> None:
    path = write_file("events.csv", text)
    with pytest.raises(InputError) as err:
        read_table([path], "events")
    assert err.value.line() == f"{path}:{message}"


STOCKOUTS = (
    "sku,location,start,end\nHAT-S,Reno NV,2024-01-05,2024-01-08\nHAT-L,,2024-01-15,2024-01-15\n"
)


def test_stockouts_file(write_file: WriteFile) -> None:
    source = read_source(write_file("stockouts.csv", STOCKOUTS))
    assert source.layout.kind == "stockouts"
    assert source.table.rows() == [
        ("HAT-S", "Reno NV", date(2024, 1, 5), date(2024, 1, 8)),
        ("HAT-L", None, date(2024, 1, 15), date(2024, 1, 15)),  # out everywhere
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("2024-01-08", "8/1/2024", "2: column 'end': '8/1/2024' is not a date (YYYY-MM-DD)"),
        ("2024-01-05", "2024-01-09", "2: column 'end': '2024-01-08' ends before it starts"),
        ("HAT-L,,", ",,", "3: column 'sku' has no SKU: which SKU was out of stock?"),
    ],
)
def test_a_bad_stockout_row_is_an_error(
    write_file: WriteFile, old: str, new: str, message: str
) -> None:
    path = write_file("stockouts.csv", STOCKOUTS.replace(old, new))
    with pytest.raises(InputError) as err:
        read_table([path], "stockouts")
    assert err.value.line() == f"{path}:{message}"


def test_a_column_no_reader_reads_may_be_named_twice(write_file: WriteFile) -> None:
    """Our own layouts read every column of their table: a second `notes` was refused as if
    one of them were read; a second `unit_cost` is still a question."""
    notes = "supplier,sku,lead_time_days,unit_cost,notes,notes\nACME,A,10,2.5,x,y\n"
    assert read_table([write_file("n.csv", notes)], "suppliers")["unit_cost"].to_list() == [2.5]
    costs = write_file(
        "c.csv", "supplier,sku,lead_time_days,unit_cost,unit_cost\nACME,A,10,2.5,3\n"
    )
    with pytest.raises(InputError, match="names 'unit_cost' twice"):
        read_table([costs], "suppliers")
