"""Amazon reports: Seller Central flat files in four encodings (fixtures written from Amazon's
documented columns, see tests/fixtures/amazon/COLUMNS.md) and the Amazon.in order report layout."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from icebergops.sources import ReadOptions, read_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "amazon"
WriteFile = Callable[..., Path]


@pytest.mark.parametrize(
    ("name", "encoding", "rows", "orders", "skus", "units", "currency", "first", "last"),
    [
        (
            "all_orders_us_utf8.txt",
            "utf-8",
            17,
            13,
            7,
            29,
            "USD",
            date(2024, 5, 28),
            date(2024, 6, 3),
        ),
        (
            "all_orders_uk_bom.txt",
            "utf-8-sig",
            10,
            8,
            4,
            16,
            "GBP",
            date(2024, 6, 10),
            date(2024, 6, 14),
        ),
        (
            "all_orders_de_cp1252.txt",
            "cp1252",
            11,
            9,
            4,
            23,
            "EUR",
            date(2024, 5, 20),
            date(2024, 5, 26),
        ),
        (
            "all_orders_jp_sjis.txt",
            "cp932",
            10,
            8,
            4,
            31,
            "JPY",
            date(2024, 6, 1),
            date(2024, 6, 5),
        ),
    ],
)
def test_all_orders_report(
    name: str,
    encoding: str,
    rows: int,
    orders: int,
    skus: int,
    units: int,
    currency: str,
    first: date,
    last: date,
) -> None:
    source = read_source(FIXTURES / name)
    table = source.table
    live = table.filter(pl.col("status") != "cancelled")
    assert source.layout.kind == "amazon-all-orders"
    assert source.raw.encoding == encoding
    assert (table.height, table["order_id"].n_unique(), table["sku"].n_unique()) == (
        rows,
        orders,
        skus,
    )
    assert live["quantity"].sum() == units
    assert table["currency"].unique().to_list() == [currency]  # pending lines take the report's
    assert (table["order_date"].min(), table["order_date"].max()) == (first, last)
    assert set(table["fulfilment"]) == {"fba", "merchant"}
    assert source.findings == ()


def test_all_orders_statuses_follow_the_item_not_just_the_order() -> None:
    table = read_source(FIXTURES / "all_orders_us_utf8.txt").table
    assert table["status"].value_counts(sort=True).rows() == [
        ("fulfilled", 10),
        ("open", 5),
        ("cancelled", 2),
    ]


def test_all_orders_decodes_cp1252_and_shift_jis_titles() -> None:
    de = read_source(FIXTURES / "all_orders_de_cp1252.txt").table["title"][0]
    jp = read_source(FIXTURES / "all_orders_jp_sjis.txt").table["title"][0]
    assert de.startswith("Edelstahl-Küchenwaage mit LCD – präzise")
    assert jp.startswith("南部鉄器 急須")


@pytest.mark.parametrize(
    ("name", "on_hand", "available", "committed", "incoming"),
    [
        ("manage_fba_inventory_us.txt", 779, 738, 34, 210),
        ("manage_fba_inventory_jp_sjis.txt", 316, 299, 13, 122),
    ],
)
def test_manage_fba_inventory(
    name: str, on_hand: int, available: int, committed: int, incoming: int
) -> None:
    table = read_source(FIXTURES / name, options=ReadOptions(as_of=date(2024, 6, 5))).table
    sums = table.select("on_hand", "available", "committed", "incoming").sum().row(0)
    assert sums == (on_hand, available, committed, incoming)
    assert table["location"].unique().to_list() == ["FBA"]


def test_fba_customer_shipment_sales() -> None:
    source = read_source(FIXTURES / "fba_customer_shipment_sales_us.txt")
    table = source.table
    assert source.layout.kind == "amazon-shipment-sales"
    assert (table.height, table["order_id"].n_unique(), table["sku"].n_unique()) == (12, 10, 6)
    assert table["quantity"].sum() == 18
    assert table["location"].n_unique() == 11
    assert set(table["fulfilment"]) == {"fba"}


AMAZON_IN = """index,Order ID,Date,Status,Fulfilment,Sales Channel ,ship-service-level,Style,SKU,Category,Size,ASIN,Courier Status,Qty,currency,Amount,ship-city,ship-state,ship-postal-code,ship-country,promotion-ids,B2B,fulfilled-by,Unnamed: 22
0,405-8078784-5731545,04-30-22,Cancelled,Merchant,Amazon.in,Standard,SET389,SET389-KR-NP-S,Set,S,B09KXVBD7Z,,0,INR,647.62,MUMBAI,MAHARASHTRA,400081.0,IN,,False,Easy Ship,
1,171-9198151-1101146,04-30-22,Shipped - Delivered to Buyer,Merchant,Amazon.in,Standard,JNE3781,JNE3781-KR-XXXL,kurta,3XL,B09K3WFS32,Shipped,2,INR,812.0,BENGALURU,KARNATAKA,560085.0,IN,,False,Easy Ship,
2,404-0687676-7273146,03-31-22,Shipped - Returned to Seller,Amazon,Amazon.in,Expedited,JNE3371,JNE3371-KR-XL,kurta,XL,B07WV4JV4D,Shipped,1,INR,329.0,NAVI MUMBAI,MAHARASHTRA,410210.0,IN,,True,,
"""


def test_amazon_in_order_report(write_file: WriteFile) -> None:
    table = read_source(write_file("Amazon Sale Report.csv", AMAZON_IN)).table
    assert table.select(
        "order_date", "status", "fulfilment", "unit_price", "refunded_quantity", "ship_postal_code"
    ).rows() == [
        (date(2022, 4, 30), "cancelled", "merchant", None, None, "400081"),
        (date(2022, 4, 30), "fulfilled", "merchant", 406.0, None, "560085"),
        (date(2022, 3, 31), "returned", "fba", 329.0, 1, "410210"),
    ]


def test_amazon_in_dates_early_in_the_month_keep_their_year(write_file: WriteFile) -> None:
    early = AMAZON_IN.replace("04-30-22", "04-09-22").replace("03-31-22", "04-01-22")
    table = read_source(write_file("Amazon Sale Report.csv", early)).table
    assert table["order_date"].to_list() == [date(2022, 4, 9), date(2022, 4, 9), date(2022, 4, 1)]


def test_optional_columns_may_be_missing(write_file: WriteFile) -> None:
    header = "amazon-order-id\tpurchase-date\torder-status\tsku\tquantity\titem-price\n"
    row = "111-1\t2024-05-28T10:00:00-07:00\tShipped\tSKU-1\t2\t20.00\n"
    table = read_source(write_file("orders.txt", header + row)).table
    assert table.select("sku", "quantity", "unit_price", "title").row(0) == ("SKU-1", 2, 10.0, None)
    fba = "sku\tfnsku\tasin\tafn-fulfillable-quantity\nSKU-1\tX001\tB001\t7\n"
    stock = read_source(
        write_file("fba.txt", fba), options=ReadOptions(as_of=date(2024, 6, 1))
    ).table
    assert stock.select("available", "on_hand", "committed").row(0) == (7, None, None)


def test_each_line_gets_its_marketplace_day(write_file: WriteFile) -> None:
    header = "amazon-order-id\tpurchase-date\torder-status\tsku\tquantity\titem-price\tcurrency\tsales-channel\n"
    rows = [
        "1\t2026-11-04T03:00:00+00:00\tShipped\tA\t1\t2\tUSD\tAmazon.com\n",  # 19:00 on 3 Nov in Seattle
        "2\t2026-11-04T03:00:00+00:00\tShipped\tA\t1\t2\tUSD\tNon-Amazon\n",  # the file's main marketplace
        "3\t2026-11-04T03:00:00+00:00\tShipped\tA\t1\t2\tEUR\tAmazon.de\n",  # 04:00 on 4 Nov in Berlin
    ]
    table = read_source(write_file("orders.txt", header + "".join(rows))).table
    assert table["order_date"].to_list() == [
        date(2026, 11, 3),
        date(2026, 11, 3),
        date(2026, 11, 4),
    ]


def test_a_price_list_cell_that_is_no_number_is_left_empty_with_a_warning(
    write_file: WriteFile,
) -> None:
    """`#VALUE!` and `Nill` in the Amazon.in price list: the catalogue stays usable."""
    text = (
        "index,Sku,Style Id,Catalog,Category,Weight,TP,MRP Old,Final MRP Old,Amazon MRP\n"
        "0,OS-1-S,OS-1,Moments,Kurta,0.3,538,2178,2295,2295\n"
        "1,OS-1-M,OS-1,Moments,Kurta,Nill,#VALUE!,2178,2295,2295\n"
    )
    source = read_source(write_file("prices.csv", text))
    assert source.errors == []
    found = {(f.column, f.value, f.lines, f.severity) for f in source.findings}
    assert ("TP", "#VALUE!", (3,), "warning") in found
    assert ("Weight", "Nill", (3,), "warning") in found
    assert source.table["unit_cost"].to_list() == [538.0, None]


def test_a_spreadsheet_error_in_place_of_a_sku_is_no_sku(write_file: WriteFile) -> None:
    """`#REF!` in 15 rows of the Amazon.in stock report was read as one SKU named `#REF!`: the
    design number stands in for it, as for an empty SKU, and the finding names the cell."""
    text = (
        "index,SKU Code,Design No.,Stock,Category,Size,Color\n"
        "0,AN201-RED-L,AN201,5.0,AN : LEGGINGS,L,Red\n"
        "1,#REF!,BL006,0.0,BLOUSE,FREE,Black\n"
        "2,,BL007,1.0,BLOUSE,FREE,Black\n"
        "3,#N/A,BL008,2.0,BLOUSE,FREE,Red\n"
        "4,#1-HASH,BL009,3.0,BLOUSE,FREE,Red\n"  # a "#" that is no spreadsheet error
    )
    source = read_source(write_file("sale_report_stock.csv", text))
    assert source.table["sku"].to_list() == ["AN201-RED-L", "BL006", "BL007", "BL008", "#1-HASH"]
    found = {f.kind: (f.count, f.lines, f.column, f.value) for f in source.findings}
    assert found["spreadsheet_error"] == (2, (3, 5), "SKU Code", "#REF!")
    assert found["empty_sku"] == (1, (4,), "SKU Code", None)  # not counted twice
