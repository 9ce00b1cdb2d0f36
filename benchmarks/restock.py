"""How fast icebergops plans a restock: 100,000 synthetic SKUs through the inventory core.

Run ``python benchmarks/restock.py`` (``--skus N`` to change the size). Times are the best of
three runs of each step, in one process (the steps are pure functions of in-memory frames);
a Markdown table with the machine's details is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from collections.abc import Callable
from datetime import date
from importlib.metadata import version

import polars as pl

from icebergops.inventory.budget import fit_budget
from icebergops.inventory.policy import plan_restock

RUNS = 3


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


def best_of(step: Callable[[], pl.DataFrame]) -> tuple[float, pl.DataFrame]:
    times, result = [], pl.DataFrame()
    for _ in range(RUNS):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=100_000)
    skus = parser.parse_args(argv).skus
    demand, stock, supply = synthetic(skus)
    today = date(2026, 3, 2)
    plan_s, plan = best_of(lambda: plan_restock(demand, stock, supply, today=today))
    total = float(plan.get_column("order_value").sum())
    budget_s, cut = best_of(lambda: fit_budget(plan, budget=total / 2))
    ordered = int((plan.get_column("order_quantity") > 0).sum())
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, polars {version('polars')}"
    )
    print("\n| step | SKUs | ordering | time (s) |\n|---|---:|---:|---:|")
    print(f"| plan_restock | {skus:,} | {ordered:,} | {plan_s:.2f} |")
    print(f"| fit_budget (half the order value) | {skus:,} | {ordered:,} | {budget_s:.2f} |")
    print(f"| total | | | {plan_s + budget_s:.2f} |")
    assert cut.get_column("order_value").sum() <= total / 2 + 1e-6
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
