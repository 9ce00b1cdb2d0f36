"""Planning per SKU and location (``restock --per-location``, ``restock: per_location``):
the store's tables keyed by ``SKU @ location``, planned as per SKU, split back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

import polars as pl

from icebergops.cli.pipeline import Planned, Tables, plan_store, price_currency, staleness
from icebergops.demand.events import EVENT
from icebergops.demand.history import demand_lines
from icebergops.demand.series import SEPARATOR
from icebergops.errors import InputError
from icebergops.inventory.explain import explain
from icebergops.inventory.inputs import stock_levels
from icebergops.inventory.locations import (
    BLANK,
    at_home,
    by_series,
    home_locations,
    located_lines,
    main_location,
    series_index,
    series_key,
    split_series,
)
from icebergops.inventory.restock import RestockSettings

NOUN = "SKU-locations"


def plan_locations(
    tables: Tables,
    *,
    settings: RestockSettings,
    as_of: date | None = None,
    currency: str | None = None,
    exchange_rates: Mapping[str, float] | None = None,
) -> Planned:
    """The plan, history and forecast with one row per SKU and location (``sku, location``
    first); the first warning says where units sold without a location were planned."""
    keyed, index, note = keyed_tables(tables)
    planned = plan_store(
        keyed,
        settings=settings,
        as_of=as_of,
        noun=NOUN,
        currency=currency,
        exchange_rates=exchange_rates,
    )
    return replace(
        planned,
        history=split_series(planned.history, index),
        forecast=split_series(planned.forecast, index),
        plan=split_series(planned.plan, index),
        warnings=[note, *planned.warnings] if note else planned.warnings,
    )


def _stockouts(stockouts: pl.DataFrame | None, index: pl.DataFrame) -> pl.DataFrame | None:
    """A stockouts file keyed by series: a row naming a location is that series out, one
    without is each of the SKU's series out."""
    if stockouts is None:
        return None
    place = pl.col("location").cast(pl.String).str.strip_chars().replace("", None)
    here = stockouts.filter(place.is_not_null()).with_columns(series_key().alias("sku"))
    everywhere = (
        stockouts.filter(place.is_null())
        .drop("location")
        .join(index.select("series", "sku", "location"), on="sku")
        .with_columns(pl.col("series").alias("sku"))
        .drop("series")
    )
    return pl.concat([here, everywhere.select(here.columns)])


def keyed_tables(tables: Tables) -> tuple[Tables, pl.DataFrame, str | None]:
    """Every table keyed by ``SKU @ location``, the series index and the note on units sold
    without a location (None when every line has one)."""
    snapshot = _snapshot(tables)
    home = home_locations(tables.lines, snapshot)
    lines = located_lines(tables.lines, home)
    index = series_index(lines, snapshot)
    located = snapshot.filter(~BLANK).with_columns(series_key().alias("sku"))
    po = at_home(tables.purchase_orders, home) if tables.purchase_orders is not None else None
    keyed = Tables(
        lines=lines.with_columns(series_key().alias("sku")),
        stock=stock_levels(located, po),
        stock_snapshot=located,
        products=_products(tables.products, index),
        suppliers=by_series(tables.suppliers, index),
        purchase_orders=po,
        events=_events(tables.events, index, exported=_products_given(tables)),
        stockouts=_stockouts(tables.stockouts, index),
    )
    return keyed, index, _note(tables.lines, snapshot)


def _snapshot(tables: Tables) -> pl.DataFrame:
    """The inventory snapshot, refused when it holds no stock per location."""
    snapshot = tables.stock_snapshot
    if snapshot is None or snapshot.filter(~BLANK).is_empty():
        why = (
            "no inventory export was given"
            if tables.stock.is_empty()
            else "the stock given is one number per SKU (a products export)"
            if snapshot is None
            else "the inventory export names no location"
        )
        raise InputError(
            f"planning per location needs stock per location: {why}",
            hint="give an inventory export with a row per SKU and location (Shopify: Products "
            "> Inventory > Export) with --inventory, or plan per SKU without --per-location",
        )
    return snapshot


