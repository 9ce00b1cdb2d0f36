"""Lead times from PO history, the lead time to plan with, and units still on order."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from polars.testing import assert_frame_equal

from icebergops.inventory.leadtime import (
    incoming_units,
    lead_times,
    learn_lead_times,
    supplier_terms,
)
from icebergops.schema import PURCHASE_ORDERS, conform

D0 = date(2026, 1, 1)


def po_lines(rows: list[tuple[str, str, str, int, int | None, int | None]]) -> pl.DataFrame:
    """(po, supplier, sku, lead days or None when open, expected days or None, received qty)."""
    return conform(
        pl.DataFrame(
            {
                "po_number": [r[0] for r in rows],
                "supplier": [r[1] for r in rows],
                "sku": [r[2] for r in rows],
                "ordered_date": [D0] * len(rows),
                "received_date": [
                    D0 + timedelta(days=r[3]) if r[3] is not None else None for r in rows
                ],
                "expected_date": [
                    D0 + timedelta(days=r[4]) if r[4] is not None else None for r in rows
                ],
                "quantity_ordered": [10] * len(rows),
                "quantity_received": [r[5] for r in rows],
            },
            schema_overrides={"received_date": pl.Date, "expected_date": pl.Date},
        ),
        PURCHASE_ORDERS,
    )


def test_learns_per_supplier_and_sku_ignoring_open_and_impossible_lines() -> None:
    po = po_lines(
        [
            ("1", "acme", "A", 10, 12, 10),
            ("2", "acme", "A", 20, 12, 10),
            ("3", "acme", "B", 6, None, 10),
            ("4", "acme", "B", None, 5, None),  # open
            ("5", "acme", "B", -3, 5, 10),  # received before ordered: a typo
            ("6", "bolt", "C", 7, 7, 10),
        ]
    )
    got = learn_lead_times(po, by=("supplier", "sku"))
    expected = pl.DataFrame(
        {
            "supplier": ["acme", "acme", "bolt"],
            "sku": ["A", "B", "C"],
            "receipts": [2, 1, 1],
            "lead_time_days": [15.0, 6.0, 7.0],
            "lead_time_std_days": [50**0.5, None, None],
            "lead_time_p90_days": [19.0, 6.0, 7.0],
            "on_time_rate": [0.5, None, 1.0],
        },
        schema_overrides={"receipts": pl.UInt32},
    )
    assert_frame_equal(got, expected)


def test_one_po_received_in_one_shipment_is_one_receipt_per_supplier() -> None:
    po = po_lines(
        [("1", "acme", sku, 10, None, 10) for sku in "ABCDE"] + [("2", "acme", "A", 20, None, 10)]
    )
    got = learn_lead_times(po)
    assert got.select("receipts", "lead_time_days").row(0) == (2, 15.0)


def suppliers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "supplier": ["acme", "acme", "acme", "bolt"],
            "sku": [None, "A", "B", "C"],
            "lead_time_days": [21.0, None, 30.0, None],
            "lead_time_std_days": [4.0, None, None, None],
            "case_pack": [12, None, 6, None],
            "moq": [24, 48, None, None],
        }
    )


def test_supplier_default_row_fills_blank_cells() -> None:
    got = supplier_terms(suppliers()).select("sku", "lead_time_days", "case_pack", "moq")
    assert got.rows() == [("A", 21.0, 12, 48), ("B", 30.0, 6, 24), ("C", None, None, None)]


def test_history_wins_only_with_enough_receipts() -> None:
    learned = pl.DataFrame(
        {
            "supplier": ["acme", "acme"],
            "sku": ["A", "B"],
            "receipts": [3, 2],
            "lead_time_days": [9.0, 8.0],
            "lead_time_std_days": [1.5, 0.5],
        }
    )
    got = lead_times(suppliers(), learned, default_days=10.0, default_std_days=2.0)
    assert got.select(
        "sku", "lead_time_days", "lead_time_std_days", "lead_time_source", "receipts"
    ).rows() == [
        ("A", 9.0, 1.5, "history", 3),
        ("B", 30.0, 4.0, "supplier file", 2),  # B's spread is the supplier default row's
        ("C", 10.0, 2.0, "default", 0),
    ]


def test_min_receipts_is_a_setting_and_history_by_supplier_applies_to_its_skus() -> None:
    learned = pl.DataFrame(
        {
            "supplier": ["acme"],
            "receipts": [1],
            "lead_time_days": [5.0],
            "lead_time_std_days": [None],
        }
    )
    got = lead_times(suppliers(), learned, min_receipts=1, default_std_days=1.0)
    assert got.select("sku", "lead_time_days", "lead_time_std_days", "lead_time_source").rows() == [
        ("A", 5.0, 1.0, "history"),
        ("B", 5.0, 1.0, "history"),
        ("C", 14.0, 1.0, "default"),
    ]


def test_incoming_counts_open_lines_and_not_closed_short_ones() -> None:
    po = pl.DataFrame(
        {
            "sku": ["A", "A", "A", "B", "C"],
            "quantity_ordered": [10, 8, 5, 4, 3],
            "quantity_received": [None, 3, None, 6, 1],
            "received_date": [None, D0, D0, D0, None],
            "expected_date": [D0 + timedelta(days=9), D0 + timedelta(days=3), None, None, None],
        },
        schema_overrides={"received_date": pl.Date, "expected_date": pl.Date},
    )
    # A: 10 open; the second line came 5 short but is closed (received), the third was received
    # without a count; B over-received; C open, 1 of 3 received so far
    expected = pl.DataFrame(
        {
            "sku": ["A", "C"],
            "incoming": [10, 2],
            "next_expected_date": [D0 + timedelta(days=9), None],
            "open_lines": [1, 1],
        },
        schema_overrides={"open_lines": pl.UInt32, "next_expected_date": pl.Date},
    )
    assert_frame_equal(incoming_units(po), expected)
