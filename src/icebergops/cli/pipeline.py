"""Reading a store's files and planning from them: shared by ``restock`` and ``run``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from icebergops.config import Config
from icebergops.demand.events import (
    apply_events,
    apply_fixed,
    unapplied_fixed,
    unmatched_events,
)
from icebergops.demand.forecast import forecast_demand
from icebergops.demand.hierarchy import catalogue
from icebergops.demand.history import daily_demand, demand_lines
from icebergops.demand.series import known_out, unmatched_stockouts
from icebergops.demand.stockouts import censor_stockouts, out_of_stock
from icebergops.demand.summary import spike_warning, spikes
from icebergops.demand.warm import WarmEngine
from icebergops.errors import InputError, UsageError, Where
from icebergops.inventory.inputs import selling_prices, stock_levels, supplier_for_skus
from icebergops.inventory.leadtime import learn_lead_times
from icebergops.inventory.purchase import file_stems, purchase_orders
from icebergops.inventory.restock import (
    RestockSettings,
    forecast_days,
    protection_periods,
    restock_plan,
    restock_plans,
)
from icebergops.outputs import write_table, write_xlsx
from icebergops.schema import PURCHASE_ORDERS, SUPPLIERS, empty
from icebergops.sources import read_options, read_orders, read_source, read_table

STALE_DAYS = 14  # no sale for this long before the plan's day: an old export, or a typo
MAX_QUIET_DAYS = 366  # an --as-of this far past the last sale is a typo, not a plan


@dataclass(frozen=True)
class StoreFiles:
    orders: Sequence[Path]
    inventory: Sequence[Path] = ()
    products: Sequence[Path] = ()
    suppliers: Path | None = None
    purchase_orders: Path | None = None
    events: Path | None = None
    no_stock: bool = False  # no inventory on purpose: every SKU is planned from 0 on hand
    stockouts: Path | None = None  # days out of stock, known from the warehouse


@dataclass(frozen=True)
class Tables:
    lines: pl.DataFrame
    stock: pl.DataFrame  # sku, on_hand, committed, incoming
    stock_snapshot: pl.DataFrame | None  # the inventory table as read (for current stockouts)
    products: pl.DataFrame | None
    suppliers: pl.DataFrame
    purchase_orders: pl.DataFrame | None
    events: pl.DataFrame | None
    stockouts: pl.DataFrame | None = None  # sku, location, start, end
    repeats: list[str] = field(default_factory=list)  # exports that repeat others' lines


@dataclass(frozen=True)
class Planned:
    history: pl.DataFrame
    forecast: pl.DataFrame
    plan: pl.DataFrame
    lead_times: pl.DataFrame  # per supplier, learned from purchase orders
    today: date
    warnings: list[str] = field(default_factory=list)


def read_store(
    files: StoreFiles, *, config: Config, kind: str | None = None, as_of: date | None = None
) -> Tables:
    """Every file of the store in its canonical table (raises on a bad cell, and where no sale
    is on or before ``as_of``)."""
    if not files.inventory and not files.no_stock:
        raise UsageError(
            "no inventory export given: every SKU would be planned as 0 on hand",
            hint="give --inventory inventory_export.csv, or --no-stock to plan a store "
            "without stock from zero",
        )
    options = read_options(config)
    lines, repeats = read_orders(list(files.orders), kind=kind, config=config, options=options)
    require_dated(lines, files.orders[0], as_of)
    products = (
        read_table(list(files.products), "products", config=config) if files.products else None
    )
    stock, snapshot = _stock(files.inventory, config)
    suppliers = (
        read_table([files.suppliers], "suppliers", config=config)
        if files.suppliers
        else empty(SUPPLIERS)
    )
    po = (
        read_table([files.purchase_orders], "purchase_orders", config=config)
        if files.purchase_orders
        else None
    )
    events = read_table([files.events], "events", config=config) if files.events else None
    if po is not None:
        stock = stock_levels(
            snapshot if snapshot is not None else stock.with_columns(pl.lit(0).alias("incoming")),
            po,
        )
    stockouts = (
        read_table([files.stockouts], "stockouts", config=config) if files.stockouts else None
    )
    return Tables(lines, stock, snapshot, products, suppliers, po, events, stockouts, repeats)


def with_options(
    settings: RestockSettings,
    *,
    service_level: float | None,
    review_days: int | None,
    budget: float | None,
    per_location: bool | None = None,
) -> RestockSettings:
    """The config's restock settings with the command-line options that were given."""
    return replace(
        settings,
        service_level=service_level or settings.service_level,
        review_days=review_days or settings.review_days,
        budget=settings.budget if budget is None else budget,
        per_location=settings.per_location if per_location is None else per_location,
    )


