"""Any other CSV, read through a column mapping from ``icebergops.yaml``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from icebergops.config import parse_config
from icebergops.sources import read_source

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
