"""``icebergops run``: the nightly job on the demo store; lock, dated folders, same files twice."""

from __future__ import annotations

import hashlib
import json
import os
import socket
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from icebergops.cli.app import app
from icebergops.cli.demo import DEMO_CONFIG
from icebergops.cli.pipeline import OrderValue, order_value
from icebergops.demo_store import generate_demo_store
from icebergops.runs import EXIT_BUSY, LOCK

runner = CliRunner()

CONFIG = DEMO_CONFIG + "  keep_runs: 2\n"  # the demo store's own config; run: comes last


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("nightly")
    generate_demo_store(root / "store")
    (root / "icebergops.yaml").write_text(CONFIG)
    return root


def _run(folder: Path, day: str) -> tuple[int, str]:
    args = ["run", "--config", str(folder / "icebergops.yaml"), "--run-date", day]
    result = runner.invoke(app, args)
    return result.exit_code, result.stderr


def _digests(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file() and p.name != "summary.json"
    }


def test_a_run_writes_a_dated_folder_and_latest(folder: Path) -> None:
    code, log = _run(folder, "2026-11-20")
    assert code == 0, log
    runs = folder / "runs"
    assert (runs / "latest").resolve() == (runs / "2026-11-20").resolve()
    assert (runs / "LATEST").read_text().strip() == "2026-11-20"
    summary = json.loads((runs / "latest" / "summary.json").read_text())
    plan = pl.read_csv(runs / "latest" / "restock.csv")
    assert summary["counts"]["skus_planned"] == plan.height
    assert summary["counts"]["skus_to_order"] == plan.filter(pl.col("order_quantity") > 0).height
    assert set(summary["timings_s"]) == {"read", "plan", "write"}
    ordered = plan.filter(pl.col("order_quantity") > 0)
    # the demo's suppliers quote in dollars and euros: a total per currency, none of both
    per_currency = ordered.group_by("currency").agg(pl.col("order_value").sum())
    assert summary["counts"]["order_value_by_currency"] == pytest.approx(
        dict(per_currency.iter_rows()), abs=0.01
    )
    assert set(summary["counts"]["order_value_by_currency"]) == {"USD", "EUR"}
    assert summary["counts"]["order_value"] is None
    assert summary["counts"]["to_order_without_unit_cost"] == ordered["order_value"].null_count()
    for name in summary["files"]:
        assert (runs / "latest" / name).is_file()
    # the forecast file as `icebergops forecast` writes it: point forecast and expected units
    forecast = pl.read_csv(runs / "latest" / "forecast.csv")
    assert forecast.columns[:4] == ["sku", "day", "forecast", "expected"]
    # units to 4 decimals, never 6.6e-11 or 17 digits
    text = (runs / "latest" / "forecast.csv").read_text()
    assert "e-" not in text and forecast["hi_95"].round(4).equals(forecast["hi_95"])
    assert (forecast["forecast"] <= forecast["expected"]).all()
    assert not list(runs.glob(".*partial"))
    assert "read: " in log and "done: " in log
    # a cron job's log keeps each message on one line, however long (no wrap at 80 columns)
    done = next(line for line in log.splitlines() if line.startswith("done: "))
    assert " (latest); " in done and done.endswith(" removed") and len(done) > 80


def test_a_backfill_leaves_latest_at_the_newer_run(tmp_path: Path) -> None:
    """`--run-date` before an existing run's day writes its folder; `latest` stays at the newest
    day (it used to move back to the backfill), and a later day's run still moves it on."""
    generate_demo_store(tmp_path / "store")
    (tmp_path / "icebergops.yaml").write_text(CONFIG)
    runs = tmp_path / "runs"
    said = {}
    for day, latest in [("2026-12-08", "2026-12-08"), ("2026-12-01", "2026-12-08")]:
        code, log = _run(tmp_path, day)
        assert code == 0, log
        assert (runs / "latest").resolve() == (runs / latest).resolve()
        assert (runs / "LATEST").read_text() == f"{latest}\n"
        said[day] = next(line for line in log.splitlines() if line.startswith("done: "))
    assert said["2026-12-08"].endswith("2026-12-08 (latest); 0 old runs removed")
    assert said["2026-12-01"].endswith(
        "2026-12-01 (a backfill: latest stays at 2026-12-08); 0 old runs removed"
    )
    backfill = json.loads((runs / "2026-12-01" / "summary.json").read_text())
    assert backfill["run_date"] == "2026-12-01"
    code, log = _run(tmp_path, "2026-12-09")
    assert code == 0, log
    assert (runs / "latest").resolve() == (runs / "2026-12-09").resolve()
    assert (runs / "LATEST").read_text() == "2026-12-09\n"
    # keep_runs: 2 removes the backfill, the oldest; `latest` never points at a removed folder
    assert sorted(p.name for p in runs.iterdir() if p.name[:1].isdigit()) == [
        "2026-12-08",
        "2026-12-09",
    ]


