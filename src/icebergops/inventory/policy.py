"""The restock plan: a periodic-review, order-up-to (R, S) policy per SKU (and location).

Why (R, S): the plan is made on a schedule (``icebergops restock`` every ``review_days``), not
watched continuously, so an order placed today must last until the order placed at the next
review arrives: R + L days. Each review orders up to S = d·(L+R) + SS whenever the inventory
position is below S (Silver, Pyke & Thomas, "Inventory and Production Management in Supply
Chains", 4th ed., ch. 6 on the (R, S) system). The reorder point d·L + SS (what continuous review
would wait for) is still reported: it dates the last day an order can wait (``order_by_date``),
and ``trigger="reorder-point"`` orders only at or below it, the (R, s, S) variant, for sellers
who would rather place fewer, larger orders.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

import polars as pl

from icebergops.errors import InputError
from icebergops.inventory.minimums import LIMIT, top_up_to_minimums
from icebergops.inventory.orders import effective_moq, moq_warning, round_order
from icebergops.inventory.safety import expected_shortage, protection_std, z_scores

Trigger = Literal["order-up-to", "reorder-point"]
HORIZON_DAYS = 3650  # dates further out than ten years are shown as null: not in sight

_DEMAND: dict[str, tuple[pl.DataType, object]] = {
    "demand_per_day": (pl.Float64(), 0.0),
    "demand_std_per_day": (pl.Float64(), 0.0),
    "demand_quantile": (pl.Float64(), None),
    "price": (pl.Float64(), None),
    "service_level": (pl.Float64(), None),
    "abc_class": (pl.String(), None),
}
_STOCK: dict[str, tuple[pl.DataType, object]] = {
    "on_hand": (pl.Int64(), 0),
    "committed": (pl.Int64(), 0),
    "incoming": (pl.Int64(), 0),
}
# the earliest open purchase order's expected date (``leadtime.incoming_units``), where known
_ARRIVAL: dict[str, tuple[pl.DataType, object]] = {"next_expected_date": (pl.Date(), None)}
_SUPPLY: dict[str, tuple[pl.DataType, object]] = {
    "supplier": (pl.String(), None),
    "unit_cost": (pl.Float64(), None),
    "case_pack": (pl.Int64(), 1),
    "moq": (pl.Int64(), 0),
    "min_order_value": (pl.Float64(), None),
    "lead_time_days": (pl.Float64(), None),
    "lead_time_std_days": (pl.Float64(), 0.0),
    "lead_time_source": (pl.String(), None),
}


def _with(frame: pl.DataFrame, columns: Mapping[str, tuple[pl.DataType, object]]) -> pl.DataFrame:
    """``frame`` with every column of ``columns`` in its dtype, nulls filled by the default."""
    added = [pl.lit(None).alias(name) for name in columns if name not in frame.columns]
    typed = [pl.col(name).cast(dtype) for name, (dtype, _) in columns.items()]
    filled = [
        pl.col(name).fill_null(value) for name, (_, value) in columns.items() if value is not None
    ]
    return frame.with_columns(added).with_columns(typed).with_columns(filled)


def _inputs(
    demand: pl.DataFrame, stock: pl.DataFrame, supply: pl.DataFrame, default_lead_time: float
) -> tuple[pl.DataFrame, list[str]]:
    """Demand, stock and supply in one frame per SKU (per SKU and location when both have it)."""
    keys = (
        ["sku", "location"] if {"location"} <= set(demand.columns) & set(stock.columns) else ["sku"]
    )
    doubled = supply.filter(pl.col("sku").is_duplicated()).get_column("sku").unique().sort()
    if len(doubled):
        raise InputError(
            f"{len(doubled)} SKUs have more than one supplier row, e.g. {doubled[0]!r}",
            hint="keep one row per SKU: the supplier you will order from",
        )
    stock = (
        _with(stock, {**_STOCK, **_ARRIVAL})
        .group_by(keys)
        .agg(pl.col(list(_STOCK)).sum(), pl.col(list(_ARRIVAL)).min())
    )
    both = _with(demand, _DEMAND).join(stock, on=keys, how="full", coalesce=True)
    frame = _with(both, {**_DEMAND, **_STOCK, **_ARRIVAL}).join(
        supply.select([c for c in supply.columns if c in ("sku", *_SUPPLY)]), on="sku", how="left"
    )
    frame = _with(frame, _SUPPLY).with_columns(
        pl.col("lead_time_source").fill_null(
            pl.when(pl.col("lead_time_days").is_null()).then(pl.lit("default"))
        ),
        pl.col("lead_time_days").fill_null(default_lead_time),
    )
    return frame, keys


def _levels(frame: pl.DataFrame, review_days: int, service_level: float) -> pl.DataFrame:
    """Safety stock, reorder point and order-up-to level (units) per row."""
    frame = frame.with_columns(pl.col("service_level").fill_null(service_level))
    frame = frame.with_columns(z_scores(frame.get_column("service_level")))
    d, lead = pl.col("demand_per_day"), pl.col("lead_time_days")
    quantile = pl.col("demand_quantile")
    normal = pl.col("z") * pl.col("protection_std")
    return (
        frame.with_columns(
            pl.lit(review_days).alias("review_days"),
            (lead + review_days).alias("protection_days"),
            protection_std(
                demand_std=pl.col("demand_std_per_day"),
                demand_per_day=d,
                days=lead + review_days,
                lead_time_std=pl.col("lead_time_std_days"),
            ).alias("protection_std"),
        )
        .with_columns(
            pl.when(quantile.is_not_null())
            .then(pl.lit("forecast quantile"))
            .otherwise(pl.lit("normal"))
            .alias("safety_method"),
            pl.coalesce(quantile - d * pl.col("protection_days"), normal).alias("safety_stock"),
        )
        .with_columns(
            (d * lead + pl.col("safety_stock")).alias("reorder_point"),
            (d * pl.col("protection_days") + pl.col("safety_stock")).alias("order_up_to"),
        )
    )


def _quantities(frame: pl.DataFrame, trigger: Trigger) -> pl.DataFrame:
    """Inventory position, the raw need and the order rounded to cases and MOQ (units)."""
    position = pl.col("on_hand") - pl.col("committed") + pl.col("incoming")
    due = (
        pl.col("position") < pl.col("order_up_to")
        if trigger == "order-up-to"
        else pl.col("position") <= pl.col("reorder_point")
    )
    # without expected demand only a backlog is worth buying, whatever spread the forecast has
    due = due & ((pl.col("demand_per_day") > 0) | (pl.col("position") < 0))
    case_pack, moq = pl.col("case_pack"), pl.col("moq")
    return (
        frame.with_columns(position.alias("position"))
        .with_columns(
            pl.when(due)
            .then((pl.col("order_up_to") - pl.col("position")).clip(lower_bound=0.0))
            .otherwise(0.0)
            .alias("raw_quantity"),
            effective_moq(moq, case_pack).alias("moq_effective"),
            moq_warning(moq, case_pack).alias("moq_warning"),
        )
        .with_columns(
            round_order(pl.col("raw_quantity"), case_pack=case_pack, moq=moq).alias(
                "order_quantity"
            )
        )
        .with_columns((pl.col("order_quantity") * pl.col("unit_cost")).alias("order_value"))
    )


def _in_days(today: date, days: pl.Expr) -> pl.Expr:
    """``today`` plus whole ``days`` (floored, never before today); null beyond the horizon."""
    whole = days.floor().clip(lower_bound=0.0)
    return (
        pl.when(whole <= HORIZON_DAYS)
        .then(pl.lit(today) + pl.duration(days=whole.fill_nan(None).cast(pl.Int64)))
        .otherwise(pl.lit(None, pl.Date))
    )


def _signals(frame: pl.DataFrame, today: date, overstock_days: float) -> pl.DataFrame:
    """Dates, cover, expected shortage and the overstock / dead stock flags."""
    d = pl.col("demand_per_day")
    selling = d > 0
    usable = (pl.col("on_hand") - pl.col("committed")).clip(lower_bound=0)
    short = expected_shortage(
        mean=d * pl.col("lead_time_days"),
        std=protection_std(
            demand_std=pl.col("demand_std_per_day"),
            demand_per_day=d,
            days=pl.col("lead_time_days"),
            lead_time_std=pl.col("lead_time_std_days"),
        ),
        stock=pl.col("position"),
    )
    # Open purchase orders due after the shelf runs empty leave a gap in between: sales lost
    # until they arrive, or until an order placed today would (after the lead time).
    arrives = (pl.col("next_expected_date") - pl.lit(today)).dt.total_days()
    gap = (pl.min_horizontal(arrives, pl.col("lead_time_days")) - usable / d).clip(lower_bound=0)
    late = selling & (pl.col("incoming") > 0) & (gap > 0).fill_null(False)
    short = pl.when(late).then(pl.max_horizontal(short, d * gap)).otherwise(short)
    # Overstocked: more than `overstock_days` of demand in position, and nothing to order (a
    # lumpy SKU's quantile can ask for more than 180 days of its mean: that is no overstock).
    over = pl.col("position") / d > overstock_days
    return frame.with_columns(
        pl.when(selling).then(usable / d).alias("days_of_cover"),
        pl.when(selling).then(_in_days(today, usable / d)).alias("stockout_date"),
        pl.when(selling)
        .then(_in_days(today, (pl.col("position") - pl.col("reorder_point")) / d))
        .alias("order_by_date"),
        short.alias("units_short"),
        (short * pl.col("price")).alias("revenue_at_risk"),
        late.alias("incoming_after_stockout"),
        (selling & over & (pl.col("order_quantity") <= 0)).alias("overstock"),
        (~selling & (pl.col("on_hand") > 0)).alias("dead_stock"),
    )


def _reason(frame: pl.DataFrame) -> pl.DataFrame:
    """One sentence per row: why this quantity (``explain`` gives the arithmetic)."""
    pos, target = pl.col("position"), pl.col("order_up_to").round(1)
    return frame.with_columns(
        pl.when(pl.col("order_quantity") > 0)
        .then(pl.format("position {} is below order-up-to level {}", pos, target))
        .when(pl.col("dead_stock"))
        .then(pl.format("no demand expected; {} units on hand", pl.col("on_hand")))
        .when(pl.col("demand_per_day") <= 0)
        .then(pl.lit("no demand expected"))
        .when(pl.col("overstock"))
        .then(
            pl.format(
                "overstocked: {} days of demand in position",
                (pos / pl.col("demand_per_day")).round(0),
            )
        )
        .when(pos >= pl.col("order_up_to"))
        .then(pl.format("position {} covers order-up-to level {}", pos, target))
        .otherwise(
            pl.format(
                "position {} is above reorder point {}", pos, pl.col("reorder_point").round(1)
            )
        )
        .alias("reason")
    ).with_columns(
        pl.when(pl.col("incoming_after_stockout") & pl.col("next_expected_date").is_not_null())
        .then(
            pl.format(
                "{}; the shelf runs empty on {}, before the open purchase order due {}",
                pl.col("reason"),
                pl.col("stockout_date"),
                pl.col("next_expected_date"),
            )
        )
        .when(pl.col("incoming_after_stockout"))
        .then(
            # incoming from an inventory export, without purchase orders to date it
            pl.format(
                "{}; the shelf runs empty on {}, before the {} incoming {} can arrive (undated: "
                "taken to arrive when an order placed today would, in {} days)",
                pl.col("reason"),
                pl.col("stockout_date"),
                pl.col("incoming"),
                pl.when(pl.col("incoming") == 1).then(pl.lit("unit")).otherwise(pl.lit("units")),
                pl.col("lead_time_days").round(1),
            )
        )
        .otherwise(pl.col("reason"))
        .alias("reason")
    )


# fmt: off
PLAN_COLUMNS: tuple[str, ...] = (
    "supplier", "demand_per_day", "demand_std_per_day", "demand_quantile", "lead_time_days",
    "lead_time_std_days", "lead_time_source", "review_days", "protection_days", "service_level",
    "z", "protection_std", "safety_method", "safety_stock", "reorder_point", "order_up_to",
    "on_hand", "committed", "incoming", "position", "raw_quantity", "case_pack", "moq",
    "moq_effective", "moq_warning", "order_quantity", "top_up_quantity", "unit_cost",
    "order_value", "price", "order_by_date", "stockout_date", "next_expected_date",
    "incoming_after_stockout", "days_of_cover", "units_short", "revenue_at_risk", "overstock",
    "dead_stock", "min_order_value", "supplier_order_value", "supplier_shortfall",
    "below_supplier_minimum", "supplier_minimum_status", "reason",
)
# fmt: on


def plan_restock(
    demand: pl.DataFrame,
    stock: pl.DataFrame,
    supply: pl.DataFrame,
    *,
    today: date,
    review_days: int = 7,
    service_level: float = 0.95,
    default_lead_time_days: float = 14.0,
    trigger: Trigger = "order-up-to",
    overstock_days: float = 180.0,
    top_up_limit: float = LIMIT,
) -> pl.DataFrame:
    """What to order today, per SKU (per SKU and location when ``demand`` and ``stock`` both
    have a ``location`` column; otherwise stock is pooled per SKU).

    - ``demand``: ``sku, demand_per_day, demand_std_per_day`` (units/day over the coming
      L + R days), optional ``demand_quantile`` (units over L + R days at the SKU's service
      level; when given it replaces the normal approximation: S = quantile, for intermittent
      SKUs), ``price`` (per unit), ``service_level`` (else ``service_level``) and
      ``abc_class`` (A-class SKUs go first in a top-up to a supplier minimum).
    - ``stock``: ``sku, on_hand, committed, incoming`` (units; missing cells count 0). On hand
      may be negative: oversold units are a backlog the next order must cover too.
    - ``supply``: one row per SKU, as from :func:`~icebergops.inventory.leadtime.lead_times`:
      ``supplier, unit_cost, case_pack, moq, min_order_value, lead_time_days,
      lead_time_std_days, lead_time_source``. SKUs without one plan with
      ``default_lead_time_days``, single units and no MOQ.

    Position = on hand − committed + incoming; SS = z·√((L+R)·σ_d² + d²·σ_L²); reorder point
    = d·L + SS; order-up-to S = d·(L+R) + SS; the order is S − position when due (see the
    module docstring), rounded up to whole cases and to the MOQ. Days of cover and the
    stockout date use stock on the shelf (on hand − committed), since incoming has not arrived;
    ``units_short`` is the expected shortage before an order placed today arrives,
    σ_L·G((position − d·L)/σ_L), and ``revenue_at_risk`` prices it. A supplier's order below
    its minimum order value is topped up, deferred or flagged
    (:func:`~icebergops.inventory.minimums.top_up_to_minimums`, with ``overstock_days`` and
    ``top_up_limit``). Returns the key columns then :data:`PLAN_COLUMNS`, sorted by key.

    Example: d = 10 ± 3 units/day, L = 9 ± 2 days, R = 7, 95%: SS = 1.645·√(16·9 + 100·4) =
    38.4, S = 10·16 + 38.4 = 198.4; position 100 − 10 = 90; 108.4 more in cases of 12 is 120.

    >>> from datetime import date
    >>> plan = plan_restock(
    ...     pl.DataFrame({"sku": ["A"], "demand_per_day": [10.0], "demand_std_per_day": [3.0]}),
    ...     pl.DataFrame({"sku": ["A"], "on_hand": [100], "committed": [10]}),
    ...     pl.DataFrame({"sku": ["A"], "case_pack": [12], "lead_time_days": [9.0],
    ...                   "lead_time_std_days": [2.0]}),
    ...     today=date(2026, 3, 2),
    ... )
    >>> plan.select(pl.col("safety_stock", "order_up_to").round(1), "position", "order_quantity").row(0)
    (38.4, 198.4, 90, 120)
    """
    frame, keys = _inputs(demand, stock, supply, default_lead_time_days)
    frame = _levels(frame, review_days, service_level)
    frame = _reason(_signals(_quantities(frame, trigger), today, overstock_days))
    frame = top_up_to_minimums(frame, overstock_days=overstock_days, limit=top_up_limit)
    return frame.select(*keys, *PLAN_COLUMNS).sort(keys)
