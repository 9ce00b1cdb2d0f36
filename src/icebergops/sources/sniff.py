"""The first look at an export: compression, encoding, delimiter, quoting and header.

Enough to pick a layout before a single cell is parsed, and to refuse a file no reader could use
(empty, binary, a workbook, a single column) with a message that says what to do.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from icebergops.errors import ConfigError, InputError, MissingInputError, Where

SNIFF_BYTES = 256 * 1024

DELIMITERS = (",", "\t", ";", "|")


QUOTED_FIELD = re.compile(
    r'(?:^|\t)"[^"\t\n]*"(?:\t|\r?$)', re.MULTILINE
)  # the physical line of each record (1 = header)


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
    # a name the header gives again: (name, its first column, this column), columns from 1;
    # the header holds the second as ``name_<column>`` (polars needs distinct names)
    repeated: tuple[tuple[str, int, int], ...] = ()


# an empty file: an export cut short, or a file of our own layouts written by hand
EMPTY_HINT = (
    "export the report again; a file of your own (suppliers, purchase orders, events, "
    "stockouts) needs its header line"
)


def probe(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Probe:
    """Find a file's compression, encoding, delimiter and header; refuse files no reader could use."""
    _check_exists(path)
    if encoding is not None:
        _check_encoding(encoding)
    # A pipe (`<(zcat orders.csv.gz)`) or a FIFO can be read only once: all of it, now.
    content = None if path.is_file() else _read_stream(path)
    head = _read_head(path) if content is None else content[:SNIFF_BYTES]
    compressed = head[:2] == b"\x1f\x8b"
    if compressed:
        if content is None:
            head = _read_head(path, compressed=True)
        else:
            content = _gunzip(content, path)
            head = content[:SNIFF_BYTES]
    data = content
    if data is None and (
        encoding not in (None, "utf-8", "utf8") or not _looks_utf8(head) or _cr_only(head)
    ):
        data = load_bytes(path, compressed)
    if data is not None:
        text_encoding = encoding or detect_encoding(data, path)
        data = to_utf8(data, text_encoding, path)
        if _cr_only(data[:SNIFF_BYTES]):  # classic Mac OS line ends (Excel's "CSV (Macintosh)")
            data = data.replace(b"\r", b"\n")
        head = data[:SNIFF_BYTES]
    else:
        text_encoding = encoding or "utf-8"
    if not head.strip():
        raise InputError("is empty", where=Where(file=path), hint=EMPTY_HINT)
    header_line = _decode_head(head).split("\n", 1)[0].rstrip("\r")
    separator = delimiter or detect_delimiter(header_line, path)
    names, repeated = _split_header(header_line, separator, path)
    quote = '"' if separator != "\t" or QUOTED_FIELD.search(_decode_head(head)) else None
    return Probe(path, text_encoding, separator, compressed, tuple(names), data, quote, repeated)


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise MissingInputError("file not found", where=Where(file=path), hint=_near_names(path))
    if path.is_dir():
        raise MissingInputError("is a folder, not a file", where=Where(file=path))


def _read_head(path: Path, *, compressed: bool = False) -> bytes:
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)
    except EOFError as err:  # a gzip cut short within the head
        raise damaged_gzip(path) from err
    except OSError as err:
        if compressed:
            raise damaged_gzip(path) from err
        raise MissingInputError(f"cannot be read: {err.strerror}", where=Where(file=path)) from err


def _read_stream(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise MissingInputError(f"cannot be read: {err.strerror}", where=Where(file=path)) from err


def _cr_only(head: bytes) -> bool:
    """Lines end in a carriage return alone: polars and the csv module see one long line."""
    return b"\r" in head and b"\n" not in head


def _looks_utf8(head: bytes) -> bool:
    """True for plain UTF-8 without BOM (a multi-byte character cut at the end is fine)."""
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start >= len(head) - 3 and err.reason == "unexpected end of data"
    return True


def damaged_gzip(path: Path) -> InputError:
    """A gzip file cut short or corrupted (a download that stopped, a disk that filled)."""
    return InputError(
        "is a damaged gzip file: it ends before its compressed data does, or is corrupted",
        where=Where(file=path),
        hint="download or export the file again",
    )


def load_bytes(path: Path, compressed: bool) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise MissingInputError(f"cannot be read: {err.strerror}", where=Where(file=path)) from err
    if compressed:
        data = _gunzip(data, path)
    if not data.strip():
        raise InputError("is empty", where=Where(file=path), hint=EMPTY_HINT)
    return data


def _gunzip(data: bytes, path: Path) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as err:
        raise damaged_gzip(path) from err


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
        hint="re-export the file as UTF-8 CSV",
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
            hint="is this a CSV export? save it separated by commas, tabs, semicolons or pipes",
        )
    return best


def _split_header(
    header_line: str, delimiter: str, path: Path
) -> tuple[list[str], tuple[tuple[str, int, int], ...]]:
    """The header's names, a repeated or empty one made ``name_<column>``, and the repeats."""
    names = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter))]
    if len(names) < 2:
        shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(delimiter, delimiter)
        found = max(DELIMITERS, key=header_line.count)
        raise InputError(
            f"splits into a single column on {shown}",
            where=Where(file=path, line=1, value=header_line[:60]),
            hint=f"the file seems to use {found!r} as delimiter",
        )
    first: dict[str, int] = {}  # each name's first column, as the file writes them
    taken: set[str] = set()  # the names given so far
    repeated = []
    for position, name in enumerate(names):
        if name and name in first:
            repeated.append((name, first[name], position + 1))
        first.setdefault(name, position + 1)
        if name in taken or not name:
            names[position] = f"{name or 'column'}_{position + 1}"
        taken.add(names[position])
    return names, tuple(repeated)


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _check_encoding(name: str) -> None:
    try:
        codecs.lookup(name)
    except LookupError as err:
        raise ConfigError(
            f"unknown encoding {name!r}", hint="e.g. utf-8, cp1252, cp932 (Shift_JIS), utf-16"
        ) from err


def to_utf8(data: bytes, encoding: str, path: Path | None = None) -> bytes:
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
            hint="leave the encoding out (--encoding, or `encoding:` of the mapping) to detect it",
        ) from err
