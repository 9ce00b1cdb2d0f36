"""How fast, and in how much memory, icebergops forecasts demand (and backtests it).

Run ``python benchmarks/forecast.py`` (``--quick`` for a 2,000-series smoke run). Each
measurement runs once in a fresh interpreter so that its peak RSS is its own; loading the input
is not timed. Synthetic runs above 2,000 series are first timed on 2,000 series and extrapolated
linearly; the full run happens only when that estimate is under 15 minutes. The Markdown table
can be pasted into the README as is.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from math import isnan
from pathlib import Path

from ingest import CACHE, PEAK, REPO, RETAIL, machine
from synthetic_series import DAYS

PROBE = 2_000  # series timed first, to extrapolate from
FULL_RUN_LIMIT = 15 * 60  # seconds: longer estimates are reported, not run
GOAL_SECONDS = 300
COLUMNS = ["benchmark", "input", "series", "time (s)", "peak RSS (MB)", "goal", "met"]

# Setup (reading the input) is not timed; the body must leave a DataFrame in ``result``.
SNIPPET = """
import json, resource, sys, time
from pathlib import Path
import polars as pl
{imports}
path = Path(sys.argv[1])
ready = time.perf_counter()
{setup}
setup = time.perf_counter() - ready
start = time.perf_counter()
{body}
seconds = time.perf_counter() - start
{peak}
accuracy = ["model", "wape_horizon", "rmsse"]
print(json.dumps({{
    "seconds": seconds, "setup": setup, "peak_kib": peak, "series": history["sku"].n_unique(),
    "days": history["day"].n_unique(),
    "accuracy": result.select(accuracy).rows() if "wape_horizon" in result.columns else [],
}}))
"""
GENERATE = """
import sys, synthetic_series
synthetic_series.demand_series(int(sys.argv[1])).write_parquet(sys.argv[2])
"""
SYNTHETIC = "history = pl.read_parquet(path)"
RETAIL_SETUP = """
from icebergops.config import load_config
from icebergops.sources import read_table
from icebergops.demand.history import daily_demand
config = load_config(Path("examples/online_retail.yaml"))
lines = read_table([path], "order_lines", config=config)
history = daily_demand(lines)
"""
FORECAST = (
    "from icebergops.demand.forecast import forecast_demand",
    "result = forecast_demand(history, horizon=28)",
)
AUTOETS = (
    "from icebergops.demand.forecast import baseline_forecasts\n"
    "from icebergops.demand.evaluate import BASELINES",
    "result = baseline_forecasts(history, horizon=28, names=BASELINES)",
)
# The whole command, as a seller runs it: imports, reading, three origins of four weeks with every
# baseline (AutoETS on every SKU among them) and the report written as JSON.
COMMAND = """
import json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from icebergops.cli.app import app
try:
    app(sys.argv[1:], prog_name="icebergops")
    code = 0
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else 1
seconds = time.perf_counter() - start
{peak}
print(json.dumps({{"seconds": seconds, "peak_kib": peak, "code": code}}))
"""
EVALUATE_FLAGS = ["--config", "examples/online_retail.yaml", "--evaluate", "--horizon", "4w"]


@dataclass(frozen=True)
class Run:
    seconds: float
    series: int
    peak_mb: float
    setup: float = 0.0
    days: int = 0
    accuracy: list[list[object]] = field(default_factory=list)
    error: str = ""  # the last line of the traceback when the snippet failed


def measure(snippet: tuple[str, str], path: Path, setup: str = SYNTHETIC) -> Run:
    """Wall time of the body in a fresh interpreter, with that interpreter's peak RSS (MiB)."""
    code = SNIPPET.format(imports=snippet[0], setup=setup, body=snippet[1], peak=PEAK)
    argv = [sys.executable, "-c", code, str(path.resolve())]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip() or "?").splitlines()[-1]
        return Run(float("nan"), 0, float("nan"), error=last)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    peak_mb = result.pop("peak_kib") / 1024
    return Run(peak_mb=peak_mb, **result)


def measure_command(path: Path, flags: list[str], report: Path) -> Run:
    """Wall time and peak RSS of ``icebergops forecast PATH FLAGS`` in a fresh interpreter, from
    its first import to its exit; the accuracy table comes from the JSON report it writes."""
    code = COMMAND.format(peak=PEAK)
    command = ["forecast", str(path.resolve()), *flags, "--format", "json", "--output", str(report)]
    done = subprocess.run([sys.executable, "-c", code, *command], cwd=REPO, capture_output=True)
    printed = done.stdout.decode().strip().splitlines()
    result = json.loads(printed[-1]) if printed and printed[-1].startswith("{") else {}
    if done.returncode != 0 or result.get("code"):
        last = (done.stderr.decode().strip() or "?").splitlines()[-1]
        return Run(float("nan"), 0, float("nan"), error=last)
    table = json.loads(report.read_text())
    series = max((int(r["series"]) for r in table), default=0)
    accuracy = [[r["model"], r["wape_horizon"], r["rmsse"]] for r in table]
    return Run(result["seconds"], series, result["peak_kib"] / 1024, accuracy=accuracy)


def row(name: str, source: str, run: Run, goal: str = "", shown: str = "", **met: bool) -> str:
    """A table row; ``shown`` replaces the measured time (an extrapolation has no memory)."""
    missed = [what for what, ok in met.items() if not ok]
    verdict = f"MISSED ({', '.join(missed)})" if missed else "yes" if met else ""
    verdict = f"MISSED (failed: {run.error})" if run.error else verdict
    memory = "—" if shown else f"{run.peak_mb:,.0f}"
    cells = [name, source, f"{run.series:,}", shown or f"{run.seconds:.1f}", memory]
    return "| " + " | ".join([*cells, goal, verdict]) + " |"


