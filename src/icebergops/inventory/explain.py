"""``--explain SKU``: every number of one plan row, with the arithmetic that produced it."""

from __future__ import annotations

from typing import Any

import polars as pl

from icebergops.errors import InputError


def _n(value: Any, digits: int = 2) -> str:
    if value is None:
        return "n/a"  # not known (a "-" would be escaped in a spreadsheet: '-)
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _steps(r: dict[str, Any]) -> list[tuple[str, Any, str]]:
    d, lead, review = r["demand_per_day"], r["lead_time_days"], r["review_days"]
    quantile = r["safety_method"] == "forecast quantile"
    safety_how = (
        f"forecast quantile {_n(r['demand_quantile'])} − d·(L+R) {_n(d * (lead + review))}"
        if quantile
        else f"z·σ = {_n(r['z'], 3)} × {_n(r['protection_std'])}"
    )
    return [
        ("demand per day (d)", d, "forecast mean, units/day"),
        ("demand spread per day (σ_d)", r["demand_std_per_day"], "forecast, units/day"),
        ("lead time (L)", lead, f"days, from {r['lead_time_source'] or 'supplier file'}"),
        ("lead time spread (σ_L)", r["lead_time_std_days"], "days"),
        ("review period (R)", review, "days between plans"),
        ("service level", r["service_level"], f"z = NormalDist().inv_cdf = {_n(r['z'], 3)}"),
        (
            "σ over L+R",
            r["protection_std"],
            f"√((L+R)·σ_d² + d²·σ_L²) = √({_n(lead + review)}·{_n(r['demand_std_per_day'])}² "
            f"+ {_n(d)}²·{_n(r['lead_time_std_days'])}²)",
        ),
        ("safety stock (SS)", r["safety_stock"], safety_how),
        ("reorder point", r["reorder_point"], f"d·L + SS = {_n(d)}·{_n(lead)} + SS"),
        (
            "order-up-to level (S)",
            r["order_up_to"],
            f"d·(L+R) + SS = {_n(d)}·{_n(lead + review)} + SS",
        ),
        (
            "inventory position",
            r["position"],
            f"on hand {r['on_hand']} − committed {r['committed']} + incoming {r['incoming']}",
        ),
        ("raw quantity", r["raw_quantity"], "S − position when an order is due, else 0"),
        (
            "order quantity",
            r["order_quantity"],
            f"up to cases of {r['case_pack']}, at least MOQ {r['moq_effective']}"
            + (f" ({r['moq_warning']})" if r["moq_warning"] else ""),
        ),
        *_top_up(r),
        ("order value", r["order_value"], f"× unit cost {_n(r['unit_cost'])}"),
        *_minimum(r),
        ("order by", r["order_by_date"], "when the position reaches the reorder point"),
        ("stockout date", r["stockout_date"], "today + (on hand − committed) / d"),
        ("units short before arrival", r["units_short"], "σ_L·G((position − d·L)/σ_L)"),
        ("revenue at risk", r["revenue_at_risk"], f"units short × price {_n(r['price'])}"),
        *_budget(r),
        ("why", r["reason"], ""),
    ]


def _top_up(r: dict[str, Any]) -> list[tuple[str, Any, str]]:
    if not r.get("top_up_quantity"):
        return []
    how = f"cases added to reach {r['supplier']}'s minimum order value, least cover first"
    return [("of which top-up", r["top_up_quantity"], how)]


def _minimum(r: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """The supplier's order against its minimum order value, and what was done about it."""
    status = r.get("supplier_minimum_status")
    if status is None:
        return []
    done = {
        "met": "met as planned",
        "topped up": "met by topping up (least days of cover first, A-class and margin next)",
        "below": "still below: see why",
        "defer": "order skipped this cycle: see why",
    }
    how = (
        f"{r['supplier']}: order {_n(r['supplier_order_value'])} against minimum "
        f"{_n(r['min_order_value'])}; {done.get(status, status)}"
    )
    return [("supplier minimum", status, how)]


def _budget(r: dict[str, Any]) -> list[tuple[str, Any, str]]:
    if not r.get("deferred_quantity"):
        return []
    how = (
        f"cut to fit the budget: {_n(r['deferred_value'])} less spent, expected margin lost "
        f"{_n(r['deferred_margin'])}"
    )
    return [("deferred by the budget", r["deferred_quantity"], how)]


def _background(r: dict[str, Any], history: pl.DataFrame | None) -> list[tuple[str, Any, str]]:
    """Where the demand figures come from: the history used, stockout days, model, classes."""
    rows: list[tuple[str, Any, str]] = []
    if history is not None and not history.is_empty():
        first, last = str(history["day"].min()), str(history["day"].max())
        sold = int(history["units"].sum())
        rows.append(
            (
                "history used",
                f"{history.height} days",
                f"{first} to {last}, {sold:,} unit{'' if sold == 1 else 's'}",
            )
        )
        if "censored" in history.columns:
            out = int(history["censored"].sum())
            rows.append(("stockout days", out, "imputed for fitting, not read as zero demand"))
    if r.get("model"):
        how = f"{r.get('method') or ''}; demand class {r.get('demand_class') or '-'}"
        rows.append(("forecast model", r["model"], how.strip("; ")))
    if r.get("abc_xyz"):
        rows.append(("ABC-XYZ class", r["abc_xyz"], "revenue share × weekly variability"))
    return rows


def explain(
    plan: pl.DataFrame,
    *,
    sku: str,
    location: str | None = None,
    history: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The steps behind one SKU's plan row(s): ``location, step, value, how`` (text columns).

    One block per location when the plan is per location (or only ``location``'s). With
    ``history`` (``sku, day, units[, censored]``) the history used and its stockout days lead.

    >>> plan = pl.DataFrame({"sku": ["A"], "order_quantity": [12]})
    >>> explain(plan, sku="B")
    Traceback (most recent call last):
    ...
    icebergops.errors.InputError: SKU 'B' is not in the plan
    """
    rows = plan.filter(pl.col("sku") == sku)
    if location is not None and "location" in rows.columns:
        rows = rows.filter(pl.col("location") == location)
    if rows.is_empty():
        raise InputError(f"SKU {sku!r} is not in the plan", hint="check the spelling")
    own = history.filter(pl.col("sku") == sku) if history is not None else None
    lines = [
        (row.get("location"), step, _n(value), how)
        for row in rows.iter_rows(named=True)
        for step, value, how in [*_background(row, own), *_steps(row)]
    ]
    table = pl.DataFrame(
        lines, schema=["location", "step", "value", "how"], orient="row"
    ).with_columns(pl.col("location").cast(pl.String))
    return table if "location" in plan.columns else table.drop("location")
