"""Fernwood Outfitters: a realistic demo store written as the raw exports icebergops reads.

Use ``generate_demo_store(Path("demo"))``: it returns ``{name: path}`` of the files written.

Everything is deterministic: the same ``seed`` and ``end`` give byte-identical files. The pure
builders return polars DataFrames, so each table can be tested without files.
"""

from __future__ import annotations

from icebergops.demo_store.amazon import amazon_all_orders
from icebergops.demo_store.demand import assortment_plan, expected_demand, promotion_calendar
from icebergops.demo_store.products import build_catalogue
from icebergops.demo_store.sales import sales_lines
from icebergops.demo_store.shopify_catalogue import (
    shopify_inventory_export,
    shopify_products_export,
)
from icebergops.demo_store.shopify_export import shopify_orders_export
from icebergops.demo_store.shopify_orders import shopify_orders
from icebergops.demo_store.stock import stock_levels
from icebergops.demo_store.store import (
    FILE_NAMES,
    DemoStore,
    build_demo_store,
    demo_store_texts,
    generate_demo_store,
)
from icebergops.demo_store.suppliers import purchase_orders, supplier_terms

__all__ = [
    "FILE_NAMES",
    "DemoStore",
    "amazon_all_orders",
    "assortment_plan",
    "build_catalogue",
    "build_demo_store",
    "demo_store_texts",
    "expected_demand",
    "generate_demo_store",
    "promotion_calendar",
    "purchase_orders",
    "sales_lines",
    "shopify_inventory_export",
    "shopify_orders",
    "shopify_orders_export",
    "shopify_products_export",
    "stock_levels",
    "supplier_terms",
]