def synthetic(series: int) -> Path:
    """The cached parquet file of ``series`` synthetic series (generated once, fixed seed)."""
    path = CACHE / f"demand_{series}x{DAYS}.parquet"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        # In a child process: on Linux a child's ru_maxrss starts at its parent's peak (vfork and
        # execve keep it), so this driver must never hold the frame itself.
        argv = [sys.executable, "-c", GENERATE, str(series), str(path)]
        subprocess.run(argv, cwd=Path(__file__).parent, check=True)
    return path


def at_scale(name: str, snippet: tuple[str, str], series: int, notes: list[str]) -> list[str]:
    """Rows for ``snippet`` on ``series`` synthetic series, extrapolated from ``PROBE`` series
    when there are more than that and the estimate exceeds ``FULL_RUN_LIMIT``."""
    goal = f"< {GOAL_SECONDS} s"
    rows, path = [], synthetic(series)
    source = f"`{path.name}`"
    if series > PROBE:
        probe_path = synthetic(PROBE)
        probe = measure(snippet, probe_path)
        rows.append(row(f"{name} (probe)", f"`{probe_path.name}`", probe))
        estimate = probe.seconds * series / PROBE
        notes.append(
            f"- {name}: {PROBE:,} series took {probe.seconds:,.0f} s; {series:,} series "
            f"extrapolate linearly to {estimate:,.0f} s ({estimate / 60:,.0f} min)"
            + ("" if estimate < FULL_RUN_LIMIT else ", over 15 min: not run")
        )
        if probe.error or estimate >= FULL_RUN_LIMIT:
            extrapolated = Run(estimate, series, float("nan"), error=probe.error)
            label = f"{estimate:,.0f} (extrapolated from {PROBE:,} series)"
            rows.append(row(name, source, extrapolated, goal, label, time=False))
            return rows
    run = measure(snippet, path)
    rows.append(row(name, source, run, goal, time=run.seconds < GOAL_SECONDS))
    return rows


def retail_rows(data: Path, notes: list[str]) -> tuple[list[str], list[str]]:
    """Timing rows and the accuracy table for UCI Online Retail (empty when it is absent)."""
    path = data / RETAIL
    if not path.exists():
        notes.append(f"- UCI Online Retail skipped: {path} not found")
        return [], []
    source = f"`{path.name}`"
    CACHE.mkdir(parents=True, exist_ok=True)
    report = CACHE / "online_retail_evaluate.json"
    command = measure_command(path, EVALUATE_FLAGS, report)
    ours = measure(FORECAST, path, RETAIL_SETUP)
    autoets = measure(AUTOETS, path, RETAIL_SETUP)
    notes.append(
        f"- UCI Online Retail: {ours.series:,} SKUs over {ours.days} days; reading it and "
        f"`daily_demand` took {ours.setup:.1f} s (in the command's time, not in the two others)"
    )
    if not (isnan(ours.seconds) or isnan(autoets.seconds)):
        notes.append(
            f"- UCI Online Retail: `forecast_demand` (model selection) took "
            f"{ours.seconds / autoets.seconds:.0%} of the time of AutoETS on every series"
        )
    flags = " ".join(EVALUATE_FLAGS)
    rows = [
        row(f"UCI Online Retail: `icebergops forecast {flags}` (whole command)", source, command),
        row("UCI Online Retail: `forecast_demand`", source, ours),
        row("UCI Online Retail: `baseline_forecasts` (AutoETS on every series)", source, autoets),
    ]
    accuracy = [
        f"UCI Online Retail, `--evaluate` ({command.series:,} SKUs scored, three 4-week horizons; "
        "WAPE on each SKU's horizon total, RMSSE day by day):",
        "",
        "| model | wape_horizon | rmsse |",
        "|---|---|---|",
        *(f"| {model} | {wape:.3f} | {rmsse:.3f} |" for model, wape, rmsse in command.accuracy),
    ]
    return rows, accuracy if command.accuracy else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--series", type=int, default=30_000, help="synthetic series")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true", help=f"a {PROBE:,}-series smoke run")
    args = parser.parse_args(argv)
    series = PROBE if args.quick else args.series
    notes = [
        *machine(),
        f"- statsforecast {version('statsforecast')}, numpy {version('numpy')}; "
        "icebergops runs statsforecast on every core (`n_jobs=-1`) from 200 series up",
        f"- synthetic M5-like demand: {series:,} series × {DAYS} days, 70 % intermittent "
        "(a third of them lumpy), 30 % smooth with weekly and yearly seasons",
        "- `baseline_forecasts` fits Naive, SeasonalNaive(7), WindowAverage(28) and AutoETS(7) "
        "on every series, once (no cross-validation)",
        "- peak RSS is the measured interpreter's own: statsforecast's worker processes are not in it",
    ]
    rows = [f"| {' | '.join(COLUMNS)} |", "|---" * len(COLUMNS) + "|"]
    rows += at_scale("synthetic: `forecast_demand`", FORECAST, series, notes)
    autoets = "synthetic: `baseline_forecasts` (AutoETS on every series)"
    rows += at_scale(autoets, AUTOETS, series, notes)
    retail, accuracy = retail_rows(args.data, notes)
    rows += retail
    print("\n".join(["## Forecast benchmark", "", *notes, "", *rows]))
    if accuracy:
        print("\n".join(["", *accuracy]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