@dataclass(frozen=True)
class OrderValue:
    """What the rows to order cost, over those whose unit cost is known.

    ``total`` is null where the costs are in several currencies (their sum means nothing; see
    ``by_currency``) or where rows are to be ordered and none has a unit cost (0.0 would read as
    nothing to pay); with nothing to order it is 0.0. ``unpriced``: rows without a unit cost."""

    total: float | None
    by_currency: dict[str, float]
    unpriced: int

    def counts(self) -> dict[str, object]:
        """The summary file's names."""
        return {
            "order_value": self.total,
            "order_value_by_currency": self.by_currency,
            "to_order_without_unit_cost": self.unpriced,
        }

    def text(self) -> str | None:
        """``52,449.60 USD and 1,543.92 EUR``; null when nothing is priced."""
        if not self.by_currency:
            return None if self.total is None else f"{self.total:,.2f}"
        return " and ".join(f"{value:,.2f} {code}" for code, value in self.by_currency.items())


def order_value(to_order: pl.DataFrame) -> OrderValue:
    """:class:`OrderValue` of the rows to order (``order_value``, and ``currency`` per row).

    >>> order_value(pl.DataFrame({"order_value": [10.0, None], "currency": ["EUR", "EUR"]}))
    OrderValue(total=10.0, by_currency={'EUR': 10.0}, unpriced=1)
    >>> order_value(pl.DataFrame({"order_value": [9.5, 5.0], "currency": ["USD", "EUR"]})).text()
    '9.50 USD and 5.00 EUR'
    """
    values = to_order.get_column("order_value")
    currency = pl.col("currency") if "currency" in to_order.columns else pl.lit(None, pl.String)
    sums = (
        to_order.filter(pl.col("order_value").is_not_null())
        .group_by(currency.alias("currency"))
        .agg(pl.col("order_value").sum())
        .sort("order_value", descending=True)  # the largest first
    )
    one = values.is_empty() or (sums.height == 1 and values.null_count() < values.len())
    return OrderValue(
        total=round(float(values.sum()), 2) if one else None,
        by_currency={str(c): round(float(v), 2) for c, v in sums.iter_rows() if c is not None},
        unpriced=values.null_count(),
    )


def require_dated(lines: pl.DataFrame, path: Path, as_of: date | None = None) -> None:
    """Raise when the order exports hold no dated line (nothing to forecast or plan from), or
    no sale on or before ``as_of`` (``--as-of``)."""
    if lines.filter(pl.col("order_date").is_not_null()).is_empty():
        raise InputError(
            "has no dated order lines to plan from",
            where=Where(file=path),
            hint="export orders with at least a few weeks of sales",
        )
    sales = demand_lines(lines)
    if sales.is_empty():
        raise InputError(
            "has no sale to plan from: every dated line is cancelled, a test order, "
            "or of zero quantity",
            where=Where(file=path),
            hint="export orders with at least a few weeks of sales",
        )
    first, last = sales["order_date"].min(), sales["order_date"].max()
    if as_of is not None and isinstance(first, date) and as_of < first:
        raise InputError(
            f"has no sale on or before --as-of {as_of}: its first is on {first}",
            where=Where(file=path),
            hint=f"use an --as-of on or after {first}",
        )
    if as_of is not None and isinstance(last, date) and (as_of - last).days > MAX_QUIET_DAYS:
        raise InputError(
            f"has no sale in the {(as_of - last).days:,} days before --as-of {as_of}: "
            f"its last is on {last}",
            where=Where(file=path),
            hint=f"check the --as-of date, or leave it out to plan as of {last}",
        )


def staleness(lines: pl.DataFrame, as_of: date | None, *, today: date) -> str | None:
    """A warning when the plan stands on old sales: no sale in the STALE_DAYS before
    ``as_of``, or, without one, an export whose last sale is that long before ``today``.

    >>> lines = pl.DataFrame({"sku": ["A"], "order_date": [date(2026, 1, 1)], "quantity": [1],
    ...     "status": ["fulfilled"], "is_test": [False]})
    >>> staleness(lines, None, today=date(2026, 1, 10)) is None
    True
    >>> print(staleness(lines, None, today=date(2026, 2, 1)).split(":")[0])
    the orders' last sale is on 2026-01-01, 31 days before today
    """
    last = demand_lines(lines)["order_date"].max()
    if not isinstance(last, date):
        return None
    if as_of is not None:
        if (as_of - last).days <= STALE_DAYS:
            return None
        return (
            f"no sale in the {(as_of - last).days:,} days from the last one ({last}) to "
            f"--as-of {as_of}: the forecast counts them as days without demand"
        )
    if (today - last).days <= STALE_DAYS:
        return None
    return (
        f"the orders' last sale is on {last}, {(today - last).days:,} days before today: "
        f"the plan is as of that day (export the orders again, or give --as-of {last} to plan "
        "as of it on purpose)"
    )


