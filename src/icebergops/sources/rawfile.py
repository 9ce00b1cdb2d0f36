"""Open an export as it really is: compressed or not, any of the encodings sellers meet, any delimiter.

The result is a :class:`RawTable`: every cell a string (dates and numbers are parsed later, with
explicit formats, by the readers), header names stripped of stray spaces, and each record's physical
line number so that errors can point an editor at the right line.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from icebergops.errors import ConfigError, InputError, MissingInputError, Where

SNIFF_BYTES = 256 * 1024
DELIMITERS = (",", "\t", ";", "|")
LINE = "__line"
# A field wholly in quotes: how a tab-separated file that does quote shows itself.
QUOTED_FIELD = re.compile(
    r'(?:^|\t)"[^"\t\n]*"(?:\t|\r?$)', re.MULTILINE
)  # the physical line of each record (1 = header)
ENCODINGS_TRIED = ("utf-8", "cp1252", "cp932")


@dataclass(frozen=True)
class Probe:
    """What the first look at a file tells: enough to pick a layout before reading every cell."""

    path: Path
    encoding: str  # utf-8, utf-8-sig, utf-16, cp1252 or cp932 (Shift_JIS as Windows writes it)
    delimiter: str
    compressed: bool
    header: tuple[str, ...]  # stripped names, as in the file
    data: bytes | None  # UTF-8 bytes to parse; None when polars reads the file itself (plain UTF-8)
    quote: str | None = '"'  # None for tab-separated files that never quote (Amazon flat files)


@dataclass(frozen=True)
class RawTable:
    path: Path
    encoding: str
    delimiter: str
    compressed: bool
    header: tuple[str, ...]
    frame: pl.DataFrame  # String columns named as ``header`` plus ``__line`` (Int64)
    lines: int  # physical lines, header included
    blank_records: int = 0
    batch_records: int | None = None  # set when the file was read in batches (frame: the last)

    @property
    def records(self) -> int:
        return self.frame.height if self.batch_records is None else self.batch_records

    def where(
        self, line: int | None = None, column: str | None = None, value: str | None = None
    ) -> Where:
        return Where(file=self.path, line=line, column=column, value=value)


def probe(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Probe:
    """Find a file's compression, encoding, delimiter and header; refuse files no reader could use."""
    _check_exists(path)
    if encoding is not None:
        _check_encoding(encoding)
    head = _read_head(path)
    compressed = head[:2] == b"\x1f\x8b"
    if compressed:
        head = _read_head(path, compressed=True)
    data: bytes | None = None
    if encoding not in (None, "utf-8", "utf8") or not _looks_utf8(head):
        data = _load(path, compressed)
    if data is not None:
        text_encoding = encoding or detect_encoding(data, path)
        data = _utf8_source(data, text_encoding, path)
        head = data[:SNIFF_BYTES]
    else:
        text_encoding = encoding or "utf-8"
    if not head.strip():
        raise InputError("is empty", where=Where(file=path), hint="export the report again")
    header_line = _decode_head(head).split("\n", 1)[0].rstrip("\r")
    separator = delimiter or detect_delimiter(header_line, path)
    header = tuple(_split_header(header_line, separator, path))
    quote = '"' if separator != "\t" or QUOTED_FIELD.search(_decode_head(head)) else None
    return Probe(path, text_encoding, separator, compressed, header, data, quote)


