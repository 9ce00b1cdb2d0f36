"""Steps every reader shares on its way to a canonical table: dates, SKUs, quantities, checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from icebergops.schema import Schema, conform
from icebergops.sources.cells import (
    MAX_LINES_SHOWN,
    Finding,
    Findings,
    check_parsed,
    clean_text,
    parse_integer,
    parse_number,
    text_or_null,
)
from icebergops.sources.dates import (
    check_mixed_formats,
    local_timestamp,
    timestamp_format,
    utc_timestamp,
)
from icebergops.sources.layouts import ReadOptions
from icebergops.sources.rawfile import LINE, RawTable

PARSED = "__parsed"
DATE = "__date"
CODE = "__code"
SKU_TEXT = "__sku_text"  # a SKU column's trimmed text, made by a reader for add_sku


def add_timestamps(
    raw: RawTable, frame: pl.DataFrame, column: str, options: ReadOptions, findings: Findings
) -> pl.DataFrame:
    """``ordered_at`` (UTC instant, where an offset or store time zone says) and ``order_date``.

    The store-local date is the date as written in the export: Shopify writes each timestamp in
    the store's time zone with its offset (``2023-05-31 23:06:04 -0700``), so that order belongs to
    31 May even though it is 1 June in UTC.
    """
    fmt = timestamp_format(raw, column, options.date_format, options.date_order)
    local = local_timestamp(column, fmt)
    instant = utc_timestamp(column, fmt)
    if options.timezone and "%z" not in fmt and "%#z" not in fmt:
        instant = local.dt.replace_time_zone(
            options.timezone, ambiguous="earliest", non_existent="null"
        ).dt.convert_time_zone("UTC")
    # The date goes in under its own name last: the file's date column may be called order_date.
    stamps = {"ordered_at": instant, DATE: local.dt.date()}
    frame = frame.with_columns(once_per_run(frame, column, stamps))
    if frame.get_column(DATE).null_count() > frame.get_column(column).null_count():
        failed = frame.filter(pl.col(column).is_not_null() & pl.col(DATE).is_null())
        check_mixed_formats(raw, failed, column, fmt, findings)
    return frame.with_columns(pl.col(DATE).alias("order_date")).drop(DATE)


def once_per_run(frame: pl.DataFrame, column: str, outputs: dict[str, pl.Expr]) -> list[pl.Series]:
    """``outputs`` (row-wise expressions of ``column`` alone) for every row, each evaluated once
    per run of equal consecutive cells.

    Exports list an order's lines together, so order-level cells (date, order number, country)
    repeat on consecutive lines: parsing the first cell of each run and copying its result down
    does a fraction of the work. Where runs are short, every cell is parsed as usual.
    """
    runs = frame.get_column(column).rle_id()
    if runs.is_empty() or 2 * (runs[-1] + 1) > len(runs):
        return _evaluate(frame, outputs)
    starts = runs.ne_missing(runs.shift(1))  # the first row of each run (ids never null)
    first = frame.select(pl.col(column).filter(starts))
    cells = first.to_series()
    # An output equal to the cell in every run (an order number with nothing to trim) is the
    # column itself: no copy. Else copying the few values into one contiguous column first makes
    # the gather several times faster.
    return [
        frame.get_column(column).alias(values.name)
        if values.dtype == cells.dtype and values.equals(cells, check_names=False)
        else values.rechunk().gather(runs)
        for values in _evaluate(first, outputs)
    ]


def _evaluate(frame: pl.DataFrame, outputs: dict[str, pl.Expr]) -> list[pl.Series]:
    """A lazy select: expressions sharing a part (a parsed timestamp) evaluate it once.

    The in-memory engine returns each column in one chunk, as the eager API does (the streaming
    one returns several, and every later step on a frame of misaligned chunks copies them).
    """
    return frame.lazy().select(**outputs).collect(engine="in-memory").get_columns()


# What a spreadsheet writes into a cell whose formula failed (Excel, LibreOffice, Google
# Sheets): never a SKU
BROKEN = "__spreadsheet_error"
SPREADSHEET_ERRORS = (
    "#REF!", "#N/A", "#VALUE!", "#NAME?", "#DIV/0!", "#NULL!", "#NUM!", "#SPILL!", "#CALC!",
    "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA", "#ERROR!",
)  # fmt: skip


def add_sku(
    raw: RawTable,
    frame: pl.DataFrame,
    findings: Findings,
    *,
    sku: str | None,
    title: str,
    title_is_clean: bool = False,
    sku_text: str | None = None,
) -> pl.DataFrame:
    """``sku`` from its column, or the line item title where the export left it empty (counted).

    ``title_is_clean``: the ``title`` column is trimmed text already (no need to trim it again).
    ``sku_text``: a helper column that holds the ``sku`` column's trimmed text already (a reader
    trimmed it beside its other text columns, in parallel); it is dropped here.
    """
    if sku_text is None:
        code = text_or_null(frame.columns, sku) if sku else pl.lit(None, pl.String)
        frame = frame.with_columns(code.alias(CODE))  # trimmed once, used twice
        sku_text = CODE
    if sku and frame.select(pl.col(sku_text).str.starts_with("#").any()).item():
        broken = pl.col(sku_text).is_in(SPREADSHEET_ERRORS).fill_null(False)  # after a "#" only
        findings.from_mask(
            raw,
            frame,
            broken,
            kind="spreadsheet_error",
            message="is a spreadsheet error, not a SKU: the line item name stands in for it",
            column=sku,
        )
        frame = frame.with_columns(
            pl.when(~broken).then(pl.col(sku_text)).alias(sku_text), broken.alias(BROKEN)
        )
    name = pl.col(title) if title_is_clean else text_or_null(frame.columns, title)
    frame = frame.with_columns(
        pl.coalesce(pl.col(sku_text), name).alias("sku"),
        pl.col(sku_text).is_null().alias("sku_from_title"),
    ).drop(sku_text)
    empty = pl.col("sku_from_title") & pl.col("sku").is_not_null()
    if BROKEN in frame.columns:  # those were found above, as what they are
        empty = empty & ~pl.col(BROKEN)
    findings.from_mask(
        raw,
        frame,
        empty,
        kind="empty_sku",
        message="has no SKU: the line item name stands in for it",
        column=sku or title,
    )
    if BROKEN in frame.columns:
        frame = frame.drop(BROKEN)
    findings.from_mask(
        raw,
        frame,
        pl.col("sku").is_null(),
        kind="no_product",
        message="has neither a SKU nor a product name: left out",
        column=sku or title,
    )
    return frame.filter(pl.col("sku").is_not_null()) if frame["sku"].has_nulls() else frame


def add_numbers(
    raw: RawTable,
    frame: pl.DataFrame,
    findings: Findings,
    *,
    integers: dict[str, str] | None = None,
    decimals: dict[str, str] | None = None,
    severity: str = "error",
) -> pl.DataFrame:
    """Parse ``{output: raw column}`` as whole or decimal numbers; report cells that do not parse.

    ``severity="warning"`` for a catalogue's attributes (price, cost, weight): a cell such as
    ``#VALUE!`` or ``Nill`` is left empty and named, and the rest of the catalogue is usable.
    """
    integers = {k: v for k, v in (integers or {}).items() if v in frame.columns}
    decimals = {k: v for k, v in (decimals or {}).items() if v in frame.columns}
    # Parse into temporary names first: an output may share its name with its raw column.
    # A plain cast handles clean exports; the tolerant parser runs only on columns it failed.
    parsers: dict[str, tuple[str, pl.DataType, Callable[[str], pl.Expr]]] = {
        f"{o}{PARSED}": (s, pl.Int64(), parse_integer) for o, s in integers.items()
    }
    parsers |= {f"{o}{PARSED}": (s, pl.Float64(), parse_number) for o, s in decimals.items()}
    # Columns polars already read as numbers need a cast at most; text goes through a plain cast
    # first, and through the tolerant parser only where the plain cast failed.
    frame = frame.with_columns(
        pl.col(src).cast(dtype, strict=False).alias(name)
        if frame.schema[src].is_numeric()
        else pl.col(src).str.strip_chars().cast(dtype, strict=False).alias(name)
        for name, (src, dtype, _) in parsers.items()
    )
    text = {name: spec for name, spec in parsers.items() if frame.schema[spec[0]] == pl.String}
    failed = frame.select(
        (pl.col(src).is_not_null() & pl.col(name).is_null()).any().alias(name)
        for name, (src, _, _) in text.items()
    )
    retry = [name for name in text if failed.height and failed[name][0]]
    frame = frame.with_columns(text[name][2](text[name][0]).alias(name) for name in retry)
    # "nan" and "inf" cast to floats; in an export they are broken cells, not quantities.
    floats = [n for n in parsers if frame.schema[n] == pl.Float64]
    broken = frame.select(pl.col(n).is_finite().not_().any() for n in floats)
    broken_floats = [n for n in floats if broken.height and broken[n][0]]
    retry += [n for n in broken_floats if n not in retry]
    frame = frame.with_columns(
        pl.when(pl.col(n).is_finite()).then(pl.col(n)).alias(n) for n in broken_floats
    )
    checks = {f"{out}{PARSED}": (src, "whole number") for out, src in integers.items()}
    checks |= {f"{out}{PARSED}": (src, "number") for out, src in decimals.items()}
    if retry:  # a cell that is no number, or NaN or infinity
        check_parsed(
            raw,
            frame.select(LINE, *{s for s, _ in checks.values()}, *retry),
            {k: v for k, v in checks.items() if k in retry},
            findings,
            severity=severity,
        )
    return frame.with_columns(
        pl.col(f"{out}{PARSED}").alias(out) for out in [*integers, *decimals]
    ).drop(checks)


def not_product(not_products: Sequence[str]) -> pl.Expr:
    """Lines whose ``sku`` is one of ``not_products`` (``gift_*``: a prefix): postage, fees and
    vouchers (``store.not_products``), no demand for stock."""
    exact = [sku for sku in not_products if not sku.endswith("*")]
    out = pl.col("sku").is_in(exact)
    for prefix in (sku.removesuffix("*") for sku in not_products if sku.endswith("*")):
        out = out | pl.col("sku").str.starts_with(prefix)
    return out.fill_null(False)


def not_demand(orders: Sequence[str]) -> pl.Expr:
    """Lines of the orders ``store.not_demand_orders`` names, compared without leading ``#``
    and spaces on both sides: ``#1041`` (Shopify's order name) and ``1041`` are one order. A
    line without an order id is never one of them."""
    wanted = sorted({_order_key(order) for order in orders})
    ids = pl.col("order_id").str.strip_chars().str.strip_chars_start("# ")
    return ids.is_in(wanted).fill_null(False)


def _order_key(order: str) -> str:
    return order.strip().lstrip("# ")


def report_not_products(
    raw: RawTable, frame: pl.DataFrame, mask: pl.Series, findings: Findings, lines: str = LINE
) -> bool:
    """One finding for the rows ``mask`` (of :func:`not_product`) leaves out; whether any."""
    return _report_left_out(
        raw,
        frame,
        mask,
        findings,
        lines,
        column="sku",
        kind="not_a_product",
        says=lambda n, shown: f"sells no product ({n} SKUs of store.not_products: {shown})",
    )


def report_not_demand(
    raw: RawTable, frame: pl.DataFrame, mask: pl.Series, findings: Findings, lines: str = LINE
) -> bool:
    """One finding for the rows ``mask`` (of :func:`not_demand`) leaves out; whether any."""
    return _report_left_out(
        raw,
        frame,
        mask,
        findings,
        lines,
        column="order_id",
        kind="not_demand_order",
        says=lambda n, shown: (
            f"is no demand ({n} order{'s' * (n > 1)} of store.not_demand_orders: {shown})"
        ),
    )


def _report_left_out(
    raw: RawTable,
    frame: pl.DataFrame,
    mask: pl.Series,
    findings: Findings,
    lines: str,
    *,
    column: str,
    kind: str,
    says: Callable[[int, str], str],
) -> bool:
    if not mask.any():
        return False
    hits = frame.select(lines, column).filter(mask)
    values = hits[column].unique(maintain_order=True)
    shown = ", ".join(values.head(5).to_list()) + (" …" if len(values) > 5 else "")
    findings.add(
        Finding(
            str(raw.path),
            kind,
            f"{says(len(values), shown)}: left out",
            "info",
            hits.height,
            tuple(hits[lines].head(MAX_LINES_SHOWN).to_list()),
            None,
            values[0],
        )
    )
    return True


# Units on one order line beyond any real order: Online Retail's largest, 80,995, is a real one
MAX_LINE_UNITS = 1_000_000


def check_quantities(
    raw: RawTable, frame: pl.DataFrame, findings: Findings, column: str, live: pl.Expr | None = None
) -> None:
    """Zero and negative quantities on lines that are not cancellations are worth a look.

    ``live``: which lines are no cancellation, where the reader knows it without comparing
    ``status`` text."""
    live = pl.col("status") != "cancelled" if live is None else live
    findings.from_mask(
        raw,
        frame,
        (pl.col("quantity").abs() > MAX_LINE_UNITS).fill_null(False),
        kind="implausible_quantity",
        severity="error",
        message=f"has more than {MAX_LINE_UNITS:,} units on one line (a typo, or a spreadsheet's "
        "1E+09?)",
        column=column,
    )
    # One pass sees whether any line is zero or negative at all: on most files none is.
    if not frame.select((live & (pl.col("quantity") <= 0)).any()).item():
        return
    for kind, sign in (("negative", pl.col("quantity") < 0), ("zero", pl.col("quantity") == 0)):
        findings.from_mask(
            raw,
            frame,
            live & sign,
            kind=f"{kind}_quantity",
            message=f"has a {kind} quantity",
            column=column,
        )


def finish(frame: pl.DataFrame, schema: Schema) -> pl.DataFrame:
    """Rename the line column and cast to the canonical table."""
    return conform(frame.rename({LINE: "source_line"}), schema)


def carry_down(frame: pl.DataFrame, columns: list[str], key: str) -> pl.DataFrame:
    """Fill order-level cells that exports write only on an order's first line.

    Exports keep an order's lines together, so a forward fill that stops at each new ``key``
    does it in one pass; where lines of one order are scattered, fill within groups instead.
    """
    if not columns:
        return frame
    runs = frame.select(pl.col(key).rle_id().max() + 1 == pl.col(key).n_unique()).item()
    if not runs:
        return frame.with_columns(pl.col(c).forward_fill().over(key) for c in columns)
    row = pl.int_range(pl.len(), dtype=pl.UInt32)
    start = pl.when(pl.col(key).ne_missing(pl.col(key).shift(1))).then(row).forward_fill()
    filled_at = {c: pl.when(pl.col(c).is_not_null()).then(row).forward_fill() for c in columns}
    return frame.with_columns(
        pl.when(filled_at[c] >= start).then(pl.col(c).forward_fill()).alias(c) for c in columns
    )


def strip_excel_guard(column: str) -> pl.Expr:
    """``'53122`` → ``53122``: Excel-guard apostrophes that keep leading zeros in exports."""
    return clean_text(column).str.strip_prefix("'")


def variant_name(title: str, options: list[str]) -> pl.Expr:
    """Shopify's line item name: ``Title - Option1 / Option2`` (no suffix for ``Default Title``)."""
    values = [
        pl.when(clean_text(o) != "Default Title").then(clean_text(o)).otherwise(None)
        for o in options
    ]
    suffix = pl.concat_str(values, separator=" / ", ignore_nulls=True)
    return (
        pl.when(suffix.str.len_bytes() > 0)
        .then(pl.concat_str([clean_text(title), suffix], separator=" - "))
        .otherwise(clean_text(title))
    )
