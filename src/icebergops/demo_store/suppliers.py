"""The demo store's four suppliers, their terms, and 18 months of purchase orders placed with them.

Purchase orders follow a periodic review: every ``review_days`` the buyer orders what demand will
need from one lead time ahead for one more review period, in whole cases and at least the MOQ.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import polars as pl

from icebergops.demo_store.products import CASCADE, LUSITANA, RIDGELINE, SUMMIT
from icebergops.demo_store.sales import QUANTITIES, QUANTITY_ODDS

UNITS_PER_LINE = float(QUANTITIES @ QUANTITY_ODDS)
HISTORY_DAYS = 548  # about 18 months of purchase orders
TENT_LEAD_TIME_DAYS = 75  # tents ship by sea from a second factory


class Supplier(NamedTuple):
    currency: str
    usd_per_unit: float  # exchange rate used to price the catalogue cost
    lead_time_days: int
    lead_time_std_days: int
    case_pack: int
    moq_cases: int
    min_order_value: float  # in the supplier's currency
    review_days: int  # how often the buyer orders from it


SUPPLIERS: dict[str, Supplier] = {
    CASCADE: Supplier("USD", 1.0, 45, 8, 12, 2, 2500, 28),
    RIDGELINE: Supplier("USD", 1.0, 60, 12, 6, 2, 5000, 35),
    LUSITANA: Supplier("EUR", 1.08, 35, 6, 6, 2, 1500, 21),
    SUMMIT: Supplier("USD", 1.0, 14, 3, 24, 2, 500, 14),
}
CASE_PACKS = {
    "Jackets": 6,
    "Fleece": 12,
    "Base Layers": 12,
    "Hats & Gloves": 24,
    "Footwear": 12,
    "Socks": 24,
    "Tents": 1,
    "Sleeping": 6,
    "Backpacks": 6,
    "Camp Kitchen": 12,
    "Lighting": 12,
    "Drinkware": 24,
    "Kitchen": 6,
    "Blankets": 6,
    "Candles": 12,
    "Home Decor": 6,
}


def _supplier_column(field: str) -> pl.Expr:
    values = {name: getattr(supplier, field) for name, supplier in SUPPLIERS.items()}
    return pl.col("supplier").replace_strict(values)


TERMS_COLUMNS = [
    "supplier",
    "sku",
    "unit_cost",
    "currency",
    "lead_time_days",
    "lead_time_std_days",
    "case_pack",
    "moq",
    "min_order_value",
]


def _default_terms() -> pl.DataFrame:
    rows = [
        (
            name,
            None,
            None,
            s.currency,
            s.lead_time_days,
            s.lead_time_std_days,
            s.case_pack,
            s.case_pack * s.moq_cases,
            s.min_order_value,
        )
        for name, s in SUPPLIERS.items()
    ]
    return pl.DataFrame(rows, schema=TERMS_COLUMNS, orient="row")


def _sku_terms(catalogue: pl.DataFrame, plan: pl.DataFrame) -> pl.DataFrame:
    """Cost in the supplier's currency, case pack, and an MOQ of one case (slow movers and
    24-packs) or two; tents carry their own lead time."""
    case_pack = pl.col("product_type").replace_strict(CASE_PACKS, return_dtype=pl.Int64)
    cases = pl.when(pl.col("slow_mover") | (case_pack >= 24)).then(1).otherwise(2)
    supplied = catalogue.rename({"vendor": "supplier"})
    return supplied.join(plan.select("sku", "slow_mover"), on="sku", maintain_order="left").select(
        "supplier",
        "sku",
        (pl.col("unit_cost") / _supplier_column("usd_per_unit")).round(2).alias("unit_cost"),
        _supplier_column("currency").alias("currency"),
        pl.when(pl.col("product_type") == "Tents")
        .then(TENT_LEAD_TIME_DAYS)
        .alias("lead_time_days"),
        pl.lit(None, pl.Int64).alias("lead_time_std_days"),
        case_pack.alias("case_pack"),
        (case_pack * cases).alias("moq"),
        pl.lit(None, pl.Float64).alias("min_order_value"),
    )


def supplier_terms(catalogue: pl.DataFrame, plan: pl.DataFrame) -> pl.DataFrame:
    """The suppliers.csv layout: per supplier a defaults row (empty sku), then one row per SKU.

    unit_cost and min_order_value are in the supplier's currency; lead times in days; case_pack
    and moq in units.
    """
    skus = _sku_terms(catalogue, plan)
    ranked = pl.concat([_default_terms().cast(skus.schema), skus]).with_columns(
        _rank=pl.col("supplier").replace_strict({n: i for i, n in enumerate(SUPPLIERS)})
    )
    return ranked.sort("_rank", pl.col("sku").is_not_null(), maintain_order=True).drop("_rank")


def _daily_units(
    expected: pl.DataFrame, sku_count: int, extra_days: int
) -> npt.NDArray[np.float64]:
    """Expected units per day × SKU, continued past the history at the last 28 days' rate."""
    lines = expected["expected_lines"].to_numpy().reshape(-1, sku_count)
    ahead = np.repeat(lines[-28:].mean(axis=0, keepdims=True), extra_days, axis=0)
    units: npt.NDArray[np.float64] = np.vstack([lines, ahead]) * UNITS_PER_LINE
    return units


