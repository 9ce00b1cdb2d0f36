"""Turn string cells into text and numbers, and record every cell that will not go.

Readers never let polars guess: each typed column is parsed with an explicit rule (dates in
:mod:`icebergops.sources.dates`), and a cell that was filled but did not parse becomes a
:class:`Finding` naming its file, line, column and value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from icebergops.errors import InputError, Where
from icebergops.sources.rawfile import LINE, RawTable

MAX_LINES_SHOWN = 5


@dataclass(frozen=True)
class Finding:
    """A data-quality fact about one file: what, how often, and the first lines where it occurs."""

    file: str
    kind: str  # machine name: unparseable, empty_sku, negative_quantity, duplicate_line, date_gap…
    message: str
    severity: str = "warning"  # error: the value cannot be used; warning: used with care; info
    count: int = 1
    lines: tuple[int, ...] = ()
    column: str | None = None
    value: str | None = None

    def where(self) -> Where:
        return Where(
            file=self.file,
            line=self.lines[0] if self.lines else None,
            column=self.column,
            value=self.value,
        )

    def as_error(self) -> InputError:
        more = f" ({self.count} lines in all)" if self.count > 1 else ""
        return InputError(self.message + more, where=self.where(), hint=HINTS.get(self.kind))


@dataclass
class Findings:
    """Collects findings while a reader runs."""

    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.items.append(finding)

    def from_mask(
        self,
        raw: RawTable,
        frame: pl.DataFrame,
        mask: pl.Expr,
        *,
        kind: str,
        message: str,
        severity: str = "warning",
        column: str | None = None,
    ) -> int:
        """Add one finding for the rows of ``frame`` where ``mask`` holds; return how many."""
        hits = frame.select(
            LINE, *([column] if column in frame.columns else []), mask.alias("__hit")
        )
        hits = hits.filter(pl.col("__hit"))
        if hits.is_empty():
            return 0
        value = None
        if column is not None and column in hits.columns:
            first = _as_written(raw, column, int(hits[LINE][0]))
            first = hits[column][0] if first is None else first
            value = None if first is None else str(first)
        lines = tuple(int(v) for v in hits[LINE].head(MAX_LINES_SHOWN).to_list())
        self.add(Finding(str(raw.path), kind, message, severity, hits.height, lines, column, value))
        return hits.height

    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.severity == "error"]


def _as_written(raw: RawTable, column: str, line: int) -> object:
    """The cell of ``column`` on ``line`` as the file has it (``-5``, not the parsed ``-5.0``),
    where the raw table has the column as text; else None."""
    if raw.frame.schema.get(column) != pl.String or LINE not in raw.frame.columns:
        return None
    lines = raw.frame.get_column(LINE)  # ascending: found by bisection, not a pass
    at = int(lines.search_sorted(line))
    return raw.frame.get_column(column)[at] if at < lines.len() and lines[at] == line else None


HINTS = {
    "not_a_number": "fix or remove the value; numbers use '.' for decimals",
    "not_a_date": "dates must all use one format within a column",
    "out_of_range": "fix the value in the file",
    "spreadsheet_error": "fix the formula in the spreadsheet the file was saved from, then export again",
    "mixed_date_formats": "re-export the file, or check store.date_order (or a mapped source's "
    "date_format) in icebergops.yaml",
    "not_a_currency": "write the supplier's three-letter currency code, such as USD or EUR",
    "repeated_terms": "keep one row per supplier and SKU (an empty sku: the supplier's defaults)",
    "repeated_po_line": (
        "remove the repeated line; if the order really has it twice, number the order's lines "
        "in a `line` column"
    ),
    "implausible_quantity": "fix the quantity in the file, or export it again",
}


def clean_text(column: str) -> pl.Expr:
    """Trimmed text; empty becomes null."""
    # Not when/then: without common-subexpression elimination (eager frames) it trims twice.
    return pl.col(column).str.strip_chars().replace("", None)


def text_or_null(columns: Sequence[str], column: str) -> pl.Expr:
    """Trimmed text of ``column`` where the file has it; a null column where it does not."""
    return clean_text(column) if column in columns else pl.lit(None, pl.String)


def parse_number(column: str) -> pl.Expr:
    """Decimal number: spaces and a thousands ``,`` before three digits tolerated."""
    text = pl.col(column).str.strip_chars().str.replace_all(r"[\s\u00a0]", "")
    text = text.str.replace_all(r",(\d{3})", "$1")
    return (
        pl.when(text.str.len_bytes() > 0).then(text).otherwise(None).cast(pl.Float64, strict=False)
    )


def parse_integer(column: str) -> pl.Expr:
    """Whole number; ``2.0`` is accepted, ``2.5`` is not."""
    number = parse_number(column)
    return (
        pl.when(number == number.round(0)).then(number).otherwise(None).cast(pl.Int64, strict=False)
    )


def check_parsed(
    raw: RawTable,
    frame: pl.DataFrame,
    parsed: dict[str, tuple[str, str]],
    findings: Findings,
    *,
    severity: str = "error",
) -> None:
    """For each ``output: (raw column, what)``, report cells that were filled but did not parse
    (as errors, or as warnings whose cells are left empty)."""
    for output, (source, what) in parsed.items():
        if source not in frame.columns:
            continue
        if frame.schema[source] == pl.String:
            filled = pl.col(source).str.strip_chars().str.len_bytes() > 0
        else:  # read as a number already: only NaN or infinity can fail
            filled = pl.col(source).is_not_null()
        failed = filled & pl.col(output).is_null()
        left = "" if severity == "error" else ": left empty"
        if what == "whole number" and frame.schema[source] == pl.String:
            # 99999999999999999999 is a whole number, too large for 64 bits: say so
            huge = pl.col(source).str.contains(r"^\s*[+-]?\d{19,}\s*$").fill_null(False)
            findings.from_mask(
                raw,
                frame,
                failed & huge,
                kind="not_a_number",
                message=f"is too large a number to read{left}",
                severity=severity,
                column=source,
            )
            failed = failed & ~huge
        findings.from_mask(
            raw,
            frame,
            failed,
            kind="not_a_number" if what in ("number", "whole number") else "not_a_date",
            message=f"is not a {what}{left}",
            severity=severity,
            column=source,
        )