def read_raw(
    path_or_probe: Path | Probe,
    *,
    columns: frozenset[str] | None = None,
    numbers: dict[str, pl.DataType] | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> RawTable:
    """Read a file into a :class:`RawTable`, raising :class:`InputError` on one no reader could use.

    ``columns`` limits which header names are materialised (others are parsed and dropped), which
    keeps memory low on wide exports. ``numbers`` names columns that polars may parse as numbers
    while reading; if any cell of them is not a clean number, every column is read as text and
    the readers report the cell.
    """
    found = (
        path_or_probe
        if isinstance(path_or_probe, Probe)
        else probe(path_or_probe, encoding=encoding, delimiter=delimiter)
    )
    header = list(found.header)
    source: bytes | Path = found.data if found.data is not None else found.path
    frame = _read_frame(
        source, found.path, found.delimiter, header, columns, found.quote, numbers=numbers
    )
    if frame.width == 0:  # a header and no lines: polars returns no columns at all
        wanted = [name for name in header if columns is None or name in columns]
        frame = pl.DataFrame(schema=dict.fromkeys(wanted, pl.String))
    # A download cut short leaves the last record short of cells. Where every column was read,
    # polars shows that; where only some were, the file's last line has to be looked at.
    if columns is not None or _last_record_short(frame):
        check_tail(found)
    line_numbers = _record_lines(source, found.delimiter, frame, every_column=columns is None)
    frame = frame.with_columns(pl.Series(LINE, line_numbers, dtype=pl.Int64))
    values = [c for c in frame.columns if c != LINE]
    blank = pl.all_horizontal(pl.col(values).is_null())
    blanks = int(frame.select(blank.sum()).item())
    if blanks:
        frame = frame.filter(~blank)
    total_lines = int(line_numbers[-1]) if len(line_numbers) else 1
    return RawTable(
        path=found.path,
        encoding=found.encoding,
        delimiter=found.delimiter,
        compressed=found.compressed,
        header=tuple(header),
        frame=frame,
        lines=total_lines,
        blank_records=blanks,
    )


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise MissingInputError("file not found", where=Where(file=path), hint=_near_names(path))
    if path.is_dir():
        raise MissingInputError("is a folder, not a file", where=Where(file=path))


def _read_head(path: Path, *, compressed: bool = False) -> bytes:
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)
    except OSError as err:
        if compressed:
            raise InputError("is a damaged gzip file", where=Where(file=path)) from err
        raise MissingInputError(f"cannot be read: {err.strerror}", where=Where(file=path)) from err


def _read_tail(path: Path, compressed: bool) -> bytes:
    if compressed:
        return _load(path, compressed)[-SNIFF_BYTES:]
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - SNIFF_BYTES))
        return handle.read()


def _looks_utf8(head: bytes) -> bool:
    """True for plain UTF-8 without BOM (a multi-byte character cut at the end is fine)."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start >= len(head) - 3 and err.reason == "unexpected end of data"
    return True


def _load(path: Path, compressed: bool) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise MissingInputError(f"cannot be read: {err.strerror}", where=Where(file=path)) from err
    if compressed:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise InputError("is a damaged gzip file", where=Where(file=path)) from err
    if not data.strip():
        raise InputError("is empty", where=Where(file=path), hint="export the report again")
    return data


def _near_names(path: Path) -> str | None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        return None
    stem = path.name.lower()[:6]
    near = sorted(p.name for p in folder.iterdir() if p.name.lower().startswith(stem))[:3]
    return f"files with a similar name here: {', '.join(near)}" if near else None


def detect_encoding(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), Windows-1252 or Shift_JIS."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    _refuse_binary(data, path)
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return _guess_legacy(data, path)


def _refuse_binary(data: bytes, path: Path) -> None:
    sample = data[:SNIFF_BYTES]
    if sample.startswith(b"PK\x03\x04"):
        raise InputError(
            "is an Excel workbook or ZIP archive, not a CSV file",
            where=Where(file=path),
            hint="open it and save as CSV (comma-separated), or unzip it first",
        )
    nul = sample.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"is a binary file, not CSV text (byte {nul} is NUL)",
            where=Where(file=path),
            hint="export the report as CSV or tab-separated text",
        )


def _guess_legacy(data: bytes, path: Path) -> str:
    """Between Windows-1252 and Shift_JIS, the one whose decoding reads as text.

    Japanese text in cp932 is pairs of high bytes; European text in cp1252 is lone high bytes
    between ASCII letters. charset-normalizer (a dependency of requests) weighs exactly that.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * SNIFF_BYTES], cp_isolation=["cp1252", "cp932"]).best()
    candidates = [best.encoding] if best is not None else []
    candidates += ["cp1252", "cp932"]
    for name in candidates:
        codec = "cp932" if name in ("cp932", "shift_jis") else name
        try:
            data.decode(codec)
            return codec
        except (UnicodeDecodeError, LookupError):
            continue
    bad = _first_bad_utf8(data)
    raise InputError(
        f"is not UTF-8, Windows-1252 or Shift_JIS text (undecodable bytes near byte {bad})",
        where=Where(file=path),
        hint="re-export as UTF-8 CSV, or pass --encoding",
    )