def _products(products: pl.DataFrame | None, index: pl.DataFrame) -> pl.DataFrame | None:
    """Products per series; a product at a location is its own family (``handle @ location``)
    so that variants are split top-down from their product's sales at that location."""
    if products is None:
        return None
    return (
        products.join(index, on="sku")
        .with_columns(pl.col("series").alias("sku"), series_key("handle").alias("handle"))
        .drop("series", "location")
    )


def _products_given(tables: Tables) -> bool:
    return tables.products is not None and not tables.products.is_empty()


def _events(
    events: pl.DataFrame | None, index: pl.DataFrame, *, exported: bool
) -> pl.DataFrame | None:
    """Events on a SKU apply to each of its series, events on a product to it at each location
    where ``exported`` (a products export gave the products, one family per location; without
    one the products guessed from the titles span the locations). Each event keeps its row
    number in events.csv, so that a fixed number of units is split over its series (see
    ``apply_fixed``); an event on a SKU not sold anywhere keeps its target, and is warned about."""
    if events is None:
        return None
    events = events.with_row_index(EVENT)
    scope = pl.col("scope").fill_null("")
    on_sku = (
        events.filter(scope == "sku")
        .join(index.select("series", "sku"), left_on="target", right_on="sku", how="left")
        .with_columns(pl.coalesce("series", "target").alias("target"))
        .drop("series")
    )
    on_product = events.filter(scope == "product")
    if exported:
        on_product = (
            on_product.join(index.select("location").unique(), how="cross")
            .with_columns(series_key("target").alias("target"))
            .drop("location")
        )
    return pl.concat([events.filter(~scope.is_in(["sku", "product"])), on_sku, on_product])


def _note(lines: pl.DataFrame, snapshot: pl.DataFrame) -> str | None:
    sold = demand_lines(lines)
    units = int(sold.filter(BLANK)["quantity"].sum())
    if not units:
        return None
    share = units / max(int(sold["quantity"].sum()), 1)
    return (
        f"{units:,} units ({share:.1%}) were sold without a location (e.g. Amazon orders): "
        "planned at each SKU's home location, the one that shipped most of its units (else "
        f"the one holding most of it, else {main_location(lines, snapshot)}, which ships most)"
    )


def plan_restock_of(
    tables: Tables,
    *,
    settings: RestockSettings,
    as_of: date | None = None,
    currency: str | None = None,
    exchange_rates: Mapping[str, float] | None = None,
    today: date | None = None,
) -> Planned:
    """Per SKU and location when ``settings.per_location`` says so, else per SKU
    (``currency``: the store's, where the config names it; ``exchange_rates``: the config's
    rates into it, for a budget). The first warning, where there is one, is of orders that
    stopped before ``today`` (the clock's, else; see :func:`staleness`)."""
    plan = plan_locations if settings.per_location else plan_store
    planned = plan(
        tables, settings=settings, as_of=as_of, currency=currency, exchange_rates=exchange_rates
    )
    stale = staleness(tables.lines, as_of, today=today or date.today())
    return replace(
        planned,
        plan=planned.plan.with_columns(price_currency(currency)),
        warnings=[stale, *planned.warnings] if stale else planned.warnings,
    )


def explain_locations(planned: Planned, sku: str) -> pl.DataFrame:
    """``--explain`` of a per-location plan: every location of ``sku``, or only the one of
    ``SKU @ location``; each with its own history."""
    own, _, at = sku.partition(SEPARATOR)
    rows = planned.plan.filter(pl.col("sku") == own)
    locations = [at] if at else rows["location"].to_list()
    if not locations:
        return explain(rows, sku=own)  # the error naming the SKU
    history = planned.history
    return pl.concat(
        explain(rows, sku=own, location=where, history=history.filter(pl.col("location") == where))
        for where in locations
    )