def _stock(paths: Sequence[Path], config: Config) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Stock per SKU from inventory exports, or from a products export's ``Variant Inventory Qty``."""
    frames, snapshots = [], []
    for path in paths:
        source = read_source(path, config=config)
        if source.errors:
            raise source.errors[0].as_error()
        table = source.table
        if source.layout.table == "inventory":
            snapshots.append(table)
            frames.append(stock_levels(table))
        elif source.layout.table == "products" and table["inventory_quantity"].is_not_null().any():
            frames.append(
                table.filter(pl.col("inventory_quantity").is_not_null()).select(
                    "sku",
                    pl.col("inventory_quantity").alias("on_hand"),
                    pl.lit(0).alias("committed"),
                    pl.lit(0).alias("incoming"),
                )
            )
        else:
            raise InputError(
                f"is a {source.layout.label}: it holds no stock levels",
                where=Where(file=path),
                hint="give an inventory export, or a products export with Variant Inventory Qty",
            )
    schema = {"sku": pl.String, "on_hand": pl.Int64, "committed": pl.Int64, "incoming": pl.Int64}
    if not frames:
        return pl.DataFrame(schema=schema), None
    stock = pl.concat([f.cast(schema) for f in frames]).group_by("sku").agg(pl.all().sum())  # type: ignore[arg-type]
    return stock, pl.concat(snapshots) if snapshots else None


def plan_store(
    tables: Tables,
    *,
    settings: RestockSettings,
    as_of: date | None = None,
    noun: str = "SKUs",
    currency: str | None = None,
    exchange_rates: Mapping[str, float] | None = None,
) -> Planned:
    """Forecast each SKU far enough ahead to cover its lead time and review, then plan
    (``noun`` names what a row is in the warnings: SKUs, or SKU-locations; ``currency`` is
    the store's, else the one most order lines are in)."""
    history = daily_demand(tables.lines, as_of=as_of)
    last = history["day"].max()
    today = as_of or (last if isinstance(last, date) else date.today())
    known = (
        known_out(tables.stockouts, tables.lines, pl.DataFrame(), "sku")
        if tables.stockouts is not None
        else None
    )
    history = censor_stockouts(
        history, out_of_stock=out_of_stock(tables.stock_snapshot), known=known
    )
    idle = unmatched_stockouts(tables.stockouts, history) if tables.stockouts is not None else None
    families = catalogue(tables.lines, tables.products)
    skus = pl.concat([history["sku"], tables.stock["sku"]]).unique()
    supply, learned = _supply(tables, skus, settings, currency or main_currency(tables.lines))
    horizon = forecast_days(protection_periods(skus, supply, settings))
    forecast = forecast_demand(history, horizon=horizon, products=families, events=tables.events)
    if tables.events is not None:
        forecast = apply_events(forecast, tables.events, catalogue=families)
        forecast = apply_fixed(forecast, tables.events, catalogue=families)
    titles = _titles(tables)
    prices = _prices(tables, today)
    plan = restock_plan(
        history=history,
        forecast=forecast,
        prices=prices,
        stock=tables.stock,
        supply=supply,
        titles=titles,
        today=today,
        settings=settings,
        currency=currency or main_currency(tables.lines),
        exchange_rates=exchange_rates,
    )
    warnings = [*tables.repeats, *_warnings(plan, supply, tables, noun)]
    if idle:
        warnings.append(idle)
    if spiked := spike_warning(spikes(history), noun, lines=tables.lines):
        warnings.append(spiked)
    if tables.events is not None:
        unmatched = unmatched_events(forecast, tables.events, families)
        warnings += [
            f"event {name!r} matches no SKU, product or category: not planned on"
            for name in unmatched
        ]
        warnings += [
            f"event {name!r} fixes units of a SKU or product with no forecast (no sales yet): "
            "not planned on"
            for name in unapplied_fixed(forecast, tables.events, catalogue=families)
            if name not in unmatched
        ]
    return Planned(history, forecast, plan, learned, today, warnings)


