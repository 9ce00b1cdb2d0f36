"""``icebergops demo`` writes the demo store and reads every export in it without errors."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from icebergops.cli.app import app

runner = CliRunner()


def test_demo_writes_the_store_and_an_inspect_report(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    overview = pl.read_csv(result.stdout.encode())
    assert overview["file"].to_list() == [
        "shopify_orders_export.csv",
        "shopify_products_export.csv",
        "shopify_inventory_export.csv",
        "amazon_all_orders.txt",
        "suppliers.csv",
        "purchase_orders.csv",
    ]
    assert overview["errors"].sum() == 0
    reports = json.loads((tmp_path / "results" / "inspect.json").read_text())
    orders = reports[0]
    assert orders["kind"] == "shopify-orders"
    assert orders["skus"] >= 180
    assert orders["date_from"] < "2025-01-01" < "2026-06-01" < orders["date_to"]
    assert set(orders["locations"]) == {"Reno NV", "Columbus OH"}
    assert len(orders["countries"]) >= 5
    assert (tmp_path / "store" / "events.csv").is_file()
    latest = tmp_path / "runs" / "latest"
    plan = pl.read_csv(latest / "restock.csv")
    assert plan["sku"].n_unique() == orders["skus"] == plan.height
    assert list((latest / "purchase_orders").glob("PO-*.xlsx"))
    summary = json.loads((latest / "summary.json").read_text())
    assert summary["counts"]["skus_to_order"] == plan.filter(pl.col("order_quantity") > 0).height
    assert "done: " in result.stderr


def test_a_negative_seed_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", str(tmp_path / "d"), "--seed", "-1"])
    assert result.exit_code == 2
    assert not (tmp_path / "d").exists()
