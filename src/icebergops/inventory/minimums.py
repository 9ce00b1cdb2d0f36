"""Supplier minimum order values: top the order up to the minimum, defer it, or flag it.

A supplier with a minimum order value (currency) refuses a smaller order, or charges for it.
When this run's order to a supplier is worth less than its minimum, the top-up is worked out
first (below), then, per supplier:

- **topped up** when the top-up costs at most ``limit`` (default 50%) of the order, or when
  something in the order is due (see defer): the cases are added.
- **defer** when the top-up would cost more than that, or cannot reach the minimum, and nothing
  in the order is due: every SKU ordered is expected to last until an order placed at the next
  review would arrive (position ≥ d·(L + R): only its safety stock is at stake for a cycle. The
  reorder point cannot be the test, since an order-up-to plan orders exactly the SKUs that
  would be below it by the next review). The order is skipped this cycle (quantities 0) and the
  reason says what waits. Waiting costs a cycle of safety stock, a large top-up weeks of stock
  nobody has asked for yet; the next review orders more, closer to the minimum. Something due
  is worth a top-up of any size that stays under the overstock threshold.
- **below** when the minimum cannot be reached and something is due: nothing is added, the
  flag stays and the reason says why (the seller orders anyway, or asks the supplier).

The top-up adds whole cases to the supplier's SKUs until the order reaches the minimum. Each
case goes where it sells soonest: to the SKU whose position after the order covers the fewest
days (the days-of-supply rule: stock that sells first ties money up for the shortest time and is
the least likely to be left over). SKUs that run out within the same review period are equally
urgent: among them A-class SKUs first (when the plan has ``abc_class``), then the higher margin
per unit of money. Never SKUs without demand (dead stock), overstocked or without a unit cost;
never beyond ``overstock_days`` of cover; a SKU not ordered yet gets at least its MOQ. The step
that completes the minimum is the cheapest next step (a case, or an MOQ) of any of the
supplier's SKUs that does, not necessarily the next in line, so the order passes the minimum by
as little as one step allows. A heuristic, not an optimum: greedy days of supply is the usual
way to spread a joint order over items.
"""

from __future__ import annotations

import polars as pl

from icebergops.inventory.orders import pack_size

LIMIT = 0.5  # a top-up of more than half the order is deferred when nothing is due
_EPSILON = 1e-9  # money: a shortfall of 1e-12 is float noise, not a reason to add a case

STATUS = "supplier_minimum_status"


def supplier_minimums(plan: pl.DataFrame) -> pl.DataFrame:
    """Each supplier's order value this run against its minimum order value, per row.

    Adds ``supplier_order_value`` (currency, the sum of ``order_value`` over the supplier's
    rows), ``supplier_shortfall`` (what is missing to reach ``min_order_value``),
    ``below_supplier_minimum`` and ``supplier_minimum_status``: ``"met"``, ``"topped up"``
    (a row has ``top_up_quantity`` > 0), ``"below"`` or ``"defer"`` (kept from
    :func:`top_up_to_minimums`); null without a minimum or an order. Quantities are not changed.

    >>> p = pl.DataFrame({"supplier": ["a", "a", "b"], "order_value": [40.0, 30.0, 60.0],
    ...                   "min_order_value": [100.0, 100.0, 50.0]})
    >>> supplier_minimums(p).select("below_supplier_minimum", STATUS).rows()
    [(True, 'below'), (True, 'below'), (False, 'met')]
    """
    total = pl.col("order_value").fill_null(0.0).sum().over("supplier")
    minimum = pl.col("min_order_value").max().over("supplier")
    short = (minimum - pl.col("supplier_order_value")).clip(lower_bound=0.0)
    below = (pl.col("supplier_order_value") > 0) & (short > _EPSILON)
    added = (pl.col("top_up_quantity") > 0).any().over("supplier")
    was = pl.col(STATUS) if STATUS in plan.columns else pl.lit(None, pl.String)
    if "top_up_quantity" not in plan.columns:
        plan = plan.with_columns(pl.lit(0, pl.Int64).alias("top_up_quantity"))
    return plan.with_columns(
        pl.when(pl.col("supplier").is_not_null()).then(total).alias("supplier_order_value")
    ).with_columns(
        pl.when(pl.col("supplier_order_value") > 0).then(short).alias("supplier_shortfall"),
        below.fill_null(False).alias("below_supplier_minimum"),
        pl.when(was == "defer")
        .then(pl.lit("defer"))
        .when(pl.col("supplier").is_null() | ~(minimum > 0).fill_null(False))
        .then(pl.lit(None, pl.String))
        .when(pl.col("supplier_order_value") <= 0)
        .then(pl.lit(None, pl.String))
        .when(below)
        .then(pl.lit("below"))
        .when(added)
        .then(pl.lit("topped up"))
        .otherwise(pl.lit("met"))
        .alias(STATUS),
    )


