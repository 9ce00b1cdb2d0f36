"""The demo store generator: determinism, exact export headers, and the patterns the history must hold.

Files are parsed as the platforms' raw text (every cell a string), not through icebergops.sources.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from icebergops.demo_store import build_catalogue, generate_demo_store, promotion_calendar
from icebergops.demo_store.demand import black_friday
from icebergops.demo_store.products import upc_a

END = date(2026, 11, 24)

SHOPIFY_ORDERS_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,"
    "Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,"
    "Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,"
    "Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,"
    "Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,"
    "Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,"
    "Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,"
    "Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,"
    "Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,"
    "Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,"
    "Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,"
    "Next Payment Due At,Payment References"
)
SHOPIFY_PRODUCTS_HEADER = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,"
    "Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,Variant SKU,Variant Grams,"
    "Variant Inventory Tracker,Variant Inventory Policy,Variant Fulfillment Service,Variant Price,"
    "Variant Compare At Price,Variant Requires Shipping,Variant Taxable,Variant Barcode,Image Src,"
    "Image Position,Image Alt Text,Gift Card,SEO Title,SEO Description,"
    "Google Shopping / Google Product Category,Google Shopping / Gender,"
    "Google Shopping / Age Group,Google Shopping / MPN,Google Shopping / Condition,"
    "Google Shopping / Custom Product,Google Shopping / Custom Label 0,"
    "Google Shopping / Custom Label 1,Google Shopping / Custom Label 2,"
    "Google Shopping / Custom Label 3,Google Shopping / Custom Label 4,Variant Image,"
    "Variant Weight Unit,Variant Tax Code,Cost per item,Included / United States,"
    "Included / Canada,Price / Canada,Compare At Price / Canada,Included / International,"
    "Price / International,Compare At Price / International,Status"
)
SHOPIFY_INVENTORY_HEADER = (
    "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,"
    "Option3 Value,SKU,HS Code,COO,Location,Bin name,Incoming (not editable),"
    "Unavailable (not editable),Committed (not editable),Available (not editable),"
    "On hand (current),On hand (new)"
)
AMAZON_HEADER = (
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\t"
    "fulfillment-channel\tsales-channel\torder-channel\turl\tship-service-level\tproduct-name\t"
    "sku\tasin\titem-status\tquantity\tcurrency\titem-price\titem-tax\tshipping-price\t"
    "shipping-tax\tgift-wrap-price\tgift-wrap-tax\titem-promotion-discount\t"
    "ship-promotion-discount\tship-city\tship-state\tship-postal-code\tship-country\t"
    "promotion-ids\tis-business-order\tpurchase-order-number\tprice-designation"
)
HEADERS = {
    "shopify_orders": SHOPIFY_ORDERS_HEADER,
    "shopify_products": SHOPIFY_PRODUCTS_HEADER,
    "shopify_inventory": SHOPIFY_INVENTORY_HEADER,
    "amazon_orders": AMAZON_HEADER,
    "suppliers": "supplier,sku,unit_cost,currency,lead_time_days,lead_time_std_days,case_pack,"
    "moq,min_order_value",
    "purchase_orders": "po_number,supplier,sku,ordered_date,expected_date,received_date,"
    "quantity_ordered,quantity_received,unit_cost,currency",
    "events": "name,start,end,scope,target,uplift_pct",
}
#: cells Shopify writes only on an order's first line item
ORDER_LEVEL = [
    "Financial Status", "Paid at", "Fulfillment Status", "Accepts Marketing", "Currency",
    "Subtotal", "Shipping", "Taxes", "Total", "Discount Amount", "Shipping Method",
    "Billing Name", "Billing City", "Billing Zip", "Billing Country", "Shipping Name",
    "Shipping City", "Shipping Zip", "Shipping Country", "Payment Method", "Refunded Amount",
    "Outstanding Balance", "Location", "Id", "Risk Level", "Source", "Payment ID",
]  # fmt: skip
WAREHOUSES = {"Reno NV", "Columbus OH"}
QUANTITY_CELLS = [
    "Incoming (not editable)", "Unavailable (not editable)", "Committed (not editable)",
    "Available (not editable)", "On hand (current)",
]  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_demo_store(tmp_path_factory.mktemp("demo"), seed=7, end=END)


def first_day(days: pl.Series) -> date:
    value = days.min()
    assert isinstance(value, date)
    return value


def last_day(days: pl.Series) -> date:
    value = days.max()
    assert isinstance(value, date)
    return value


def number(value: object) -> float:
    """A polars scalar (sum, mean, min) as a float."""
    assert isinstance(value, int | float)
    return float(value)


def read(path: Path, *, separator: str = ",") -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, separator=separator, quote_char='"')


@pytest.fixture(scope="module")
def orders(store: dict[str, Path]) -> pl.DataFrame:
    return read(store["shopify_orders"])


@pytest.fixture(scope="module")
def first_rows(orders: pl.DataFrame) -> pl.DataFrame:
    """One row per order: the first line item, which carries the order-level cells."""
    return orders.filter(pl.col("Name") != pl.col("Name").shift().fill_null(""))


@pytest.fixture(scope="module")
def daily_units(orders: pl.DataFrame) -> pl.DataFrame:
    """Shopify units per SKU per local calendar day."""
    return orders.group_by(
        pl.col("Created at").str.slice(0, 10).str.to_date().alias("date"),
        pl.col("Lineitem sku").alias("sku"),
    ).agg(units=pl.col("Lineitem quantity").cast(pl.Int64).sum())


@pytest.fixture(scope="module")
def products(store: dict[str, Path]) -> pl.DataFrame:
    return read(store["shopify_products"])


@pytest.fixture(scope="module")
def inventory(store: dict[str, Path]) -> pl.DataFrame:
    return read(store["shopify_inventory"])


@pytest.fixture(scope="module")
def amazon(store: dict[str, Path]) -> pl.DataFrame:
    return pl.read_csv(store["amazon_orders"], infer_schema=False, separator="\t", quote_char=None)


# determinism and layout --------------------------------------------------------------------


def test_same_seed_and_end_give_byte_identical_files(
    store: dict[str, Path], tmp_path: Path
) -> None:
    again = generate_demo_store(tmp_path, seed=7, end=END)
    assert again.keys() == store.keys()
    for name, path in store.items():
        assert again[name].read_bytes() == path.read_bytes(), name


def test_another_seed_gives_another_history(store: dict[str, Path], tmp_path: Path) -> None:
    other = generate_demo_store(tmp_path, seed=8, end=END)
    assert other["shopify_orders"].read_bytes() != store["shopify_orders"].read_bytes()
    assert other["amazon_orders"].read_bytes() != store["amazon_orders"].read_bytes()


def test_writes_every_file_into_the_folder_and_nothing_else(store: dict[str, Path]) -> None:
    folder = store["shopify_orders"].parent
    assert {p.name for p in folder.iterdir()} == {p.name for p in store.values()}
    assert store["readme"].name == "README.md"
    assert "Fernwood Outfitters" in store["readme"].read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_headers_are_exactly_the_exported_ones(store: dict[str, Path], name: str) -> None:
    first_line = store[name].read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line == HEADERS[name]


def test_column_counts_match_the_platform_layouts() -> None:
    assert len(SHOPIFY_ORDERS_HEADER.split(",")) == 79
    assert len(SHOPIFY_PRODUCTS_HEADER.split(",")) == 53
    assert len(AMAZON_HEADER.split("\t")) == 32


# catalogue ---------------------------------------------------------------------------------


def test_about_two_hundred_unique_skus_of_about_seventy_products(products: pl.DataFrame) -> None:
    variants = products.filter(pl.col("Variant SKU").is_not_null())
    assert 180 <= variants.height <= 220
    assert variants["Variant SKU"].n_unique() == variants.height
    assert 60 <= variants["Handle"].n_unique() <= 80


def test_product_cells_only_on_a_products_first_row(products: pl.DataFrame) -> None:
    repeated = products.filter(pl.col("Handle") == pl.col("Handle").shift())
    assert repeated.height > 100
    for column in ["Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published", "Option1 Name"]:
        assert repeated[column].null_count() == repeated.height, column
    assert products.filter(pl.col("Title").is_not_null())["Handle"].is_unique().all()


def test_image_only_rows_carry_just_handle_and_image(products: pl.DataFrame) -> None:
    images = products.filter(pl.col("Variant SKU").is_null())
    assert images.height > 0
    filled = {c for c in images.columns if images[c].null_count() < images.height}
    assert filled == {"Handle", "Image Src", "Image Position"}


def test_product_attributes_look_like_a_merchants(products: pl.DataFrame) -> None:
    variants = products.filter(pl.col("Variant SKU").is_not_null())
    bodies = products["Body (HTML)"].drop_nulls()
    assert bodies.str.contains("<ul>").all() and bodies.str.contains("<p>").all()
    assert bodies.str.contains("\n").any() and not bodies.str.contains("\n").all()
    assert set(variants["Variant Weight Unit"].unique()) == {"kg", "lb", "g", "oz"}
    assert variants["Variant Grams"].str.contains(r"^[1-9]\d*$").all()
    assert variants["Cost per item"].str.contains(r"^\d+\.\d\d$").all()
    assert variants["Variant Price"].str.contains(r"^\d+\.\d\d$").all()
    assert variants["Variant Barcode"].str.contains(r"^\d{12}$").all()
    vendors = products["Vendor"].drop_nulls().unique()
    assert 3 <= vendors.len() <= 4


def test_some_skus_have_hs_code_and_origin(inventory: pl.DataFrame) -> None:
    coded = inventory.filter(pl.col("HS Code").is_not_null())
    assert 0 < coded.height < inventory.height
    assert coded["HS Code"].str.contains(r"^\d{6}$").all()
    assert coded["COO"].str.contains(r"^[A-Z]{2}$").all()


def test_catalogue_builder_is_pure_and_unique() -> None:
    first, second = build_catalogue(seed=3), build_catalogue(seed=3)
    assert first.equals(second)
    assert first["sku"].is_unique().all()
    assert (first["unit_cost"] < first["price"]).all()


def test_barcodes_carry_a_valid_check_digit() -> None:
    assert upc_a(3600029145) == "036000291452"


# order history -----------------------------------------------------------------------------


def test_two_years_of_history_ending_on_end(daily_units: pl.DataFrame) -> None:
    days = daily_units["date"]
    assert last_day(days) == END
    assert END - timedelta(days=730) < first_day(days) <= END - timedelta(days=725)
    assert days.n_unique() >= 725


def test_order_lines_per_day_in_the_expected_range(orders: pl.DataFrame) -> None:
    per_day = orders.height / 730
    assert 30 <= per_day <= 120


def test_timestamps_carry_the_eastern_offset_of_the_season(orders: pl.DataFrame) -> None:
    created = orders["Created at"]
    assert created.str.contains(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d -0[45]00$").all()
    july = created.filter(created.str.contains("^2026-07"))
    january = created.filter(created.str.contains("^2026-01"))
    assert july.str.ends_with("-0400").all() and len(july) > 0
    assert january.str.ends_with("-0500").all() and len(january) > 0


def test_newest_orders_first_with_increasing_names(first_rows: pl.DataFrame) -> None:
    numbers = first_rows["Name"].str.strip_prefix("#").cast(pl.Int64)
    assert numbers.is_sorted(descending=True)
    assert numbers.min() == 1001
    assert first_rows["Created at"].is_sorted(descending=True)


def test_order_level_cells_empty_on_continuation_rows(orders: pl.DataFrame) -> None:
    continuation = orders.filter(pl.col("Name") == pl.col("Name").shift())
    assert continuation.height > 100
    for column in ORDER_LEVEL:
        assert continuation[column].null_count() == continuation.height, column
    for column in ["Email", "Created at", "Lineitem sku", "Lineitem quantity", "Vendor"]:
        assert continuation[column].null_count() == 0, column


def test_some_orders_have_several_line_items(orders: pl.DataFrame) -> None:
    sizes = orders.group_by("Name").len()["len"]
    assert (sizes >= 3).sum() > 10
    assert (sizes == 1).sum() > 0.7 * len(sizes)


def test_international_share_between_8_and_25_percent(first_rows: pl.DataFrame) -> None:
    countries = first_rows["Shipping Country"]
    assert 0.08 <= number((countries != "US").mean()) <= 0.25
    assert {"CA", "GB", "DE", "AU", "FR", "JP"} <= set(countries.unique())


def test_us_zips_are_guarded_like_shopify_writes_them(first_rows: pl.DataFrame) -> None:
    us = first_rows.filter(pl.col("Shipping Country") == "US")
    assert us["Shipping Zip"].str.contains(r"^'\d{5}$").all()
    assert us["Shipping Zip"].str.starts_with("'0").any()
    assert us["Shipping Province"].str.contains(r"^[A-Z]{2}$").all()


def test_both_warehouses_fulfil_orders(first_rows: pl.DataFrame) -> None:
    assert set(first_rows["Location"].unique()) == WAREHOUSES


def test_weekends_sell_more_than_weekdays(daily_units: pl.DataFrame) -> None:
    per_day = daily_units.group_by("date").agg(pl.col("units").sum())
    weekend = per_day.filter(pl.col("date").dt.weekday() >= 6)["units"].mean()
    weekday = per_day.filter(pl.col("date").dt.weekday() <= 5)["units"].mean()
    assert isinstance(weekend, float) and isinstance(weekday, float)
    assert weekend > 1.1 * weekday


def test_fourth_quarter_above_the_yearly_average(daily_units: pl.DataFrame) -> None:
    per_day = daily_units.group_by("date").agg(pl.col("units").sum())
    q4 = per_day.filter(pl.col("date").dt.month() >= 10)["units"].mean()
    overall = per_day["units"].mean()
    assert isinstance(q4, float) and isinstance(overall, float)
    assert q4 > 1.1 * overall


def test_some_skus_launched_in_the_last_six_months(daily_units: pl.DataFrame) -> None:
    first_sale = daily_units.group_by("sku").agg(pl.col("date").min())["date"]
    assert (first_sale >= END - timedelta(days=183)).sum() >= 1
    assert (first_sale <= END - timedelta(days=700)).sum() > 150


def test_some_established_skus_sell_intermittently(daily_units: pl.DataFrame) -> None:
    stats = daily_units.group_by("sku").agg(
        first=pl.col("date").min(), days_with_sales=pl.col("date").n_unique()
    )
    established = stats.filter(pl.col("first") <= END - timedelta(days=700))
    assert (established["days_with_sales"] < 0.2 * 730).sum() >= 1
    assert (established["days_with_sales"] > 0.5 * 730).sum() >= 1


def test_some_skus_stopped_selling(daily_units: pl.DataFrame, products: pl.DataFrame) -> None:
    last_sale = daily_units.group_by("sku").agg(pl.col("date").max())["date"]
    assert 1 <= (last_sale < END - timedelta(days=90)).sum() <= 5
    assert "archived" in products["Status"].to_list()


def _in_scope(scope: str, target: str | None) -> pl.Expr:
    if scope == "all":
        return pl.lit(True)
    return pl.col("type" if scope == "category" else "sku") == target


def test_promotions_lift_demand_of_their_target(
    daily_units: pl.DataFrame, products: pl.DataFrame, store: dict[str, Path]
) -> None:
    types = products.filter(pl.col("Variant SKU").is_not_null()).select(
        pl.col("Variant SKU").alias("sku"), pl.col("Type").forward_fill().alias("type")
    )
    units = daily_units.join(types, on="sku")
    events = read(store["events"]).with_columns(pl.col("start", "end").str.to_date())
    measured = 0
    for event in events.filter(pl.col("start") - timedelta(days=28) > units["date"].min()).rows(
        named=True
    ):
        if event["start"] > END:
            continue
        chosen = units.filter(_in_scope(event["scope"], event["target"]))
        days = (event["end"] - event["start"]).days + 1
        during = chosen.filter(pl.col("date").is_between(event["start"], event["end"]))
        before = chosen.filter(
            pl.col("date").is_between(event["start"] - timedelta(days=28), event["start"])
        )
        lift = number(during["units"].sum()) / days / (number(before["units"].sum()) / 29)
        assert lift > 1.3, event["name"]
        measured += 1
    assert measured >= 6


def test_promotion_prices_are_cut_with_a_compare_at_price(orders: pl.DataFrame) -> None:
    promoted = orders.filter(pl.col("Lineitem compare at price").is_not_null())
    assert promoted.height > 100
    price = promoted["Lineitem price"].cast(pl.Float64)
    assert (price < promoted["Lineitem compare at price"].cast(pl.Float64)).all()


def test_events_list_the_history_and_one_upcoming_promotion(store: dict[str, Path]) -> None:
    events = read(store["events"])
    assert set(events["scope"].unique()) == {"all", "category", "sku"}
    starts = events["start"].str.to_date()
    assert (starts > END).sum() == 1
    assert number(events["uplift_pct"].cast(pl.Int64).min()) > 0


# statuses ----------------------------------------------------------------------------------


def test_cancelled_orders_are_refunded_or_voided(first_rows: pl.DataFrame) -> None:
    cancelled = first_rows.filter(pl.col("Cancelled at").is_not_null())
    assert 0.01 <= cancelled.height / first_rows.height <= 0.04
    assert set(cancelled["Financial Status"].unique()) == {"refunded", "voided"}
    assert (cancelled["Fulfillment Status"] == "unfulfilled").all()


def test_refunds_full_and_partial(first_rows: pl.DataFrame) -> None:
    kept = first_rows.filter(pl.col("Cancelled at").is_null())
    partial = kept.filter(pl.col("Financial Status") == "partially_refunded")
    full = kept.filter(pl.col("Financial Status") == "refunded")
    assert 0.015 <= (partial.height + full.height) / kept.height <= 0.05
    assert partial.height > 0 and full.height > 0
    refunded = partial["Refunded Amount"].cast(pl.Float64)
    assert ((refunded > 0) & (refunded < partial["Total"].cast(pl.Float64))).all()
    assert (full["Refunded Amount"] == full["Total"]).all()


def test_a_handful_of_recent_orders_still_open(first_rows: pl.DataFrame) -> None:
    still_open = first_rows.filter(
        pl.col("Cancelled at").is_null(), pl.col("Fulfillment Status") != "fulfilled"
    )
    assert 3 <= still_open.height <= 100
    opened = still_open["Created at"].str.slice(0, 10).str.to_date()
    assert first_day(opened) >= END - timedelta(days=2)
    assert still_open["Fulfilled at"].null_count() == still_open.height


def test_statuses_use_shopify_vocabulary(first_rows: pl.DataFrame, orders: pl.DataFrame) -> None:
    financial = {"paid", "refunded", "partially_refunded", "pending", "voided"}
    assert set(first_rows["Financial Status"].unique()) <= financial
    assert set(first_rows["Fulfillment Status"].unique()) <= {"fulfilled", "unfulfilled", "partial"}
    assert set(orders["Lineitem fulfillment status"].unique()) == {"fulfilled", "pending"}
    money = first_rows.select("Subtotal", "Shipping", "Taxes", "Total", "Refunded Amount")
    assert all(money[c].str.contains(r"^\d+\.\d\d$").all() for c in money.columns)
    assert first_rows["Email"].str.contains(r"^cust_[0-9a-f]{10}@example\.invalid$").all()


# inventory ---------------------------------------------------------------------------------


def test_every_sku_at_both_warehouses(inventory: pl.DataFrame, products: pl.DataFrame) -> None:
    assert set(inventory["Location"].unique()) == WAREHOUSES
    per_sku = inventory.group_by("SKU").agg(pl.col("Location").n_unique())
    assert (per_sku["Location"] == 2).all()
    assert set(per_sku["SKU"]) == set(products["Variant SKU"].drop_nulls())
    assert inventory["On hand (new)"].null_count() == inventory.height


def test_available_is_on_hand_less_committed_and_unavailable(inventory: pl.DataFrame) -> None:
    numeric = inventory.filter(pl.col("On hand (current)") != "not stocked")
    counts = numeric.select(pl.col(QUANTITY_CELLS).cast(pl.Int64))
    expected = (
        counts["On hand (current)"]
        - counts["Committed (not editable)"]
        - counts["Unavailable (not editable)"]
    )
    assert (counts["Available (not editable)"] == expected).all()
    assert (counts["Committed (not editable)"] > 0).any()
    assert (counts["Incoming (not editable)"] > 0).any()


def test_some_rows_not_stocked_and_some_oversold(inventory: pl.DataFrame) -> None:
    unstocked = inventory.filter(pl.col("On hand (current)") == "not stocked")
    assert unstocked.height >= 1
    assert all((unstocked[c] == "not stocked").all() for c in QUANTITY_CELLS)
    on_hand = inventory.filter(pl.col("On hand (current)") != "not stocked")["On hand (current)"]
    assert 1 <= (on_hand.cast(pl.Int64) < 0).sum() <= 3


def test_stock_levels_follow_recent_demand(
    inventory: pl.DataFrame, daily_units: pl.DataFrame
) -> None:
    on_hand = (
        inventory.filter(pl.col("On hand (current)") != "not stocked")
        .group_by("SKU")
        .agg(pl.col("On hand (current)").cast(pl.Int64).sum())
    )
    recent = (
        daily_units.filter(pl.col("date") > END - timedelta(days=56))
        .group_by("sku")
        .agg(rate=pl.col("units").sum() / 56)
    )
    cover = on_hand.join(recent, left_on="SKU", right_on="sku").with_columns(
        days=pl.col("On hand (current)") / pl.col("rate")
    )["days"]
    assert (cover <= 0).sum() >= 3  # out of stock
    assert ((cover > 0) & (cover < 10)).sum() >= 3  # running low
    assert (cover > 120).sum() >= 3  # overstocked
    assert cover.is_between(20, 90).sum() > 0.4 * len(cover)  # most are fine


# suppliers and purchase orders -------------------------------------------------------------


def test_suppliers_have_defaults_and_moq_in_whole_cases(store: dict[str, Path]) -> None:
    suppliers = read(store["suppliers"])
    defaults = suppliers.filter(pl.col("sku").is_null())
    assert 3 <= defaults.height <= 4 and defaults["supplier"].is_unique().all()
    assert defaults["lead_time_days"].null_count() == 0
    skus = suppliers.filter(pl.col("sku").is_not_null())
    pack, moq = skus["case_pack"].cast(pl.Int64), skus["moq"].cast(pl.Int64)
    assert set(pack.unique()) <= {1, 6, 12, 24} and pack.n_unique() >= 3
    assert ((moq % pack == 0) & (moq >= pack)).all()
    assert skus["sku"].is_unique().all() and 180 <= skus.height <= 220


def test_purchase_orders_follow_lead_times(store: dict[str, Path]) -> None:
    pos = read(store["purchase_orders"]).with_columns(
        pl.col("ordered_date", "expected_date", "received_date").str.to_date()
    )
    assert first_day(pos["ordered_date"]) <= END - timedelta(days=500)
    received = pos.filter(pl.col("received_date").is_not_null())
    transit = (received["received_date"] - received["ordered_date"]).dt.total_days()
    assert number(transit.min()) >= 7
    slip = (received["received_date"] - received["expected_date"]).dt.total_days()
    assert (slip > 7).sum() > 0
    assert number((slip.abs() <= 7).mean()) > 0.7
    still_open = pos.filter(pl.col("received_date").is_null())
    assert still_open.height > 0
    assert still_open["quantity_received"].null_count() == still_open.height
    quantities = received.select(pl.col("quantity_ordered", "quantity_received").cast(pl.Int64))
    short = quantities.filter(pl.col("quantity_received") < pl.col("quantity_ordered"))
    assert 0 < short.height < 0.1 * received.height
    assert (quantities["quantity_received"] <= quantities["quantity_ordered"]).all()


# amazon ------------------------------------------------------------------------------------


def test_amazon_report_covers_the_last_year(amazon: pl.DataFrame) -> None:
    bought = amazon["purchase-date"]
    assert bought.str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$").all()
    days = bought.str.slice(0, 10).str.to_date()
    assert first_day(days) >= END - timedelta(days=366)
    assert END <= last_day(days) <= END + timedelta(days=1)  # UTC runs ahead of US Eastern
    assert amazon["amazon-order-id"].str.contains(r"^\d{3}-\d{7}-\d{7}$").all()


def test_amazon_sells_a_subset_of_the_catalogue(
    amazon: pl.DataFrame, products: pl.DataFrame
) -> None:
    skus = set(amazon["sku"].unique())
    assert skus <= set(products["Variant SKU"].drop_nulls())
    assert 40 <= len(skus) <= 80
    assert set(amazon["fulfillment-channel"].unique()) == {"Amazon", "Merchant"}
    assert set(amazon["sales-channel"].unique()) == {"Amazon.com"}
    assert {"Shipped", "Cancelled", "Pending"} <= set(amazon["order-status"].unique())


def test_amazon_carries_about_a_fifth_of_demand(
    amazon: pl.DataFrame, daily_units: pl.DataFrame
) -> None:
    amazon_units = number(amazon["quantity"].cast(pl.Int64).sum())
    recent = daily_units.filter(pl.col("date") > END - timedelta(days=365))
    shopify_units = number(recent["units"].sum())
    share = amazon_units / (amazon_units + shopify_units)
    assert 0.12 <= share <= 0.3


def test_amazon_item_price_is_the_line_total(amazon: pl.DataFrame) -> None:
    priced = amazon.filter(pl.col("item-price").is_not_null())
    assert priced["item-price"].str.contains(r"^\d+\.\d\d$").all()
    per_unit = priced["item-price"].cast(pl.Float64) / priced["quantity"].cast(pl.Float64)
    several = priced.with_columns(per_unit=per_unit).filter(pl.col("quantity") != "1")
    assert several.height > 0
    one = priced.filter(pl.col("quantity") == "1").select("sku", pl.col("item-price").alias("p"))
    joined = several.join(one.unique("sku"), on="sku")
    assert ((joined["per_unit"] - joined["p"].cast(pl.Float64)).abs() < 0.005).all()
    cancelled = amazon.filter(pl.col("order-status") == "Cancelled")
    assert cancelled.height > 0 and (cancelled["quantity"] == "0").all()
    assert cancelled["item-price"].null_count() == cancelled.height


# pure builders -----------------------------------------------------------------------------


def test_black_friday_is_the_day_after_the_fourth_thursday() -> None:
    assert black_friday(2024) == date(2024, 11, 29)
    assert black_friday(2025) == date(2025, 11, 28)


def test_promotion_calendar_includes_the_next_one_only() -> None:
    calendar = promotion_calendar(date(2025, 1, 1), date(2025, 12, 31))
    upcoming = calendar.filter("upcoming")
    assert upcoming.height == 1 and upcoming["start"][0] > date(2025, 12, 31)
    past = calendar.filter(~pl.col("upcoming"))
    assert first_day(past["start"]) >= date(2025, 1, 1)
    assert last_day(past["end"]) <= date(2025, 12, 31)
    assert re.fullmatch(r"Black Friday / Cyber Monday 2025", past["name"][-1])
