"""Forecast periods: store-local days, or ISO weeks (Monday to Sunday) named by their Monday.

A :class:`Frequency` carries what changes with the period: the column that names it, its length
in days, how polars and statsforecast spell it, the season (a week of days, a year of weeks),
the trailing-average window and how much history the models are fitted on.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Frequency:
    """How demand is bucketed and forecast."""

    name: str  # "day" or "week": what --freq says, and what horizons are counted in
    column: str  # the period column: ``day``, or ``week_start`` (the Monday)
    days: int  # calendar days in one period
    interval: str  # the period as polars and statsforecast spell it
    season: int  # periods in one season
    season_name: str  # what the seasonal naive forecast repeats
    window: int  # periods the trailing-average baseline averages
    fit: int  # periods of history the models are fitted on (statsforecast's ``input_size``)

    @property
    def seasonal_from(self) -> int:
        """Periods of history a series needs before its season is modelled: two seasons."""
        return 2 * self.season

    @property
    def window_name(self) -> str:
        """The trailing-average baseline, as reports name it.

        >>> WEEK.window_name
        'trailing 4-week average'
        """
        return f"trailing {self.window}-{self.name} average"

    def season_length(self, periods: pl.Expr) -> pl.Expr:
        """statsforecast's ``season_length`` for a series of ``periods`` periods: 1 (no season)
        until it holds two seasons, where the season could be told from noise.

        >>> pl.select(week=WEEK.season_length(pl.lit(103)), day=DAY.season_length(pl.lit(30))).row(0)
        (1, 7)
        """
        return (
            pl.when(periods >= self.seasonal_from)
            .then(pl.lit(self.season))
            .otherwise(pl.lit(1))
            .alias("season")
        )


DAY = Frequency(
    name="day",
    column="day",
    days=1,
    interval="1d",
    season=7,
    season_name="same weekday last week",
    window=28,
    # recent demand is what the next weeks resemble, and fitting costs time in proportion
    fit=364,
)
WEEK = Frequency(
    name="week",
    column="week_start",
    days=7,
    interval="1w",
    season=52,
    season_name="same week last year; last week under two years of history",
    window=4,
    # a yearly season needs two years in the fit; a third steadies it, weekly series are short
    fit=156,
)
FREQUENCIES = {frequency.name: frequency for frequency in (DAY, WEEK)}
