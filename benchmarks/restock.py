"""How fast icebergops plans a restock and backtests its policy, against the restock issue's goals.

Run ``PYTHONPATH=src python benchmarks/restock.py`` (``--skus N`` for the restock size,
``--backtest-skus N`` for the backtest, ``--quick`` for a smoke run). Each measurement runs in a
fresh interpreter: it builds its synthetic inputs (not timed), resets the process's peak-memory
mark, then times the step (best of three; one run for the whole backtest). Peak RSS is the
child's VmHWM from that reset on, so it counts the inputs held in memory plus what the step
adds, not the generation. A Markdown table with the machine's details is printed.

The whole backtest is what ``icebergops backtest --days 365`` does after reading its files:
``policy_levels`` (a forecast with model selection and a restock plan per policy at every
origin, each from the history before it) and ``compare_policies`` (the day-by-day replay), on a
synthetic store of order lines whose titles name products with sizes, as a Shopify export's do.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import math
import random
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from icebergops.cli.pipeline import Tables, policy_levels
from icebergops.demand.classify import demand_classes
from icebergops.demand.forecast import FIT_DAYS, REGULAR
from icebergops.inventory.backtest import compare_policies
from icebergops.inventory.budget import fit_budget
from icebergops.inventory.inputs import supplier_for_skus
from icebergops.inventory.leadtime import learn_lead_times
from icebergops.inventory.policy import plan_restock
from icebergops.inventory.restock import RestockSettings, restock_plan
from icebergops.inventory.simulation import SellerRule
from icebergops.schema import ORDER_LINES, SUPPLIERS, conform
from ingest import machine
from synthetic_series import START, demand_series

RUNS = 3
YEAR = 365  # days of history given to the restock plan, and days scored by the backtest
HORIZON = 42  # days of forecast given to the restock plan, and re-forecast by the backtest
REVIEW = 7
EVERY = 28  # days between the backtest's re-forecasts (`icebergops backtest --every`)
SWEEP = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98)  # `icebergops backtest --service-levels`' default
COLUMNS = ["benchmark", "input", "time (s)", "peak RSS (MB)", "goal", "met"]
Step = Callable[[], object]


def synthetic(skus: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Demand, stock and supply frames: a long tail of slow sellers, packs of 1 to 48."""
    rng = random.Random(seed)
    names = [f"SKU-{i:06d}" for i in range(skus)]
    rate = [rng.paretovariate(1.2) - 1 for _ in names]
    demand = pl.DataFrame(
        {
            "sku": names,
            "demand_per_day": rate,
            "demand_std_per_day": [r**0.5 + 0.1 * r for r in rate],
            "price": [rng.uniform(5, 120) for _ in names],
        }
    )
    stock = pl.DataFrame(
        {
            "sku": names,
            "on_hand": [int(r * rng.uniform(0, 60)) - rng.randint(0, 2) for r in rate],
            "committed": [rng.randint(0, 3) for _ in names],
            "incoming": [rng.choice([0, 0, 0, 24, 48]) for _ in names],
        }
    )
    supply = pl.DataFrame(
        {
            "sku": names,
            "supplier": [f"supplier-{rng.randint(1, 40)}" for _ in names],
            "unit_cost": [rng.uniform(1, 60) for _ in names],
            "case_pack": [rng.choice([1, 1, 6, 12, 24, 48]) for _ in names],
            "moq": [rng.choice([0, 0, 10, 50, 100]) for _ in names],
            "min_order_value": [500.0] * skus,
            "lead_time_days": [rng.uniform(3, 60) for _ in names],
            "lead_time_std_days": [rng.uniform(0, 10) for _ in names],
        }
    )
    return demand, stock, supply


def history(skus: int, days: int, seed: int = 7) -> pl.DataFrame:
    """``sku, day, units`` from ``synthetic_series`` (70 % intermittent); a fifth of the SKUs
    launch during the period and are zero-filled from their first day only."""
    rng = np.random.default_rng(seed)
    first = np.where(rng.random(skus) < 0.2, rng.integers(0, days - 30, skus), 0)
    kept = (np.arange(days)[None, :] >= first[:, None]).ravel()
    return demand_series(skus, days=days, seed=seed).filter(pl.Series(kept))