def _suppliers() -> list[pl.Expr]:
    """Per row, its supplier's order ``_value``, ``_minimum`` and ``_short`` (currency), whether
    it ``_needs`` more, and whether all its order ``_waits``: every SKU ordered is expected to
    last until an order placed at the next review arrives (position ≥ d·(L + R))."""
    value = pl.col("order_value").fill_null(0.0).sum().over("supplier")
    minimum = pl.col("min_order_value").max().over("supplier")
    short = minimum - value
    needs = pl.col("supplier").is_not_null() & (value > 0) & (short > _EPSILON)
    lasts = pl.col("position") >= pl.col("demand_per_day") * pl.col("protection_days")
    waits = (pl.col("order_quantity") == 0) | ((pl.col("position") >= 0) & lasts)
    return [
        value.alias("_value"),
        minimum.alias("_minimum"),
        short.alias("_short"),
        needs.fill_null(False).alias("_needs"),
        waits.fill_null(False).all().over("supplier").alias("_waits"),
    ]


def _decisions(limit: float) -> list[pl.Expr]:
    """``_deferred`` and ``top_up_quantity`` per row, from the top-up each row could take
    (``_added``): see the module docstring."""
    extra = pl.col("_added").fill_null(0).cast(pl.Int64)
    reached = (extra > 0).any().over("supplier")
    cost = (extra * pl.col("unit_cost")).sum().over("supplier")
    deferred = pl.col("_needs") & pl.col("_waits") & (~reached | (cost > limit * pl.col("_value")))
    return [
        deferred.alias("_deferred"),
        pl.when(deferred).then(0).otherwise(extra).alias("top_up_quantity"),
        reached.alias("_reached"),
        pl.when(pl.col("_value") > 0)
        .then(cost / pl.col("_value") * 100)
        .round(0)
        .cast(pl.Int64)
        .alias("_share"),
    ]


