"""Large exports read in batches, so memory stays bounded by a batch, not by the file.

A batch ends where a group ends (an order's lines stay together), the date format is detected
once for the whole file, and findings from all batches are merged into one per kind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from icebergops.sources.cells import MAX_LINES_SHOWN, Finding, Findings
from icebergops.sources.dates import AmbiguousDatesError, timestamp_format
from icebergops.sources.layouts import Layout, ReadOptions
from icebergops.sources.rawfile import LINE, RawTable, check_tail, count_lines, read_raw
from icebergops.sources.sniff import Probe

BATCH_THRESHOLD = 256 * 1024 * 1024  # bytes: smaller files are read at once
BATCH_ROWS = 500_000


def wants_batches(found: Probe, layout: Layout) -> bool:
    """Plain UTF-8 files above the threshold, whose layout can be cut between groups."""
    return (
        found.data is None
        and not found.compressed
        and layout.columns is not None
        and found.path.stat().st_size > BATCH_THRESHOLD
    )


def read_in_batches(
    found: Probe, layout: Layout, options: ReadOptions, findings: Findings
) -> tuple[RawTable, pl.DataFrame]:
    """The canonical table of a large file, built batch by batch; falls back to one read when
    a quoted cell spans lines (then line numbers need the whole file)."""
    check_tail(found)
    tables: list[pl.DataFrame] = []
    records, last = 0, None
    # The file's lines are counted beside the batches, in a thread: the count reads the file
    # again (1.1–1.2 s for 5 million lines), and numpy and the file reads release the GIL.
    with ThreadPoolExecutor(max_workers=1) as pool:
        lines = pool.submit(count_lines, found.path)
        try:
            for raw, height in _raw_batches(found, layout):
                if not tables and layout.date_column in raw.header:
                    fmt = options.date_format or _date_format(
                        found, raw, str(layout.date_column), options
                    )
                    options = dataclasses.replace(options, date_format=fmt)
                tables.append(layout.read(raw, options, findings))
                records += height
                last = raw
        except (pl.exceptions.ComputeError, AmbiguousDatesError):
            # a malformed line or another encoding, or dates that read both ways: the single
            # read explains it, with line numbers that count a quoted cell's line breaks
            last = None
        counted = lines.result()
    if last is None or counted != records + 1:
        findings.items.clear()  # the batches' line numbers were off: start again
        raw = read_raw(found, columns=layout.columns)
        return raw, layout.read(raw, options, findings)
    findings.items[:] = merge(findings.items)
    # The batches' tables stay separate chunks: one copy into one chunk cost 0.8–1.1 s on 5
    # million lines, and the page faults of a second full table.
    table = pl.concat(tables, rechunk=False)
    return dataclasses.replace(last, lines=records + 1, batch_records=records), table


def _date_format(found: Probe, first: RawTable, column: str, options: ReadOptions) -> str:
    """The format of ``column``, found on the first batch; where its slash dates read both
    day-first and month-first, on the whole file's column, as a single read decides."""
    try:
        return timestamp_format(first, column, date_order=options.date_order)
    except AmbiguousDatesError:
        cells = _scan(found, [column]).collect()
        return timestamp_format(
            dataclasses.replace(first, frame=cells), column, date_order=options.date_order
        )


def _scan(found: Probe, wanted: list[str]) -> pl.LazyFrame:
    """``wanted`` columns of the file as text, with each record's line number."""
    return (
        pl.scan_csv(
            found.path,
            separator=found.delimiter,
            has_header=True,
            with_column_names=lambda _: list(found.header),  # stripped, as the probe found them
            infer_schema=False,
            quote_char=found.quote,
        )
        .select(wanted)
        .with_row_index(LINE, offset=2)
        .with_columns(pl.col(LINE).cast(pl.Int64))
    )


def _raw_batches(found: Probe, layout: Layout) -> Iterator[tuple[RawTable, int]]:
    """Batches of whole groups, each with the number of file records it stands for (blank
    lines included, so that the count can be checked against the file's lines)."""
    wanted = [name for name in found.header if layout.columns and name in layout.columns]
    lazy = _scan(found, wanted)
    template = RawTable(
        found.path, found.encoding, found.delimiter, False, found.header, pl.DataFrame(), 0
    )
    blank = pl.all_horizontal(pl.col(wanted).is_null())
    held: pl.DataFrame | None = None
    for batch in lazy.collect_batches(chunk_size=BATCH_ROWS):
        frame = batch if held is None else pl.concat([held, batch])
        if layout.group_key is not None and frame.height:
            # The last group may go on in the next batch: hold it back.
            last = frame[layout.group_key][-1]
            tail = frame[layout.group_key].eq_missing(last)
            held, frame = frame.filter(tail), frame.filter(~tail)
        if frame.height:
            yield dataclasses.replace(template, frame=frame.filter(~blank)), frame.height
    if held is not None and held.height:
        yield dataclasses.replace(template, frame=held.filter(~blank)), held.height


def merge(items: list[Finding]) -> list[Finding]:
    """One finding per kind, column and message: counts added, the first lines and value kept."""
    merged: dict[tuple[str, str, str | None, str], Finding] = {}
    for item in items:
        key = (item.file, item.kind, item.column, item.message)
        seen = merged.get(key)
        if seen is None:
            merged[key] = item
            continue
        merged[key] = dataclasses.replace(
            seen,
            count=seen.count + item.count,
            lines=tuple(sorted(seen.lines + item.lines))[:MAX_LINES_SHOWN],
        )
    return list(merged.values())
