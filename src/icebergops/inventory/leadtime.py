"""Lead times learned from purchase-order history, the lead time to plan with, and stock on order.

All durations are calendar days from the day a PO was placed to the day it was received.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from icebergops.schema import SUPPLIERS, conform

LEAD_TIME_SOURCES = ("history", "supplier file", "default")


def learn_lead_times(
    purchase_orders: pl.DataFrame, *, by: Sequence[str] = ("supplier",)
) -> pl.DataFrame:
    """Receipts, mean, spread, 90th percentile and on-time rate of lead times per ``by``.

    ``purchase_orders`` is the ``PURCHASE_ORDERS`` table. Only received lines count; a line
    received before it was ordered is a typing error and is left out. Per supplier, the lines
    of one PO received on one day are one receipt (one shipment), so a 30-line PO does not
    weigh 30 times. ``lead_time_std_days`` is the sample standard deviation (null for one
    receipt); ``on_time_rate`` is the share received on or before ``expected_date``, among
    receipts that had one (null when none had).

    Lead times of 10, 12 and 14 days (PO 3's two lines are one shipment), one on time:

    >>> from datetime import date
    >>> po = pl.DataFrame({
    ...     "po_number": ["1", "2", "3", "3"], "supplier": ["acme"] * 4, "sku": ["A", "A", "A", "B"],
    ...     "ordered_date": [date(2026, 1, 1), date(2026, 2, 1)] + [date(2026, 3, 1)] * 2,
    ...     "expected_date": [date(2026, 1, 11), date(2026, 2, 11)] + [date(2026, 3, 11)] * 2,
    ...     "received_date": [date(2026, 1, 11), date(2026, 2, 13)] + [date(2026, 3, 15)] * 2,
    ... })
    >>> learn_lead_times(po).row(0)
    ('acme', 3, 12.0, 2.0, 13.6, 0.3333333333333333)
    """
    keys = list(by)
    days = (pl.col("received_date") - pl.col("ordered_date")).dt.total_days()
    receipts = (
        purchase_orders.filter(pl.col("received_date").is_not_null() & (days >= 0))
        .with_columns(
            days.cast(pl.Float64).alias("_days"),
            (pl.col("received_date") <= pl.col("expected_date")).cast(pl.Float64).alias("_on"),
        )
        .unique([*keys, "po_number", "ordered_date", "received_date"], maintain_order=True)
    )
    return (
        receipts.group_by(keys)
        .agg(
            pl.len().alias("receipts"),
            pl.col("_days").mean().alias("lead_time_days"),
            pl.col("_days").std().alias("lead_time_std_days"),
            pl.col("_days").quantile(0.9, interpolation="linear").alias("lead_time_p90_days"),
            pl.col("_on").mean().alias("on_time_rate"),
        )
        .sort(keys)
    )


def supplier_terms(suppliers: pl.DataFrame) -> pl.DataFrame:
    """One row per supplier and SKU, the blanks filled from the supplier's default row.

    In ``suppliers.csv`` a row with an empty ``sku`` holds a supplier's defaults (its usual lead
    time, MOQ, minimum order value); SKU rows override them cell by cell. Columns absent from
    ``suppliers`` are added as nulls (:func:`icebergops.schema.conform`).
    """
    suppliers = conform(suppliers, SUPPLIERS)
    defaults = suppliers.filter(pl.col("sku").is_null()).unique("supplier", keep="first")
    rows = suppliers.filter(pl.col("sku").is_not_null())
    merged = rows.join(defaults.drop("sku"), on="supplier", how="left", suffix="_default")
    filled = [
        pl.coalesce(name, f"{name}_default").alias(name)
        for name in suppliers.columns
        if f"{name}_default" in merged.columns
    ]
    return merged.with_columns(filled).select(suppliers.columns)


def lead_times(
    suppliers: pl.DataFrame,
    learned: pl.DataFrame,
    *,
    default_days: float = 14.0,
    default_std_days: float = 0.0,
    min_receipts: int = 3,
) -> pl.DataFrame:
    """The lead time to plan with per supplier and SKU, and where it comes from.

    ``suppliers`` is the ``SUPPLIERS`` table; ``learned`` is :func:`learn_lead_times` by
    supplier or by supplier and SKU. Learned history wins when it has at least
    ``min_receipts`` receipts, then the supplier file's ``lead_time_days``, then
    ``default_days`` (days). The spread follows the mean's source; where that source has none
    (one receipt, a blank cell) ``default_std_days`` stands in. Returns the supplier terms
    (:func:`supplier_terms`) with ``lead_time_days``, ``lead_time_std_days``,
    ``lead_time_source`` (history / supplier file / default) and ``receipts``.

    >>> s = pl.DataFrame({"supplier": ["acme", "acme", "bolt"], "sku": [None, "A", "B"],
    ...                   "lead_time_days": [20.0, None, None]})
    >>> hist = pl.DataFrame({"supplier": ["acme"], "receipts": [2], "lead_time_days": [9.0],
    ...                      "lead_time_std_days": [1.0]})
    >>> lead_times(s, hist).select("sku", "lead_time_days", "lead_time_source").rows()
    [('A', 20.0, 'supplier file'), ('B', 14.0, 'default')]
    """
    terms = supplier_terms(suppliers)
    on = [key for key in ("supplier", "sku") if key in learned.columns]
    history = learned.select(
        *on,
        pl.col("receipts"),
        pl.col("lead_time_days").alias("_h_mean"),
        pl.col("lead_time_std_days").alias("_h_std"),
    )
    trusted = pl.col("receipts").fill_null(0) >= min_receipts
    stated = pl.col("lead_time_days").is_not_null()
    source = (
        pl.when(trusted)
        .then(pl.lit(LEAD_TIME_SOURCES[0]))
        .when(stated)
        .then(pl.lit(LEAD_TIME_SOURCES[1]))
        .otherwise(pl.lit(LEAD_TIME_SOURCES[2]))
    )
    planned = terms.join(history, on=on, how="left").with_columns(
        pl.when(trusted)
        .then(pl.col("_h_mean"))
        .otherwise(pl.col("lead_time_days").fill_null(default_days))
        .alias("lead_time_days"),
        pl.when(trusted)
        .then(pl.col("_h_std"))
        .when(stated)
        .then(pl.col("lead_time_std_days"))
        .fill_null(default_std_days)
        .alias("lead_time_std_days"),
        source.alias("lead_time_source"),
        pl.col("receipts").fill_null(0),
    )
    return planned.drop("_h_mean", "_h_std")


def incoming_units(purchase_orders: pl.DataFrame, *, by: Sequence[str] = ("sku",)) -> pl.DataFrame:
    """Units still on order per ``by``, from the open PO lines (``received_date`` empty).

    An open line owes ``quantity_ordered − quantity_received`` units (a partial receipt so far).
    A line with a ``received_date`` is closed and owes nothing, also when it came short: the
    supplier shipped what it will ship, and counting the rest would keep phantom stock on order
    (and hold back orders) for ever. Returns ``incoming`` (units), ``next_expected_date`` (the
    earliest expected date among the open lines, null when none has one) and ``open_lines``.

    >>> from datetime import date
    >>> po = pl.DataFrame({"sku": ["A", "A", "B"], "quantity_ordered": [10, 5, 4],
    ...     "quantity_received": [None, 2, 4], "received_date": [None, date(2026, 1, 5), None],
    ...     "expected_date": [date(2026, 2, 1), date(2026, 1, 20), None]})
    >>> incoming_units(po).rows()
    [('A', 10, datetime.date(2026, 2, 1), 1)]
    """
    received = pl.col("quantity_received").fill_null(0)
    outstanding = (
        pl.when(pl.col("received_date").is_null())
        .then((pl.col("quantity_ordered") - received).clip(lower_bound=0))
        .otherwise(0)
    )
    return (
        purchase_orders.with_columns(outstanding.alias("_left"))
        .filter(pl.col("_left") > 0)
        .group_by(list(by))
        .agg(
            pl.col("_left").sum().alias("incoming"),
            pl.col("expected_date").min().alias("next_expected_date"),
            pl.len().alias("open_lines"),
        )
        .sort(list(by))
    )
