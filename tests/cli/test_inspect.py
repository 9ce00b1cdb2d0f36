"""``icebergops inspect`` through the CLI: output, exit codes, one-line errors on stderr."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import polars as pl
from typer.testing import CliRunner

from icebergops.cli.app import app

WriteFile = Callable[..., Path]
runner = CliRunner()
ORDERS = (
    "Name,Created at,Lineitem quantity,Lineitem name,Lineitem sku,Currency\n"
    "#2,2023-05-31 23:06:04 -0700,2,Mug,MUG,USD\n"
    "#2,2023-05-31 23:06:04 -0700,1,Hat,,\n"
    "#1,2023-05-20 10:00:00 -0700,1,Mug,MUG,USD\n"
    "#1,2023-05-20 10:00:00 -0700,1,Mug,MUG,\n"
)


def test_inspect_json_reports_counts_and_findings(write_file: WriteFile) -> None:
    path = write_file("orders_export.csv", ORDERS)
    result = runner.invoke(app, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    assert report["format"] == "Shopify orders export"
    assert (report["lines"], report["orders"], report["skus"], report["units"]) == (4, 2, 1, 5)
    assert (report["date_from"], report["date_to"]) == ("2023-05-20", "2023-05-31")
    kinds = {f["kind"]: f for f in report["findings"]}
    assert kinds["empty_sku"]["lines"] == [3]
    assert kinds["date_gap"]["message"].endswith("10 days from 2023-05-21 to 2023-05-30")


def test_inspect_counts_the_orders_the_config_says_are_no_demand(
    write_file: WriteFile, tmp_path: Path
) -> None:
    """`store.not_demand_orders` in the config: order #2 is left out of the counts and named."""
    path = write_file("orders_export.csv", ORDERS)
    config = tmp_path / "icebergops.yaml"
    config.write_text('store:\n  not_demand_orders: ["#2"]\n', encoding="utf-8")
    args = ["inspect", str(path), "--format", "json", "--config", str(config)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    assert (report["orders"], report["units"]) == (1, 2)
    kinds = {f["kind"]: f for f in report["findings"]}
    assert kinds["not_demand_order"]["lines"] == [2, 3]
    assert kinds["not_demand_order"]["value"] == "#2"


def test_inspect_table_on_terminal_shows_findings(write_file: WriteFile) -> None:
    path = write_file("orders_export.csv", ORDERS)
    result = runner.invoke(app, ["inspect", str(path), "--format", "table"])
    assert result.exit_code == 0
    assert "Shopify orders export" in result.stdout
    assert "has no SKU" in result.stdout


def test_inspect_bad_file_exits_65_with_one_line_error(write_file: WriteFile) -> None:
    path = write_file("orders_export.csv", "")
    result = runner.invoke(app, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 65
    assert json.loads(result.stdout)[0]["error"] == f"{path}: is empty"
    assert "Traceback" not in result.output
    # stderr says it too, in JSON as on a terminal: it said nothing for a job reading only it
    assert result.stderr.splitlines() == [
        f"error: {path}: is empty",
        "hint: export the report again; a file of your own (suppliers, purchase orders, events, stockouts) needs its header line",
    ]


def test_inspect_missing_file_exits_66(tmp_path: Path) -> None:
    result = runner.invoke(app, ["inspect", str(tmp_path / "nope.csv"), "--format", "table"])
    assert result.exit_code == 66
    assert f"error: {tmp_path / 'nope.csv'}: file not found" in result.stderr


def test_config_errors_exit_78_without_traceback(write_file: WriteFile) -> None:
    config = write_file("icebergops.yaml", "store:\n  nmae: x\n")
    orders = write_file("o.csv", ORDERS)
    result = runner.invoke(app, ["inspect", str(orders), "--config", str(config)])
    assert result.exit_code == 78
    assert result.stderr.startswith(
        f"error: {config}:2: store.nmae: unknown key\nhint: known keys here:"
    )
    assert "Traceback" not in result.output


def test_inspect_writes_json_output_file(write_file: WriteFile, tmp_path: Path) -> None:
    path = write_file("orders_export.csv", ORDERS)
    target = tmp_path / "out" / "report.json"
    result = runner.invoke(app, ["inspect", str(path), "--output", str(target)])
    assert result.exit_code == 0
    assert json.loads(target.read_text())[0]["rows"] == 4


def test_kinds_lists_layouts() -> None:
    result = runner.invoke(app, ["inspect", "--kinds"])
    assert result.exit_code == 0
    # piped: JSON, as the reports are (it was a table drawn for a terminal)
    kinds = {row["kind"]: row for row in json.loads(result.stdout)}
    assert {"amazon-all-orders", "shopify-orders"} <= set(kinds)
    assert "Lineitem quantity" in kinds["shopify-orders"]["required_columns"]
    table = runner.invoke(app, ["inspect", "--kinds", "-f", "table"])
    assert "shopify-orders" in table.stdout and "\x1b[" not in table.stdout  # no colour codes


def test_debug_shows_the_traceback(write_file: WriteFile) -> None:
    path = write_file("orders_export.csv", "x\x00y")
    result = runner.invoke(app, ["--debug", "inspect", str(path), "--kind", "nope"])
    assert result.exit_code != 0
    assert result.exception is not None


def test_kind_forces_a_layout_and_says_what_is_missing(write_file: WriteFile) -> None:
    path = write_file("orders_export.csv", ORDERS)
    result = runner.invoke(app, ["inspect", str(path), "--kind", "amazon-all-orders", "-f", "json"])
    assert result.exit_code == 65
    error = json.loads(result.stdout)[0]["error"]
    assert error.startswith(
        f"{path}:1: header does not fit Amazon All Orders Report (0 of 6 required"
    )
    assert error.endswith(
        "missing 'amazon-order-id', 'item-price', 'order-status', 'purchase-date', 'quantity', 'sku'"
    )


def test_table_output_to_a_text_file_and_unknown_encoding(
    write_file: WriteFile, tmp_path: Path
) -> None:
    path = write_file("orders_export.csv", ORDERS)
    target = tmp_path / "report.txt"
    result = runner.invoke(app, ["inspect", str(path), "-o", str(target)])
    assert result.exit_code == 0
    assert "Shopify orders export" in target.read_text()
    bad = runner.invoke(app, ["inspect", str(path), "--encoding", "klingon", "-f", "json"])
    assert bad.exit_code == 78
    assert json.loads(bad.stdout)[0]["error"] == "unknown encoding 'klingon'"


def test_error_findings_exit_65_and_name_the_file(write_file: WriteFile) -> None:
    """A file the other commands would refuse (a quantity that is no number) is not a pass."""
    path = write_file("orders_export.csv", ORDERS.replace(",2,Mug", ",two,Mug"))
    result = runner.invoke(app, ["inspect", str(path), "-f", "json"])
    assert result.exit_code == 65
    (report,) = json.loads(result.stdout)  # the report is still written in full
    assert (report["errors"], report["findings"][0]["value"]) == (1, "two")
    # the hint the other commands give for it (inspect gave none)
    assert report["findings"][0]["hint"] == "fix or remove the value; numbers use '.' for decimals"
    assert result.stderr == (
        f"error: {path}: 1 error-level finding; forecast, restock and the other commands "
        "refuse the file until they are fixed\n"
    )


def test_csv_and_xlsx_outputs_hold_one_row_per_finding(
    write_file: WriteFile, tmp_path: Path
) -> None:
    path = write_file("orders_export.csv", ORDERS)
    target = tmp_path / "findings.csv"
    result = runner.invoke(app, ["inspect", str(path), "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = pl.read_csv(target, infer_schema=False)
    empty = rows.filter(pl.col("finding") == "has no SKU: the line item name stands in for it")
    assert empty.select("severity", "count", "column", "lines").row(0) == (
        "warning",
        "1",
        "Lineitem sku",
        "3",
    )
    workbook = tmp_path / "findings.xlsx"
    assert runner.invoke(app, ["inspect", str(path), "-o", str(workbook)]).exit_code == 0
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet is not None and sheet.max_row == rows.height + 1  # the header, then the rows
    piped = runner.invoke(app, ["inspect", str(path), "-f", "csv"])
    assert piped.stdout.splitlines()[0] == ",".join(rows.columns)


def test_a_purchase_order_line_repeated_is_one_finding(write_file: WriteFile) -> None:
    """It was two: the reader's error and the generic duplicate-line warning of the same line."""
    line = "P1,A,X,2026-10-01,,12,0\n"
    path = write_file(
        "purchase_orders.csv",
        "po_number,supplier,sku,ordered_date,received_date,quantity_ordered,quantity_received\n"
        + line * 2,
    )
    result = runner.invoke(app, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 65, result.output
    (report,) = json.loads(result.stdout)
    assert [(f["kind"], f["lines"]) for f in report["findings"]] == [("repeated_po_line", [3])]