def test_the_same_day_twice_gives_the_same_files(folder: Path) -> None:
    assert _run(folder, "2026-11-21")[0] == 0
    first = _digests(folder / "runs" / "2026-11-21")
    assert _run(folder, "2026-11-21")[0] == 0
    assert _digests(folder / "runs" / "2026-11-21") == first
    assert len(first) >= 5


def test_old_runs_are_pruned(folder: Path) -> None:
    for day in ("2026-11-22", "2026-11-23", "2026-11-24"):
        assert _run(folder, day)[0] == 0
    dated = sorted(p.name for p in (folder / "runs").iterdir() if p.name[:1].isdigit())
    assert dated == ["2026-11-23", "2026-11-24"]


def test_a_live_lock_stops_a_second_run(folder: Path) -> None:
    lock = folder / "runs" / LOCK
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": "2026-11-25T02:00:00"}
    lock.write_text(json.dumps(holder))
    try:
        code, log = _run(folder, "2026-11-25")
    finally:
        lock.unlink()
    assert code == EXIT_BUSY
    assert f"another run (pid {os.getpid()}, since 2026-11-25T02:00:00) is writing here" in log
    assert not (folder / "runs" / "2026-11-25").exists()


def test_a_stale_lock_is_taken_over(folder: Path) -> None:
    lock = folder / "runs" / LOCK
    lock.write_text(json.dumps({"pid": 2**22 + 12345, "host": socket.gethostname()}))
    assert _run(folder, "2026-11-25")[0] == 0
    assert not lock.exists()


def test_a_config_without_orders_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "icebergops.yaml").write_text("store:\n  name: x\n")
    result = runner.invoke(app, ["run", "--config", str(tmp_path / "icebergops.yaml")])
    assert result.exit_code == 78
    assert "run.orders: no order files named" in result.stderr


def test_a_key_given_twice_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "icebergops.yaml"
    config.write_text(CONFIG + "  output: elsewhere\n")
    result = runner.invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 78, result.output
    line = CONFIG.count("\n") + 1
    first = CONFIG.splitlines().index("  output: runs") + 1
    assert result.stderr.splitlines() == [
        f"error: {config}:{line}: run.output: given twice (first on line {first})",
        "hint: keep one of them (YAML would use the last and silently drop the first)",
    ]
    assert not (tmp_path / "runs").exists() and not (tmp_path / "elsewhere").exists()


def test_an_output_that_is_a_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("x")
    (tmp_path / "out").write_text("a file the run must not replace")
    (tmp_path / "icebergops.yaml").write_text(
        "run:\n  orders: [orders.csv]\n  no_stock: true\n  output: out\n"
    )
    result = runner.invoke(app, ["run", "--config", str(tmp_path / "icebergops.yaml")])
    assert result.exit_code == 78
    assert f"run.output: {tmp_path / 'out'} is a file, not a folder" in result.stderr
    assert (tmp_path / "out").read_text() == "a file the run must not replace"


