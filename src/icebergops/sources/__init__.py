"""Readers: find out what a file is, and turn it into a canonical table.

::

    source = read_source(Path("orders_export.csv"))
    source.layout.label  # 'Shopify orders export'
    source.table         # canonical order lines
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from icebergops.config import Config, SourceMapping
from icebergops.errors import InputError, Where
from icebergops.schema import TABLES, empty
from icebergops.sources import amazon, mapped, shopify, supply
from icebergops.sources.batches import read_in_batches, wants_batches
from icebergops.sources.canonical import (
    not_demand,
    not_product,
    report_not_demand,
    report_not_products,
)
from icebergops.sources.cells import Finding, Findings
from icebergops.sources.layouts import Layout, ReadOptions, detect_layout
from icebergops.sources.rawfile import RawTable, read_raw
from icebergops.sources.sniff import Probe, probe

BUILTIN_LAYOUTS: list[Layout] = [*shopify.LAYOUTS, *amazon.LAYOUTS, *supply.LAYOUTS]


@dataclass(frozen=True)
class Source:
    """One file read: what it was, the canonical table it became, and what was found on the way."""

    raw: RawTable
    layout: Layout
    version: str
    table: pl.DataFrame
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def layouts_for(config: Config | None) -> list[Layout]:
    """Built-in layouts plus the column mappings of ``config.sources``."""
    if config is None:
        return list(BUILTIN_LAYOUTS)
    custom = [mapped.layout_for(m, config.path, i) for i, m in enumerate(config.sources)]
    return custom + BUILTIN_LAYOUTS


def read_source(
    path: Path,
    *,
    kind: str | None = None,
    config: Config | None = None,
    options: ReadOptions | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    all_columns: bool = False,
) -> Source:
    """Read one export; structural problems raise, cell-level problems are returned as findings.

    Only the columns the layout uses are kept unless ``all_columns`` (``inspect`` compares whole
    lines to find duplicates).
    """
    options = options or read_options(config)
    layouts = layouts_for(config)
    mapping = _mapping_for(config, kind)
    found = probe(
        path,
        encoding=encoding or (mapping.encoding if mapping else None),
        delimiter=delimiter or (mapping.delimiter if mapping else None),
    )
    layout = detect_layout(found, layouts, kind)
    _refuse_repeated_header(found, layout)
    findings = Findings()
    if not all_columns and wants_batches(found, layout):
        raw, table = read_in_batches(found, layout, options, findings)
    else:
        columns = None if all_columns else layout.columns
        # the search for line breaks in cells runs beside the reader (30 ms on Online Retail)
        raw = read_raw(found, columns=columns, numbers=layout.numbers, defer_line_check=True)
        try:
            table = layout.read(raw, options, findings)
        except InputError:
            if not _spans_lines(raw):
                raise
        if _spans_lines(raw):  # a cell holds a line break: number the records, read again
            findings.items.clear()
            raw = read_raw(found, columns=columns, numbers=layout.numbers)
            table = layout.read(raw, options, findings)
    if layout.table == "order_lines" and options.not_products and not layout.own_not_products:
        out = table.select(not_product(options.not_products)).to_series()
        if report_not_products(raw, table, out, findings, lines="source_line"):
            table = table.filter(~out)
    if layout.table == "order_lines" and options.not_demand_orders:
        out = table.select(not_demand(options.not_demand_orders)).to_series()
        if report_not_demand(raw, table, out, findings, lines="source_line"):
            table = table.filter(~out)
    return Source(raw, layout, layout.version(raw.header), table, tuple(findings.items))


def read_table(
    paths: Sequence[Path],
    table: str,
    *,
    kind: str | None = None,
    config: Config | None = None,
    options: ReadOptions | None = None,
) -> pl.DataFrame:
    """Read several files that must all hold ``table`` (e.g. order lines); raise on any bad cell."""
    frames = []
    for path in paths:
        source = read_source(path, kind=kind, config=config, options=options)
        if source.layout.table != table:
            raise InputError(
                f"is a {source.layout.label}, not {table.replace('_', ' ')}",
                where=Where(file=path),
            )
        errors = source.errors
        if errors:
            raise errors[0].as_error()
        frames.append(source.table)
    return pl.concat(frames) if frames else empty(TABLES[table])


def _refuse_repeated_header(found: Probe, layout: Layout) -> None:
    """A column the reader uses, named twice in the header: which one holds the values is a
    guess (the first was read, and the second never looked at)."""
    for name, first, position in found.repeated:
        # a column the reader reads: its named ones, else the required ones and, in our own
        # layouts, the table's optional ones (a header's `notes` twice is no question)
        if name in (layout.columns or layout.required | set(TABLES[layout.table])):
            raise InputError(
                f"the header names {name!r} twice (columns {first} and {position}): which one "
                "to read is unclear",
                where=Where(file=found.path, line=1),
                hint="rename or remove one of them, or export the report again",
            )


def read_orders(
    paths: Sequence[Path],
    *,
    kind: str | None = None,
    config: Config | None = None,
    options: ReadOptions | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """Order lines of several exports, each line once, and a warning per file whose lines a
    later one repeats.

    Exports of overlapping periods (or one file given twice, as a glob of monthly exports can)
    hold the same orders. A line is an order's line of a SKU on its day: the first, second…
    such line of a file is the first, second… of another file's, and is counted once, as the
    later file on the command line has it (a date-named glob puts the newest export last: an
    order cancelled, refunded or edited since the older one counts as it is now). Lines
    without an order id are never taken for repeats; two stores' own ``#1001`` sell other
    SKUs on other days.
    """
    frames = [
        read_table([path], "order_lines", kind=kind, config=config, options=options)
        for path in paths
    ]
    if len(frames) < 2:
        return (frames[0] if frames else empty(TABLES["order_lines"])), []
    copy = pl.int_range(pl.len()).over(REPEAT_KEY).alias(COPY)
    frames = [frame.with_columns(copy) for frame in frames]
    keys = [frame.select(*REPEAT_KEY, COPY).drop_nulls("order_id") for frame in frames]
    warnings: list[str] = []
    kept: list[pl.DataFrame] = []
    for number, (path, frame) in enumerate(zip(paths, frames, strict=True)):
        for later, seen in zip(paths[number + 1 :], keys[number + 1 :], strict=True):
            again = frame.join(seen, on=[*REPEAT_KEY, COPY], how="semi")
            if again.is_empty():
                continue
            orders = again["order_id"].n_unique()
            warnings.append(
                f"{path}: {again.height:,} line{'s' * (again.height != 1)} of {orders:,} "
                f"order{'s' * (orders != 1)} also in {later} (e.g. order {again['order_id'][0]}): "
                "counted once, as the later file has them"
            )
            frame = frame.join(seen, on=[*REPEAT_KEY, COPY], how="anti")
        kept.append(frame.drop(COPY))
    return pl.concat(kept), warnings


# What makes two files' order lines one: an order's line of a SKU on its day (and which of its
# lines of that SKU it is: a line repeated within a file is two sales)
REPEAT_KEY = ["channel", "order_id", "order_date", "sku"]
COPY = "__copy"


def _spans_lines(raw: RawTable) -> bool:
    """Whether the deferred search found a cell with a line break (see ``read_raw``)."""
    return raw.line_check is not None and raw.line_check.result()


def read_options(config: Config | None, *, as_of: date | None = None) -> ReadOptions:
    """What the readers take from the config's ``store:`` (and the day a snapshot describes)."""
    if config is None:
        return ReadOptions(as_of=as_of)
    store = config.store
    return ReadOptions(
        as_of=as_of,
        currency=store.currency,
        timezone=store.timezone,
        date_order=store.date_order,
        not_products=store.not_products,
        not_demand_orders=store.not_demand_orders,
    )


def _mapping_for(config: Config | None, kind: str | None) -> SourceMapping | None:
    if config is None or kind is None:
        return None
    return next((m for m in config.sources if mapped.kind_of(m) == kind), None)


__all__ = ["Findings", "ReadOptions", "Source", "read_orders", "read_source", "read_table"]
