"""Every real export in ../shared/data passes ``icebergops inspect`` with the right counts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from icebergops.cli.app import app
from icebergops.config import load_config
from icebergops.demand.hierarchy import catalogue
from icebergops.demand.series import level_history
from icebergops.demand.summary import spike_warning, spikes
from icebergops.sources import read_table

pytestmark = pytest.mark.realdata
EXAMPLES = Path(__file__).parents[1] / "examples"
runner = CliRunner()

# file: (kind, data lines, rows in the canonical table, orders, distinct SKUs, names standing in for SKUs)
EXPECTED: dict[str, tuple[str, int, int, int | None, int, int | None]] = {
    "shopify/orders/alphapaw_orders_export.csv": ("shopify-orders", 5121, 4913, 3885, 153, 1),
    "shopify/orders/rieker_qc_orders_export.csv": ("shopify-orders", 3912, 3912, 3087, 1229, 1),
    "shopify/orders/enavant_orders_export.csv": ("shopify-orders", 811, 811, 409, 237, 73),
    "shopify/orders/explorer_orders_export.csv": ("shopify-orders", 98, 97, 81, 0, 58),
    "shopify/products/alphapaw_products_export.csv": (
        "shopify-products",
        3399,
        2790,
        None,
        2152,
        501,
    ),
    "shopify/products/rieker_qc_products_export.csv": (
        "shopify-products",
        10596,
        5295,
        None,
        1165,
        None,
    ),
    "shopify/products/packt_demo_products_export.csv": ("shopify-products", 21, 21, None, 0, 21),
    "shopify/inventory/poptoys_inventory_export.csv": (
        "shopify-inventory-columns",
        15700,
        15700,
        None,
        15578,
        21,
    ),
    "shopify/inventory/abhilasha_inventory_export.csv": ("shopify-inventory", 67, 67, None, 0, 67),
    "shopify/inventory/nsls_inventory_export.csv": ("shopify-inventory", 1732, 1732, None, 1721, 8),
    "amazon_in/amazon_sale_report.csv.gz": ("amazon-in-orders", 128975, 128975, 120378, 7195, None),
    "amazon_in/sale_report_stock.csv": ("amazon-in-stock", 9271, 9235, None, 9169, 45),
    "amazon_in/may_2022_marketplace_prices.csv": ("amazon-in-prices", 1330, 1330, None, 1330, None),
}


def inspect(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["inspect", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    reports: list[dict[str, Any]] = json.loads(result.stdout)
    return reports


def test_every_export_is_read_with_the_right_counts(shared_data: Path) -> None:
    reports = inspect(*(str(shared_data / name) for name in EXPECTED))
    for name, report in zip(EXPECTED, reports, strict=True):
        kind, lines, rows, orders, skus, names = EXPECTED[name]
        got = (report["kind"], report["lines"], report["rows"], report.get("orders"), report["skus"],
               report.get("names_as_skus"))  # fmt: skip
        assert got == (kind, lines, rows, orders, skus, names), name
        assert report["errors"] == 0, name  # else inspect exits 65: the commands refuse it


def test_dates_currencies_and_findings_of_real_orders(shared_data: Path) -> None:
    alphapaw, rieker, amazon = inspect(
        str(shared_data / "shopify/orders/alphapaw_orders_export.csv"),
        str(shared_data / "shopify/orders/rieker_qc_orders_export.csv"),
        str(shared_data / "amazon_in/amazon_sale_report.csv.gz"),
    )
    assert (alphapaw["date_from"], alphapaw["date_to"], alphapaw["currencies"]) == (
        "2023-04-28",
        "2023-05-31",
        ["USD"],
    )
    assert {f["kind"]: f["count"] for f in alphapaw["findings"]}["tip_line"] == 208
    assert (rieker["date_from"], rieker["date_to"], rieker["currencies"]) == (
        "2021-11-22",
        "2023-12-31",
        ["CAD"],
    )
    assert (amazon["date_from"], amazon["date_to"]) == ("2022-03-31", "2022-06-29")
    assert amazon["fulfilment"] == {"fba": 89698, "merchant": 39277}
    assert amazon["statuses"]["cancelled"] == 18332


def test_inventory_quirks_are_reported(shared_data: Path) -> None:
    (nsls,) = inspect(str(shared_data / "shopify/inventory/nsls_inventory_export.csv"))
    counts = {f["kind"]: f["count"] for f in nsls["findings"]}
    assert counts["negative_on_hand"] == 27
    assert counts["not_stocked"] == 194


def test_online_retail_through_the_example_mapping(shared_data: Path) -> None:
    (report,) = inspect(
        "--config", str(EXAMPLES / "online_retail.yaml"),
        str(shared_data / "online_retail/online_retail_2010-12_2011-12.csv.gz"),
    )  # fmt: skip
    assert (report["lines"], report["orders"]) == (541909, 23960)
    assert (report["date_from"], report["date_to"]) == ("2010-12-01", "2011-12-09")
    # 9,288 C lines, less those of postage and fees, plus the 665 sales they cancel
    assert report["statuses"]["cancelled"] == 9341
    counts = {f["kind"]: f["count"] for f in report["findings"]}
    assert (counts["cancelled_sale"], counts["not_a_product"]) == (665, 2946)
    assert counts["adjustment_line"] == 1336
    assert counts["duplicate_line"] == 5268
    assert "GB" in report["countries"] and "IE" in report["countries"]


def test_online_retail_sales_cancelled_within_a_day_are_no_demand(shared_data: Path) -> None:
    """Invoice 581483 (80,995 of stock code 23843) was cancelled by C581484 twelve minutes
    later; C550456 returned 3,114 of 21108 three months after the sale, which stays demand."""
    config = load_config(EXAMPLES / "online_retail.yaml")
    path = shared_data / "online_retail/online_retail_2010-12_2011-12.csv.gz"
    lines = read_table([path], "order_lines", config=config)
    status = {
        (row["order_id"], row["sku"]): row["status"]
        for row in lines.filter(pl.col("quantity").is_in([80995, 3114])).iter_rows(named=True)
    }
    assert status[("581483", "23843")] == "cancelled"
    assert status[("C581484", "23843")] == "cancelled"
    assert status[("C550456", "21108")] == "cancelled"  # the C line itself
    sold = lines.filter(pl.col("status") != "cancelled")
    assert sold["quantity"].max() < 80995
    assert sold.filter(pl.col("sku") == "21108")["quantity"].max() == 3114
    assert sold.filter(pl.col("sku").is_in(["POST", "DOT", "M", "gift_0001_20"])).is_empty()


def test_online_retail_wholesale_order_left_out_of_demand(shared_data: Path) -> None:
    """The largest one-day year: 84826 sold 12,540 of its 13,645 units of the last year in
    invoice 578841 (2011-11-25). Listed under store.not_demand_orders, that invoice is gone,
    the one-day-year warning names it first, and no other line changes."""
    config = load_config(EXAMPLES / "online_retail.yaml")
    path = shared_data / "online_retail/online_retail_2010-12_2011-12.csv.gz"
    lines = read_table([path], "order_lines", config=config)
    history = level_history(lines, catalogue=catalogue(lines, None)).history
    assert "84826: 12,540 of 13,645 on 2011-11-25 (its largest order that day: 578841)" in (
        spike_warning(spikes(history), "SKUs", lines=lines) or ""
    )
    store = replace(config.store, not_demand_orders=("578841",))
    kept = read_table([path], "order_lines", config=replace(config, store=store))
    assert kept.filter(pl.col("order_id") == "578841").is_empty()
    assert lines.height - kept.height == lines.filter(pl.col("order_id") == "578841").height
    assert kept.filter(pl.col("sku") == "84826")["quantity"].max() < 12540


def test_nightly_run_on_rieker_qc(shared_data: Path, tmp_path: Path) -> None:
    """The store whose stock lives in its products export, with the example supplier terms."""
    shop = shared_data / "shopify"
    config = tmp_path / "icebergops.yaml"
    config.write_text(
        "store:\n  currency: CAD\nrun:\n"
        f"  orders: [{shop / 'orders/rieker_qc_orders_export.csv'}]\n"
        f"  inventory: [{shop / 'products/rieker_qc_products_export.csv'}]\n"
        f"  products: [{shop / 'products/rieker_qc_products_export.csv'}]\n"
        f"  suppliers: {EXAMPLES / 'rieker_qc/suppliers.csv'}\n"
        "  output: runs\n"
    )
    result = CliRunner().invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "runs" / "latest" / "summary.json").read_text())
    assert summary["counts"]["skus_planned"] > 1_000
    assert 0 < summary["counts"]["skus_to_order"] < summary["counts"]["skus_planned"]
    assert any("dead stock" in w for w in summary["warnings"])


def test_restock_online_retail_without_stock(shared_data: Path, tmp_path: Path) -> None:
    """No stock data: every SKU plans from 0 on hand, and says so."""
    args = ["restock", str(shared_data / "online_retail/online_retail_2010-12_2011-12.csv.gz"),
            "--config", str(EXAMPLES / "online_retail.yaml"),
            "--suppliers", str(EXAMPLES / "online_retail_suppliers.csv"), "--no-stock",
            "-o", str(tmp_path / "plan.csv")]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "SKUs sell but have no stock row (planned as 0 on hand)" in result.stderr
    said = " ".join(result.stderr.split())  # the console wraps long lines
    assert "value unknown: none of them has a unit cost in suppliers.csv" in said


def test_evaluate_a_store_that_sold_nothing_in_its_last_weeks(
    shared_data: Path, tmp_path: Path
) -> None:
    """explorer's SKUs scored sold nothing in the 12 weeks backtested: WAPE has no value, and
    the report says so instead of printing inf or NaN; alphapaw's month of history is shorter
    than the 28-day average, which averages the days there are."""
    orders = shared_data / "shopify" / "orders"
    report = tmp_path / "explorer.csv"
    args = ["forecast", str(orders / "explorer_orders_export.csv"), "--evaluate"]
    result = runner.invoke(app, [*args, "--horizon", "4w", "--output", str(report)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "no unit was sold in the 3 horizons backtested" in said
    # every method but AutoETS forecast zero: the same RMSSE, a tie in every draw
    assert "on RMSSE level with naive (last day)" in said and "on WAPE" not in said
    text = report.read_text().lower()
    assert "inf" not in text and "nan" not in text
    report = tmp_path / "alphapaw.csv"
    args = ["forecast", str(orders / "alphapaw_orders_export.csv"), "--evaluate"]
    result = runner.invoke(
        app, [*args, "--horizon", "1w", "--origins", "2", "--output", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "nan" not in report.read_text().lower()
    assert "for the trailing 28-day average:" in " ".join(result.stderr.split())


def test_restock_and_backtest_a_store_a_month_old(shared_data: Path, tmp_path: Path) -> None:
    """alphapaw's export spans 34 days: too short for any model, long enough to plan from;
    too short to replay, which the backtest says with the file and its dates."""
    orders = str(shared_data / "shopify" / "orders" / "alphapaw_orders_export.csv")
    plan = tmp_path / "plan.csv"
    result = runner.invoke(
        app, ["restock", orders, "--no-stock", "--format", "csv", "--output", str(plan)]
    )
    assert result.exit_code == 0, result.output
    assert pl.read_csv(plan)["sku"].n_unique() > 100
    result = runner.invoke(app, ["backtest", orders])
    assert result.exit_code == 65
    assert "holds 34 days of orders (2023-04-28 to 2023-05-31)" in " ".join(result.stderr.split())