def _review(
    cumulative: npt.NDArray[np.float64],
    columns: npt.NDArray[np.int64],
    supplier: Supplier,
    terms: pl.DataFrame,
    first_day: int,
    last_day: int,
) -> list[tuple[int, int, int]]:
    """(day, column, quantity) of every PO line for one supplier over [first_day, last_day]."""
    case, moq = terms["case_pack"].to_numpy(), terms["moq"].to_numpy()
    lead = terms["lead_time_days"].fill_null(supplier.lead_time_days).to_numpy()
    backlog = np.zeros(len(columns))
    placed: list[tuple[int, int, int]] = []
    for day in range(first_day, last_day + 1, supplier.review_days):
        start, stop = day + lead, day + lead + supplier.review_days
        backlog += cumulative[stop, columns] - cumulative[start, columns]
        due = backlog >= 0.5 * moq
        quantity = np.where(due, np.maximum(moq, np.ceil(backlog / case) * case), 0).astype(int)
        backlog -= quantity
        placed += [(day, int(c), int(q)) for c, q in zip(columns[due], quantity[due], strict=True)]
    return placed


def _ordered_lines(
    expected: pl.DataFrame, plan: pl.DataFrame, terms: pl.DataFrame, start: date, end: date
) -> pl.DataFrame:
    units = _daily_units(expected, plan.height, 200)
    cumulative = np.vstack([np.zeros((1, plan.height)), units.cumsum(axis=0)])
    history = (end - start).days
    column_of = {sku: i for i, sku in enumerate(plan["sku"].to_list())}
    rows: list[tuple[str, int, str, int]] = []
    for offset, (name, supplier) in enumerate(SUPPLIERS.items()):
        own = terms.filter(pl.col("supplier") == name, pl.col("sku").is_not_null())
        columns = np.array([column_of[s] for s in own["sku"].to_list()])
        placed = _review(
            cumulative, columns, supplier, own, history - HISTORY_DAYS + offset, history
        )
        rows += [(name, day, plan["sku"][c], q) for day, c, q in placed]
    frame = pl.DataFrame(rows, schema=["supplier", "day", "sku", "quantity_ordered"], orient="row")
    return frame.with_columns(ordered_date=pl.lit(start) + pl.duration(days="day")).drop("day")


def _numbered(lines: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """One row per PO (supplier × order date): ``PO-2026-0042`` and its delivery noise."""
    pos = lines.select("supplier", "ordered_date").unique().sort("ordered_date", "supplier")
    year = pl.col("ordered_date").dt.year()
    sequence = (pl.int_range(pl.len()).over(year) + 1).cast(pl.String).str.zfill(4)
    late = np.where(rng.random(pos.height) < 0.06, rng.integers(10, 30, pos.height), 0)
    return pos.with_columns(
        po_number=pl.format("PO-{}-{}", year, sequence),
        noise=pl.Series(rng.normal(0, 1, pos.height).clip(-2, 3)),
        late_days=pl.Series(late),
    )


def _received(lines: pl.DataFrame, rng: np.random.Generator, end: date) -> dict[str, pl.Expr]:
    """Expected and received dates, and the quantity received (~5% of lines short)."""
    lead = pl.col("lead_time_days").fill_null(_supplier_column("lead_time_days"))
    noise = (pl.col("noise") * _supplier_column("lead_time_std_days")).round(0).cast(pl.Int64)
    received = pl.col("ordered_date") + pl.duration(days=lead + noise + pl.col("late_days"))
    fraction = pl.Series(rng.uniform(0.5, 0.9, lines.height))
    kept_cases = (pl.col("quantity_ordered") * fraction / pl.col("case_pack")).floor()
    short = pl.Series(rng.random(lines.height) < 0.05) & (kept_cases >= 1)
    arrived = received <= end
    return {
        "expected_date": pl.col("ordered_date") + pl.duration(days=lead),
        "received_date": pl.when(arrived).then(received),
        "quantity_received": pl.when(arrived & short)
        .then((kept_cases * pl.col("case_pack")).cast(pl.Int64))
        .when(arrived)
        .then("quantity_ordered"),
    }


PO_COLUMNS = [
    "po_number",
    "supplier",
    "sku",
    "ordered_date",
    "expected_date",
    "received_date",
    "quantity_ordered",
    "quantity_received",
    "unit_cost",
    "currency",
]


def purchase_orders(
    expected: pl.DataFrame, plan: pl.DataFrame, terms: pl.DataFrame, *, end: date, seed: int = 7
) -> pl.DataFrame:
    """The purchase_orders.csv layout, oldest first. Receipts come one lead time (± noise) later;
    ~6% arrive late, ~5% of lines short; those not yet arrived by ``end`` have no received_date."""
    rng = np.random.default_rng([seed, 7])
    start: date = expected["date"][0]
    sku_terms = terms.filter(pl.col("sku").is_not_null()).select(
        "sku", "unit_cost", "currency", "case_pack", "lead_time_days"
    )
    lines = _ordered_lines(expected, plan, terms, start, end).join(
        sku_terms, on="sku", maintain_order="left"
    )
    lines = lines.join(
        _numbered(lines, rng), on=["supplier", "ordered_date"], maintain_order="left"
    )
    return (
        lines.with_columns(**_received(lines, rng, end))
        .sort("ordered_date", "po_number", "sku")
        .select(PO_COLUMNS)
    )