def forecast(past: pl.DataFrame, today: date) -> pl.DataFrame:
    """A flat ``HORIZON``-day forecast at each SKU's last-28-day mean, with √level bands and the
    demand class of ``demand_classes`` (the forecast command's columns, not its models)."""
    recent = past.filter(pl.col("day") > today - timedelta(days=28)).group_by("sku")
    level = recent.agg(pl.col("units").mean().cast(pl.Float64).alias("forecast"))
    regular = pl.col("demand_class").is_in(REGULAR)
    q80 = 1.2816 * (pl.col("forecast").sqrt() + 0.1)
    per_sku = (
        demand_classes(past)
        .select("sku", "demand_class")
        .join(level, on="sku", how="left")
        .with_columns(pl.col("forecast").fill_null(0.0), q80.alias("_q80"))
        .with_columns(
            pl.when(regular).then(pl.lit("AutoETS + SeasonalNaive + WindowAverage"))
            .otherwise(pl.lit("CrostonSBA + TSB + ADIDA")).alias("model")
        )
    )  # fmt: skip
    days = pl.DataFrame({"day": pl.date_range(today + timedelta(1), today + timedelta(HORIZON),
                                              eager=True)})  # fmt: skip
    point, q95 = pl.col("forecast"), pl.col("_q80") * 1.96 / 1.2816
    return per_sku.join(days, how="cross").select(
        "sku", "day", point,
        (point - pl.col("_q80")).clip(lower_bound=0).alias("lo_80"),
        (point + pl.col("_q80")).alias("hi_80"),
        (point - q95).clip(lower_bound=0).alias("lo_95"), (point + q95).alias("hi_95"),
        "model", pl.lit("per SKU").alias("method"), "demand_class",
    )  # fmt: skip


def supply(skus: pl.Series, rng: np.random.Generator, today: date) -> pl.DataFrame:
    """As ``supplier_for_skus`` returns it: 40 suppliers with default rows and learned lead
    times, own rows for 95 % of the SKUs (the rest are "(unknown supplier)")."""
    n, names = len(skus), [f"supplier-{i:02d}" for i in range(40)]
    usual = rng.uniform(5, 45, 40)
    defaults = pl.DataFrame({"supplier": names, "lead_time_days": usual, "min_order_value": 500.0})
    own = pl.DataFrame(
        {
            "supplier": np.array(names)[rng.integers(0, 40, n)],
            "sku": skus,
            "unit_cost": rng.uniform(1, 60, n),
            "case_pack": rng.choice([1, 1, 6, 12, 24, 48], n),
            "moq": rng.choice([0, 0, 10, 50, 100], n),
            "lead_time_days": np.where(rng.random(n) < 0.4, rng.uniform(3, 60, n), np.nan),
        }
    ).filter(pl.Series(rng.random(n) < 0.95))
    suppliers = conform(
        pl.concat([defaults, own.fill_nan(None)], how="diagonal_relaxed"), SUPPLIERS
    )
    days = pl.duration(days=pl.col("_days"))
    po = pl.DataFrame(
        {
            "po_number": [str(i) for i in range(150)],
            "supplier": np.repeat(names[:30], 5),
            "ordered_date": [today - timedelta(days=int(d)) for d in rng.integers(60, 300, 150)],
            "_usual": np.repeat(usual[:30], 5).round(),
            "_days": (np.repeat(usual[:30], 5) + rng.normal(0, 3, 150)).round().clip(1),
        }
    ).with_columns(
        (pl.col("ordered_date") + pl.duration(days=pl.col("_usual"))).alias("expected_date"),
        (pl.col("ordered_date") + days).alias("received_date"),
    )
    return supplier_for_skus(skus, suppliers, learn_lead_times(po))


def restock_inputs(skus: int, seed: int = 7) -> dict[str, Any]:
    """Every keyword of ``restock_plan`` for ``skus`` SKUs: a year of history, a 42-day forecast."""
    rng = np.random.default_rng(seed)
    past = history(skus, YEAR, seed)
    today = START + timedelta(days=YEAR - 1)
    sold = past.group_by("sku", maintain_order=True).agg(pl.col("units").sum())
    price = pl.Series("price", rng.uniform(5, 120, sold.height))
    prices = sold.with_columns(price, (price * pl.col("units")).alias("revenue"))
    predicted = forecast(past, today)
    level = predicted.group_by("sku", maintain_order=True).agg(pl.col("forecast").first())
    stock = pl.DataFrame(
        {
            "sku": level["sku"],
            "on_hand": (level["forecast"].to_numpy() * rng.uniform(0, 60, level.height)).astype(int)
            - rng.integers(0, 3, level.height),
            "committed": rng.integers(0, 4, level.height),
            "incoming": rng.choice([0, 0, 0, 24, 48], level.height),
        }
    )
    titles = sold.select("sku", pl.format("Product {}", pl.col("sku")).alias("title"))
    return {"history": past, "forecast": predicted, "prices": prices, "stock": stock,
            "supply": supply(sold["sku"], rng, today), "titles": titles, "today": today}  # fmt: skip


