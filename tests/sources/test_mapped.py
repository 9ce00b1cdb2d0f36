"""Any other CSV, read through a column mapping from ``icebergops.yaml``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from icebergops.config import load_config, parse_config
from icebergops.errors import ConfigError, InputError
from icebergops.sources import mapped, read_source
from icebergops.sources.rawfile import LINE, RawTable

WriteFile = Callable[..., Path]
CONFIG = {
    "store": {"currency": "GBP"},
    "sources": [
        {
            "name": "shop",
            "kind": "order_lines",
            "columns": {
                "order_id": "Invoice",
                "sku": "Code",
                "title": "Item",
                "quantity": "Qty",
                "order_date": "Day",
            },
        }
    ],
}
LINES = """Invoice,Code,Item,Qty,Day
1, MUG-1 ,  Blue mug ,2,2026-11-02
1,,Red mug,1,2026-11-02
2,  ,,3,2026-11-03
3,TEA,Tea,1,2026-11-03
"""


def test_codes_are_trimmed_and_empty_ones_fall_back_to_the_item(write_file: WriteFile) -> None:
    source = read_source(write_file("lines.csv", LINES), config=parse_config(CONFIG))
    assert source.table.select("sku", "title", "sku_from_title", "source_line").rows() == [
        ("MUG-1", "Blue mug", False, 2),
        ("Red mug", "Red mug", True, 3),
        ("TEA", "Tea", False, 5),
    ]
    found = {f.kind: (f.count, f.lines, f.column) for f in source.findings}
    assert found["empty_sku"] == (1, (3,), "Code")  # the file's column, not the helper's
    assert found["no_product"] == (1, (4,), "Code")
    assert "__sku_text" not in source.table.columns


RETAIL = {
    "store": {"currency": "GBP", "timezone": "Europe/London", "not_products": ["POST", "gift_*"]},
    "sources": [
        {
            "name": "retail",
            "kind": "order_lines",
            "columns": {
                "order_id": "InvoiceNo",
                "sku": "StockCode",
                "quantity": "Quantity",
                "ordered_at": "InvoiceDate",
            },
            "date_format": "%Y-%m-%d %H:%M:%S",
            "cancelled_when": {
                "column": "InvoiceNo",
                "starts_with": "C",
                "cancels_sale_within_days": 1,
                "match": ["CustomerID"],
            },
        }
    ],
}
INVOICES = """InvoiceNo,StockCode,Quantity,InvoiceDate,CustomerID
581483,23843,80995,2011-12-09 09:15:00,16446
581490,23843,12,2011-12-09 09:20:00,17000
C581484,23843,-80995,2011-12-09 09:27:00,16446
550100,21108,24,2011-01-11 12:55:00,15749
C550456,21108,-24,2011-04-18 13:08:00,15749
550200,22000,6,2011-02-01 10:00:00,15000
C550201,22000,-6,2011-02-01 11:00:00,15001
550300,POST,1,2011-02-01 10:00:00,15000
550300,gift_0001_20,1,2011-02-01 10:00:00,15000
550400,22100,-6,2011-02-01 10:00:00,15000
C550401,22100,-6,2011-02-01 11:00:00,15000
"""


def test_a_cancellation_within_a_day_cancels_the_sale_it_matches(write_file: WriteFile) -> None:
    """Same SKU, quantity and customer, at most a day before: that sale did not happen. The
    return three months later, and the cancellation by another customer, take no sale out."""
    source = read_source(write_file("retail.csv", INVOICES), config=parse_config(RETAIL))
    status = dict(zip(source.table["source_line"], source.table["status"], strict=True))
    assert status == {
        2: "cancelled",  # cancelled by line 4, twelve minutes later
        3: "fulfilled",  # another customer, another quantity
        4: "cancelled",
        5: "fulfilled",  # C550456 came three months later: a return, the sale stays demand
        6: "cancelled",
        7: "fulfilled",  # cancelled by line 8, which is another customer's
        8: "cancelled",
        12: "cancelled",  # line 11 is a stock adjustment (left out), not a sale it cancels
    }
    found = {f.kind: f for f in source.findings}
    assert (found["cancelled_sale"].count, found["cancelled_sale"].lines) == (1, (2,))
    assert found["cancelled_sale"].value == "581483"


def test_lines_of_no_product_are_left_out(write_file: WriteFile) -> None:
    source = read_source(write_file("retail.csv", INVOICES), config=parse_config(RETAIL))
    assert not source.table["sku"].is_in(["POST", "gift_0001_20"]).any()
    found = {f.kind: f for f in source.findings}["not_a_product"]
    assert (found.count, found.lines, found.severity) == (2, (9, 10), "info")
    assert found.message == (
        "sells no product (2 SKUs of store.not_products: POST, gift_0001_20): left out"
    )


def test_a_cell_over_several_lines_keeps_later_line_numbers_right(write_file: WriteFile) -> None:
    """Line breaks in cells are searched beside the reader; found, the file is read again with
    each record's own first line (line 5 here, not 3)."""
    text = 'Invoice,Code,Item,Qty,Day\n1,MUG,"Blue\nmug\nlarge",2,2026-11-02\n2,TEA,Tea,two,2026-11-03\n'
    source = read_source(write_file("lines.csv", text), config=parse_config(CONFIG))
    (error,) = source.errors
    assert (error.lines, error.value) == ((5,), "two")
    assert source.raw.frame["__line"].to_list() == [2, 5]


