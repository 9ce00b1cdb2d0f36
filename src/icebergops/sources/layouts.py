"""The export layouts icebergops knows, and detection of a file's layout from its header alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from icebergops.config import SourceMapping
from icebergops.errors import ConfigError, IcebergOpsError, InputError, Where
from icebergops.sources.cells import Findings
from icebergops.sources.rawfile import RawTable
from icebergops.sources.sniff import Probe


@dataclass(frozen=True)
class ReadOptions:
    """What a reader needs besides the file: settings the CLI passes as plain values."""

    as_of: date | None = None  # the day an inventory snapshot describes (default: file's date)
    currency: str | None = None  # where the file carries none
    timezone: str | None = None  # for timestamps without an offset
    date_format: str | None = None  # force one date format for the file's date column
    date_order: str | None = None  # day-first / month-first: settles 03/04 (``store.date_order``)
    mapping: SourceMapping | None = None  # for mapped layouts
    not_products: tuple[str, ...] = ()  # order-line SKUs left out (``store.not_products``)
    not_demand_orders: tuple[str, ...] = ()  # orders left out (``store.not_demand_orders``)


Reader = Callable[[RawTable, ReadOptions, Findings], pl.DataFrame]


@dataclass(frozen=True)
class Layout:
    """One known export layout: how to recognise it and how to read it into a canonical table."""

    kind: str  # e.g. shopify-orders
    label: str  # e.g. "Shopify orders export"
    table: str  # order_lines / inventory / products
    required: frozenset[str]  # header names that must all be present
    read: Reader
    columns: frozenset[str] | None = None  # header names the reader uses (None: all)
    version: Callable[[tuple[str, ...]], str] = field(
        default=lambda header: f"{len(header)} columns"
    )
    forbidden: frozenset[str] = frozenset()  # header names that rule this layout out
    group_key: str | None = None  # lines sharing this cell belong together (an order, a product)
    date_column: str | None = None  # the column whose date format is detected once per file
    own_not_products: bool = False  # the reader leaves out ``store.not_products`` itself
    numbers: dict[str, pl.DataType] = field(default_factory=dict)  # read as numbers when clean
    # a column mapping's key and place in icebergops.yaml for a header name it maps (mapped only)
    config_key: Callable[[str], tuple[str, Where]] | None = None


def detect_layout(raw: Probe, layouts: list[Layout], kind: str | None = None) -> Layout:
    """The most specific layout whose required columns the header holds; else a helpful error."""
    names = set(raw.header)
    if kind is not None:
        chosen = [layout for layout in layouts if layout.kind == kind]
        if not chosen:
            known = ", ".join(sorted({layout.kind for layout in layouts}))
            raise InputError(f"unknown --kind {kind!r}", hint=f"known kinds: {known}")
        layout = chosen[0]
        missing = sorted(layout.required - names)
        if missing:
            raise _missing_error(raw, layout, missing)
        return layout
    fits = [
        layout for layout in layouts if layout.required <= names and not (layout.forbidden & names)
    ]
    if fits:
        return max(fits, key=lambda layout: len(layout.required))
    closest = max(layouts, key=lambda layout: len(layout.required & names) / len(layout.required))
    raise _missing_error(raw, closest, sorted(closest.required - names), unknown=True)


def _near_names(missing: list[str], header: tuple[str, ...]) -> list[tuple[str, str]]:
    """``[('StockCode', 'Stockcode')]``: (header name, missing name) where the two differ in
    case, spaces or a letter or two."""
    import difflib

    folded = {name.casefold().replace(" ", ""): name for name in header}
    pairs = []
    for name in missing:
        key = name.casefold().replace(" ", "")
        match = folded.get(key) or next(
            iter(difflib.get_close_matches(key, list(folded), n=1, cutoff=0.85)), None
        )
        if match is not None:
            pairs.append((folded.get(match, match), name))
    return pairs


def _missing_error(
    raw: Probe, layout: Layout, missing: list[str], unknown: bool = False
) -> IcebergOpsError:
    names = set(raw.header)
    share = f"{len(layout.required & names)} of {len(layout.required)} required columns"
    shown = ", ".join(repr(name) for name in missing[:6]) + (" …" if len(missing) > 6 else "")
    head = "unknown header: closest known format is" if unknown else "header does not fit"
    hint = (
        "export the report again with all columns, or map your columns under `sources:` in icebergops.yaml"
        if unknown
        else "check --kind, or export the report again with all columns"
    )
    pairs = _near_names(missing, raw.header)
    if layout.config_key is not None and len(pairs) == len(missing):
        # every missing name spelt otherwise in the header: the mapping's typos, at the line
        # of the first in the config (a name the header has nothing near: the wrong file?)
        spelt, name = pairs[0]
        key, where = layout.config_key(name)
        others = (
            "; also " + ", ".join(f"{b!r} for {a!r}" for b, a in pairs[1:]) if pairs[1:] else ""
        )
        return ConfigError(
            f"{key}: {name!r} is not in {raw.path.name}'s header, which has {spelt!r}{others}",
            where=where,
            hint=f"write the names as the header does: {', '.join(repr(b) for b, _ in pairs)}",
        )
    if pairs:
        near = ", ".join(f"{spelt!r} for {name!r}" for spelt, name in pairs)
        hint = f"the header has {near}; {hint}"
    return InputError(
        f"{head} {layout.label} ({share}); missing {shown}",
        where=Where(file=raw.path, line=1),
        hint=hint,
    )
