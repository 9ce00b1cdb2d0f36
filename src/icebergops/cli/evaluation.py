"""``forecast --evaluate``: the backtest's table, the scores per series and the lines under them."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
from rich.console import Console

from icebergops.cli.progress import stages
from icebergops.demand.calendar import Frequency
from icebergops.demand.engines import Engine
from icebergops.demand.evaluate import (
    accuracy_table,
    backtest,
    backtest_errors,
    cutoffs,
    method_names,
    readable_scores,
    series_scores,
)
from icebergops.demand.resample import DRAWS, HIGH, LOW
from icebergops.demand.series import NOUNS, LevelHistory, counted_series, with_level_columns
from icebergops.outputs import format_for, write_table

SURE = 0.95  # a lead kept in this share of the draws counts as one other weeks would show too
GAINS = ("wape_gain_lo", "wape_gain_hi")  # in files; on a terminal the gain line says them


def report_backtest(
    levels: LevelHistory,
    period: Frequency,
    periods: int,
    origins: int,
    outputs: tuple[Path | None, str | None, Path | None],  # output, its format, the scores file
    err: Console,
    engine: Engine,
    extra_models: tuple[str, ...] = (),
) -> None:
    output, fmt, scores = outputs
    with stages(err) as progress:
        results = backtest(
            levels.history,
            horizon=periods,
            origins=origins,
            products=levels.products,
            key=levels.key,
            freq=period,
            progress=progress,
            engine=engine,
            extra_models=extra_models,
        )
    errors = backtest_errors(results, levels.history, key=levels.key, freq=period)
    table = accuracy_table(errors)
    if scores is not None:  # the file first: if it cannot be written, no table was printed
        each = series_scores(errors)
        ordered = with_level_columns(each, levels).sort(  # most sold first, as series_scores has it
            ["units_sold", *levels.columns, "model"],
            descending=[True, *[False] * len(levels.columns), False],
        )
        write_table(readable_scores(ordered), scores, None)
    terminal = format_for(output, fmt, stdout_is_tty=sys.stdout.isatty()) == "table"
    shown = table.drop(GAINS) if terminal else table
    scored = results["cutoff"].n_unique()  # origins without a series long enough are skipped
    write_table(shown, output, fmt, title=f"backtest: {scored} x {periods} {period.name}s")
    if scores is not None:
        err.print(
            f"scores of {counted_series(each[levels.key].n_unique(), levels.level)} in {scores}"
        )
    if scored < origins:
        err.print(_skipped_line(levels, results, period, periods, origins))
    _print_verdict(table, method_names(period, levels.key), NOUNS[levels.level], scored, err)


def _skipped_line(
    levels: LevelHistory, results: pl.DataFrame, period: Frequency, periods: int, origins: int
) -> str:
    """The warning that fewer origins were scored than --origins asked for, and why."""
    done = set(results["cutoff"].to_list())
    skipped = [c for c in cutoffs(levels.history, periods, origins, period) if c not in done]
    scored = origins - len(skipped)
    days = ", ".join(str(c) for c in skipped)
    return (
        f"warning: {scored} of the {origins} origins asked for {'was' if scored == 1 else 'were'} "
        f"scored: no series has {3 * periods} {period.name}s of history up to {days} "
        "(3 horizons to forecast from)"
    )


def _print_verdict(
    table: pl.DataFrame, names: dict[str, str], noun: str, origins: int, err: Console
) -> None:
    """The gain line, with the gain's interval, and the line on how sure each lead is."""
    rows = {row["model"]: row for row in table.iter_rows(named=True)}
    average = rows[names["WindowAverage"]]
    line = gain_line(rows[names["chosen"]]["wape_horizon"], average["wape_horizon"], names, origins)
    if average["wape_gain_lo"] is not None and average["wape_gain_hi"] is not None:
        line += "; " + gain_range(average["wape_gain_lo"], average["wape_gain_hi"], noun)
    err.print(line)
    if lead := lead_line(table, names["chosen"], noun):
        err.print(lead)