def _supply(
    tables: Tables, skus: pl.Series, settings: RestockSettings, currency: str | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One supplier row per SKU, and the lead times learned per supplier from the POs."""
    po = tables.purchase_orders if tables.purchase_orders is not None else empty(PURCHASE_ORDERS)
    learned = learn_lead_times(po)
    vendors = tables.products.select("sku", "vendor") if tables.products is not None else None
    supply = supplier_for_skus(
        skus,
        tables.suppliers,
        learned,
        vendors=vendors,
        default_days=settings.default_lead_time_days,
    )
    supply = _with_listed_costs(supply, tables, currency)
    if currency is None:
        return supply, learned
    # terms that name no currency are in the store's: every cost says its currency
    quoted = pl.col("currency") if "currency" in supply.columns else pl.lit(None, pl.String)
    return supply.with_columns(quoted.fill_null(pl.lit(currency)).alias("currency")), learned


def _with_listed_costs(supply: pl.DataFrame, tables: Tables, currency: str | None) -> pl.DataFrame:
    """The products export's cost per item (in the store's ``currency``) where the supplier
    terms name no unit cost: a seller without a ``suppliers.csv`` has it in Shopify's ``Cost
    per item``. Terms in another currency are left unpriced rather than mixed."""
    if tables.products is None or tables.products["unit_cost"].is_null().all():
        return supply
    listed = (
        tables.products.filter(pl.col("unit_cost").is_not_null())
        .unique("sku", keep="first", maintain_order=True)
        .select("sku", pl.col("unit_cost").alias("_listed"))
    )
    if "unit_cost" not in supply.columns:
        supply = supply.with_columns(pl.lit(None, pl.Float64).alias("unit_cost"))
    if "currency" not in supply.columns:
        supply = supply.with_columns(pl.lit(None, pl.String).alias("currency"))
    listed_here = (
        pl.col("unit_cost").is_null()
        & pl.col("_listed").is_not_null()
        & (pl.col("currency").is_null() | (pl.col("currency") == pl.lit(currency, pl.String)))
    )
    return (
        supply.join(listed, on="sku", how="left")
        .with_columns(
            pl.when(listed_here)
            .then(pl.lit(currency, pl.String))
            .otherwise(pl.col("currency"))
            .alias("currency"),
            pl.when(listed_here)
            .then(pl.col("_listed"))
            .otherwise(pl.col("unit_cost"))
            .alias("unit_cost"),
        )
        .drop("_listed")
    )


def _prices(tables: Tables, today: date) -> pl.DataFrame:
    """Prices paid up to ``today``; the products export's price where orders carry none (and
    revenue as units × that price, for ABC classes)."""
    paid = selling_prices(tables.lines.filter(pl.col("order_date") <= today), today=today)
    if tables.products is None:
        return paid
    listed = tables.products.select("sku", pl.col("price").alias("_listed")).unique("sku")
    return paid.join(listed, on="sku", how="left").select(
        "sku",
        pl.coalesce("price", "_listed").alias("price"),
        pl.coalesce("revenue", pl.col("units") * pl.col("_listed")).alias("revenue"),
        "units",
    )


def _titles(tables: Tables) -> pl.DataFrame:
    sold = tables.lines.sort("order_date", descending=True).select("sku", "title").unique("sku")
    if tables.products is None:
        return sold
    listed = tables.products.select("sku", "title").filter(pl.col("title").is_not_null())
    return pl.concat([listed, sold.join(listed, on="sku", how="anti")])


def _warnings(
    plan: pl.DataFrame, supply: pl.DataFrame, tables: Tables, noun: str = "SKUs"
) -> list[str]:
    """What the seller should look at: counted, with an example each."""
    untermed = supply.filter(~pl.col("in_suppliers_file"))["sku"].implode()
    checks = {
        "SKUs have no supplier terms in suppliers.csv (planned with the default lead time, no "
        "case pack or MOQ, under their products export's vendor where it names one)": plan[
            "sku"
        ].is_in(untermed),
        "SKUs sell but have no stock row (planned as 0 on hand)": ~plan["sku"].is_in(
            tables.stock["sku"].implode()
        )
        & (plan["demand_per_day"] > 0),
        "SKUs have stock but no demand expected (dead stock)": plan["dead_stock"],
        "SKUs have negative stock on hand (oversold: a backlog the order covers)": plan["on_hand"]
        < 0,
        "SKUs have an MOQ that is not a multiple of the case pack (MOQ rounded up)": plan[
            "moq_warning"
        ].is_not_null(),
        "suppliers' orders stay below their minimum order value (the reason column says why)": plan[
            "below_supplier_minimum"
        ],
        "suppliers' orders are deferred to the next review (well below their minimum, nothing "
        "due)": plan["supplier_minimum_status"] == "defer",
    }
    warnings = []
    for text, mask in checks.items():
        hits = plan.filter(mask.fill_null(False))
        if not hits.is_empty():
            example = hits["supplier" if text.startswith("suppliers") else "sku"][0]
            count = hits["supplier"].n_unique() if text.startswith("suppliers") else hits.height
            warnings.append(f"{count:,} {text.replace('SKUs', noun, 1)}, e.g. {example}")
    return warnings


def policy_levels(
    tables: Tables,
    *,
    settings: RestockSettings,
    start: date,
    every_days: int = 28,
    service_levels: Sequence[float] = (),
    currency: str | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The plan's order-up-to level per SKU at each origin from ``start`` on, every
    ``every_days``, each planned from the history before it only; once per service level of
    ``service_levels`` (flat, every SKU) and once with ``settings`` as they are. Returns the
    levels (``policy, origin, sku, order_up_to``), the demand history and the SKU terms
    (``currency``: the store's, else the one most order lines are in)."""
    history = censor_stockouts(daily_demand(tables.lines), out_of_stock=None)
    families = catalogue(tables.lines, tables.products)
    skus = history["sku"].unique()
    supply, _ = _supply(tables, skus, settings, currency or main_currency(tables.lines))
    horizon = forecast_days(protection_periods(skus, supply, settings))
    variants = {f"icebergops {level:.0%}": replace(settings, service_level=level, service_levels={})
                for level in service_levels}  # fmt: skip
    variants["icebergops (as configured)"] = settings
    last = history["day"].max()
    assert isinstance(last, date)
    levels = []
    origin = start
    engine = WarmEngine()  # AutoETS fitted once per SKU, run forward at the later origins
    while origin <= last:
        past = history.filter(pl.col("day") < origin)
        forecast = forecast_demand(
            past, horizon=horizon, products=families, events=tables.events, engine=engine
        )
        if tables.events is not None:
            forecast = apply_events(forecast, tables.events, catalogue=families)
            forecast = apply_fixed(forecast, tables.events, catalogue=families)
        prices = _prices(tables, origin - timedelta(days=1))
        plans = restock_plans(
            history=past, forecast=forecast, prices=prices, stock=_NO_STOCK, supply=supply,
            titles=_NO_TITLES, today=origin, variants=variants,
        )  # fmt: skip
        for name, plan in plans.items():
            levels.append(plan.select(pl.lit(name).alias("policy"), pl.lit(origin).alias("origin"),
                                      "sku", "order_up_to"))  # fmt: skip
        origin += timedelta(days=every_days)
    prices = _prices(tables, last)
    terms = supply.join(prices.select("sku", "price"), on="sku", how="full", coalesce=True)
    return pl.concat(levels), history, terms


