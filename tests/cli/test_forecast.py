"""``icebergops forecast`` on the demo store and on bad options."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from icebergops.cli.app import app
from icebergops.cli.forecast import horizon_periods, per_series
from icebergops.demand.calendar import DAY, WEEK
from icebergops.demo_store import generate_demo_store
from icebergops.sources import read_table

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_demo_store(tmp_path_factory.mktemp("demo"))


def test_forecast_writes_a_row_per_sku_and_day(store: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "forecast.csv"
    result = runner.invoke(
        app, ["forecast", str(store["shopify_orders"]), "--horizon", "2w", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    table = pl.read_csv(target)
    assert table.columns[:4] == ["sku", "day", "forecast", "expected"]
    assert table.group_by("sku").len()["len"].unique().to_list() == [14]
    assert table["sku"].n_unique() >= 180
    assert (table["forecast"] >= 0).all()
    assert f"SKUs, 14 days ahead, {table['expected'].sum():,.0f} units expected" in result.stderr
    # the forecast is the mean, or 0 for a SKU that most likely sells none in the 14 days
    sums = table.group_by("sku").agg(pl.col("forecast", "expected").sum())
    none = sums.filter((pl.col("forecast") == 0) & (pl.col("expected") > 0))
    assert none.height > 0
    # zero by the models' mean: no day likely to sell, so under ln 2 sales of at most the
    # SKU's largest day; else by its own year, which only intermittent and lumpy SKUs have
    lines = read_table([store["shopify_orders"]], "order_lines")
    largest = lines.group_by("sku", "order_date").agg(pl.col("quantity").sum())
    largest = largest.group_by("sku").agg(pl.col("quantity").max().alias("largest"))
    classes = table.group_by("sku").agg(pl.col("demand_class").first())
    judged = none.join(largest, on="sku").join(classes, on="sku")
    assert judged.height == none.height
    assert judged.filter(
        (pl.col("expected") >= 0.7 * pl.col("largest"))
        & ~pl.col("demand_class").is_in(["intermittent", "lumpy"])
    ).is_empty()
    nothing = sums.filter(pl.col("expected") == 0).height  # stopped selling: none expected
    said = " ".join(result.stderr.split())
    if nothing:
        assert (
            f"{none.height + nothing} of them forecast 0: {none.height} most likely selling none "
            "in 14 days (under 0.69 sales expected, or no sale in most spells of 14 days in the "
            f"last year), {nothing} with none expected" in said
        )
    else:
        assert f"{none.height} of them forecast 0: most likely selling none in 14 days" in said
    assert table.filter(
        (pl.col("forecast") != pl.col("expected")) & ~pl.col("sku").is_in(none["sku"].implode())
    ).is_empty()


def test_the_terminal_table_has_a_row_per_sku_with_its_total() -> None:
    days = [date(2026, 12, 1), date(2026, 12, 2)]
    result = pl.DataFrame(
        {
            "sku": ["A", "A", "B", "B"],
            "day": days * 2,
            "forecast": [0.0, 0.0, 2.0, 3.0],
            "expected": [0.2, 0.3, 2.0, 3.0],
            "model": ["x" * 40] * 2 + ["AutoETS"] * 2,
            "method": ["per SKU"] * 4,
            "demand_class": ["lumpy"] * 2 + ["smooth"] * 2,
        }
    )
    view = per_series(result, ["sku"], DAY)
    assert view.rows() == [
        ("B", 5.0, 5.0, 2.0, "AutoETS", "per SKU", "smooth"),
        ("A", 0.0, 0.5, 0.0, "x" * 31 + "…", "per SKU", "lumpy"),
    ]
    assert view.columns[:4] == ["sku", "units", "expected", "first day"]


def test_bad_horizon_is_a_usage_error(store: dict[str, Path]) -> None:
    result = runner.invoke(app, ["forecast", str(store["shopify_orders"]), "--horizon", "soon"])
    assert result.exit_code == 2
    assert "'soon' is not a number of days or weeks" in result.output


def test_evaluate_prints_every_method_and_the_gain(store: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "accuracy.json"
    result = runner.invoke(
        app,
        ["forecast", str(store["amazon_orders"]), "--evaluate", "--horizon", "2w", "--origins", "1",
         "-o", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pl.read_json(target)
    assert table.height == 5
    assert set(table.columns) >= {"model", "wape", "rmsse", "mase", "bias", "wape_horizon"}
    assert "for the trailing 28-day average" in result.stderr


def test_evaluate_says_how_sure_each_lead_is(store: dict[str, Path], tmp_path: Path) -> None:
    """Files get every baseline's shares and the gain's interval; a terminal table leaves the
    interval to the line under it, which names the leads kept in under 95% of the draws."""
    args = ["forecast", str(store["amazon_orders"]), "--evaluate", "--horizon", "2w",
            "--origins", "1"]  # fmt: skip
    written = runner.invoke(app, [*args, "-o", str(tmp_path / "accuracy.csv")])
    assert written.exit_code == 0, written.output
    table = pl.read_csv(tmp_path / "accuracy.csv")
    chosen = pl.col("model") == "icebergops (chosen per SKU)"
    shares = ["ahead_wape", "ahead_rmsse", "wape_gain_lo", "wape_gain_hi"]
    assert table.filter(chosen).select(pl.all_horizontal(pl.col(shares).is_null())).item()
    others = table.filter(~chosen)
    ours = table.filter(chosen)["wape_horizon"].item()
    point = others.select(1 - ours / pl.col("wape_horizon")).to_series()
    assert ((others["wape_gain_lo"] <= point) & (point <= others["wape_gain_hi"])).all()
    stderr = written.stderr.replace("\n", " ")
    assert "in 90% of 1,000 draws of the SKUs" in stderr
    short = [
        f"{model} ({share:.0%})"
        for column in ("ahead_wape", "ahead_rmsse")
        for model, share in others.filter(pl.col(column) < 0.95).select("model", column).rows()
    ]
    if short:
        assert "no sure lead" in stderr and all(text in stderr for text in short)
    else:
        assert "lead every baseline on WAPE and RMSSE in at least 95%" in stderr
    shown = runner.invoke(app, [*args, "-f", "table"])
    assert shown.exit_code == 0, shown.output
    top = next(line for line in shown.stdout.splitlines() if line.startswith("┏"))
    assert top.count("┳") + 1 == table.width - 2  # every column but the two gains


def test_evaluate_writes_each_skus_scores_beside_the_table(
    store: dict[str, Path], tmp_path: Path
) -> None:
    scores = tmp_path / "scores.csv"
    args = ["forecast", str(store["amazon_orders"]), "--evaluate", "--horizon", "2w",
            "--origins", "1", "-o", str(tmp_path / "accuracy.json"), "--scores", str(scores)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pl.read_csv(scores)
    assert table.columns == ["sku", "model", "units_sold", "units_forecast", "wape",
                             "wape_horizon", "bias", "mase", "rmsse"]  # fmt: skip
    per_sku = table.group_by("sku").agg(pl.col("model").n_unique(), pl.col("units_sold").n_unique())
    assert per_sku["model"].unique().to_list() == [5]  # every method on every SKU
    assert per_sku["units_sold"].unique().to_list() == [1]  # the same actual units for each
    assert table["units_sold"].to_list() == sorted(table["units_sold"], reverse=True)
    assert f"scores of {per_sku.height:,} SKUs in {scores}" in result.stderr.replace("\n", "")


def test_scores_need_evaluate_and_a_file_of_their_own(
    store: dict[str, Path], tmp_path: Path
) -> None:
    orders = str(store["amazon_orders"])
    alone = runner.invoke(app, ["forecast", orders, "--scores", str(tmp_path / "s.csv")])
    assert alone.exit_code == 2
    assert "only with --evaluate" in alone.output
    same = ["forecast", orders, "--evaluate", "-o", str(tmp_path / "a.csv"), "--scores",
            str(tmp_path / "a.csv")]  # fmt: skip
    twice = runner.invoke(app, same)
    assert twice.exit_code == 2
    assert "a file of their own" in twice.output
    assert not (tmp_path / "a.csv").exists()


def test_events_and_products_from_the_demo_store(store: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "forecast.csv"
    args = ["forecast", str(store["shopify_orders"]), "--horizon", "1w", "-o", str(target),
            "--products", str(store["shopify_products"]), "--events", str(store["events"])]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pl.read_csv(target, try_parse_dates=True)
    black_friday = table.filter(pl.col("events").str.contains("Black Friday"))
    assert set(black_friday["day"].cast(str)) == {
        "2026-11-27",
        "2026-11-28",
        "2026-11-29",
        "2026-11-30",
    }
    daily = table.group_by("day").agg(pl.col("forecast").sum()).sort("day")["forecast"].to_list()
    assert daily[2] > 2 * daily[1]  # 27 Nov carries the +140% uplift
    assert "matches no SKU" not in result.stderr
    assert set(table["method"]) <= {"per SKU", "top-down by product"}


def test_inventory_censors_current_stockouts(store: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "forecast.csv"
    args = ["forecast", str(store["shopify_orders"]), "--horizon", "1w", "-o", str(target),
            "--inventory", str(store["shopify_inventory"])]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    per_sku = pl.read_csv(target).group_by("sku").agg(pl.col("censored_days").first())
    assert per_sku["censored_days"].min() == 0
    assert 0 < (per_sku["censored_days"] > 0).sum() < per_sku.height / 2


def test_a_stockouts_file_censors_the_days_it_names(store: dict[str, Path], tmp_path: Path) -> None:
    """Twenty days a SKU that sells most days could not sell: censored, not read as no demand."""
    orders = str(store["shopify_orders"])
    plain = tmp_path / "plain.csv"
    assert (
        runner.invoke(app, ["forecast", orders, "--horizon", "1w", "-o", str(plain)]).exit_code == 0
    )
    before = (
        pl.read_csv(plain)
        .group_by("sku")
        .agg(pl.col("censored_days").first(), pl.col("expected").sum())
    )
    sku = before.sort("expected", descending=True)["sku"][0]
    stockouts = tmp_path / "stockouts.csv"
    stockouts.write_text(f"sku,start,end\n{sku},2026-10-01,2026-10-20\n")
    target = tmp_path / "censored.csv"
    args = ["forecast", orders, "--horizon", "1w", "--stockouts", str(stockouts), "-o", str(target)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    after = pl.read_csv(target).group_by("sku").agg(pl.col("censored_days").first())
    changed = after.join(before, on="sku", suffix="_before").filter(
        pl.col("censored_days") != pl.col("censored_days_before")
    )
    assert changed.rows() == [(sku, 20, 0, before.filter(pl.col("sku") == sku)["expected"][0])]
    assert "stockouts file" not in result.stderr
    # a wrong year censors nothing: said, not passed over
    stockouts.write_text(
        f"sku,start,end\n{sku},2016-10-01,2016-10-20\nNO-SUCH,2026-10-01,2026-10-02\n"
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (
        f"warning: 2 rows of the stockouts file censor nothing, e.g. {sku} 2016-10-01 to 2016-10-20: "
        "that SKU has no history on those days"
    ) in " ".join(result.stderr.split())


def test_plot_writes_a_chart_per_top_sku(store: dict[str, Path], tmp_path: Path) -> None:
    charts = tmp_path / "charts"
    args = ["forecast", str(store["shopify_orders"]), "--horizon", "1w", "-o", str(tmp_path / "f.csv"),
            "--plot", str(charts)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    pngs = sorted(charts.glob("*.png"))
    assert len(pngs) == 10
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_weekly_forecast_per_sku_and_location(store: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "forecast.csv"
    orders = [str(store["shopify_orders"]), str(store["amazon_orders"])]
    args = ["forecast", *orders, "--freq", "week", "--level", "sku-location", "--horizon", "56d",
            "-o", str(target)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pl.read_csv(target, try_parse_dates=True)
    assert table.columns[:4] == ["sku", "location", "week_start", "forecast"]
    assert "censored_weeks" in table.columns
    # one series per SKU and location sold, Amazon's lines (no location) as "(none)"
    lines = pl.concat(
        [read_table([Path(p)], "order_lines") for p in orders], how="diagonal_relaxed"
    ).filter(pl.col("status") != "cancelled", ~pl.col("is_test").fill_null(False))
    sold = lines.select("sku", pl.col("location").fill_null("(none)")).unique().sort(pl.all())
    assert table.select("sku", "location").unique().sort(pl.all()).rows() == sold.rows()
    assert table.group_by("sku", "location").len()["len"].unique().to_list() == [8]
    # the orders end on Tuesday 24 Nov 2026: the forecast starts with that week, whole
    assert (table["week_start"].dt.weekday() == 1).all()
    assert str(table["week_start"].min()) == "2026-11-23"
    assert str(table["week_start"].max()) == "2027-01-11"
    assert f"{sold.height:,} SKU × location series, 8 weeks ahead" in result.stderr
    assert "all series" in result.stderr and "demand class" in result.stderr


def test_weekly_product_forecast_as_json_on_stdout(store: dict[str, Path]) -> None:
    args = ["forecast", str(store["shopify_orders"]), "--products", str(store["shopify_products"]),
            "--freq", "week", "--level", "product", "--horizon", "2w", "--format", "json",
            "--events", str(store["events"])]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # nothing but the JSON: messages went to stderr
    assert set(rows[0]) >= {"product", "week_start", "forecast", "events"} and "sku" not in rows[0]
    black_friday = {r["week_start"] for r in rows if r["events"]}
    assert black_friday == {"2026-11-23", "2026-11-30"}  # Friday 27 to Monday 30 Nov
    assert "Black Friday" in result.stderr  # the summary names the events applied


def test_horizon_must_be_whole_weeks_with_freq_week(store: dict[str, Path]) -> None:
    args = ["forecast", str(store["shopify_orders"]), "--freq", "week", "--horizon", "10d"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "'10d' is 10 days, not a whole number of weeks" in result.output
    assert "use 1w or 2w" in result.output


@pytest.mark.parametrize("horizon", ["105w", "99999999999999999999d"])
def test_a_horizon_beyond_two_years_is_a_usage_error(store: dict[str, Path], horizon: str) -> None:
    result = runner.invoke(app, ["forecast", str(store["shopify_orders"]), "--horizon", horizon])
    assert result.exit_code == 2
    assert "at most 728 days (104 weeks) ahead" in " ".join(result.output.replace("│", "").split())


def test_horizon_in_periods() -> None:
    assert horizon_periods("8w", WEEK) == horizon_periods("56d", WEEK) == 8
    assert horizon_periods("2w", DAY) == 14


def test_weekly_evaluate_names_the_four_week_average(store: dict[str, Path]) -> None:
    args = ["forecast", str(store["amazon_orders"]), "--evaluate", "--freq", "week",
            "--horizon", "2w", "--origins", "1", "--format", "json"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    models = {row["model"] for row in json.loads(result.stdout)}
    assert {"trailing 4-week average", "naive (last week)", "icebergops (chosen per SKU)"} <= models
    assert "for the trailing 4-week average" in result.stderr


@pytest.mark.slow
def test_engine_dask_forecasts_what_local_does(store: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    tables = {}
    for engine in ("local", "dask"):
        target = tmp_path / f"{engine}.csv"
        args = ["forecast", str(store["shopify_orders"]), "--horizon", "1w", "-o", str(target),
                "--products", str(store["shopify_products"]), "--engine", engine]  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        tables[engine] = pl.read_csv(target)
    assert "models run on a local Dask cluster" in result.stderr
    assert "distributed" not in result.stderr  # dask's INFO logs stay quiet without --verbose
    assert_frame_equal(tables["dask"], tables["local"], check_exact=False, rel_tol=1e-9)


def test_engine_without_its_extra_is_a_one_line_error(
    store: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the ray extra were not installed
    result = runner.invoke(app, ["forecast", str(store["shopify_orders"]), "--engine", "ray"])
    assert result.exit_code == 78
    assert result.stderr == (
        "error: --engine ray needs the ray extra, which is not installed: "
        "pip install 'icebergops[ray]'\n"
    )
    assert result.stdout == ""


def test_unknown_engine_is_a_usage_error(store: dict[str, Path]) -> None:
    result = runner.invoke(app, ["forecast", str(store["shopify_orders"]), "--engine", "hadoop"])
    assert result.exit_code == 2
    assert "'hadoop' is not one of" in result.output  # the list wraps inside Click's box


def test_evaluate_on_a_history_too_short_says_which_horizon_fits() -> None:
    # the Amazon JP fixture spans 5 days: a week's horizon has nothing to forecast from
    orders = Path(__file__).parents[1] / "fixtures" / "amazon" / "all_orders_jp_sjis.txt"
    result = runner.invoke(app, ["forecast", str(orders), "--evaluate", "--horizon", "1w"])
    assert result.exit_code == 65
    message = " ".join(result.stderr.split())
    assert "the longest history holds 5 days: --evaluate needs 28 for a 7-day horizon" in message
    assert "hint: use --horizon 1d or less" in message


def test_evaluate_too_short_at_an_as_of_hints_a_later_one(store: dict[str, Path]) -> None:
    # two weeks into the demo store's history: a week's horizon needs four
    first = pl.read_csv(store["shopify_orders"], try_parse_dates=False)["Created at"].min()
    as_of = date.fromisoformat(str(first)[:10]) + timedelta(days=13)
    args = ["forecast", str(store["shopify_orders"]), "--evaluate", "--horizon", "1w",
            "--as-of", as_of.isoformat()]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 65, result.output
    message = " ".join(result.stderr.split())
    assert f"use --horizon 3d or less, or an --as-of later than {as_of}" in message
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["forecast", "restock"])
def test_an_as_of_before_the_first_sale_is_an_input_error(
    store: dict[str, Path], command: str
) -> None:
    args = [command, str(store["shopify_orders"]), "--as-of", "2024-01-01"]
    result = runner.invoke(app, [*args, *(["--no-stock"] if command == "restock" else [])])
    assert result.exit_code == 65, result.output
    message = " ".join(result.stderr.split())
    assert "has no sale on or before --as-of 2024-01-01: its first is on 2024-11-25" in message
    assert "hint: use an --as-of on or after 2024-11-25" in message


def test_an_event_fixes_a_skus_units_over_its_locations(
    store: dict[str, Path], tmp_path: Path
) -> None:
    """A seller who knows better (a trade fair order) writes the units in events.csv."""
    target, events = tmp_path / "forecast.csv", tmp_path / "events.csv"
    lines = read_table([store["shopify_orders"]], "order_lines")
    both = lines.filter(pl.col("location").is_not_null()).group_by("sku")
    sku = both.agg(pl.col("location").n_unique()).filter(pl.col("location") > 1)["sku"].min()
    # 7 days inside the two weeks forecast, 7 after them: half of the 300 units
    events.write_text(
        f"name,start,end,scope,target,units\nTrade fair,2026-12-02,2026-12-15,sku,{sku},300\n"
    )
    args = ["forecast", str(store["shopify_orders"]), "--horizon", "2w", "--level",
            "sku-location", "--events", str(events), "-o", str(target)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pl.read_csv(target, try_parse_dates=True)
    fixed = table.filter(pl.col("fixed"))
    assert fixed["sku"].unique().to_list() == [sku]
    assert fixed["location"].n_unique() > 1  # split over the SKU's locations
    assert str(fixed["day"].min()) == "2026-12-02" and str(fixed["day"].max()) == "2026-12-08"
    assert fixed["forecast"].sum() == pytest.approx(150.0, abs=0.01)
    assert (fixed["forecast"] == fixed["expected"]).all()
    assert set(fixed["events"]) == {"Trade fair"}
    assert "Trade fair" in result.stderr


def test_a_skus_fixed_units_leave_a_product_forecast_as_it_is(
    store: dict[str, Path], tmp_path: Path
) -> None:
    events = tmp_path / "events.csv"
    sku = read_table([store["shopify_orders"]], "order_lines")["sku"].min()
    events.write_text(
        f"name,start,end,scope,target,units\nFair,2026-11-26,2026-11-28,sku,{sku},99\n"
    )
    args = ["forecast", str(store["shopify_orders"]), "--products", str(store["shopify_products"]),
            "--level", "product", "--horizon", "1w", "--events", str(events),
            "-o", str(tmp_path / "f.csv")]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert not pl.read_csv(tmp_path / "f.csv")["fixed"].any()
    assert "event 'Fair' fixes a SKU's units, which a forecast per product leaves" in result.stderr


def test_a_year_sold_in_one_day_is_warned_about(spiked_retail: tuple[Path, Path, str]) -> None:
    orders, config, warning = spiked_retail
    out = orders.with_name("f.csv")
    args = ["forecast", str(orders), "--config", str(config), "--horizon", "1w", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert warning in " ".join(result.stderr.split())


def test_extra_models_are_checked_before_anything_is_read(tmp_path: Path) -> None:
    missing = str(tmp_path / "orders_export.csv")  # read first, it would be exit 66
    result = runner.invoke(app, ["forecast", missing, "--extra-models", "theta,prophet"])
    assert result.exit_code == 2, result.output
    assert "'prophet' is not one of theta, arima, mstl" in result.output


def test_evaluate_says_when_an_origin_asked_for_could_not_be_scored(
    write_file: Callable[..., Path], tmp_path: Path
) -> None:
    """The earliest cut-off of 5 one-week horizons over 50 days leaves 15 days to forecast from,
    not 21: it was skipped, and the table's title still said 5 origins."""
    config = Path(__file__).parents[2] / "examples" / "online_retail.yaml"
    rows = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"]
    for i in range(50):
        day = date(2011, 1, 1) + timedelta(days=i)
        rows += [f"{1000 + i},11111,MUG,{1 + i % 3},{day} 10:00:00,2.5,17850,United Kingdom"]
    orders = write_file("retail.csv", "\n".join(rows) + "\n")
    args = ["forecast", str(orders), "--config", str(config), "--evaluate", "--horizon", "1w"]
    asked = runner.invoke(app, [*args, "--origins", "5", "-f", "table"])
    assert asked.exit_code == 0, asked.output
    assert "backtest: 4 x 7 days" in asked.stdout
    assert (
        "warning: 4 of the 5 origins asked for were scored: no series has 21 days of history "
        "up to 2011-01-15 (3 horizons to forecast from)" in asked.stderr.replace("\n", " ")
    )
    every = runner.invoke(app, [*args, "--origins", "4", "-f", "table"])
    assert every.exit_code == 0, every.output
    assert "backtest: 4 x 7 days" in every.stdout and "origins asked for" not in every.stderr


def test_an_export_given_twice_is_counted_once(spiked_retail: tuple[Path, Path, str]) -> None:
    """`forecast a.csv a.csv` expected twice the units (a glob of overlapping exports)."""
    orders, config, _ = spiked_retail
    once, twice = orders.with_name("once.csv"), orders.with_name("twice.csv")
    base = ["forecast", "--config", str(config), "--horizon", "1w", "-o"]
    assert runner.invoke(app, [*base, str(once), str(orders)]).exit_code == 0
    result = runner.invoke(app, [*base, str(twice), str(orders), str(orders)])
    assert result.exit_code == 0, result.output
    assert_frame_equal(pl.read_csv(twice), pl.read_csv(once))
    assert f"warning: {orders}: 120 lines of 60 orders also in {orders}" in " ".join(
        result.stderr.split()
    )
