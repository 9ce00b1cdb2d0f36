"""``icebergops restock`` on the demo store: the plan, purchase orders, budget, explain, errors."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from icebergops.cli.app import app
from icebergops.cli.pipeline import staleness
from icebergops.demo_store import generate_demo_store

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_demo_store(tmp_path_factory.mktemp("demo"))


def _args(store: dict[str, Path], *extra: str) -> list[str]:
    return [
        "restock", str(store["shopify_orders"]), str(store["amazon_orders"]),
        "--inventory", str(store["shopify_inventory"]),
        "--products", str(store["shopify_products"]),
        "--suppliers", str(store["suppliers"]),
        "--purchase-orders", str(store["purchase_orders"]), *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def plan(store: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    target = tmp_path_factory.mktemp("plan") / "plan.csv"
    result = runner.invoke(app, _args(store, "-o", str(target)))
    assert result.exit_code == 0, result.output
    assert "SKUs planned;" in result.stderr
    return pl.read_csv(target, try_parse_dates=True)


def test_every_sku_is_planned_in_whole_cases_and_above_moq(plan: pl.DataFrame) -> None:
    assert plan["sku"].n_unique() == plan.height >= 190
    ordered = plan.filter(pl.col("order_quantity") > 0)
    assert 0 < ordered.height < plan.height
    assert (ordered["order_quantity"] % ordered["case_pack"] == 0).all()
    assert (ordered["order_quantity"] >= ordered["moq"]).all()
    # an order brings the position up to the order-up-to level
    assert (ordered["position"] + ordered["order_quantity"] >= ordered["order_up_to"]).all()
    assert set(plan["lead_time_source"]) <= {"history", "supplier file", "default"}
    assert (plan.filter(pl.col("safety_method") == "normal")["safety_stock"] >= 0).all()


def test_purchase_orders_add_up(store: dict[str, Path], tmp_path: Path, plan: pl.DataFrame) -> None:
    result = runner.invoke(
        app, _args(store, "--po-dir", str(tmp_path), "-o", str(tmp_path / "p.csv"))
    )
    assert result.exit_code == 0, result.output
    documents = sorted(tmp_path.glob("PO-*.csv"))
    suppliers = plan.filter(pl.col("order_quantity") > 0)["supplier"].n_unique()
    assert len(documents) == suppliers == len(list(tmp_path.glob("PO-*.xlsx")))
    currencies = dict(plan.select("sku", "currency").iter_rows())
    labels = set()
    for path in documents:
        po = pl.read_csv(path)
        lines, total = po.head(-1), po.tail(1)
        (money,) = [c for c in po.columns if c.startswith("line total (")]
        code = money.removeprefix("line total (").removesuffix(")")
        labels.add(code)  # each supplier's order is in the currency of its costs
        assert {currencies[sku] for sku in lines["sku"]} == {code}
        assert total["sku"][0] == "TOTAL"
        assert total["quantity (units)"][0] == lines["quantity (units)"].sum()
        assert total[money][0] == pytest.approx(lines[money].sum(), abs=0.01)
    assert labels == {"USD", "EUR"}  # the demo's Lusitana Home quotes in euros


def test_budget_is_never_exceeded(
    store: dict[str, Path], tmp_path: Path, plan: pl.DataFrame
) -> None:
    # the demo's Lusitana Home quotes in euros: without a rate the budget cannot count them
    refused = runner.invoke(app, _args(store, "--budget", "20000"))
    assert refused.exit_code == 65
    assert "is costed in EUR, and the budget is in USD: no exchange rate for EUR" in refused.stderr
    config = tmp_path / "icebergops.yaml"
    config.write_text("store:\n  currency: USD\n  exchange_rates: {EUR: 1.25}\n")
    in_usd = pl.col("order_value") * pl.when(pl.col("currency") == "EUR").then(1.25).otherwise(1.0)
    full = plan.select(in_usd.sum()).item()
    budget = round(full / 3, 2)
    target = tmp_path / "cut.csv"
    result = runner.invoke(
        app, _args(store, "--budget", str(budget), "--config", str(config), "-o", str(target))
    )
    assert result.exit_code == 0, result.output
    cut = pl.read_csv(target)
    assert 0 < cut.select(in_usd.sum()).item() <= budget
    assert cut["deferred_quantity"].sum() > 0
    assert f"budget {budget:,.2f} USD" in result.stderr
    # costs stay in the supplier's currency
    euros = cut.filter(pl.col("currency") == "EUR")
    assert euros.height and (euros["price_currency"] == "USD").all()
    terms = pl.read_csv(store["suppliers"]).filter(pl.col("currency") == "EUR")
    assert set(euros["unit_cost"]) <= set(terms["unit_cost"])


def test_explain_shows_the_arithmetic(store: dict[str, Path], plan: pl.DataFrame) -> None:
    sku = plan.filter(pl.col("order_quantity") > 0)["sku"][0]
    result = runner.invoke(app, _args(store, "--explain", sku, "-f", "csv"))
    assert result.exit_code == 0, result.output
    steps = pl.read_csv(result.stdout.encode())
    names = set(steps["step"])
    assert {"history used", "forecast model", "safety stock (SS)", "order quantity"} <= names
    quantity = steps.filter(pl.col("step") == "order quantity")["value"][0]
    assert int(quantity) == plan.filter(pl.col("sku") == sku)["order_quantity"][0]


def _stockout_days(result_stdout: str) -> dict[str, int]:
    steps = pl.read_csv(result_stdout.encode(), infer_schema=False)
    rows = steps.filter(pl.col("step") == "stockout days")
    where = rows["location"] if "location" in rows.columns else pl.Series(["all"] * rows.height)
    return dict(zip(where.to_list(), map(int, rows["value"]), strict=True))


def test_a_stockouts_file_censors_the_plans_history(store: dict[str, Path], tmp_path: Path) -> None:
    """Per SKU, and per location: a row naming Reno censors the Reno series only."""
    sku = "FW-BLK54-FOR"
    everywhere, reno = tmp_path / "everywhere.csv", tmp_path / "reno.csv"
    everywhere.write_text(f"sku,start,end\n{sku},2026-10-01,2026-10-20\n")
    reno.write_text(f"sku,location,start,end\n{sku},Reno NV,2026-10-01,2026-10-20\n")
    explain = ["--explain", sku, "-f", "csv"]
    plain = runner.invoke(app, _args(store, *explain))
    assert plain.exit_code == 0, plain.output
    censored = runner.invoke(app, _args(store, "--stockouts", str(everywhere), *explain))
    assert censored.exit_code == 0, censored.output
    assert _stockout_days(censored.stdout)["all"] == _stockout_days(plain.stdout)["all"] + 20
    located = runner.invoke(app, _args(store, "--per-location", "--stockouts", str(reno), *explain))
    assert located.exit_code == 0, located.output
    before = runner.invoke(app, _args(store, "--per-location", *explain))
    days, was = _stockout_days(located.stdout), _stockout_days(before.stdout)
    assert days["Reno NV"] == was["Reno NV"] + 20
    assert {k: v for k, v in days.items() if k != "Reno NV"} == {
        k: v for k, v in was.items() if k != "Reno NV"
    }


def test_explain_of_an_unknown_sku_is_an_error(store: dict[str, Path]) -> None:
    result = runner.invoke(app, _args(store, "--explain", "NO-SUCH-SKU"))
    assert result.exit_code == 65
    assert "error: SKU 'NO-SUCH-SKU' is not in the plan" in result.stderr


def test_suppliers_report_scores_lead_times(store: dict[str, Path]) -> None:
    result = runner.invoke(app, _args(store, "--suppliers-report", "-f", "csv"))
    assert result.exit_code == 0, result.output
    report = pl.read_csv(result.stdout.encode())
    assert report.height == 4
    assert (report["lead_time_p90_days"] >= report["lead_time_days"]).all()
    assert report["on_time_rate"].is_between(0, 1).all()
    # lead times need no stock levels: the scorecard without --inventory is the same
    orders = [str(store["shopify_orders"]), str(store["amazon_orders"])]
    po = [
        "--purchase-orders",
        str(store["purchase_orders"]),
        "--suppliers",
        str(store["suppliers"]),
    ]
    alone = runner.invoke(app, ["restock", *orders, *po, "--suppliers-report", "-f", "csv"])
    assert alone.exit_code == 0, alone.output
    assert pl.read_csv(alone.stdout.encode()).equals(report)


def test_unknown_suppliers_and_missing_stock_are_warned(
    store: dict[str, Path], write_file: object, tmp_path: Path
) -> None:
    only_one = tmp_path / "suppliers.csv"
    only_one.write_text(
        "supplier,sku,unit_cost,currency,lead_time_days,lead_time_std_days,case_pack,moq,min_order_value\n"
        "Acme,FW-KIT52,5.00,USD,10,2,6,10,\n"
    )
    inventory = tmp_path / "inventory.csv"
    lines = store["shopify_inventory"].read_text().splitlines()
    inventory.write_text("\n".join([lines[0], *lines[1:21]]) + "\n")
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(inventory),
            "--suppliers", str(only_one), "-o", str(tmp_path / "plan.csv")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    warned = " ".join(result.stderr.split())
    assert "SKUs have no supplier terms in suppliers.csv (planned with the default lead time" in (
        warned
    )
    assert "SKUs sell but have no stock row" in result.stderr
    assert "MOQ that is not a multiple of the case pack" in result.stderr
    plan = pl.read_csv(tmp_path / "plan.csv")
    acme = plan.filter(pl.col("sku") == "FW-KIT52").row(0, named=True)
    assert acme["moq_effective"] == 12 and acme["lead_time_days"] == 10


def test_a_plan_without_stock_levels_is_refused_unless_asked_for(
    store: dict[str, Path], tmp_path: Path
) -> None:
    """Without --inventory every SKU was planned from 0 on hand (197 of 198 to order) with
    only a warning: now that takes --no-stock."""
    target = tmp_path / "plan.csv"
    orders = str(store["shopify_orders"])
    result = runner.invoke(app, ["restock", orders, "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: no inventory export given: every SKU would be planned as 0 on hand",
        "hint: give --inventory inventory_export.csv, or --no-stock to plan a store without "
        "stock from zero",
    ]
    assert not target.exists()
    both = ["--no-stock", "--inventory", str(store["shopify_inventory"])]
    assert runner.invoke(app, ["restock", orders, *both]).exit_code == 2
    result = runner.invoke(app, ["restock", orders, "--no-stock", "-o", str(target)])
    assert result.exit_code == 0, result.output
    plan = pl.read_csv(target)
    assert (plan["on_hand"] == 0).all()
    assert "SKUs sell but have no stock row (planned as 0 on hand)" in result.stderr
    # "from 1 suppliers" was the summary's grammar
    said = re.search(r"to order from ([\d,]+) (suppliers?),", result.stderr)
    assert said is not None, result.stderr
    suppliers = plan.filter(pl.col("order_quantity") > 0)["supplier"].n_unique()
    assert said.groups() == (f"{suppliers:,}", "supplier" if suppliers == 1 else "suppliers")


def test_a_products_export_without_stock_is_refused(store: dict[str, Path], tmp_path: Path) -> None:
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["amazon_orders"])]
    result = runner.invoke(app, args)
    assert result.exit_code == 65
    assert "it holds no stock levels" in result.stderr


def test_orders_without_lines_are_an_input_error(store: dict[str, Path], tmp_path: Path) -> None:
    header = store["shopify_orders"].read_text().splitlines()[0]
    empty = tmp_path / "orders.csv"
    empty.write_text(header + "\n")
    result = runner.invoke(
        app, ["restock", str(empty), "--inventory", str(store["shopify_inventory"])]
    )
    assert result.exit_code == 65
    assert f"error: {empty}: has no dated order lines to plan from" in result.stderr


@pytest.mark.parametrize("command", ["restock", "forecast"])
def test_orders_without_a_sale_are_an_input_error(
    store: dict[str, Path], tmp_path: Path, command: str
) -> None:
    """Every line cancelled or of zero quantity: nothing to forecast (was an internal error)."""
    lines = store["shopify_orders"].read_text().splitlines()[:40]
    header = lines[0].split(",")
    quantity = header.index("Lineitem quantity")
    rows = [line.split(",") for line in lines[1:]]
    assert all(len(row) == len(header) for row in rows)  # no quoted commas in these lines
    zero = [",".join([*row[:quantity], "0", *row[quantity + 1 :]]) for row in rows]
    orders = tmp_path / "orders.csv"
    orders.write_text("\n".join([lines[0], *zero]) + "\n")
    extra = ["--inventory", str(store["shopify_inventory"])] if command == "restock" else []
    result = runner.invoke(app, [command, str(orders), *extra])
    assert result.exit_code == 65, result.output
    assert f"error: {orders}: has no sale to plan from" in result.stderr


@pytest.mark.parametrize("command", ["restock", "forecast"])
def test_an_as_of_years_after_the_last_sale_is_refused(
    store: dict[str, Path], tmp_path: Path, command: str
) -> None:
    """A typo such as 2036 for 2026 planned ten years of no sales: "0 to order", exit 0."""
    target = tmp_path / "out.csv"
    orders = str(store["shopify_orders"])
    extra = ["--no-stock"] if command == "restock" else []
    args = [command, orders, *extra, "--as-of", "2036-11-24", "-o", str(target)]
    result = runner.invoke(app, args)
    assert result.exit_code == 65, result.output
    assert (
        f"error: {orders}: has no sale in the 3,653 days before --as-of 2036-11-24: "
        "its last is on 2026-11-24"
    ) in result.stderr
    assert "hint: check the --as-of date, or leave it out to plan as of 2026-11-24" in (
        result.stderr
    )
    assert not target.exists()


def test_an_as_of_weeks_after_the_last_sale_is_warned(
    store: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "plan.csv"
    result = runner.invoke(app, _args(store, "--as-of", "2027-01-24", "-o", str(target)))
    assert result.exit_code == 0, result.output
    assert (
        "warning: no sale in the 61 days from the last one (2026-11-24) to --as-of 2027-01-24: "
        "the forecast counts them as days without demand"
    ) in " ".join(result.stderr.split())
    within = runner.invoke(app, _args(store, "--as-of", "2026-12-01", "-o", str(target)))
    assert within.exit_code == 0, within.output
    assert "no sale in the" not in within.stderr


def test_an_old_export_is_warned_when_no_as_of_is_given() -> None:
    lines = pl.DataFrame(
        {
            "sku": ["A", "A"],
            "order_date": [date(2026, 1, 1), date(2026, 3, 1)],
            "quantity": [1, 2],
            "status": ["fulfilled", "cancelled"],  # the cancelled line is no sale
            "is_test": [False, False],
        }
    )
    assert staleness(lines, None, today=date(2026, 1, 15)) is None
    assert staleness(lines, None, today=date(2026, 1, 16)) == (
        "the orders' last sale is on 2026-01-01, 15 days before today: the plan is as of that "
        "day (export the orders again, or give --as-of 2026-01-01 to plan as of it on purpose)"
    )
    # an --as-of judges the gap to itself, not to today
    assert staleness(lines, date(2026, 1, 10), today=date(2027, 1, 1)) is None


def test_a_po_folder_that_cannot_be_made_fails_before_the_table(
    store: dict[str, Path], tmp_path: Path
) -> None:
    """The plan was printed to stdout, then the purchase orders failed with exit 73."""
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    result = runner.invoke(app, _args(store, "-f", "csv", "--po-dir", str(blocker / "po")))
    assert result.exit_code == 73, result.output
    assert result.stdout == ""
    assert f"error: {blocker / 'po'}/PO-" in result.stderr
    assert f"hint: make {blocker / 'po'} a folder this user can write" in result.stderr


def test_without_purchase_orders_every_row_says_why(store: dict[str, Path], tmp_path: Path) -> None:
    """The inventory export's incoming units have no date without purchase orders: the reason
    said nothing (null) on the rows whose shelf runs empty before them."""
    target = tmp_path / "plan.csv"
    args = [
        a for a in _args(store) if a not in ("--purchase-orders", str(store["purchase_orders"]))
    ]
    result = runner.invoke(app, [*args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    plan = pl.read_csv(target)
    assert plan["reason"].null_count() == 0
    undated = plan.filter(pl.col("incoming_after_stockout"))
    assert undated.height > 0
    assert undated["next_expected_date"].null_count() == undated.height
    first = undated.row(0, named=True)
    units = "unit" if first["incoming"] == 1 else "units"
    assert first["reason"].endswith(
        f"the shelf runs empty on {first['stockout_date']}, before the {first['incoming']} "
        f"incoming {units} can arrive (undated: taken to arrive when an order placed today would, "
        f"in {round(first['lead_time_days'], 1)} days)"
    )


@pytest.fixture(scope="module")
def by_location(store: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    target = tmp_path_factory.mktemp("located") / "plan.csv"
    result = runner.invoke(app, _args(store, "--per-location", "-o", str(target)))
    assert result.exit_code == 0, result.output
    assert "SKU-locations planned;" in result.stderr
    assert "sold without a location (e.g. Amazon orders): planned at each SKU's home" in (
        " ".join(result.stderr.split())
    )
    return pl.read_csv(target, try_parse_dates=True)


def test_per_location_plans_each_sku_where_it_is_stocked_or_sold(
    store: dict[str, Path], by_location: pl.DataFrame, plan: pl.DataFrame
) -> None:
    from icebergops.config import Config
    from icebergops.sources import read_table

    assert by_location.columns[:2] == ["sku", "location"]
    assert by_location.select("sku", "location").n_unique() == by_location.height
    inventory = read_table([store["shopify_inventory"]], "inventory", config=Config())
    stocked = inventory.filter(pl.col("stocked")).select("sku", "location", "on_hand")
    assert by_location.height >= stocked.height > plan.height
    planned = stocked.join(by_location, on=["sku", "location"], how="left", suffix="_plan")
    assert (planned["on_hand"] == planned["on_hand_plan"]).all()
    # forecast per location, not split from the per-SKU one: close, not equal
    assert by_location["demand_per_day"].sum() == pytest.approx(
        plan["demand_per_day"].sum(), rel=0.05
    )


def test_per_location_purchase_orders_say_where_to_deliver(
    store: dict[str, Path], tmp_path: Path, by_location: pl.DataFrame
) -> None:
    result = runner.invoke(
        app,
        _args(store, "--per-location", "--po-dir", str(tmp_path), "-o", str(tmp_path / "p.csv")),
    )
    assert result.exit_code == 0, result.output
    ordered = by_location.filter(pl.col("order_quantity") > 0)
    documents = sorted(tmp_path.glob("PO-*.csv"))
    assert len(documents) == ordered["supplier"].n_unique()
    # one currency per supplier's order (its unit cost column names it): stacked by position
    lines = pl.concat([pl.read_csv(path).head(-1).select(pl.nth(0, 1, 2, 3)) for path in documents])
    assert lines.columns[:3] == ["sku", "title", "location"]
    assert set(lines["location"]) == set(ordered["location"])
    assert lines["quantity (units)"].sum() == ordered["order_quantity"].sum()


def test_per_location_explains_each_location(
    store: dict[str, Path], by_location: pl.DataFrame
) -> None:
    sku = by_location.filter(pl.col("order_quantity") > 0)["sku"][0]
    where = by_location.filter(pl.col("sku") == sku)["location"].to_list()
    result = runner.invoke(app, _args(store, "--per-location", "--explain", sku, "-f", "csv"))
    assert result.exit_code == 0, result.output
    steps = pl.read_csv(result.stdout.encode())
    assert sorted(steps["location"].unique()) == sorted(where)
    one = runner.invoke(
        app, _args(store, "--per-location", "--explain", f"{sku} @ {where[0]}", "-f", "csv")
    )
    assert set(pl.read_csv(one.stdout.encode())["location"]) == {where[0]}


def test_per_location_needs_stock_per_location(store: dict[str, Path], tmp_path: Path) -> None:
    with_stock = tmp_path / "products_export.csv"
    products = pl.read_csv(store["shopify_products"], infer_schema=False)
    products.with_columns(pl.lit("5").alias("Variant Inventory Qty")).write_csv(with_stock)
    for inventory in (["--inventory", str(with_stock)], ["--no-stock"]):
        args = ["restock", str(store["shopify_orders"]), *inventory, "--per-location"]
        result = runner.invoke(app, args)
        assert result.exit_code == 65, result.output
        assert "error: planning per location needs stock per location: " in result.stderr
    assert "no inventory export was given" in result.stderr


def test_per_location_from_the_config_and_overridden(
    store: dict[str, Path], tmp_path: Path
) -> None:
    config = tmp_path / "icebergops.yaml"
    config.write_text("restock:\n  per_location: true\n")
    result = runner.invoke(
        app, _args(store, "--config", str(config), "-o", str(tmp_path / "a.csv"))
    )
    assert result.exit_code == 0, result.output
    assert pl.read_csv(tmp_path / "a.csv").columns[:2] == ["sku", "location"]
    result = runner.invoke(
        app, _args(store, "--config", str(config), "--per-sku", "-o", str(tmp_path / "b.csv"))
    )
    assert result.exit_code == 0, result.output
    assert "location" not in pl.read_csv(tmp_path / "b.csv").columns


def test_suppliers_below_their_minimum_are_topped_up_and_explained(
    store: dict[str, Path], plan: pl.DataFrame, tmp_path: Path
) -> None:
    ordering = plan.filter(pl.col("order_quantity") > 0)
    per_supplier = ordering.group_by("supplier").agg(
        pl.col("order_value").sum(),
        pl.col("min_order_value").max(),
        pl.col("top_up_quantity").sum(),
    )
    assert (per_supplier["order_value"] >= per_supplier["min_order_value"]).all()
    # the smallest order's supplier now asks for 10% more than it orders (within the top-up limit)
    smallest = per_supplier.sort("order_value").row(0, named=True)
    raised = round(smallest["order_value"] * 1.1, 2)
    suppliers = pl.read_csv(store["suppliers"], infer_schema=False).with_columns(
        pl.when((pl.col("supplier") == smallest["supplier"]) & pl.col("sku").is_null())
        .then(pl.lit(f"{raised:.2f}"))
        .otherwise(pl.col("min_order_value"))
        .alias("min_order_value")
    )
    suppliers.write_csv(tmp_path / "suppliers.csv")
    raised_store = {**store, "suppliers": tmp_path / "suppliers.csv"}
    result = runner.invoke(app, _args(raised_store, "-o", str(tmp_path / "raised.csv")))
    assert result.exit_code == 0, result.output
    assert "1 supplier topped up to their minimum order value" in result.stderr  # was "1 suppliers"
    again = pl.read_csv(tmp_path / "raised.csv").filter(pl.col("order_quantity") > 0)
    mine = again.filter(pl.col("supplier") == smallest["supplier"])
    assert mine["order_value"].sum() >= raised
    topped = mine.filter(pl.col("top_up_quantity") > 0)
    assert topped.height > 0
    assert (topped["supplier_minimum_status"] == "topped up").all()
    assert (topped["order_quantity"] % topped["case_pack"] == 0).all()
    sku = topped["sku"][0]
    result = runner.invoke(app, _args(raised_store, "--explain", sku, "-f", "csv"))
    assert result.exit_code == 0, result.output
    steps = dict(pl.read_csv(result.stdout.encode()).select("step", "value").iter_rows())
    assert int(steps["of which top-up"]) == topped["top_up_quantity"][0]
    assert steps["supplier minimum"] == "topped up"
    assert "minimum order" in steps["why"]


def test_without_supplier_terms_the_products_export_costs_the_orders(
    store: dict[str, Path], tmp_path: Path
) -> None:
    # no suppliers.csv: Shopify's "Cost per item" prices the plan, in the store's currency
    out = tmp_path / "plan.csv"
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"]),
            "--products", str(store["shopify_products"]), "--budget", "5000",
            "--format", "csv", "--output", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    plan = pl.read_csv(out)
    listed = pl.read_csv(store["shopify_products"]).select(
        pl.col("Variant SKU").alias("sku"), pl.col("Cost per item").alias("listed")
    )
    ordered = plan.filter(pl.col("order_quantity") > 0).join(listed, on="sku")
    assert ordered.height > 10
    assert (ordered["unit_cost"] == ordered["listed"]).all()
    assert set(ordered["currency"]) == {"USD"}
    assert plan["order_value"].sum() <= 5000


def test_without_terms_skus_are_ordered_from_their_vendor(
    store: dict[str, Path], tmp_path: Path
) -> None:
    # no suppliers.csv: one purchase order per vendor of the products export, not one for all
    folder = tmp_path / "po"
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"]),
            "--products", str(store["shopify_products"]), "--po-dir", str(folder),
            "--format", "csv", "--output", str(tmp_path / "plan.csv")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    plan = pl.read_csv(tmp_path / "plan.csv")
    vendors = (
        pl.read_csv(store["shopify_products"])
        .select(pl.col("Variant SKU").alias("sku"), "Vendor")
        .filter(pl.col("Vendor").is_not_null())
        .unique("sku")
    )
    joined = plan.join(vendors, on="sku")
    assert joined.height > 10
    assert (joined["supplier"] == joined["Vendor"]).all()
    ordering = plan.filter(pl.col("order_quantity") > 0)["supplier"].n_unique()
    assert ordering > 1
    assert len(list(folder.glob("*.csv"))) == ordering


def test_explain_without_a_unit_cost_says_so_plainly(
    store: dict[str, Path], tmp_path: Path
) -> None:
    # no suppliers.csv, no products export: nothing costs the SKU; a bare "-" was written as
    # "'-" (escaped for spreadsheets), which reads like a typo
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"])]
    plan = runner.invoke(app, [*args, "-o", str(tmp_path / "plan.csv")])
    assert plan.exit_code == 0, plan.output
    sku = pl.read_csv(tmp_path / "plan.csv").filter(pl.col("order_quantity") > 0)["sku"][0]
    result = runner.invoke(app, [*args, "--explain", sku, "-f", "csv"])
    assert result.exit_code == 0, result.output
    steps = dict(pl.read_csv(result.stdout.encode()).select("step", "value").iter_rows())
    assert steps["order value"] == "n/a"


def test_an_order_of_unknown_cost_has_no_value(store: dict[str, Path], tmp_path: Path) -> None:
    """Nothing costs the SKUs: the summary says the value is unknown, not 0.00 to pay."""
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"])]
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "plan.csv")])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())  # the console wraps long lines
    assert "to order from" in said and "value unknown: none of them has a unit cost" in said
    assert "0.00" not in said


def test_skus_without_a_unit_cost_are_left_out_of_the_value_and_counted(
    store: dict[str, Path], tmp_path: Path
) -> None:
    terms = pl.read_csv(store["suppliers"], infer_schema=False)
    every_other = pl.int_range(pl.len()) % 2 == 0
    terms = terms.with_columns(
        pl.when(every_other).then(None).otherwise("unit_cost").alias("unit_cost")
    )
    terms.write_csv(tmp_path / "suppliers.csv")
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"])]
    args += ["--suppliers", str(tmp_path / "suppliers.csv"), "-o", str(tmp_path / "plan.csv")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    to_order = pl.read_csv(tmp_path / "plan.csv").filter(pl.col("order_quantity") > 0)
    unpriced = to_order["order_value"].null_count()
    assert 0 < unpriced < to_order.height
    said = " ".join(result.stderr.split())
    value = f"{to_order['order_value'].sum():,.2f}"
    assert f"{value} USD in all ({unpriced:,} of them without a unit cost" in said


def test_a_suppliers_report_without_receipts_says_why_it_is_empty(store: dict[str, Path]) -> None:
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"])]
    result = runner.invoke(app, [*args, "--suppliers-report", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert "no receipts in the purchase-order history" in " ".join(result.stderr.split())


def test_a_vendors_skus_without_terms_learn_its_lead_time_and_are_warned(
    store: dict[str, Path], tmp_path: Path
) -> None:
    # suppliers.csv names Cascade for one SKU only: Cascade's other SKUs have no terms, yet are
    # ordered from Cascade (their vendor) with the lead time its purchase orders show, and warned
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "supplier,sku,unit_cost,currency,lead_time_days,lead_time_std_days,case_pack,moq,min_order_value\n"
        "Cascade Textile Co.,FW-JKT01-BLA-S,52.85,USD,,,6,12,\n"
    )
    out = tmp_path / "plan.csv"
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"]),
            "--products", str(store["shopify_products"]), "--suppliers", str(suppliers),
            "--purchase-orders", str(store["purchase_orders"]), "-o", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    plan = pl.read_csv(out)
    cascade = plan.filter(pl.col("supplier") == "Cascade Textile Co.")
    assert cascade.filter(pl.col("sku") == "FW-JKT01-BLA-S")["unit_cost"].to_list() == [52.85]
    untermed = cascade.filter(pl.col("sku") != "FW-JKT01-BLA-S")
    assert untermed.height > 10
    assert set(untermed["lead_time_source"]) == {"history"}
    assert (untermed["lead_time_days"] > 30).all()  # Cascade ships in about 45 days, not 14
    warned = " ".join(result.stderr.split())
    assert f"{plan.height - 1:,} SKUs have no supplier terms in suppliers.csv" in warned


def test_listed_costs_are_in_the_configs_currency_and_never_mix_with_the_terms(
    store: dict[str, Path], tmp_path: Path
) -> None:
    # the config says the store books in EUR; a supplier quoting in GBP without a unit cost
    # stays unpriced rather than taking the products export's EUR cost as GBP
    config = tmp_path / "icebergops.yaml"
    config.write_text("store:\n  currency: EUR\n")
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "supplier,sku,unit_cost,currency,lead_time_days,lead_time_std_days,case_pack,moq,min_order_value\n"
        "Cascade Textile Co.,,,GBP,45,8,1,,\n"
        "Lusitana Home,,,,20,3,1,,\n"
    )
    out = tmp_path / "plan.csv"
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"]),
            "--products", str(store["shopify_products"]), "--suppliers", str(suppliers),
            "--config", str(config), "-o", str(out)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    plan = pl.read_csv(out)
    gbp = plan.filter(pl.col("supplier") == "Cascade Textile Co.")
    assert gbp.height > 10
    assert gbp["unit_cost"].is_null().all() and set(gbp["currency"]) == {"GBP"}
    blank = plan.filter(pl.col("supplier") == "Lusitana Home")
    assert blank.height > 10
    assert blank["unit_cost"].is_not_null().all() and set(blank["currency"]) == {"EUR"}


def test_suppliers_named_alike_get_a_purchase_order_each(
    store: dict[str, Path], tmp_path: Path
) -> None:
    # "ACME Tools" and "Acme-Tools" make the same file name: the second must not overwrite the first
    args = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"])]
    before = runner.invoke(app, [*args, "-o", str(tmp_path / "before.csv")])
    assert before.exit_code == 0, before.output
    ordered = pl.read_csv(tmp_path / "before.csv").filter(pl.col("order_quantity") > 0)
    first, second = ordered["sku"].head(2)
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(  # the terms a SKU without them plans with: nothing changes but names
        "supplier,sku,unit_cost,currency,lead_time_days,lead_time_std_days,case_pack,moq,min_order_value\n"
        f"ACME Tools,{first},5.00,USD,14,,1,,\n"
        f"Acme-Tools,{second},5.00,USD,14,,1,,\n"
    )
    folder = tmp_path / "po"
    result = runner.invoke(
        app,
        [
            *args,
            "--suppliers",
            str(suppliers),
            "--po-dir",
            str(folder),
            "-o",
            str(tmp_path / "p.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    acme = sorted(path.name for path in folder.glob("*acme-tools*.csv"))
    assert len(acme) == 2 and acme[0].endswith("acme-tools-2.csv")
    assert {pl.read_csv(folder / name)["sku"][0] for name in acme} == {first, second}


def test_output_onto_an_input_is_refused_and_leaves_it(
    store: dict[str, Path], tmp_path: Path
) -> None:
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_bytes(store["suppliers"].read_bytes())
    args = _args(store, "-o", str(suppliers))
    args[args.index(str(store["suppliers"]))] = str(suppliers)
    result = runner.invoke(app, args)
    assert result.exit_code == 73
    assert f"error: {suppliers}: is an input of this command" in result.stderr
    assert suppliers.read_bytes() == store["suppliers"].read_bytes()


def test_a_failed_command_leaves_no_new_output_behind(
    store: dict[str, Path], tmp_path: Path
) -> None:
    """The purchase orders are written, then the plan cannot be: the orders go too (orders
    without the plan they came from would be sent on); files that were there before stay."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    po = tmp_path / "po"
    failing = _args(store, "-o", str(blocker / "plan.csv"), "--po-dir", str(po))
    result = runner.invoke(app, failing)
    assert result.exit_code == 73
    assert "cannot write here" in result.stderr
    assert re.search(
        r"removed the \d+ files this command had written before it failed", result.stderr
    )
    assert list(po.glob("PO-*")) == []
    done = runner.invoke(app, _args(store, "-o", str(tmp_path / "plan.csv"), "--po-dir", str(po)))
    assert done.exit_code == 0, done.output
    before = sorted(po.glob("PO-*"))
    again = runner.invoke(app, failing)
    assert again.exit_code == 73 and sorted(po.glob("PO-*")) == before  # replaced, not removed


