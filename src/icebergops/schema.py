"""The canonical tables every reader produces and every domain function consumes.

Documented once, here (and mirrored in the README). Units: money in the row's ``currency``
(major units, e.g. dollars not cents), weights in grams, lengths in centimetres, dates in the
store's local calendar.

Each table is a ``dict`` of column name to polars dtype; :func:`conform` casts a frame to it,
adding absent optional columns as nulls, so downstream code can rely on every column existing.
"""

from __future__ import annotations

from typing import Final

import polars as pl

Schema = dict[str, pl.DataType]

CHANNELS: Final = ("shopify", "amazon", "other")
STATUSES: Final = ("open", "fulfilled", "cancelled", "refunded", "returned")
FULFILMENTS: Final = ("merchant", "fba")
#: The longest lead time taken as meant: two years. A longer one is a typo (hours, or a date).
LONGEST_LEAD_DAYS: Final = 730.0
CURRENCY_CODE: Final = "[A-Z]{3}"  # ISO 4217's shape: three capitals (USD), whole cell

#: One row per order line (a SKU within an order).
ORDER_LINES: Final[Schema] = {
    "order_id": pl.String(),  # the store's order number (Shopify ``Name``, Amazon order id)
    "ordered_at": pl.Datetime(
        "us", "UTC"
    ),  # the instant, in UTC; null when the file has no time zone
    "order_date": pl.Date(),  # the store-local calendar date demand belongs to
    "channel": pl.String(),  # shopify / amazon / other
    "sku": pl.String(),
    "title": pl.String(),
    "quantity": pl.Int64(),  # units ordered (positive); returns are reported in refunded_quantity
    "unit_price": pl.Float64(),  # per unit, in currency; null when the export has no prices
    "currency": pl.String(),  # ISO 4217
    "status": pl.String(),  # open / fulfilled / cancelled / refunded / returned
    "refunded_quantity": pl.Int64(),  # units refunded or returned, null where the export does not say
    "fulfilment": pl.String(),  # merchant / fba
    "location": pl.String(),  # the warehouse or store location that fulfils, where known
    "ship_country": pl.String(),  # ISO 3166-1 alpha-2 where the export gives it
    "ship_region": pl.String(),  # province / state
    "ship_postal_code": pl.String(),
    "is_test": pl.Boolean(),  # test or draft orders: kept for inspect, dropped from demand
    "sku_from_title": pl.Boolean(),  # the export had no SKU; the line item name stands in
    "source_line": pl.Int64(),  # physical line in the source file (1 = header)
}

#: One row per SKU per location.
INVENTORY: Final[Schema] = {
    "sku": pl.String(),
    "title": pl.String(),
    "location": pl.String(),
    "on_hand": pl.Int64(),  # units physically there (may be negative: oversold)
    "available": pl.Int64(),  # on hand less committed and unavailable
    "committed": pl.Int64(),  # reserved for open orders
    "incoming": pl.Int64(),  # on open transfers / purchase orders
    "stocked": pl.Boolean(),  # false where the export says ``not stocked`` at this location
    "as_of": pl.Date(),  # the day the snapshot describes
    "hs_code": pl.String(),
    "country_of_origin": pl.String(),
    "sku_from_title": pl.Boolean(),  # the export had no SKU; the variant name stands in
    "source_line": pl.Int64(),
}

#: One row per product variant (SKU).
PRODUCTS: Final[Schema] = {
    "sku": pl.String(),
    "handle": pl.String(),  # groups variants of one product
    "title": pl.String(),  # product title plus variant options
    "description": pl.String(),  # plain text (HTML stripped)
    "vendor": pl.String(),
    "category": pl.String(),
    "product_type": pl.String(),
    "tags": pl.String(),  # comma-separated, as exported
    "price": pl.Float64(),  # selling price per unit, store currency
    "unit_cost": pl.Float64(),  # purchase cost per unit, store currency
    "weight_g": pl.Float64(),
    "length_cm": pl.Float64(),
    "width_cm": pl.Float64(),
    "height_cm": pl.Float64(),
    "barcode": pl.String(),
    "hs_code": pl.String(),
    "country_of_origin": pl.String(),
    "inventory_quantity": pl.Int64(),  # ``Variant Inventory Qty`` where the export carries stock
    "sku_from_title": pl.Boolean(),  # the export had no SKU; the variant name stands in
    "source_line": pl.Int64(),
}

#: ``suppliers.csv``, our own layout: one row per supplier and SKU (``sku`` empty = supplier default).
SUPPLIERS: Final[Schema] = {
    "supplier": pl.String(),
    "sku": pl.String(),
    "unit_cost": pl.Float64(),
    "currency": pl.String(),
    "lead_time_days": pl.Float64(),  # mean, calendar days from order to receipt
    "lead_time_std_days": pl.Float64(),  # spread, calendar days (null: unknown)
    "case_pack": pl.Int64(),  # units per case; orders are multiples of it
    "moq": pl.Int64(),  # minimum order quantity, units
    "min_order_value": pl.Float64(),  # supplier's minimum per purchase order, in currency
}

#: ``purchase_orders.csv``, our own layout: one row per PO line, for learned lead times.
PURCHASE_ORDERS: Final[Schema] = {
    "po_number": pl.String(),
    "supplier": pl.String(),
    "sku": pl.String(),
    "ordered_date": pl.Date(),
    "expected_date": pl.Date(),
    "received_date": pl.Date(),  # null while open
    "quantity_ordered": pl.Int64(),
    "quantity_received": pl.Int64(),
    "unit_cost": pl.Float64(),
    "currency": pl.String(),
}

#: ``events.csv``, our own layout: promotions and other known events that move demand.
EVENTS: Final[Schema] = {
    "name": pl.String(),
    "start": pl.Date(),  # first day, store-local
    "end": pl.Date(),  # last day, inclusive
    "scope": pl.String(),  # all / category / product / sku
    "target": pl.String(),  # the category, product or SKU (empty for all)
    "uplift_pct": pl.Float64(),  # +40 means 40% more units than the forecast without the event
    # or: the SKU (product) sells this many units over the event's days, whatever the models say
    "units": pl.Float64(),
}

#: ``stockouts.csv``, our own layout: days a SKU could not sell, known from the warehouse.
STOCKOUTS: Final[Schema] = {
    "sku": pl.String(),
    "location": pl.String(),  # empty: the SKU was out everywhere
    "start": pl.Date(),  # first day out of stock, store-local
    "end": pl.Date(),  # last day out of stock, inclusive
}

TABLES: Final[dict[str, Schema]] = {
    "order_lines": ORDER_LINES,
    "inventory": INVENTORY,
    "products": PRODUCTS,
    "suppliers": SUPPLIERS,
    "purchase_orders": PURCHASE_ORDERS,
    "events": EVENTS,
    "stockouts": STOCKOUTS,
}


def conform(frame: pl.DataFrame, schema: Schema) -> pl.DataFrame:
    """Cast ``frame`` to ``schema``: its columns in schema order, absent ones as typed nulls.

    >>> conform(pl.DataFrame({"sku": ["A"]}), SUPPLIERS).columns[:3]
    ['supplier', 'sku', 'unit_cost']
    """
    exprs = [
        pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
        for name, dtype in schema.items()
    ]
    return frame.select(exprs)


def empty(schema: Schema) -> pl.DataFrame:
    """A zero-row frame of the table."""
    return pl.DataFrame(schema=schema)