def _candidates(plan: pl.DataFrame, overstock_days: float) -> pl.DataFrame:
    """Rows of suppliers to top up that may take more: ``_row``, the first step (units: one
    case, or the MOQ where nothing is ordered yet), ``_pack``, and ``_steps``, as many steps as
    fit under ``overstock_days`` of cover, at most as many as would cover the shortfall alone."""
    d, cost, pack = pl.col("demand_per_day"), pl.col("unit_cost"), pack_size(pl.col("case_pack"))
    first = (
        pl.when(pl.col("order_quantity") > 0)
        .then(pack)
        .otherwise(pl.max_horizontal(pl.col("moq_effective").fill_null(0), pack))
    )
    room = (d * overstock_days - pl.col("position") - pl.col("order_quantity")).floor()
    fits = pl.when(room >= first).then(1 + (room - first) // pack).otherwise(0)
    needed = 1 + ((pl.col("_short") - first * cost).clip(lower_bound=0.0) / (pack * cost)).ceil()
    usable = pl.col("_needs") & (d > 0) & ~pl.col("dead_stock") & ~pl.col("overstock")
    return plan.filter(usable & (cost > 0)).select(
        "_row",
        "supplier",
        "_short",
        first.alias("_first"),
        pack.alias("_pack"),
        pl.min_horizontal(fits, needed).cast(pl.Int64).alias("_steps"),
    )


def _added(plan: pl.DataFrame, overstock_days: float) -> pl.DataFrame:
    """``_row, _added``: units each row takes (see :func:`_ranked` and :func:`_closing`); none
    for a supplier whose shortfall all the steps together cannot cover."""
    ranked = _ranked(plan, overstock_days)
    reaches = pl.col("_cost").sum().over("supplier") >= pl.col("_short") - _EPSILON
    ranked = ranked.filter(reaches).with_columns(
        pl.col("_cost").cum_sum().over("supplier").alias("_spent"),
        pl.int_range(pl.len()).over("supplier").alias("_rank"),
    )
    before = ranked.filter(pl.col("_spent") < pl.col("_short") - _EPSILON)
    return (
        pl.concat([before, _closing(ranked, before)])
        .group_by("_row")
        .agg(pl.col("_end").max().alias("_added"))
    )


def _ranked(plan: pl.DataFrame, overstock_days: float) -> pl.DataFrame:
    """Every step a row could take (a first step, then whole cases), in days-of-supply order
    per supplier, with ``_end`` (units added after it) and ``_cost`` (currency)."""
    steps = _candidates(plan, overstock_days).filter(pl.col("_steps") > 0)
    steps = steps.with_columns(pl.int_ranges(0, "_steps").alias("_step")).explode("_step")
    start = (
        pl.when(pl.col("_step") == 0)
        .then(0)
        .otherwise(pl.col("_first") + (pl.col("_step") - 1) * pl.col("_pack"))
    )
    end = pl.col("_first") + pl.col("_step") * pl.col("_pack")
    return (
        steps.join(plan.select("_row", *_ranking_terms(plan)), on="_row")
        .with_columns(
            ((pl.col("_held") + start) / pl.col("demand_per_day")).alias("_cover"),
            end.alias("_end"),
            ((end - start) * pl.col("unit_cost")).alias("_cost"),
        )
        .with_columns((pl.col("_cover") / pl.col("review_days")).floor().alias("_period"))
        .sort("supplier", "_period", "_class", "_margin", "_cover", "_row", "_step",
              descending=[False, False, False, True, False, False, False], nulls_last=True)
    )  # fmt: skip


def _closing(ranked: pl.DataFrame, before: pl.DataFrame) -> pl.DataFrame:
    """The step that completes each supplier's minimum after the steps ``before`` it: the
    cheapest next step of any of its rows that covers what is left (the next step in line
    always does), so the order overshoots the minimum by no more than it must."""
    taken = before.group_by("_row").agg(pl.len().cast(pl.Int64).alias("_taken"))
    spent = before.group_by("supplier").agg(pl.col("_spent").max().alias("_before"))
    left = pl.col("_short") - pl.col("_before").fill_null(0.0)
    return (
        ranked.join(taken, on="_row", how="left")
        .join(spent, on="supplier", how="left")
        .filter(
            (pl.col("_step") == pl.col("_taken").fill_null(0))
            & (pl.col("_cost") >= left - _EPSILON)
        )
        .sort("supplier", "_cost", "_rank")
        .unique("supplier", keep="first", maintain_order=True)
        .select(before.columns)
    )


def _ranking_terms(plan: pl.DataFrame) -> list[pl.Expr]:
    """Units held after the order, demand, review period, ABC rank and margin per unit of money."""
    abc = (
        pl.col("abc_class").replace_strict({"A": 0, "B": 1, "C": 2}, default=3)
        if "abc_class" in plan.columns
        else pl.lit(3)
    )
    price = pl.col("price") if "price" in plan.columns else pl.lit(None, pl.Float64)
    margin = (price - pl.col("unit_cost")) / pl.col("unit_cost")
    return [
        (pl.col("position") + pl.col("order_quantity")).alias("_held"),
        pl.col("demand_per_day", "unit_cost", "review_days"),
        abc.alias("_class"),
        margin.alias("_margin"),
    ]


def top_up_to_minimums(
    plan: pl.DataFrame, *, overstock_days: float = 180.0, limit: float = LIMIT
) -> pl.DataFrame:
    """The plan with each supplier below its minimum order value topped up, deferred or flagged
    (see the module docstring); then :func:`supplier_minimums`.

    ``plan`` has :func:`~icebergops.inventory.policy.plan_restock`'s columns (``reason``
    optional; ``abc_class`` optional). Adds ``top_up_quantity`` (units added, included in
    ``order_quantity``). Quantities stay whole cases, at least the MOQ or 0. ``limit`` is the
    top-up, as a share of the order value, above which an order that can wait is deferred.

    Example: Acme's minimum is 100 (money); its order is 60 units of A (cost 1, 2 a day,
    position 10: due, as 10 units do not last the 17 days of L + R; 35 days of cover after the
    order), nothing of B (cost 1, 1 a day, position 12: 12 days). The 40 missing (67% of the
    order, but A is due, so not deferred) go to the SKU with the least cover, a week at a time,
    in cases of 10 (MOQ 20): B 20 (cover 12 → 32 days) and 10 (→ 42), A 10 (35 → 40): 100.

    >>> p = pl.DataFrame({
    ...     "sku": ["A", "B"], "supplier": ["Acme"] * 2, "min_order_value": [100.0] * 2,
    ...     "unit_cost": [1.0] * 2, "price": [3.0] * 2, "case_pack": [10] * 2,
    ...     "moq_effective": [20] * 2, "demand_per_day": [2.0, 1.0], "position": [10, 12],
    ...     "protection_days": [17.0] * 2, "review_days": [7] * 2, "order_quantity": [60, 0],
    ...     "order_value": [60.0, 0.0], "dead_stock": [False] * 2, "overstock": [False] * 2})
    >>> topped = top_up_to_minimums(p)
    >>> topped.select("sku", "order_quantity", "top_up_quantity", STATUS).rows()
    [('A', 70, 10, 'topped up'), ('B', 30, 30, 'topped up')]
    """
    plan = plan.with_row_index("_row").with_columns(_suppliers())
    added = _added(plan, overstock_days)
    decided = plan.join(added, on="_row", how="left").with_columns(_decisions(limit))
    if "reason" in decided.columns:
        decided = decided.with_columns(_reason(overstock_days))
    deferred = pl.col("_deferred")
    changed = decided.with_columns(
        pl.when(deferred)
        .then(0)
        .otherwise(pl.col("order_quantity") + pl.col("top_up_quantity"))
        .alias("order_quantity"),
        pl.when(deferred).then(pl.lit("defer")).alias(STATUS),
    ).with_columns((pl.col("order_quantity") * pl.col("unit_cost")).alias("order_value"))
    return supplier_minimums(changed).drop(
        "_row", "_value", "_minimum", "_short", "_needs", "_waits", "_added", "_deferred",
        "_reached", "_share",
    )  # fmt: skip


def _reason(overstock_days: float) -> pl.Expr:
    """``reason`` with what the supplier's minimum does to the row, if anything (before the
    quantities change)."""
    ordered, supplier = pl.col("order_quantity"), pl.col("supplier")
    minimum, value = pl.col("_minimum").round(2), pl.col("_value").round(2)
    room = pl.lit(f"topping it up would take SKUs past {overstock_days:g} days of cover")
    why = (
        pl.when(pl.col("_reached"))
        .then(pl.format("topping it up would add {}%", pl.col("_share")))
        .otherwise(room)
    )
    note = (
        pl.when(pl.col("top_up_quantity") > 0)
        .then(pl.format("; +{} units to reach {}'s minimum order {}", "top_up_quantity",
                        supplier, minimum))
        .when(pl.col("_deferred") & (ordered > 0))
        .then(pl.format("; defer: {} units wait, as {}'s order of {} is below its minimum {}, "
                        "{}, and all of it lasts until an order at the next review arrives",
                        ordered, supplier, value, minimum, why))
        .when(pl.col("_needs") & ~pl.col("_reached") & (ordered > 0))
        .then(pl.format("; {}'s order of {} is below its minimum {}: {}", supplier, value,
                        minimum, room))
    )  # fmt: skip
    return pl.concat_str(pl.col("reason"), note.fill_null("")).alias("reason")