def _first_bad_utf8(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start
    return -1


def _decode_head(head: bytes) -> str:
    return head.decode("utf-8", errors="ignore").lstrip("\ufeff")


def detect_delimiter(header_line: str, path: Path) -> str:
    """The delimiter that splits the header into the most columns (outside quotes)."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    if counts[best] < 2:
        raise InputError(
            "has a single column: no comma, tab, semicolon or pipe in its first line",
            where=Where(file=path, line=1, value=header_line[:60]),
            hint="is this a CSV export? pass --delimiter if it uses another separator",
        )
    return best


def _split_header(header_line: str, delimiter: str, path: Path) -> list[str]:
    names = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter))]
    if len(names) < 2:
        shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(delimiter, delimiter)
        found = max(DELIMITERS, key=header_line.count)
        raise InputError(
            f"splits into a single column on {shown}",
            where=Where(file=path, line=1, value=header_line[:60]),
            hint=f"the file seems to use {found!r} as delimiter",
        )
    seen: set[str] = set()
    for position, name in enumerate(names):
        if name in seen or not name:
            names[position] = f"{name or 'column'}_{position + 1}"
        seen.add(names[position])
    return names


def _check_last_line(
    tail: bytes, delimiter: str, width: int, path: Path, quote: str | None = '"'
) -> None:
    """A download cut short ends mid-record: fewer cells than the header, or an open quote."""
    if tail.endswith((b"\n", b"\r")) or not tail:
        return
    last = tail.decode("utf-8", errors="ignore").rsplit("\n", 1)[-1]
    if not last.strip():
        return
    if quote:
        cells = next(csv.reader([last], delimiter=delimiter), [])
    else:
        cells = next(csv.reader([last], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])
    open_quote = quote is not None and last.count('"') % 2 == 1
    if len(cells) < width or open_quote:
        raise InputError(
            f"last line is truncated: {len(cells)} of {width} columns"
            + (" and an unclosed quote" if open_quote else ""),
            where=Where(
                file=path, line=count_lines(path) if path.exists() else None, value=last[:60]
            ),
            hint="the export or download was cut short; export the file again",
        )


def count_lines(source: bytes | Path) -> int:
    """Physical lines, counted in chunks so a large file is never held in memory at once."""
    if isinstance(source, bytes):
        return source.count(b"\n") + (0 if source.endswith(b"\n") else 1)
    count, last = 0, b"\n"
    with gzip.open(source, "rb") if _is_gzip(source) else source.open("rb") as handle:
        while chunk := handle.read(16 * 1024 * 1024):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (0 if last == b"\n" else 1)


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _check_encoding(name: str) -> None:
    try:
        codecs.lookup(name)
    except LookupError as err:
        raise ConfigError(
            f"unknown encoding {name!r}", hint="e.g. utf-8, cp1252, cp932 (Shift_JIS), utf-16"
        ) from err


def _utf8_source(data: bytes, encoding: str, path: Path | None = None) -> bytes:
    if encoding == "utf-8":
        return data
    if encoding == "utf-8-sig":
        return data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode(encoding).lstrip("\ufeff").encode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            f"is not {encoding} text (undecodable bytes at byte {err.start})",
            where=Where(file=path),
            hint="leave out --encoding to detect it",
        ) from err


def _read_frame(
    source: bytes | Path,
    path: Path,
    delimiter: str,
    header: list[str],
    columns: frozenset[str] | None,
    quote: str | None = '"',
    numbers: dict[str, pl.DataType] | None = None,
) -> pl.DataFrame:
    wanted = None if columns is None else [i for i, name in enumerate(header) if name in columns]
    typed = {
        n: t for n, t in (numbers or {}).items() if n in header and (not columns or n in columns)
    }
    try:
        frame = pl.read_csv(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            separator=delimiter,
            has_header=False,
            skip_rows=1,
            new_columns=header,
            columns=wanted,
            infer_schema=False,
            schema_overrides=typed or None,
            quote_char=quote,
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except pl.exceptions.ColumnNotFoundError:
        # polars finds no columns to pick in a file with a header and no lines
        return pl.DataFrame(
            schema=dict.fromkeys(
                header if wanted is None else [header[i] for i in wanted], pl.String
            )
        )
    except pl.exceptions.ComputeError as err:
        if typed:  # a cell is not a clean number: read text, and let the reader say which
            return _read_frame(source, path, delimiter, header, columns, quote)
        if quote and delimiter == "\t":
            # Amazon's flat files never quote: a title like `Skillet 12" cast iron` is plain text.
            return _read_frame(source, path, delimiter, header, columns, quote=None)
        if "invalid utf-8" in str(err).lower() and isinstance(source, Path):
            content = _load(path, _is_gzip(path))
            data = _utf8_source(content, detect_encoding(content, path))
            return _read_frame(data, path, delimiter, header, columns, quote)
        content = source if isinstance(source, bytes) else _load(path, _is_gzip(path))
        raise _structure_error(err, content, delimiter, len(header), path, quote) from err
    return frame


def _structure_error(
    err: Exception, source: bytes, delimiter: str, width: int, path: Path, quote: str | None
) -> InputError:
    """Find the first record whose cell count differs from the header, with Python's csv module."""
    _check_last_line(source[-SNIFF_BYTES:], delimiter, width, path, quote)
    text = io.StringIO(source.decode("utf-8", errors="replace"))
    if quote:
        reader = csv.reader(text, delimiter=delimiter)
    else:
        reader = csv.reader(text, delimiter=delimiter, quoting=csv.QUOTE_NONE)
    for record in reader:
        if reader.line_num > 1 and len(record) > width:
            return InputError(
                f"has {len(record)} cells where the header has {width}",
                where=Where(file=path, line=reader.line_num),
                hint="a cell with the delimiter inside is not quoted, or the delimiter is wrong",
            )
    return InputError(
        f"cannot be parsed as CSV: {str(err).splitlines()[0]}", where=Where(file=path)
    )


def check_tail(found: Probe) -> None:
    """Raise when the file's last line is cut short (see :func:`_check_last_line`)."""
    tail = (
        found.data[-SNIFF_BYTES:]
        if found.data is not None
        else _read_tail(found.path, found.compressed)
    )
    _check_last_line(tail, found.delimiter, len(found.header), found.path, found.quote)


def _last_record_short(frame: pl.DataFrame) -> bool:
    """Whether the last record lacks its last cell: then the file may be cut short."""
    return frame.height > 0 and frame[-1, frame.width - 1] is None


def _record_lines(
    source: bytes | Path, delimiter: str, frame: pl.DataFrame, *, every_column: bool
) -> pl.Series:
    """The physical line on which each record starts (header = line 1)."""
    records = frame.height
    if every_column:
        # Records are lines (blank lines included) unless a cell holds a line break.
        cells = pl.col(pl.String)
        breaks = frame.select(pl.any_horizontal(cells.str.contains("\n", literal=True)).any())
        one_line_each = records == 0 or not breaks.item()
    else:
        one_line_each = count_lines(source) == records + 1
    if one_line_each:
        return pl.int_range(2, records + 2, eager=True, dtype=pl.Int64)
    # Quoted cells span lines (product descriptions): let the csv module count them.
    content = source if isinstance(source, bytes) else _load(source, _is_gzip(source))
    text = content.decode("utf-8", errors="replace").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader, None)
    starts: list[int] = []
    previous_end = reader.line_num
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return pl.Series(
        starts[:records] + [previous_end + 1] * (records - len(starts)), dtype=pl.Int64
    )