def backtest_inputs(skus: int, seed: int = 11) -> dict[str, Any]:
    """``compare_policies``' inputs: ``YEAR`` scored days after a burn-in (longest lead time +
    review), with ``FIT_DAYS`` and two validation horizons before (a horizon is the burn-in:
    the backtest forecasts the longest lead time + review), so every re-forecast fits a full
    window; order-up-to levels of two policies at each origin, ``EVERY`` days apart."""
    rng = np.random.default_rng(seed)
    lead = rng.uniform(3, 45, skus)
    burn_in = math.ceil(lead.max()) + REVIEW
    before = FIT_DAYS + 2 * burn_in
    past = history(skus, before + burn_in + YEAR, seed)
    start, last = (
        START + timedelta(days=before),
        START + timedelta(days=before + burn_in + YEAR - 1),
    )
    names = past["sku"].unique(maintain_order=True)
    terms = pl.DataFrame({"sku": names, "lead_time_days": lead, "unit_cost": rng.uniform(1, 60, skus),
                          "case_pack": rng.choice([1, 1, 6, 12], skus), "moq": rng.choice([0, 0, 10], skus),
                          "price": rng.uniform(5, 120, skus)})  # fmt: skip
    origins = [start + timedelta(days=d) for d in range(0, (last - start).days + 1, EVERY)]
    cover = pl.col("lead_time_days") + REVIEW
    levels = []
    for origin in origins:
        window = past.filter(pl.col("day").is_between(origin - timedelta(days=91), origin, "left"))
        rates = window.group_by("sku").agg(pl.col("units").mean().alias("d"),
                                           pl.col("units").std().alias("s")).join(terms, on="sku")  # fmt: skip
        for policy, z in (("icebergops 90%", 1.2816), ("icebergops (as configured)", 1.6449)):
            level = pl.col("d") * cover + z * pl.col("s") * cover.sqrt()
            levels.append(rates.select(pl.lit(policy).alias("policy"), pl.lit(origin).alias("origin"),
                                       "sku", level.alias("order_up_to")))  # fmt: skip
    return {"history": past, "terms": terms, "levels": pl.concat(levels), "start": start,
            "burn_in": burn_in, "origins": len(origins), "before": past.filter(pl.col("day") < start)}  # fmt: skip


def steps(name: str, size: int) -> tuple[Step, dict[str, Any]]:
    """The step to time and facts about its input; everything here is set-up, not timed."""
    if name in ("plan_restock", "fit_budget"):
        demand, stock, terms = synthetic(size)
        plan = plan_restock(demand, stock, terms, today=date(2026, 3, 2))
        total = float(plan["order_value"].sum())
        ordering = int((plan["order_quantity"] > 0).sum())
        if name == "fit_budget":
            return lambda: fit_budget(plan, budget=total / 2), {"ordering": ordering}
        return lambda: plan_restock(demand, stock, terms, today=date(2026, 3, 2)), {}
    if name == "restock_plan":
        given = restock_inputs(size)
        rows = {key: value.height for key, value in given.items() if key != "today"}
        return lambda: restock_plan(**given, settings=RestockSettings()), rows
    bt = backtest_inputs(size)
    facts = {"origins": bt["origins"], "burn_in": bt["burn_in"], "rows": bt["history"].height}
    if name == "compare_policies":
        given = {key: bt[key] for key in ("history", "terms", "levels")}
        start, burn_in = bt["start"], bt["burn_in"]
        return lambda: compare_policies(
            **given, start=start, review_days=REVIEW, rule=SellerRule(), burn_in=burn_in
        ), facts
    tables, start, burn_in = store(bt)
    settings = RestockSettings(review_days=REVIEW)
    importlib.import_module("statsforecast.models")  # imported before the clock starts

    def whole() -> object:
        levels, past, terms = policy_levels(
            tables, settings=settings, start=start, every_days=EVERY, service_levels=SWEEP
        )
        return compare_policies(past, terms, levels, start=start, review_days=REVIEW,
                                rule=SellerRule(), burn_in=burn_in)  # fmt: skip

    facts |= {"skus": tables.lines["sku"].n_unique(), "lines": tables.lines.height}
    return whole, facts