def gain_line(
    ours: float | None, average: float | None, names: dict[str, str], origins: int
) -> str:
    """The line that says how much lower the chosen forecasts' WAPE is than the trailing
    average's; WAPE is per unit sold, so it has no value where none was sold.

    >>> names = {"WindowAverage": "trailing 28-day average"}
    >>> gain_line(0.4, 0.5, names, 3)
    'horizon-total WAPE 0.400 against 0.500 for the trailing 28-day average: 20.0% lower'
    >>> gain_line(None, None, names, 3)
    'no unit was sold in the 3 horizons backtested: WAPE has no value, compare on RMSSE'
    """
    if ours is None or average is None:
        return (
            f"no unit was sold in the {origins} horizon{'s' if origins > 1 else ''} backtested: "
            "WAPE has no value, compare on RMSSE"
        )
    against = (
        f"horizon-total WAPE {ours:.3f} against {average:.3f} for the {names['WindowAverage']}"
    )
    if average == 0:
        return f"{against}: the average was exact"
    return f"{against}: {_lower(1 - ours / average)}"


def gain_range(low: float, high: float, noun: str = "series") -> str:
    """The gain's interval over the draws of the series, in words.

    >>> gain_range(0.084, 0.225, "SKUs")
    '8.4% to 22.5% lower in 90% of 1,000 draws of the SKUs'
    >>> gain_range(-0.165, 0.036)
    '16.5% higher to 3.6% lower in 90% of 1,000 draws of the series'
    """
    share = (HIGH - LOW) / 100
    (low_number, low_word), (high_number, high_word) = _percent(low), _percent(high)
    span = (
        f"{low_number} to {high_number} {high_word}"
        if low_word == high_word
        else f"{low_number} {low_word} to {high_number} {high_word}"
    )
    return f"{span} in {share:.0%} of {DRAWS:,} draws of the {noun}"


def _percent(gain: float) -> tuple[str, str]:
    """``gain`` (0.05: 5% lower) as a percentage and its direction, lower or higher; under 0.05%
    either way is 0.0% lower, not higher."""
    if gain > -0.0005:
        return f"{max(gain, 0.0) * 100:.1f}%", "lower"
    return f"{-gain * 100:.1f}%", "higher"


def _lower(gain: float) -> str:
    number, word = _percent(gain)
    return f"{number} {word}" + (" (worse)" if word == "higher" else "")


def lead_line(table: pl.DataFrame, chosen: str, noun: str = "series") -> str | None:
    """Whether the chosen forecasts' lead on every baseline is one that other weeks of the store
    would most likely show too (kept in at least 95% of the draws of the series), and where not;
    a baseline with the same score (both forecast a store that sold nothing as zero) is named as
    level, and a measure with no value (WAPE where nothing was sold) is left out; None if both.

    >>> t = pl.DataFrame({"model": ["ours", "avg", "sn"], "ahead_wape": [None, 0.99, 0.12],
    ...                   "ahead_rmsse": [None, 1.0, 0.97], "wape_horizon": [0.5, 0.6, 0.4],
    ...                   "rmsse": [0.0, 0.0, 0.1]})
    >>> lead_line(t, "ours")
    'no sure lead (ahead in under 95% of 1,000 draws of the series): on WAPE over sn (12%)'
    >>> lead_line(t.with_columns(pl.lit(None, pl.Float64).alias("ahead_wape")), "ours", "SKUs")
    'the chosen forecasts lead every baseline on RMSSE in at least 95% of 1,000 draws of the SKUs'
    >>> tied = t.with_columns(pl.Series("ahead_rmsse", [None, 0.5, 0.97]))
    >>> lead_line(tied, "ours").split(": ", 1)[1]
    'on WAPE over sn (12%); on RMSSE level with avg (the same score)'
    """
    draws = f"{SURE:.0%} of {DRAWS:,} draws of the {noun}"
    ours = table.filter(pl.col("model") == chosen)
    others = table.filter(pl.col("model") != chosen)
    valued, short = [], []
    measures = (("WAPE", "ahead_wape", "wape_horizon"), ("RMSSE", "ahead_rmsse", "rmsse"))
    for measure, column, value in measures:
        if others[column].is_null().all():
            continue
        valued.append(measure)
        level = pl.col(value) == (ours[value].item() if ours.height == 1 else None)
        behind = others.filter(pl.col(column) < SURE, ~level.fill_null(False))
        same = others.filter(pl.col(column) < SURE, level.fill_null(False))["model"].to_list()
        parts = [f"{model} ({share:.0%})" for model, share in behind.select("model", column).rows()]
        if parts:
            short.append(f"on {measure} over {', '.join(parts)}")
        if same:
            short.append(f"on {measure} level with {', '.join(same)} (the same score)")
    if not valued:
        return None
    if not short:
        return f"the chosen forecasts lead every baseline on {' and '.join(valued)} in at least {draws}"
    return f"no sure lead (ahead in under {draws}): {'; '.join(short)}"
