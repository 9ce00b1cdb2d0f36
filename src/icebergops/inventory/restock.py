"""The restock plan from demand history, forecasts, stock and supplier terms, in one call."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from icebergops.demand.arrays import daily_series
from icebergops.inventory.budget import fit_budget
from icebergops.inventory.classes import abc_xyz, service_levels
from icebergops.inventory.inputs import INTERMITTENT, demand_quantiles, demand_rates
from icebergops.inventory.policy import plan_restock

MAX_HORIZON_DAYS = 182  # forecasts further out than half a year are not worth their cost


@dataclass(frozen=True)
class RestockSettings:
    """How cautious to be and how often the seller orders (see ``restock:`` in the config)."""

    service_level: float = 0.95
    service_levels: Mapping[str, float] = field(default_factory=dict)  # by ABC-XYZ class
    review_days: int = 7
    default_lead_time_days: float = 14.0
    overstock_days: float = 180.0
    top_up_limit: float = 0.5  # a bigger top-up to a supplier minimum is deferred if not due
    budget: float | None = None
    # plan per SKU and location (``cli.locations``); the plan itself never reads it
    per_location: bool = False


def protection_periods(
    skus: pl.Series, supply: pl.DataFrame, settings: RestockSettings
) -> pl.DataFrame:
    """``sku, protection_days``: lead time + review period, the days an order must cover."""
    lead = pl.col("lead_time_days").fill_null(settings.default_lead_time_days)
    return (
        pl.DataFrame({"sku": skus})
        .unique()
        .join(supply.select("sku", "lead_time_days"), on="sku", how="left")
        .select("sku", (lead + settings.review_days).alias("protection_days"))
    )


def forecast_days(protection: pl.DataFrame) -> int:
    """How far ahead to forecast: the longest protection period (a week to half a year).

    >>> forecast_days(pl.DataFrame({"protection_days": [20.0, 52.4]}))
    53
    """
    longest = protection["protection_days"].drop_nulls().to_list()
    return min(MAX_HORIZON_DAYS, max(7, math.ceil(max(longest, default=0.0))))


def restock_plan(
    *,
    history: pl.DataFrame,
    forecast: pl.DataFrame,
    prices: pl.DataFrame,
    stock: pl.DataFrame,
    supply: pl.DataFrame,
    titles: pl.DataFrame,
    today: date,
    settings: RestockSettings,
    currency: str | None = None,
    exchange_rates: Mapping[str, float] | None = None,
) -> pl.DataFrame:
    """The plan of :func:`~icebergops.inventory.policy.plan_restock` for every SKU that sells or
    is stocked, with ``title``, ABC-XYZ class, forecast model and demand class beside it.

    Intermittent and lumpy SKUs plan on the empirical quantile of demand over their protection
    period (never below the forecast's own total for it), the others on the normal approximation.
    A budget is in ``currency`` (the store's), costs in others converted at ``exchange_rates`` (see
    :func:`~icebergops.inventory.budget.fit_budget`).
    """
    plans = restock_plans(
        history=history, forecast=forecast, prices=prices, stock=stock, supply=supply,
        titles=titles, today=today, variants={"plan": settings}, currency=currency,
        exchange_rates=exchange_rates,
    )  # fmt: skip
    return plans["plan"]


def restock_plans(
    *,
    history: pl.DataFrame,
    forecast: pl.DataFrame,
    prices: pl.DataFrame,
    stock: pl.DataFrame,
    supply: pl.DataFrame,
    titles: pl.DataFrame,
    today: date,
    variants: Mapping[str, RestockSettings],
    currency: str | None = None,
    exchange_rates: Mapping[str, float] | None = None,
) -> dict[str, pl.DataFrame]:
    """:func:`restock_plan` once per named settings, for settings that differ only in their
    service levels, budget and minimum-order rules (the policy backtest replays several): the
    protection periods, the history's layout, the ABC-XYZ classes and the demand rates are
    worked out once for all of them."""
    if not variants:
        raise ValueError("restock_plans: no settings to plan with")
    first = next(iter(variants.values()))
    shared = (first.review_days, first.default_lead_time_days)
    if any((v.review_days, v.default_lead_time_days) != shared for v in variants.values()):
        raise ValueError("restock_plans: variants must share review_days and the default lead time")
    skus = pl.concat([forecast["sku"], stock["sku"]]).unique()
    protection = protection_periods(skus, supply, first)
    series = daily_series(history)  # laid out once for the XYZ classes and the quantiles
    classified = abc_xyz(prices.select("sku", "revenue"), series)
    rates = demand_rates(forecast, protection)
    sparse = rates.filter(pl.col("demand_class").is_in(INTERMITTENT)).select("sku")
    sparse_protection = protection.join(sparse, on="sku")
    described = [c for c in ("model", "method", "demand_class") if c in rates.columns]
    costed_in = supply.select("sku", "currency") if "currency" in supply.columns else None
    each = {
        name: service_levels(
            classified, levels=settings.service_levels, default=settings.service_level
        )
        for name, settings in variants.items()
    }
    # one column of service levels per plan: the window sums are sorted once for all of them
    level_of = {name: f"_level_{i}" for i, name in enumerate(each)}
    wanted = sparse_protection
    for name, classes in each.items():
        levels = classes.select("sku", pl.col("service_level").alias(level_of[name]))
        wanted = wanted.join(levels, on="sku", how="left")
    all_quantiles = demand_quantiles(series, wanted, levels=list(level_of.values()))
    plans = {}
    for name, settings in variants.items():
        classes = each[name]
        quantiles = all_quantiles.select(
            "sku", pl.col(level_of[name]).alias("demand_quantile")
        ).drop_nulls()
        period_total = pl.col("demand_per_day") * pl.col("protection_days")
        demand = (
            rates.join(prices.select("sku", "price"), on="sku", how="left")
            .join(classes.select("sku", "service_level", "abc_class"), on="sku", how="left")
            .join(quantiles, on="sku", how="left")
            .join(protection, on="sku", how="left")
            .with_columns(
                pl.when(pl.col("demand_quantile").is_not_null())
                .then(pl.max_horizontal("demand_quantile", period_total))
                .alias("demand_quantile")
            )
            .drop("protection_days")
        )
        plan = plan_restock(
            demand,
            stock,
            supply,
            today=today,
            review_days=settings.review_days,
            service_level=settings.service_level,
            default_lead_time_days=settings.default_lead_time_days,
            overstock_days=settings.overstock_days,
            top_up_limit=settings.top_up_limit,
        )
        # the costs' currency first: a budget is refused where they are in several
        plan = plan.join(costed_in, on="sku", how="left") if costed_in is not None else plan
        if settings.budget is not None:
            plan = fit_budget(
                plan, budget=settings.budget, currency=currency, exchange_rates=exchange_rates
            )
        plans[name] = (
            plan.join(titles.unique("sku"), on="sku", how="left")
            .join(classes.select("sku", "abc_xyz"), on="sku", how="left")
            .join(rates.select("sku", *described), on="sku", how="left")
            .select("sku", "title", *[c for c in plan.columns if c != "sku"], "abc_xyz", *described)
            .with_columns(_rounded(plan.columns))
        )
    return plans


# Decimals shown per column: money to the cent, units to a hundredth, rates to 1/10,000.
ROUNDING = {
    2: ("order_value", "unit_cost", "price", "revenue_at_risk", "supplier_order_value",
        "supplier_shortfall", "min_order_value", "deferred_value", "deferred_margin",
        "safety_stock", "reorder_point", "order_up_to", "raw_quantity", "protection_std",
        "units_short", "demand_quantile", "lead_time_days", "lead_time_std_days"),
    1: ("days_of_cover", "protection_days"),
    4: ("demand_per_day", "demand_std_per_day", "z"),
}  # fmt: skip


def _rounded(columns: list[str]) -> list[pl.Expr]:
    return [
        pl.col(name).round(digits)
        for digits, names in ROUNDING.items()
        for name in names
        if name in columns
    ]
