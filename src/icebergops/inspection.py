"""What ``icebergops inspect`` tells about a file: its layout, its contents, and data-quality findings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from icebergops.sources import Source
from icebergops.sources.cells import HINTS, MAX_LINES_SHOWN, Finding
from icebergops.sources.rawfile import LINE, RawTable

GAP_DAYS = 7  # a stretch without orders at least this long, inside the file's range, is reported


def summarize(source: Source) -> dict[str, Any]:
    """Facts about one file, as plain values (a JSON-ready dict)."""
    raw, table = source.raw, source.table
    facts: dict[str, Any] = {
        "file": str(raw.path),
        "kind": source.layout.kind,
        "format": source.layout.label,
        "version": source.version,
        "table": source.layout.table,
        "encoding": raw.encoding,
        "delimiter": {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}[raw.delimiter],
        "compressed": raw.compressed,
        "lines": raw.records,  # data lines, as a spreadsheet shows them below the header
        "file_lines": raw.lines,  # physical lines with the header (cells may span lines)
        "rows": table.height,  # rows of the canonical table (image rows, tips… left out)
    }
    facts |= _contents(table, source.layout.table)
    findings = [*source.findings, *quality_findings(source)]
    facts["errors"] = sum(f.count for f in findings if f.severity == "error")
    facts["warnings"] = sum(f.count for f in findings if f.severity == "warning")
    facts["findings"] = [finding_dict(f) for f in findings]
    return facts


def _contents(table: pl.DataFrame, kind: str) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if "sku_from_title" in table.columns:
        named = pl.col("sku_from_title").fill_null(False)
        facts["skus"] = table.filter(~named)["sku"].n_unique()
        if table["sku_from_title"].any():
            facts["names_as_skus"] = table.filter(named)["sku"].n_unique()
    elif "sku" in table.columns:
        facts["skus"] = table["sku"].drop_nulls().n_unique()
    if kind == "events":  # no SKU column: what the events cover
        facts |= {
            "events": table.height,
            "date_from": _iso(table["start"].min()),
            "date_to": _iso(table["end"].max()),
        }
    if kind == "stockouts":
        facts |= {
            "date_from": _iso(table["start"].min()),
            "date_to": _iso(table["end"].max()),
            "locations": _values(table, "location"),
        }
    if kind in ("suppliers", "purchase_orders"):
        facts["suppliers"] = table["supplier"].n_unique()
    if kind == "purchase_orders":
        facts |= {
            "orders": table["po_number"].n_unique(),
            "date_from": _iso(table["ordered_date"].min()),
            "date_to": _iso(table["ordered_date"].max()),
            "open_lines": table.filter(pl.col("received_date").is_null()).height,
        }
    if kind == "order_lines":
        live = table.filter(pl.col("status") != "cancelled")
        facts |= {
            "orders": table["order_id"].n_unique(),
            "units": int(live["quantity"].sum() or 0),
            "date_from": _iso(table["order_date"].min()),
            "date_to": _iso(table["order_date"].max()),
            "currencies": _values(table, "currency"),
            "countries": _values(table, "ship_country"),
            "channels": _values(table, "channel"),
            "statuses": _counts(table, "status"),
            "fulfilment": _counts(table, "fulfilment"),
        }
    if kind in ("order_lines", "inventory"):
        facts["locations"] = _values(table, "location")
    if kind == "inventory":
        facts |= {
            "on_hand": int(table["on_hand"].sum() or 0),
            "available": int(table["available"].sum() or 0),
            "as_of": _iso(table["as_of"].max()),
        }
    return facts


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def _values(table: pl.DataFrame, column: str, most: int = 12) -> list[str]:
    counts = table[column].drop_nulls().value_counts(sort=True)
    return [str(v) for v in counts[column].head(most).to_list()]


def _counts(table: pl.DataFrame, column: str) -> dict[str, int]:
    counts = table[column].drop_nulls().value_counts(sort=True)
    return {str(k): int(v) for k, v in counts.iter_rows()}


def quality_findings(source: Source) -> list[Finding]:
    """Checks on the whole file that no single cell shows: duplicate lines, gaps in dates."""
    # a purchase order's repeated line is its reader's error (repeated_po_line) already
    repeats = source.layout.table != "purchase_orders"
    found = [duplicate_lines(source.raw) if repeats else None]
    if source.layout.table == "order_lines":
        found.append(date_gaps(source))
    return [f for f in found if f is not None]


def duplicate_lines(raw: RawTable) -> Finding | None:
    """Lines identical in every cell to an earlier line (a double export or a paste)."""
    values = [c for c in raw.frame.columns if c != LINE]
    repeated = raw.frame.filter(pl.struct(values).is_first_distinct().not_())
    if repeated.is_empty():
        return None
    lines = tuple(int(v) for v in repeated[LINE].head(MAX_LINES_SHOWN).to_list())
    return Finding(
        str(raw.path),
        "duplicate_line",
        "repeats an earlier line in every cell",
        "warning",
        repeated.height,
        lines,
    )


def date_gaps(source: Source) -> Finding | None:
    """Stretches of ``GAP_DAYS`` or more without a single order inside the file's date range."""
    days = source.table["order_date"].drop_nulls().unique().sort()
    if days.len() < 2:
        return None
    gaps = (
        pl.DataFrame({"day": days})
        .with_columns((pl.col("day") - pl.col("day").shift(1)).dt.total_days().alias("gap"))
        .filter(pl.col("gap") >= GAP_DAYS)
    )
    if gaps.is_empty():
        return None
    widest = gaps.sort("gap", descending=True).row(0, named=True)
    start = widest["day"] - timedelta(days=int(widest["gap"]) - 1)
    return Finding(
        str(source.raw.path),
        "date_gap",
        f"has {gaps.height} stretch(es) of {GAP_DAYS}+ days without orders; the longest: "
        f"{widest['gap'] - 1} days from {start.isoformat()} to {(widest['day'] - timedelta(days=1)).isoformat()}",
        "warning",
        gaps.height,
    )


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity,
        "kind": finding.kind,
        "count": finding.count,
        "column": finding.column,
        "value": finding.value,
        "lines": list(finding.lines),
        "message": finding.message,
        "hint": HINTS.get(finding.kind),
    }
