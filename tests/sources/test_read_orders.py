"""Several order exports: a line that two of them hold is counted once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from icebergops.config import load_config
from icebergops.sources import read_orders, read_table

CONFIG = Path(__file__).parents[2] / "examples" / "online_retail.yaml"
HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"


def _export(days: range, skus: tuple[str, str] = ("11111", "22222")) -> str:
    """Invoice 1000 + i on day i of 2011, two lines each: 2 of one SKU, 1 of the other."""
    rows = [HEADER]
    for i in days:
        day = date(2011, 1, 1) + timedelta(days=i)
        rows.append(f"{1000 + i},{skus[0]},MUG,2,{day} 10:00:00,2.5,17850,United Kingdom")
        rows.append(f"{1000 + i},{skus[1]},BOWL,1,{day} 10:00:00,3.5,17850,United Kingdom")
    return "\n".join(rows) + "\n"


def test_overlapping_exports_count_each_line_once(write_file: Callable[..., Path]) -> None:
    """A glob of exports of overlapping periods doubled the overlap's demand, silently."""
    config = load_config(CONFIG)
    january = write_file("january.csv", _export(range(0, 31)))
    late = write_file("late_january.csv", _export(range(20, 40)))
    lines, warnings = read_orders([january, late], config=config)
    assert lines.height == 2 * 40
    assert lines["quantity"].sum() == 3 * 40
    assert warnings == [
        f"{january}: 22 lines of 11 orders also in {late} (e.g. order 1020): counted once, as "
        "the later file has them"
    ]
    alone, none = read_orders([january], config=config)
    assert none == [] and alone.equals(read_table([january], "order_lines", config=config))


def test_the_same_file_twice_is_read_once_and_other_stores_orders_are_kept(
    write_file: Callable[..., Path],
) -> None:
    """Two stores both number their orders from 1000; their lines differ, so they stay."""
    config = load_config(CONFIG)
    ours = write_file("ours.csv", _export(range(0, 10)))
    theirs = write_file("theirs.csv", _export(range(0, 10), skus=("33333", "44444")))
    lines, warnings = read_orders([ours, ours, theirs], config=config)
    assert lines.height == 20 + 20
    assert warnings == [
        f"{ours}: 20 lines of 10 orders also in {ours} (e.g. order 1000): counted once, as the "
        "later file has them"
    ]
    assert lines.filter(lines["sku"].is_in(["33333", "44444"])).height == 20


def test_the_later_export_wins_and_a_line_twice_in_one_file_is_two_sales(
    write_file: Callable[..., Path],
) -> None:
    """The earlier file's line had won (with the quantity in the key, an order edited from 2
    units to 3 counted 5); and a line the later file held twice (two sales) was dropped whole
    against one copy in the earlier."""
    config = load_config(CONFIG)
    older = write_file("older.csv", _export(range(0, 3)))
    rows = _export(range(0, 3)).splitlines()
    rows[1] = rows[1].replace("1000,11111,MUG,2", "1000,11111,MUG,3")  # edited since
    newer = write_file("newer.csv", "\n".join([*rows, rows[3]]) + "\n")  # 1001's MUG twice
    for files, edited in (([older, newer], 3), ([newer, older], 2)):
        lines, _ = read_orders(files, config=config)
        assert lines.height == 7
        mugs = lines.filter(lines["sku"] == "11111")
        assert mugs.filter(mugs["order_id"] == "1000")["quantity"].to_list() == [edited]
        assert mugs.filter(mugs["order_id"] == "1001")["quantity"].to_list() == [2, 2]