_NO_STOCK = pl.DataFrame(schema={"sku": pl.String, "on_hand": pl.Int64})
_NO_TITLES = pl.DataFrame(schema={"sku": pl.String, "title": pl.String})


def price_currency(currency: str | None) -> pl.Expr:
    """The plan's ``price_currency``: prices and revenue at risk are the store's, while its
    ``currency`` is the unit cost's (a supplier may quote in another)."""
    return pl.lit(currency, pl.String).alias("price_currency")


def main_currency(lines: pl.DataFrame) -> str | None:
    """The currency most order lines are in (the store's, where the config does not say)."""
    counts = lines["currency"].drop_nulls().value_counts(sort=True)
    return str(counts[0, 0]) if counts.height else None


def write_purchase_orders(
    plan: pl.DataFrame, folder: Path, *, today: date, currency: str | None
) -> list[Path]:
    """One purchase order per supplier in ``folder``, as CSV and XLSX; the paths written."""
    written = []
    orders = purchase_orders(plan, today=today, currency=currency)
    stems = file_stems(orders, today)
    for supplier, lines in orders.items():
        stem = folder / stems[supplier]
        write_table(lines, stem.with_suffix(".csv"), "csv")
        write_xlsx(lines, stem.with_suffix(".xlsx"), sheet="purchase order")
        written += [stem.with_suffix(".csv"), stem.with_suffix(".xlsx")]
    return written
