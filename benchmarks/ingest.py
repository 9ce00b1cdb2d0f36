"""How fast, and in how much memory, icebergops turns exports into canonical order lines.

Run ``python benchmarks/ingest.py`` (``--quick`` for a smoke run). Each measurement runs in a fresh
interpreter so that its peak RSS is its own; the best of three wall times is reported, with the
peak memory of that run. The Markdown table can be pasted into the README as is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "benchmarks" / ".cache"
RETAIL = Path("online_retail") / "online_retail_2010-12_2011-12.csv.gz"
RUNS = 3
CHUNK_LINES = 500_000
SKUS = 5_000
SEED = 20230531
HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,"
    "Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,"
    "Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,"
    "Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,"
    "Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,"
    "Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,"
    "Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,"
    "Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,"
    "Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,"
    "Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,"
    "Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References"
).split(",")
# Cells Shopify writes on every line of an order; all others only on its first line.
EVERY_LINE = {"Name", "Email", "Created at", "Vendor"} | {
    c for c in HEADER if c.startswith("Lineitem")
}

# The timed part runs after imports; ``table`` must hold the result.
SNIPPET = """
import json, resource, sys, time
from pathlib import Path
{imports}
path = Path(sys.argv[1])
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "rows": table.height, "peak_kib": peak}}))
"""
BASELINE = ("import polars", "table = polars.read_csv(path)")
CONFIGURED = (
    "from icebergops.config import load_config\nfrom icebergops.sources import read_table",
    'config = load_config(Path("examples/online_retail.yaml"))\n'
    'table = read_table([path], "order_lines", config=config)',
)
DEFAULT = ("from icebergops.sources import read_table", 'table = read_table([path], "order_lines")')


@dataclass(frozen=True)
class Run:
    seconds: float
    rows: int
    peak_mb: float


def measure(snippet: tuple[str, str], path: Path) -> Run:
    """Best wall time of ``RUNS`` fresh interpreters, with the peak RSS (MiB) of that run."""
    code = SNIPPET.format(imports=snippet[0], body=snippet[1])
    runs = []
    for _ in range(RUNS):
        done = subprocess.run(
            [sys.executable, "-c", code, str(path)], cwd=REPO, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip().splitlines()[-1])
        result = json.loads(done.stdout.strip().splitlines()[-1])
        runs.append(Run(result["seconds"], result["rows"], result["peak_kib"] / 1024))
    return min(runs, key=lambda run: run.seconds)


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")),
        "?",
    )
    meminfo = Path("/proc/meminfo").read_text().split()
    ram_gib = int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; RAM: {ram_gib:.1f} GiB",
        f"- Python {platform.python_version()}, polars {version('polars')}, "
        f"icebergops {version('icebergops')}, {platform.system()} {platform.release()}",
        f"- date: {date.today().isoformat()}",
    ]


def _money(cents: pl.Expr) -> pl.Expr:
    return pl.format("{}.{}", cents // 100, (cents % 100).cast(pl.String).str.zfill(2))


def _pick(rng: np.random.Generator, values: list[str], weights: list[float], n: int) -> pl.Series:
    p = np.asarray(weights) / sum(weights)
    return pl.Series(values)[rng.choice(len(values), n, p=p)]


def catalogue(rng: np.random.Generator) -> pl.DataFrame:
    """``SKUS`` variants: sku, name, price and vendor, with a long-tailed popularity."""
    colours, sizes = ["Black", "Blue", "Red", "Green", "Grey"], ["S", "M", "L", "XL"]
    families = ["Calming Blanket", "Pee Pads", "Nail Grinder", "Chew Toy", "Travel Bowl", "Harness"]
    rows = [(i, families[i % 6], colours[i // 6 % 5], sizes[i // 30 % 4]) for i in range(SKUS)]
    return pl.DataFrame(
        {
            "Lineitem sku": [f"{f[:4].upper()}-{c[:3].upper()}-{s}-{i:04d}" for i, f, c, s in rows],
            "Lineitem name": [f"{f} {i // 120 + 1} - {c} / {s}" for i, f, c, s in rows],
            "price_cents": rng.integers(499, 8999, SKUS),
            "Vendor": [("Alpha Paw", "Tailwind Pets", "Nordic Hound")[i % 3] for i, *_ in rows],
        }
    )


def orders_chunk(
    rng: np.random.Generator, first_order: int, lines: int, orders_total: int, skus: pl.DataFrame
) -> tuple[pl.DataFrame, int]:
    """``lines`` export lines starting at order ``first_order``; also returns the orders used."""
    sizes = rng.choice(4, int(lines / 1.2) + 100, p=[0.78, 0.15, 0.05, 0.02]) + 1
    n = int(np.searchsorted(np.cumsum(sizes), lines)) + 1
    order = np.repeat(np.arange(n), sizes[:n])[:lines]
    first = np.r_[True, order[1:] != order[:-1]]
    rank = 1.0 / (np.arange(SKUS) + 20.0) ** 1.1
    items = skus[rng.choice(SKUS, lines, p=rank / rank.sum())]
    quantity = rng.choice([1, 2, 3, 4, 6], lines, p=[0.7, 0.18, 0.07, 0.03, 0.02])
    subtotal = np.bincount(order, weights=quantity * items["price_cents"].to_numpy(), minlength=n)
    span = 2 * 365 * 86_400 / orders_total  # seconds between orders, on average
    created = 1_654_000_000 + (first_order + np.arange(n) + rng.random(n)) * span
    cancelled, refunded = rng.random(n) < 0.03, rng.random(n) < 0.02
    shipped = ~cancelled & (rng.random(n) < 0.95)
    states = _pick(
        rng, ["WI:Wisconsin", "NJ:New Jersey", "OK:Oklahoma", "CA:California"], [1] * 4, n
    )
    guarded = rng.random(n) < 0.7
    ids = first_order + np.arange(n)
    when = {  # offsets follow US daylight saving roughly: -0700 from March to October
        "created": created,
        "paid": created + rng.integers(0, 5, n),
        "fulfilled": np.where(shipped, created + rng.integers(3_600, 4 * 86_400, n), np.nan),
        "cancelled": np.where(cancelled, created + rng.integers(600, 3 * 86_400, n), np.nan),
    }
    stamps = {
        k: pl.from_epoch(pl.lit(pl.Series(v).cast(pl.Int64, strict=False)), time_unit="s")
        for k, v in when.items()
    }
    by_order = pl.DataFrame(
        {
            "order": np.arange(n),
            "sub": subtotal.astype(np.int64),
            "zip": rng.integers(501, 99_950, n),
        }
    ).with_columns(
        pl.format("#AP-{}", pl.lit(pl.Series(ids + 1001))).alias("Name"),
        pl.format(
            "cust_{}@example.invalid", pl.lit(pl.Series(rng.integers(0, n // 2 + 1, n)))
        ).alias("Email"),
        *(
            pl.concat_str(
                t.dt.strftime("%Y-%m-%d %H:%M:%S"),
                pl.when(t.dt.month().is_between(3, 10))
                .then(pl.lit(" -0700"))
                .otherwise(pl.lit(" -0800")),
            ).alias(f"{k.title()} at")
            for k, t in stamps.items()
        ),
        pl.Series(
            "Financial Status",
            np.where(cancelled, "voided", np.where(refunded, "refunded", "paid")),
        ),
        pl.Series("Fulfillment Status", np.where(shipped, "fulfilled", "unfulfilled")),
        _pick(rng, ["yes", "no"], [5, 1], n).alias("Accepts Marketing"),
        pl.lit("USD").alias("Currency"),
        _money(pl.col("sub")).alias("Subtotal"),
        _money((pl.col("sub") * 0.06).round().cast(pl.Int64)).alias("Taxes"),
        _money((pl.col("sub") * 1.06).round().cast(pl.Int64)).alias("Total"),
        pl.lit("0.00").alias("Shipping"),
        pl.lit("0.00").alias("Discount Amount"),
        _pick(rng, ["Shipping & Handling", "free"], [4, 1], n).alias("Shipping Method"),
        states.str.split(":").list.get(0).alias("Shipping Province"),
        states.str.split(":").list.get(1).alias("Shipping Province Name"),
        pl.lit("US").alias("Shipping Country"),
        pl.lit("REDACTED").alias("Shipping Name"),
        pl.when(pl.lit(pl.Series(guarded)))
        .then(pl.format("'{}", pl.col("zip").cast(pl.String).str.zfill(5)))
        .otherwise(pl.format("{}-1063", pl.col("zip").cast(pl.String).str.zfill(5)))
        .alias("Shipping Zip"),
        _pick(rng, ["Shopify Payments", "PayPal Express Checkout", "Stripe"], [6, 3, 1], n).alias(
            "Payment Method"
        ),
        pl.format("ref_{}", pl.lit(pl.Series(ids * 7919 % 10**10))).alias("Payment Reference"),
        pl.lit("0.00").alias("Refunded Amount"),
        pl.lit("0.00").alias("Outstanding Balance"),
        pl.Series("Id", ids + 5_090_000_000_000).cast(pl.String),
        _pick(
            rng, ["GrowLTV", "", "Subscription, Subscription Recurring Order"], [5, 4, 2], n
        ).alias("Tags"),
        pl.lit("Low").alias("Risk Level"),
        _pick(rng, ["web", "subscription_contract", "shopify_draft_order"], [6, 3, 1], n).alias(
            "Source"
        ),
        pl.lit("State Tax 6%").alias("Tax 1 Name"),
    )
    by_order = by_order.with_columns(
        *(pl.col(f"Shipping {c}").alias(f"Billing {c}") for c in ["Name", "Zip", "Province", "Country"]),
        pl.col("Shipping Province Name").alias("Billing Province Name"),
        pl.col("Taxes").alias("Tax 1 Value"),
        pl.col("Payment Reference").alias("Payment ID"),
        pl.col("Payment Reference").alias("Payment References"),
        pl.col("Tags").replace("", None),
        pl.when(pl.col("Fulfillment Status") == "fulfilled").then(pl.lit("fulfilled"))
        .otherwise(pl.lit("pending")).alias("Lineitem fulfillment status"),
    )  # fmt: skip
    frame = items.with_columns(
        pl.Series("order", order),
        pl.Series("first", first),
        pl.Series("Lineitem quantity", quantity).cast(pl.String),
        _money(pl.col("price_cents")).alias("Lineitem price"),
        pl.lit("true").alias("Lineitem requires shipping"),
        pl.lit("true").alias("Lineitem taxable"),
        pl.lit("0.00").alias("Lineitem discount"),
    ).join(by_order, on="order", how="left", maintain_order="left")
    return frame.select(_export_cell(c, frame.columns) for c in HEADER), n


def _export_cell(column: str, present: list[str]) -> pl.Expr:
    if column not in present:
        return pl.lit(None, pl.String).alias(column)
    return pl.col(column) if column in EVERY_LINE else pl.when("first").then(pl.col(column))


def synthetic_orders(lines: int) -> Path:
    """A Shopify orders export of ``lines`` lines, generated once in chunks (bounded memory)."""
    path = CACHE / f"shopify_orders_{lines}.csv"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    skus, orders, written = catalogue(rng), 0, 0
    partial = path.with_suffix(".part")
    with partial.open("wb") as handle:
        while written < lines:
            size = min(CHUNK_LINES, lines - written)
            frame, used = orders_chunk(rng, orders, size, int(lines / 1.3), skus)
            frame.write_csv(handle, include_header=written == 0)
            orders, written = orders + used, written + size
    partial.rename(path)
    return path


def row(name: str, path: Path, run: Run, goal: str, met: str) -> str:
    cells = [name, f"`{path.name}`", f"{run.rows:,}", f"{run.seconds:.2f}", f"{run.peak_mb:,.0f}"]
    return "| " + " | ".join([*cells, goal, met]) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--lines", type=int, default=5_000_000, help="synthetic Shopify export size"
    )
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true", help="a 200,000-line smoke run")
    args = parser.parse_args(argv)
    lines = 200_000 if args.quick else args.lines
    notes = machine()
    rows = [
        "| benchmark | input | rows | time (s) | peak RSS (MB) | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    retail = args.data / RETAIL
    if retail.exists():
        base, ours = measure(BASELINE, retail), measure(CONFIGURED, retail)
        ratio = ours.seconds / base.seconds
        rows.append(row("UCI Online Retail: `polars.read_csv` (baseline)", retail, base, "", ""))
        met = f"{'yes' if ratio <= 2.0 else 'MISSED'} ({ratio:.2f}×)"
        rows.append(
            row(
                "UCI Online Retail: `read_table` → order lines",
                retail,
                ours,
                "≤ 2.0× baseline",
                met,
            )
        )
    else:
        notes.append(f"- UCI Online Retail skipped: {retail} not found")
    path = synthetic_orders(lines)
    notes.append(
        f"- synthetic Shopify export: {lines:,} lines, {path.stat().st_size / 1024**2:,.0f} MB"
    )
    run = measure(DEFAULT, path)
    missed = [
        what
        for what, ok in (("time", run.seconds < 15), ("memory", run.peak_mb < 3 * 1024))
        if not ok
    ]
    met = f"MISSED ({', '.join(missed)})" if missed else "yes"
    rows.append(row("Shopify orders (synthetic): `read_table`", path, run, "< 15 s, < 3 GB", met))
    print("\n".join(["## Ingest benchmark", "", *notes, "", *rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
