"""``icebergops backtest`` on the demo store."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from icebergops.cli.app import app
from icebergops.demo_store import generate_demo_store

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_demo_store(tmp_path_factory.mktemp("demo"))


def test_backtest_compares_every_policy(store: dict[str, Path], tmp_path: Path) -> None:
    args = ["backtest", str(store["shopify_orders"]), "--suppliers", str(store["suppliers"]),
            "--purchase-orders", str(store["purchase_orders"]), "--days", "56",
            "--service-levels", "0.8,0.95", "-o", str(tmp_path / "summary.csv"),
            "--per-sku", str(tmp_path / "per_sku.csv")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pl.read_csv(tmp_path / "summary.csv")
    assert table["policy"].to_list() == [
        "icebergops (as configured)",
        "icebergops 80%",
        "icebergops 95%",
        "current rule",
    ]
    assert table["fill_rate"].is_between(0, 1).all()
    # the configured policy is the flat 95% one here: same replay, same results
    assert table.row(0)[1:] == table.row(2)[1:]
    per_sku = pl.read_csv(tmp_path / "per_sku.csv")
    assert per_sku.height == 4 * per_sku["sku"].n_unique()
    totals = per_sku.group_by("policy").agg(pl.col("lost_units").sum())
    joined = table.join(totals, on="policy", suffix="_sku")
    assert ((joined["lost_units"] - joined["lost_units_sku"]).abs() <= 1).all()
    assert "current rule: stock value" in result.stderr
    assert "icebergops as configured: stock value" in result.stderr


def test_bad_service_levels_are_a_usage_error(store: dict[str, Path]) -> None:
    args = ["backtest", str(store["shopify_orders"]), "--service-levels", "95%"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "is not a list of service levels" in result.output


def test_a_history_too_short_to_replay_says_what_days_it_allows(store: dict[str, Path]) -> None:
    # the demo store holds two years: 730 days replayed leave nothing to burn in nor forecast from
    result = runner.invoke(app, ["backtest", str(store["shopify_orders"]), "--days", "730"])
    assert result.exit_code == 65
    message = " ".join(result.stderr.split())
    assert "holds 730 days of orders (2024-11-25 to 2026-11-24): too few to replay 730 days" in (
        message
    )
    assert "hint: use --days 681 or fewer" in message
    assert "Traceback" not in result.output


def test_the_span_counts_the_days_with_demand_only() -> None:
    # cancelled lines in the first weeks give no history to forecast from
    from datetime import date, timedelta
    from types import SimpleNamespace

    from icebergops.cli.backtest import _check_span
    from icebergops.errors import InputError

    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(100)]
    lines = pl.DataFrame(
        {
            "order_date": days,
            "status": ["cancelled"] * 40 + ["fulfilled"] * 60,
            "is_test": [False] * 100,
            "quantity": [1] * 100,
        }
    )
    tables = SimpleNamespace(lines=lines)
    _check_span(tables, Path("orders.csv"), days=28, burn_in=4)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"holds 60 days of orders \(2024-02-10 to 2024-04-09\)"):
        _check_span(tables, Path("orders.csv"), days=28, burn_in=21)  # type: ignore[arg-type]


def test_a_per_sku_file_that_cannot_be_written_fails_before_the_table(
    store: dict[str, Path], tmp_path: Path
) -> None:
    """The summary table was printed, then the command exited 73."""
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    args = ["backtest", str(store["shopify_orders"]), "--days", "56", "--service-levels", "0.9",
            "-f", "csv", "--per-sku", str(blocker / "per_sku.csv")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 73, result.output
    assert result.stdout == ""
    assert f"error: {blocker / 'per_sku.csv'}" in result.stderr


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("forecast", ["-f", "xml"]),
        ("forecast", ["-o", "fc.pdf"]),
        ("forecast", ["--evaluate", "--scores", "scores.txt"]),
        ("restock", ["--no-stock", "-o", "plan.ods"]),
        ("backtest", ["--per-sku", "per_sku.txt"]),
        ("inspect", ["-f", "yaml"]),
        ("inspect", ["-o", "report.pdf"]),
    ],
)
def test_an_unknown_format_fails_before_anything_is_read(
    tmp_path: Path, command: str, extra: list[str]
) -> None:
    """The orders file does not exist: a format checked after reading would exit 66."""
    missing = str(tmp_path / "orders_export.csv")
    result = runner.invoke(app, [command, missing, *extra])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert ("unknown format" in result.stderr) != ("cannot tell the format" in result.stderr)


@pytest.mark.parametrize("command", ["forecast", "backtest"])
def test_plot_without_matplotlib_fails_before_anything_is_read(
    tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "matplotlib" else real(name, *a),
    )
    plot = tmp_path / ("charts" if command == "forecast" else "stock.png")
    result = runner.invoke(app, [command, str(tmp_path / "orders_export.csv"), "--plot", str(plot)])
    assert result.exit_code == 78, result.output
    assert result.stderr.splitlines() == [
        "error: --plot needs matplotlib",
        "hint: pip install 'icebergops[plot]'",
    ]


def test_backtest_replays_an_export_given_twice_once(
    store: dict[str, Path], tmp_path: Path
) -> None:
    """It read the repeats away through the same reader as restock, but said nothing."""
    tables = []
    for copies in (1, 2):
        target = tmp_path / f"summary{copies}.csv"
        args = ["backtest", *[str(store["shopify_orders"])] * copies, "--days", "56",
                "-o", str(target)]  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        tables.append(pl.read_csv(target))
    assert tables[1].equals(tables[0])
    assert "counted once, as the later file has them" in " ".join(result.stderr.split())


@pytest.mark.realdata
def test_a_store_without_costs_or_prices_is_replayed(shared_data: Path, tmp_path: Path) -> None:
    """rieker_qc's export has no prices: every stock value is 0, and the comparison divided by
    it (internal error, exit 70)."""
    orders = shared_data / "shopify" / "orders" / "rieker_qc_orders_export.csv"
    result = runner.invoke(
        app, ["backtest", str(orders), "--days", "56", "-o", str(tmp_path / "b.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "no stock value to compare: no unit costs or prices" in result.stderr