def test_fixed_units_in_events_raise_the_plan(
    store: dict[str, Path], tmp_path: Path, plan: pl.DataFrame
) -> None:
    top = plan.sort("demand_per_day", descending=True).row(0, named=True)
    events = tmp_path / "events.csv"
    events.write_text(
        f"name,start,end,scope,target,units\nTrade fair,2026-11-26,2026-12-02,sku,{top['sku']},500\n"
    )
    target = tmp_path / "plan.csv"
    result = runner.invoke(app, _args(store, "--events", str(events), "-o", str(target)))
    assert result.exit_code == 0, result.output
    fixed = pl.read_csv(target).filter(pl.col("sku") == top["sku"]).row(0, named=True)
    # 500 units in a week in place of the week's forecast
    expected = top["demand_per_day"] + (500 - 7 * top["demand_per_day"]) / top["protection_days"]
    assert fixed["demand_per_day"] == pytest.approx(expected, rel=0.1)
    assert fixed["order_up_to"] > top["order_up_to"] + 300


def test_per_location_plans_fix_a_guessed_products_units(
    store: dict[str, Path], tmp_path: Path
) -> None:
    """Without a products export the products guessed from the titles span the locations; an
    event on a SKU sold nowhere is warned about."""
    events = tmp_path / "events.csv"
    product = "Basin Grid Fleece Hoodie"
    events.write_text(
        "name,start,end,scope,target,units\n"
        f"Hoodie order,2026-11-26,2026-12-02,product,{product},600\n"
        "Ghost,2026-11-26,2026-12-02,sku,NO-SUCH-SKU,50\n"
    )
    lifted = tmp_path / "lifted.csv"  # an uplift on nothing was ignored without a word
    lifted.write_text(
        "name,start,end,scope,target,uplift_pct\nNowhere,2026-11-26,2026-12-02,category,Kites,20\n"
    )
    base = ["restock", str(store["shopify_orders"]), "--inventory", str(store["shopify_inventory"]),
            "--per-location"]  # fmt: skip
    demand = {}
    for name, extra in (("without", []), ("with", ["--events", str(events)])):
        target = tmp_path / f"{name}.csv"
        result = runner.invoke(app, [*base, *extra, "-o", str(target)])
        assert result.exit_code == 0, result.output
        plan = pl.read_csv(target).filter(pl.col("title").str.starts_with(product))
        assert plan["location"].n_unique() > 1
        demand[name] = (plan["demand_per_day"] * plan["protection_days"]).sum()
    assert "event 'Ghost' matches no SKU, product or category: not planned on" in result.stderr
    assert "event 'Ghost' fixes units" not in result.stderr  # one warning an event
    result = runner.invoke(app, [*base, "--events", str(lifted), "-o", str(tmp_path / "l.csv")])
    assert result.exit_code == 0, result.output
    assert "event 'Nowhere' matches no SKU, product or category: not planned on" in result.stderr
    # 600 units in a week in place of that week's forecast, across the product's series
    assert 500 < demand["with"] - demand["without"] < 600