def store(bt: dict[str, Any]) -> tuple[Tables, date, int]:
    """``backtest_inputs``' history as a store's order lines (one order per SKU and day it
    sells), half the titles naming a product and a size, as the policy backtest reads them;
    suppliers with the inputs' lead times, case packs and MOQs; no stock file."""
    past = bt["history"].filter(pl.col("units") > 0)
    number = pl.col("sku").str.slice(4).cast(pl.Int64)
    product = pl.format("Style {} - Size {}", number // 8, number % 8)
    lines = past.select(
        pl.format("#{}-{}", pl.col("sku"), pl.col("day")).alias("order_id"),
        pl.col("day").alias("order_date"), pl.lit("shopify").alias("channel"), "sku",
        pl.when(number % 2 == 0).then(product).otherwise(pl.format("Item {}", number)).alias("title"),
        pl.col("units").alias("quantity"), pl.lit("fulfilled").alias("status"),
        pl.lit("merchant").alias("fulfilment"), pl.lit(False).alias("is_test"),
    ).join(bt["terms"].select("sku", pl.col("price").alias("unit_price")), on="sku")  # fmt: skip
    terms = bt["terms"].select("sku", "unit_cost", "lead_time_days", "case_pack", "moq")
    suppliers = conform(terms.with_columns(pl.lit("supplier-1").alias("supplier")), SUPPLIERS)
    stock = pl.DataFrame(schema={"sku": pl.String, "on_hand": pl.Int64, "committed": pl.Int64,
                                 "incoming": pl.Int64})  # fmt: skip
    tables = Tables(conform(lines, ORDER_LINES), stock, None, None, suppliers, None, None)
    return tables, bt["start"], bt["burn_in"]


def status_kib(field: str) -> int:
    """A field of /proc/self/status in KiB (VmHWM: the peak RSS, VmRSS: the RSS now)."""
    lines = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in lines if line.startswith(f"{field}:"))


def child(name: str, size: int) -> None:
    """Run in a fresh interpreter: set up, reset the peak mark, time, print JSON."""
    step, facts = steps(name, size)
    gc.collect()
    inputs_kib = status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM restarts at the RSS now (Linux ≥ 4.0)
    times = []
    for _ in range(1 if name == "backtest" else RUNS):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    peak = status_kib("VmHWM")
    print(json.dumps({"times": times, "peak_kib": peak, "inputs_kib": inputs_kib, **facts}))


def measure(name: str, size: int) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--measure", name, "--size", str(size)]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def row(name: str, given: str, run: dict[str, Any], goal: float | None = None) -> str:
    best, mb = min(run["times"]), run["peak_kib"] / 1024
    met = "" if goal is None else "yes" if best < goal else "MISSED"
    limit = "" if goal is None else f"< {goal:g} s"
    return f"| {name} | {given} | {best:.2f} | {mb:,.0f} | {limit} | {met} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--skus", type=int, default=100_000, help="SKUs in the restock plan")
    parser.add_argument("--backtest-skus", type=int, default=5_000)
    parser.add_argument("--quick", action="store_true", help="2,000 and 200 SKUs: a smoke run")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        child(args.measure, args.size)
        return 0
    skus, bt_skus = (2_000, 200) if args.quick else (args.skus, args.backtest_skus)
    plan, budget = measure("plan_restock", skus), measure("fit_budget", skus)
    full, replay = measure("restock_plan", skus), measure("compare_policies", bt_skus)
    whole = measure("backtest", bt_skus)
    rows = [
        f"| {' | '.join(COLUMNS)} |", "|---" * len(COLUMNS) + "|",
        row("`plan_restock`", f"{skus:,} SKUs (demand rates given)", plan),
        row("`fit_budget` (half the order value)", f"{budget['ordering']:,} SKUs ordering", budget),
        row("`restock_plan`, forecasts given", f"{skus:,} SKUs, {full['history']:,} history rows, "
            f"{full['forecast']:,} forecast rows", full, 5),
        row("`compare_policies` (2 policies + current rule)", f"{bt_skus:,} SKUs × {YEAR} scored "
            f"days (+{replay['burn_in']} burn-in), {replay['origins']} origins", replay),
        row("whole backtest: `policy_levels` (forecast + 7 restock plans per origin) + "
            "`compare_policies`", f"{whole['skus']:,} SKUs, {whole['lines']:,} order lines, "
            f"{whole['origins']} origins", whole, 60),
    ]  # fmt: skip
    notes = [
        *machine(),
        "- times are the best of 3, the whole backtest runs once (statsforecast imported first)",
        f"- times of the runs (s): restock_plan {', '.join(f'{t:.2f}' for t in full['times'])}; "
        f"compare_policies {', '.join(f'{t:.2f}' for t in replay['times'])}",
        f"- peak RSS includes the inputs held: {full['inputs_kib'] / 1024:,.0f} MB for "
        f"restock_plan, {replay['inputs_kib'] / 1024:,.0f} MB for compare_policies",
        f"- the whole backtest replays {len(SWEEP)} flat service levels besides the configured "
        "policy, as `icebergops backtest` does by default; statsforecast uses both cores",
        f"- origins every {EVERY} days from the first burn-in day, as `policy_levels` places them: "
        f"{replay['origins']} for {YEAR} + {replay['burn_in']} days (13 would cover the year only)",
    ]
    print("\n".join(["## Restock benchmark", "", *notes, "", *rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