def test_an_error_a_reader_raises_names_the_right_line_after_a_multi_line_cell(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that raises (rather than reporting a finding) saw provisional line numbers; the
    file is read again with exact ones, and the error names line 5."""

    def strict(mapping: object, raw: RawTable, options: object, findings: object) -> None:
        line = raw.frame[LINE][-1]
        raise InputError("is no good", where=raw.where(line=line))

    monkeypatch.setattr(mapped, "read_mapped", strict)
    text = (
        'Invoice,Code,Item,Qty,Day\n1,MUG,"Blue\nmug\nlarge",2,2026-11-02\n2,TEA,Tea,1,2026-11-03\n'
    )
    path = write_file("lines.csv", text)
    with pytest.raises(InputError) as err:
        read_source(path, config=parse_config(CONFIG))
    assert err.value.line() == f"{path}:5: is no good"


STATUSES = """Invoice,Code,Item,Qty,Day,State
1,MUG,Mug,0,2026-11-02,fulfilled
2,MUG,Mug,-2,2026-11-02,cancelled
3,MUG,Mug,-1,2026-11-03,fulfilled
4,MUG,Mug,2,2026-11-03,
5,TEA,Tea,0,2026-11-04,cancelled
"""


def test_zero_quantities_are_named_and_negative_ones_left_out_unless_cancelled(
    write_file: WriteFile,
) -> None:
    """With the file's own status column: a cancelled line keeps its quantity and is no stock
    adjustment, and a zero on a cancelled line is nothing to look at."""
    (shop,) = CONFIG["sources"]
    config = {**CONFIG, "sources": [{**shop, "columns": {**shop["columns"], "status": "State"}}]}
    source = read_source(write_file("states.csv", STATUSES), config=parse_config(config))
    assert source.table.select("source_line", "quantity", "status").rows() == [
        (2, 0, "fulfilled"),
        (3, -2, "cancelled"),
        (5, 2, None),
        (6, 0, "cancelled"),
    ]
    found = {f.kind: (f.count, f.lines, f.column, f.value) for f in source.findings}
    assert found["zero_quantity"] == (1, (2,), "Qty", "0")
    assert found["adjustment_line"] == (1, (4,), "Qty", "-1")
    assert "negative_quantity" not in found


def test_a_mapped_column_the_header_spells_otherwise_is_the_configs_error(
    write_file: WriteFile,
) -> None:
    """`sku: Stockcode` against a header's `StockCode` was blamed on the file (exit 65); it is
    the mapping's line in icebergops.yaml (exit 78)."""
    path = write_file("lines.csv", LINES.replace("Code,", "CODE,", 1))
    yaml_path = write_file(
        "icebergops.yaml",
        "store:\n  currency: GBP\nsources:\n  - name: shop\n    columns:\n"
        "      order_id: Invoice\n      sku: Code\n      title: Item\n"
        "      quantity: Qty\n      order_date: Day\n",
    )
    with pytest.raises(ConfigError) as err:
        read_source(path, config=load_config(yaml_path))
    assert err.value.exit_code == 78
    assert err.value.line() == (
        f"{yaml_path}:7: sources[0].columns.sku: 'Code' is not in lines.csv's header, "
        "which has 'CODE'"
    )
    assert err.value.hint == "write the names as the header does: 'CODE'"
    two = write_file("two.csv", LINES.replace("Code,", "CODE,", 1).replace("Qty,", "QTY,", 1))
    with pytest.raises(ConfigError) as err:
        read_source(two, config=load_config(yaml_path))
    assert err.value.line().endswith("which has 'CODE'; also 'QTY' for 'Qty'")
    assert err.value.hint == "write the names as the header does: 'CODE', 'QTY'"


def test_a_header_far_from_the_mapping_stays_the_files_error(write_file: WriteFile) -> None:
    """No header name near a missing one: the file may be the wrong one, not the mapping
    (a wrong file with one name near the mapping's was blamed on the config)."""
    path = write_file("lines.csv", LINES.replace("Code,", "Article,", 1))
    with pytest.raises(InputError) as err:
        read_source(path, config=parse_config(CONFIG))
    assert err.value.exit_code == 65
    assert err.value.line().endswith("missing 'Code'")
    wrong = write_file("wrong.csv", "code,Description,Price\nA,mug,2\n")
    with pytest.raises(InputError) as err:
        read_source(wrong, config=parse_config(CONFIG))
    assert err.value.exit_code == 65 and "missing 'Code', 'Day', 'Invoice'" in err.value.line()
    assert err.value.hint is not None and err.value.hint.startswith("the header has 'code'")