def test_a_bad_input_leaves_no_folder(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("")
    (tmp_path / "icebergops.yaml").write_text(
        "run:\n  orders: [orders.csv]\n  no_stock: true\n  output: out\n"
    )
    result = runner.invoke(app, ["run", "--config", str(tmp_path / "icebergops.yaml")])
    assert result.exit_code == 65
    assert "is empty" in result.stderr
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []


def test_a_run_warns_of_an_export_that_stopped_updating(folder: Path) -> None:
    """Judged against the run's day (--run-date), not the machine's clock."""
    code, said = _run(folder, "2027-01-24")
    assert code == 0, said
    stale = (
        "warning: the orders' last sale is on 2026-11-24, 61 days before today: the plan is as "
        "of that day (export the orders again, or give --as-of 2026-11-24 to plan as of it on "
        "purpose)"
    )
    assert stale in said
    summary = json.loads((folder / "runs" / "2027-01-24" / "summary.json").read_text())
    assert summary["warnings"][0] == stale.removeprefix("warning: ")
    code, said = _run(folder, "2026-11-30")
    assert code == 0 and "last sale is on" not in said


def test_a_run_reads_the_stockouts_file_its_config_names(tmp_path: Path) -> None:
    generate_demo_store(tmp_path / "store")
    (tmp_path / "store" / "stockouts.csv").write_text(
        "sku,start,end\nFW-BLK54-FOR,2026-10-01,2026-10-20\nFW-BLK54-FOR,2026-10-25,2026-10-24\n"
    )
    config = CONFIG.replace(
        "  output: runs\n", "  stockouts: store/stockouts.csv\n  output: runs\n"
    )
    assert config != CONFIG
    (tmp_path / "icebergops.yaml").write_text(config)
    result = runner.invoke(app, ["run", "--config", str(tmp_path / "icebergops.yaml")])
    # the second row ends before it starts: the run stops on it, naming the file and line
    assert result.exit_code == 65, result.output
    assert f"{tmp_path / 'store' / 'stockouts.csv'}:3: column 'end'" in result.stderr
    assert not (tmp_path / "runs" / "latest").exists()


def test_a_config_without_inventory_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("x")
    config = tmp_path / "icebergops.yaml"
    config.write_text("run:\n  orders: [orders.csv]\n  output: out\n")
    result = runner.invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 78, result.output
    said = " ".join(result.stderr.split())
    assert (
        f"error: {config}: run.inventory: no inventory export named: every SKU would be "
        "planned as 0 on hand"
    ) in said
    assert (
        "hint: list your inventory exports under run: inventory:, or set run: no_stock: true"
        in said
    )
    assert not (tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_made_is_an_output_error(
    folder: Path, tmp_path: Path
) -> None:
    """Was "internal error (FileNotFoundError)", exit 70."""
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    config = tmp_path / "icebergops.yaml"
    store = (folder / "store").as_posix()
    config.write_text(
        CONFIG.replace("store/", f"{store}/").replace("output: runs", f"output: {blocker}/runs")
    )
    result = runner.invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 73, result.output
    assert result.stderr.startswith(
        f"error: {blocker}/runs: cannot create the output folder: Not a directory"
    )
    assert "hint: set run.output to a folder this user can write" in result.stderr
    assert blocker.read_text() == "not a folder"


def test_a_run_plans_per_location_when_the_config_says_so(tmp_path: Path) -> None:
    generate_demo_store(tmp_path / "store")
    assert "\nrestock:\n" in CONFIG
    config = CONFIG.replace("\nrestock:\n", "\nrestock:\n  per_location: true\n", 1)
    (tmp_path / "icebergops.yaml").write_text(config)
    args = ["run", "--config", str(tmp_path / "icebergops.yaml"), "--run-date", "2026-11-20"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    latest = tmp_path / "runs" / "latest"
    plan = pl.read_csv(latest / "restock.csv")
    assert plan.columns[:2] == ["sku", "location"]
    assert json.loads((latest / "summary.json").read_text())["per_location"] is True
    orders = [pl.read_csv(path) for path in (latest / "purchase_orders").glob("PO-*.csv")]
    assert orders and all("location" in po.columns for po in orders)


def test_an_order_of_unknown_cost_has_no_value() -> None:
    """0.0 would tell a cron job or an accountant that there is nothing to pay."""
    unpriced = pl.DataFrame({"order_value": [None, None]}, schema={"order_value": pl.Float64})
    assert order_value(unpriced) == OrderValue(None, {}, 2)
    mixed = pl.DataFrame({"order_value": [12.5, None, 7.5], "currency": "GBP"})
    assert order_value(mixed) == OrderValue(20.0, {"GBP": 20.0}, 1)
    assert order_value(mixed.clear()).total == 0.0  # nothing to order, nothing to pay
    both = mixed.with_columns(pl.Series("currency", ["GBP", "EUR", "EUR"]))
    assert order_value(both) == OrderValue(None, {"GBP": 12.5, "EUR": 7.5}, 1)
    assert order_value(both).text() == "12.50 GBP and 7.50 EUR"