def test_restock_warns_of_a_year_sold_in_one_day(spiked_retail: tuple[Path, Path, str]) -> None:
    orders, config, warning = spiked_retail
    result = runner.invoke(
        app,
        [
            "restock",
            str(orders),
            "--no-stock",
            "--config",
            str(config),
            "-o",
            str(orders.with_name("p.csv")),
        ],
    )
    assert result.exit_code == 0, result.output
    assert warning in " ".join(result.stderr.split())


def test_restock_counts_an_export_given_twice_once(spiked_retail: tuple[Path, Path, str]) -> None:
    orders, config, _ = spiked_retail
    plans = []
    for files in ([orders], [orders, orders]):
        target = orders.with_name(f"p{len(files)}.csv")
        args = ["restock", *map(str, files), "--no-stock", "--config", str(config)]
        result = runner.invoke(app, [*args, "-o", str(target)])
        assert result.exit_code == 0, result.output
        plans.append(pl.read_csv(target))
    assert plans[1].equals(plans[0])
    assert "120 lines of 60 orders also in" in " ".join(result.stderr.split())


def test_piped_output_is_the_whole_plan_and_the_terminal_table_names_currencies(
    store: dict[str, Path], plan: pl.DataFrame
) -> None:
    """Piped CSV was the terminal's 9 columns (38 rows on rieker_qc) where -o gave the plan,
    and `value` mixed EUR and USD with no currency beside it."""
    piped = runner.invoke(app, _args(store, "--format", "csv"))
    assert piped.exit_code == 0, piped.output
    table = pl.read_csv(io.StringIO(piped.stdout))
    assert table.columns == plan.columns and table.height == plan.height
    shown = runner.invoke(app, _args(store, "--format", "table"), env={"COLUMNS": "240"})
    assert shown.exit_code == 0, shown.output
    header = next(line for line in shown.stdout.splitlines() if "value" in line)
    assert "currency" in header
    currencies = set(plan.filter(pl.col("order_quantity") > 0)["currency"].drop_nulls())
    assert len(currencies) > 1  # the demo store buys in two
    assert all(code in shown.stdout for code in currencies)
