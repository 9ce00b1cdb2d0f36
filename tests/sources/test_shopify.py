"""Shopify exports as they really are: carried-down order cells, offsets, guards, tips, layouts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from icebergops.errors import InputError
from icebergops.sources import ReadOptions, read_source, read_table

WriteFile = Callable[..., Path]

ORDERS = """Name,Email,Financial Status,Currency,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem requires shipping,Lineitem fulfillment status,Shipping Zip,Shipping Province,Shipping Country,Cancelled at,Payment Method,Location
#1002,a@example.invalid,paid,USD,2023-05-31 23:06:04 -0700,3,Pee Pads XL,24.74,PP-XL,true,fulfilled,'53122,WI,US,,Shopify Payments,Vegas
#1002,,,,2023-05-31 23:06:04 -0700,1,Tip,5.00,,false,not_eligible,,,,,,
#1002,,,,2023-05-31 23:06:04 -0700,2,Chew Toy - Red,9.50,,true,pending,,,,,,
#1001,b@example.invalid,refunded,USD,2023-05-30 08:00:00 -0700,1,Pee Pads XL,24.74,PP-XL,true,fulfilled,M5V 2T6,ON,CA,,PayPal,Vegas
#1000,c@example.invalid,voided,USD,2023-05-29 10:00:00 -0700,4,Pee Pads XL,24.74,PP-XL,true,pending,10001,NY,US,2023-05-29 11:00:00 -0700,Shopify Payments,Vegas
"""


def test_orders_carry_order_cells_down_and_keep_the_store_local_date(write_file: WriteFile) -> None:
    source = read_source(write_file("orders_export.csv", ORDERS))
    got = source.table.select(
        "order_id",
        "order_date",
        "sku",
        "sku_from_title",
        "quantity",
        "unit_price",
        "currency",
        "status",
        "location",
        "ship_country",
        "ship_region",
        "ship_postal_code",
        "source_line",
    )
    expected = pl.DataFrame(
        {
            "order_id": ["#1002", "#1002", "#1001", "#1000"],
            "order_date": [
                date(2023, 5, 31),
                date(2023, 5, 31),
                date(2023, 5, 30),
                date(2023, 5, 29),
            ],
            "sku": ["PP-XL", "Chew Toy - Red", "PP-XL", "PP-XL"],
            "sku_from_title": [False, True, False, False],
            "quantity": [3, 2, 1, 4],
            "unit_price": [24.74, 9.50, 24.74, 24.74],
            "currency": ["USD"] * 4,
            "status": ["fulfilled", "open", "refunded", "cancelled"],
            "location": ["Vegas"] * 4,
            "ship_country": ["US", "US", "CA", "US"],
            "ship_region": ["WI", "WI", "ON", "NY"],
            "ship_postal_code": ["53122", "53122", "M5V 2T6", "10001"],
            "source_line": [2, 4, 5, 6],
        }
    )
    assert_frame_equal(got, expected)
    # 23:06 at -0700 is 06:06 UTC on 1 June: the instant is kept in UTC, the day stays local.
    assert str(source.table["ordered_at"][0]) == "2023-06-01 06:06:04+00:00"


def test_a_tip_whose_shipping_cell_is_empty_is_kept(write_file: WriteFile) -> None:
    """Only a line that says it ships nothing is a tip; an empty cell says nothing."""
    text = ORDERS.replace("Tip,5.00,,false,", "Tip,5.00,,,")
    source = read_source(write_file("o.csv", text))
    assert "tip_line" not in {f.kind for f in source.findings}
    assert source.table["source_line"].to_list() == [2, 3, 4, 5, 6]


def test_orders_findings_name_lines(write_file: WriteFile) -> None:
    findings = {f.kind: f for f in read_source(write_file("o.csv", ORDERS)).findings}
    assert (findings["tip_line"].count, findings["tip_line"].lines) == (1, (3,))
    assert (findings["empty_sku"].count, findings["empty_sku"].lines) == (1, (4,))


def test_non_numeric_quantity_is_an_error_with_file_line_column_and_value(
    write_file: WriteFile,
) -> None:
    path = write_file("o.csv", ORDERS.replace(",3,Pee Pads XL", ",abc,Pee Pads XL"))
    with pytest.raises(InputError) as err:
        read_table([path], "order_lines")
    assert err.value.line() == f"{path}:2: column 'Lineitem quantity': 'abc' is not a whole number"
    assert err.value.exit_code == 65


def test_a_quantity_too_large_for_64_bits_is_said_to_be_so(write_file: WriteFile) -> None:
    """`99999999999999999999` is a whole number; it was reported as "not a whole number"."""
    huge = "99999999999999999999"
    path = write_file("o.csv", ORDERS.replace(",3,Pee Pads XL", f",{huge},Pee Pads XL"))
    with pytest.raises(InputError) as err:
        read_table([path], "order_lines")
    assert err.value.line() == (
        f"{path}:2: column 'Lineitem quantity': '{huge}' is too large a number to read"
    )


def test_mixed_date_formats_are_an_error(write_file: WriteFile) -> None:
    path = write_file("o.csv", ORDERS.replace("2023-05-30 08:00:00 -0700", "30/05/2023 08:00"))
    with pytest.raises(InputError) as err:
        read_table([path], "order_lines")
    assert err.value.line() == (
        f"{path}:5: column 'Created at': '30/05/2023 08:00' is written DD/MM/YYYY hh:mm "
        "while the column is written YYYY-MM-DD hh:mm:ss +hhmm"
    )


def test_unknown_header_names_the_closest_format_and_missing_columns(write_file: WriteFile) -> None:
    path = write_file("o.csv", "Name,Created at,Quantity,Lineitem name\n#1,2023-01-01,1,x\n")
    with pytest.raises(InputError) as err:
        read_source(path)
    assert err.value.line() == (
        f"{path}:1: unknown header: closest known format is Shopify orders export "
        "(3 of 4 required columns); missing 'Lineitem quantity'"
    )


def test_day_first_dates_of_a_merchant_chosen_subset(write_file: WriteFile) -> None:
    text = "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku\n#2,31/12/2023 22:36,1,Boot,B-40\n#1,02/01/2023 09:00,2,Boot,B-40\n"
    table = read_source(write_file("o.csv", text)).table
    assert table["order_date"].to_list() == [date(2023, 12, 31), date(2023, 1, 2)]
    assert (
        table["ordered_at"].null_count() == 2
    )  # no offset and no store time zone: unknown instant


PRODUCTS = """Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Option1 Name,Option1 Value,Variant SKU,Variant Grams,Variant Price,Cost per item,Variant Barcode,Image Src,Variant Weight Unit
mug,Camp Mug,"<p>Enamel &amp; steel</p>
<ul><li>350 ml</li></ul>",Fernwood,Home > Mugs,Mug,"camp, mug",Colour,Blue,MUG-B,453.59237,12.00,4.10,'0012345,https://x/1.jpg,lb
mug,,,,,,,,Green,MUG-G,0.0,12.00,0.00,,,lb
mug,,,,,,,,,,,,,,https://x/2.jpg,
"""


def test_products_fill_product_cells_and_drop_image_rows(write_file: WriteFile) -> None:
    source = read_source(write_file("products_export.csv", PRODUCTS))
    got = source.table.select(
        "sku",
        "handle",
        "title",
        "description",
        "vendor",
        "category",
        "price",
        "unit_cost",
        "weight_g",
        "barcode",
        "source_line",
    )
    expected = pl.DataFrame(
        {
            "sku": ["MUG-B", "MUG-G"],
            "handle": ["mug", "mug"],
            "title": ["Camp Mug - Blue", "Camp Mug - Green"],
            "description": ["Enamel & steel 350 ml"] * 2,
            "vendor": ["Fernwood"] * 2,
            "category": ["Home > Mugs"] * 2,
            "price": [12.0, 12.0],
            "unit_cost": [4.10, None],  # 0.00 is "not entered", not free
            "weight_g": [453.59237, None],
            "barcode": ["0012345", None],
            "source_line": [2, 4],
        }
    )
    assert_frame_equal(got, expected)
    assert [f.kind for f in source.findings] == ["image_row"]


INVENTORY_NEWEST = """Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,SKU,HS Code,COO,Location,Bin name,Incoming (not editable),Unavailable (not editable),Committed (not editable),Available (not editable),On hand (current),On hand (new)
mug,Camp Mug,Colour,Blue,,,,,MUG-B,691200,CN,Reno NV,,5,0,2,8,10,
mug,Camp Mug,Colour,Green,,,,,MUG-G,,,Reno NV,,not stocked,not stocked,not stocked,not stocked,not stocked,
hat,Sun Hat,Title,Default Title,,,,,,,,Reno NV,,0,0,0,-3,-3,
"""
INVENTORY_ROWS = """Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,SKU,HS Code,COO,Location,Incoming,Unavailable,Committed,Available,On hand
mug,Camp Mug,Colour,Blue,,,,,MUG-B,,,Shop location,5,0,2,8,10
"""
INVENTORY_COLUMNS = """Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,SKU,HS Code,COO,Reno NV,Columbus OH
mug,Camp Mug,Colour,Blue,,,,,MUG-B,691200,CN,8,not stocked
"""


def test_inventory_newest_layout(write_file: WriteFile) -> None:
    options = ReadOptions(as_of=date(2026, 11, 24))
    source = read_source(write_file("inventory_export.csv", INVENTORY_NEWEST), options=options)
    got = source.table.select(
        "sku",
        "location",
        "on_hand",
        "available",
        "committed",
        "incoming",
        "stocked",
        "as_of",
        "hs_code",
    )
    expected = pl.DataFrame(
        {
            "sku": ["MUG-B", "MUG-G", "Sun Hat"],
            "location": ["Reno NV"] * 3,
            "on_hand": [10, None, -3],
            "available": [8, None, -3],
            "committed": [2, None, 0],
            "incoming": [5, None, 0],
            "stocked": [True, False, True],
            "as_of": [date(2026, 11, 24)] * 3,
            "hs_code": ["691200", None, None],
        }
    )
    assert_frame_equal(got, expected)
    kinds = {f.kind: f.lines for f in source.findings}
    assert kinds["negative_on_hand"] == (4,)
    assert kinds["empty_sku"] == (4,)


def test_inventory_row_and_column_layouts(write_file: WriteFile) -> None:
    options = ReadOptions(as_of=date(2026, 11, 24))
    rows = read_source(write_file("a.csv", INVENTORY_ROWS), options=options)
    columns = read_source(write_file("b.csv", INVENTORY_COLUMNS), options=options)
    assert rows.table.select("location", "on_hand", "committed").row(0) == ("Shop location", 10, 2)
    assert columns.layout.kind == "shopify-inventory-columns"
    assert columns.table.select("location", "available", "stocked").rows() == [
        ("Reno NV", 8, True),
        ("Columbus OH", None, False),
    ]


def test_two_digit_years_are_never_read_as_year_23(write_file: WriteFile) -> None:
    text = "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku\n#2,5/31/23 23:06,1,Boot,B-40\n#1,5/01/23 09:00,2,Boot,B-40\n"
    table = read_source(write_file("o.csv", text)).table
    assert table["order_date"].to_list() == [date(2023, 5, 31), date(2023, 5, 1)]


def test_header_only_export_reads_as_no_order_lines(write_file: WriteFile) -> None:
    source = read_source(write_file("o.csv", "Name,Created at,Lineitem quantity,Lineitem name\n"))
    assert source.table.height == 0
    assert "order_date" in source.table.columns


def test_nan_and_infinity_prices_are_errors(write_file: WriteFile) -> None:
    path = write_file(
        "o.csv",
        ORDERS.replace(",24.74,PP-XL,true,fulfilled,'53122", ",nan,PP-XL,true,fulfilled,'53122"),
    )
    with pytest.raises(InputError) as err:
        read_table([path], "order_lines")
    assert err.value.line() == f"{path}:2: column 'Lineitem price': 'nan' is not a number"


def test_orders_that_are_no_demand_are_left_out_with_a_finding(write_file: WriteFile) -> None:
    """`store.not_demand_orders`: `#1002` and `1002` name the same order; an order no file
    holds (`#9999`) is no error."""
    path = write_file("orders_export.csv", ORDERS)
    for listed in (("#1002", "#9999"), ("1002",), (" # 1002 ",)):
        source = read_source(path, options=ReadOptions(not_demand_orders=listed))
        assert source.table["order_id"].unique().sort().to_list() == ["#1000", "#1001"]
        (finding,) = [f for f in source.findings if f.kind == "not_demand_order"]
        # line 3, the tip, is no product line anyway
        assert finding.count == 2 and finding.lines == (2, 4) and finding.severity == "info"
        assert "(1 order of store.not_demand_orders: #1002): left out" in finding.message
    whole = read_source(path)
    assert whole.table["order_id"].n_unique() == 3
    assert not [f for f in whole.findings if f.kind == "not_demand_order"]


def test_not_products_of_the_store_are_left_out_of_shopify_orders(write_file: WriteFile) -> None:
    """`store.not_products` holds for every reader: a shipping-protection line is no stock."""
    path = write_file("orders_export.csv", ORDERS)
    lines = read_table([path], "order_lines", options=ReadOptions(not_products=("Chew Toy*",)))
    assert lines["sku"].unique().to_list() == ["PP-XL"]
    assert read_table([path], "order_lines")["sku"].unique().sort().to_list() == [
        "Chew Toy - Red",
        "PP-XL",
    ]


SUBSET = "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku\n"


def test_dates_that_read_both_day_and_month_first_are_an_error_until_the_config_says(
    write_file: WriteFile,
) -> None:
    """An export of 1 to 10 March in MM/DD/YYYY was read as ten months of DD/MM, exit 0."""
    lines = [f"#{i},03/{i:02d}/2023 10:00,1,Mug,MUG\n" for i in range(1, 11)]
    path = write_file("week.csv", SUBSET + "".join(lines))
    with pytest.raises(InputError) as err:
        read_table([path], "order_lines")
    assert err.value.line() == (
        f"{path}:2: column 'Created at': '03/01/2023 10:00' reads both as DD/MM/YYYY hh:mm and "
        "as MM/DD/YYYY hh:mm: no day in the column is over 12, so '03/01/2023 10:00' may be "
        "03 January 2023 or 01 March 2023"
    )
    assert (
        err.value.hint
        == "say which in icebergops.yaml: store.date_order: day-first (or month-first)"
    )
    march = read_table([path], "order_lines", options=ReadOptions(date_order="month-first"))
    assert march["order_date"].to_list() == [date(2023, 3, i) for i in range(1, 11)]
    months = read_table([path], "order_lines", options=ReadOptions(date_order="day-first"))
    assert months["order_date"].to_list() == [date(2023, i, 3) for i in range(1, 11)]


@pytest.mark.parametrize(
    ("last", "first_day"),
    [("12/13/2023 10:00", date(2023, 3, 12)), ("13/12/2023 10:00", date(2023, 12, 3))],
)
def test_one_day_over_12_past_the_first_cells_settles_the_order(
    write_file: WriteFile, last: str, first_day: date
) -> None:
    """The format is chosen on the first 2,000 cells, a tie going day-first: a US export whose
    13 December came on line 2,102 was refused as ambiguous, with a message saying no day was
    over 12."""
    lines = [f"#{i},{3 + i % 9:02d}/12/2023 10:00,1,Mug,MUG\n" for i in range(2100)]
    path = write_file("late.csv", SUBSET + "".join(lines) + f"#9999,{last},1,Mug,MUG\n")
    dates = read_table([path], "order_lines").sort("source_line")["order_date"]
    assert dates[0] == first_day  # 03/12: 12 March month-first, 3 December day-first
    assert dates[-1] == date(2023, 12, 13)


def test_equal_readings_are_no_question(write_file: WriteFile) -> None:
    same = [f"#{i},{i:02d}/{i:02d}/2023 10:00,1,Mug,MUG\n" for i in range(1, 4)]  # 1 Jan, 2 Feb…
    equal = read_table([write_file("b.csv", SUBSET + "".join(same))], "order_lines")
    assert equal["order_date"].to_list() == [date(2023, i, i) for i in range(1, 4)]


def test_a_column_named_twice_in_the_header_is_an_error(write_file: WriteFile) -> None:
    """The second `Lineitem quantity` (all 100) was never read: which one holds the units is a
    guess. A repeated column the reader does not use is no question."""
    lines = "#1,2023-05-01 10:00:00 -0700,1,Mug,MUG,100\n"
    path = write_file("o.csv", SUBSET.replace("\n", ",Lineitem quantity\n") + lines)
    with pytest.raises(InputError) as err:
        read_table([path], "order_lines")
    assert err.value.line() == (
        f"{path}:1: the header names 'Lineitem quantity' twice (columns 3 and 6): which one to "
        "read is unclear"
    )
    assert err.value.hint == "rename or remove one of them, or export the report again"
    unused = write_file(
        "u.csv",
        SUBSET.replace("\n", ",Notes,Notes\n") + "#1,2023-05-01 10:00:00 -0700,1,Mug,MUG,a,b\n",
    )
    assert read_table([unused], "order_lines")["quantity"].to_list() == [1]
    # a column of its own named like the probe's renaming of a repeat is no repeat
    own = write_file(
        "own.csv",
        SUBSET.replace("\n", ",Lineitem sku_6\n", 1) + "#1,2023-05-01 10:00:00 -0700,1,Mug,MUG,x\n",
    )
    assert read_table([own], "order_lines")["sku"].to_list() == ["MUG"]


def test_a_line_of_over_a_million_units_is_an_error(write_file: WriteFile) -> None:
    """`1e9` was read as 1,000,000,000 units and forecast as 1,194,063,592."""
    path = write_file("o.csv", SUBSET + "#1,2023-05-01 10:00:00 -0700,1e9,Mug,MUG\n")
    with pytest.raises(InputError) as err:
        read_table([path], "order_lines")
    assert err.value.line() == (
        f"{path}:2: column 'Lineitem quantity': '1e9' has more than 1,000,000 units on one line "
        "(a typo, or a spreadsheet's 1E+09?)"
    )
