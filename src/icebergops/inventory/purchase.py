"""Purchase orders from a restock plan: one document per supplier that an accountant can open."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

import polars as pl


def purchase_orders(
    plan: pl.DataFrame, *, today: date, currency: str | None
) -> dict[str, pl.DataFrame]:
    """``{supplier: lines}``: what to order from each supplier, a totals line last.

    Columns name their unit and currency: ``quantity (units)``, ``unit cost (EUR)``,
    ``line total (EUR)``, in the currency the supplier's costs are in (the plan's ``currency``;
    ``currency``, the store's, where the plan has none). Costs in several currencies get a
    ``currency`` column and a totals line each. ``needed by`` is today plus the lead time, the
    day the goods should arrive. Only rows with a positive ``order_quantity``. A plan per
    location gives each line its ``location``, the warehouse to deliver it to (lines grouped by
    it). The totals line's value is empty where no line has a unit cost: 0.00 would read as
    nothing to pay.

    >>> plan = pl.DataFrame({"supplier": ["Acme"], "sku": ["A"], "title": ["Anvil"],
    ...     "order_quantity": [12], "unit_cost": [2.5], "lead_time_days": [10.0]})
    >>> purchase_orders(plan, today=date(2026, 3, 2), currency="USD")["Acme"].rows()
    [('A', 'Anvil', 12, 2.5, 30.0, datetime.date(2026, 3, 12)), ('TOTAL', '1 line', 12, None, 30.0, None)]
    """
    located = ["location"] if "location" in plan.columns else []
    quoted = pl.col("currency") if "currency" in plan.columns else pl.lit(None, pl.String)
    wanted = (
        plan.filter(pl.col("order_quantity") > 0)
        .with_columns(quoted.fill_null(pl.lit(currency, pl.String)).alias("_currency"))
        .sort("supplier", *located, "sku")
    )
    cost = pl.col("unit_cost").cast(pl.Float64)  # a plan without any cost may hold nulls only
    documents = {}
    for (supplier,), lines in wanted.group_by("supplier", maintain_order=True):
        codes = lines.get_column("_currency").unique(maintain_order=True).drop_nulls()
        mixed = codes.len() > 1
        money = f" ({codes[0]})" if codes.len() == 1 else ""
        rows = lines.select(
            pl.col("sku"),
            pl.col("title"),
            *located,
            pl.col("order_quantity").alias("quantity (units)"),
            cost.alias(f"unit cost{money}"),  # files show 4 decimals, 4 digits below 0.01
            (pl.col("order_quantity") * cost).round(2).alias(f"line total{money}"),
            *([pl.col("_currency").alias("currency")] if mixed else []),
            (
                pl.lit(today) + pl.duration(days=pl.col("lead_time_days").round().cast(pl.Int64))
            ).alias("needed by"),
        )
        documents[str(supplier)] = pl.concat([rows, _totals(rows, located, money, mixed)])
    return documents


def _totals(rows: pl.DataFrame, located: list[str], money: str, mixed: bool) -> pl.DataFrame:
    """The totals line (one per currency where costs are in several)."""
    lines = f"{rows.height} line" + ("s" if rows.height != 1 else "")
    unpriced = rows[f"unit cost{money}"].null_count()
    if unpriced and unpriced < rows.height:
        lines += f", {unpriced} without a unit cost"
    groups = rows.group_by("currency", maintain_order=True) if mixed else [((None,), rows)]
    totals = []
    for (code,), part in groups:
        value = part[f"line total{money}"]
        totals.append(
            {
                "sku": "TOTAL" if code is None else f"TOTAL {code}",
                "title": lines,
                **dict.fromkeys(located),
                "quantity (units)": part["quantity (units)"].sum(),
                f"unit cost{money}": None,
                f"line total{money}": round(value.sum(), 2)
                if value.null_count() < value.len()
                else None,
                **({"currency": code} if mixed else {}),
                "needed by": None,
            }
        )
    return pl.DataFrame(totals, schema=rows.schema)


def file_stem(supplier: str, today: date) -> str:
    """A file name for a supplier's order: ``PO-2026-03-02-acme-tools``. Letters of any
    script are kept (a Japanese or Greek supplier is not reduced to ``supplier``).

    >>> file_stem("Cascade Textile Co.", date(2026, 3, 2))
    'PO-2026-03-02-cascade-textile-co'
    >>> file_stem("Müller & Söhne", date(2026, 3, 2))
    'PO-2026-03-02-müller-söhne'
    """
    folded = unicodedata.normalize("NFC", supplier).casefold()
    slug = re.sub(r"[\W_]+", "-", folded).strip("-") or "supplier"
    return f"PO-{today.isoformat()}-{slug}"


def file_stems(suppliers: Iterable[str], today: date) -> dict[str, str]:
    """:func:`file_stem` per supplier, made unique: suppliers whose names differ only in
    punctuation or case get ``-2``, ``-3``… in the order given, so no order overwrites
    another (file systems that ignore case included).

    >>> file_stems(["ACME Tools", "Acme-Tools", "Bolt"], date(2026, 3, 2))
    {'ACME Tools': 'PO-2026-03-02-acme-tools', 'Acme-Tools': 'PO-2026-03-02-acme-tools-2', \
'Bolt': 'PO-2026-03-02-bolt'}
    """
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for supplier in suppliers:
        base = stem = file_stem(supplier, today)
        n = 1
        while stem.casefold() in taken:
            n += 1
            stem = f"{base}-{n}"
        taken.add(stem.casefold())
        stems[supplier] = stem
    return stems
