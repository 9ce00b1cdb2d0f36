"""Dates and times in exports: the layouts met in real files, which one a column is written in,
and the cells that fit it not (a second format, or no date at all).

Readers never let polars guess a date: a column's one format is chosen from its cells, day-first
and month-first settled on the whole column or by ``store.date_order``.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from icebergops.errors import InputError
from icebergops.sources.cells import Findings
from icebergops.sources.rawfile import LINE, RawTable

#: Timestamp layouts met in real exports, most specific first.
DATETIME_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S %z",  # Shopify: 2023-05-31 23:06:04 -0700
    "%Y-%m-%dT%H:%M:%S%#z",  # Amazon flat files: 2026-11-03T14:22:10+00:00
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%y %H:%M",
    "%m/%d/%y %H:%M",
)
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%m-%d-%y",  # Amazon.in order report: 04-30-22
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%m/%d/%y",
)
PLAUSIBLE_YEARS = (1990, 2100)
OFFSET_PATTERN = r"\s*(?:[+-]\d{2}:?\d{2}|Z)$"
FIXED_WIDTH_LOCAL = {
    "%Y-%m-%d %H:%M:%S %z": ("%Y-%m-%d %H:%M:%S", 19),
    "%Y-%m-%dT%H:%M:%S%#z": ("%Y-%m-%dT%H:%M:%S", 19),
}


def choose_format(
    values: pl.Series, candidates: Sequence[str], *, dates_only: bool = False
) -> str | None:
    """The candidate format that parses most of the (first 2,000) filled values; None if none does.

    When day-first and month-first parse equally (every day ≤ 12), day-first wins: the exports
    with such dates in our data come from stores outside the US.
    """
    sample = values.drop_nulls().head(2000)
    if sample.is_empty():
        return None
    # A format only counts where it gives a plausible year: `%Y` reads "04-01-22" as year 4.
    scores = {
        fmt: _parse(sample, fmt, dates_only).dt.year().is_between(*PLAUSIBLE_YEARS).sum()
        for fmt in candidates
    }
    best = max(candidates, key=lambda fmt: scores[fmt])
    return best if scores[best] > 0 else None


def _parse(values: pl.Series, fmt: str, dates_only: bool) -> pl.Series:
    if dates_only:
        return values.str.strip_chars().str.to_date(fmt, strict=False)
    if "%z" in fmt or "%#z" in fmt:
        return values.str.strip_chars().str.to_datetime(fmt, strict=False, time_zone="UTC")
    return values.str.strip_chars().str.to_datetime(fmt, strict=False)


def local_timestamp(column: str, fmt: str) -> pl.Expr:
    """The wall-clock time as written (offset dropped): its date is the store-local day."""
    text = pl.col(column).str.strip_chars()
    if fmt in FIXED_WIDTH_LOCAL:  # 2023-05-31 23:06:04 -0700: the first 19 characters, no regex
        bare, width = FIXED_WIDTH_LOCAL[fmt]
        return text.str.head(width).str.to_datetime(bare, strict=False)
    if "%z" in fmt or "%#z" in fmt:
        bare = fmt.replace(" %z", "").replace("%#z", "").replace("%z", "")
        return text.str.replace(OFFSET_PATTERN, "").str.to_datetime(bare, strict=False)
    if fmt in DATE_FORMATS:
        return text.str.to_date(fmt, strict=False).cast(pl.Datetime("us"))
    return text.str.to_datetime(fmt, strict=False)


def utc_timestamp(column: str, fmt: str) -> pl.Expr:
    """The instant in UTC when the cell carries an offset; null otherwise."""
    if "%z" in fmt or "%#z" in fmt:
        return pl.col(column).str.strip_chars().str.to_datetime(fmt, strict=False, time_zone="UTC")
    return pl.lit(None, pl.Datetime("us", "UTC"))


DAY_FIRST, MONTH_FIRST = "day-first", "month-first"  # ``store.date_order``


def timestamp_format(
    raw: RawTable, column: str, configured: str | None = None, date_order: str | None = None
) -> str:
    """The one format of a date/time column, or an error naming the first cell that fits none.

    ``date_order`` (``store.date_order``) settles 03/04/2023: day-first is 3 April, month-first
    4 March. Without it, a column that reads both ways with different dates is an error: every
    day in it is 12 or less, and either way would be a guess.
    """
    if configured:
        return configured
    if date_order not in (None, DAY_FIRST, MONTH_FIRST):  # the config checks it; a caller may not
        raise ValueError(f"date_order {date_order!r} is not {DAY_FIRST} or {MONTH_FIRST}")
    values = raw.frame[column]
    if values.null_count() == values.len():
        return DATE_FORMATS[0]  # nothing to parse: any format will do
    dropped = {TWINS[f] if date_order == DAY_FIRST else f for f in TWINS} if date_order else set()
    fmt = choose_format(values, [f for f in DATETIME_FORMATS if f not in dropped]) or choose_format(
        values, [f for f in DATE_FORMATS if f not in dropped], dates_only=True
    )
    if fmt is not None and date_order is None and fmt in TWINS:
        fmt = _day_or_month_first(raw, column, fmt)
    if fmt is None:
        first = values.drop_nulls().head(1).to_list()
        line = int(raw.frame.filter(pl.col(column).is_not_null())[LINE][0]) if first else None
        raise InputError(
            "is not a date in any known format",
            where=raw.where(line, column, first[0] if first else None),
            hint="set date_format for this source in icebergops.yaml",
        )
    return fmt


# Day-first formats and their month-first twins: 03/04/2023 is 3 April or 4 March
TWINS = {
    f: "%m/%d/" + f.removeprefix("%d/%m/")
    for f in DATETIME_FORMATS + DATE_FORMATS
    if f.startswith("%d/%m/")
    and "%m/%d/" + f.removeprefix("%d/%m/") in DATETIME_FORMATS + DATE_FORMATS
}


class AmbiguousDatesError(InputError):
    """A column of slash dates that reads both day-first and month-first (every day ≤ 12)."""


def _day_or_month_first(raw: RawTable, column: str, fmt: str) -> str:
    """``fmt`` (day-first) or its month-first twin, whichever reads more cells of the whole
    column; an error where both read every cell as other dates (no day over 12 anywhere).

    The format was chosen on the first 2,000 cells, where a tie goes day-first: a US export's
    first 2,000 lines may all fall on days 1 to 12, and its 13 December come later.
    """
    twin, dates_only = TWINS[fmt], fmt in DATE_FORMATS
    sample = raw.frame[column].drop_nulls().head(2000)
    if _parse(sample, twin, dates_only).null_count() > _parse(sample, fmt, dates_only).null_count():
        return fmt  # a day over 12 in the first cells: day-first it is
    cells = raw.frame.select(column, LINE).drop_nulls(column)
    first, second = _parse(cells[column], fmt, dates_only), _parse(cells[column], twin, dates_only)
    if second.null_count() != first.null_count():  # a day over 12 further down settles it
        return fmt if second.null_count() > first.null_count() else twin
    differ = (first != second).fill_null(False)
    if not differ.any():
        return fmt
    at = cells.filter(differ).row(0, named=True)
    raise AmbiguousDatesError(
        f"reads both as {_human(fmt)} and as {_human(twin)}: no day in the column is over 12, "
        f"so {at[column]!r} may be {_day(first.filter(differ)[0])} or "
        f"{_day(second.filter(differ)[0])}",
        where=raw.where(int(at[LINE]), column, at[column]),
        hint="say which in icebergops.yaml: store.date_order: day-first (or month-first)",
    )


def _day(value: object) -> str:
    return f"{value:%d %B %Y}" if hasattr(value, "strftime") else str(value)


def check_mixed_formats(
    raw: RawTable, frame: pl.DataFrame, column: str, fmt: str, findings: Findings
) -> None:
    """Cells of ``column`` that failed ``fmt``: a second format in one column, or not a date at all."""
    failed = frame.filter(pl.col(column).is_not_null() & local_timestamp(column, fmt).is_null())
    if failed.is_empty():
        return
    other = [f for f in DATETIME_FORMATS + DATE_FORMATS if f != fmt]
    second = next(
        (
            f
            for f in other
            if _parse(failed[column], f, f in DATE_FORMATS)
            .dt.year()
            .is_between(*PLAUSIBLE_YEARS)
            .any()
        ),
        None,
    )
    kind, message = (
        ("not_a_date", f"is not a date ({_human(fmt)} expected)")
        if second is None
        else (
            "mixed_date_formats",
            f"is written {_human(second)} while the column is written {_human(fmt)}",
        )
    )
    findings.from_mask(
        raw, failed, pl.lit(True), kind=kind, severity="error", column=column, message=message
    )


def _human(fmt: str) -> str:
    for code, text in (
        ("%Y", "YYYY"),
        ("%m", "MM"),
        ("%d", "DD"),
        ("%y", "YY"),
        ("%H", "hh"),
        ("%M", "mm"),
        ("%S", "ss"),
        ("%#z", "+hh:mm"),
        ("%z", "+hhmm"),
    ):
        fmt = fmt.replace(code, text)
    return fmt
