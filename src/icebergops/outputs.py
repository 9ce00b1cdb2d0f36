"""One writer for every table the tool produces: CSV, XLSX, JSON or a terminal table.

Files are written atomically (a temporary file in the target folder, then a rename), so a failed
run never leaves a half-written plan behind. Text cells that a spreadsheet would run as a formula
(``= + - @``, tab, carriage return at the start) are prefixed with ``'`` in CSV and XLSX.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
from rich.console import Console
from rich.table import Table
from rich.text import Text

from icebergops.errors import ConfigError, OutputError, UsageError, Where

Format = Literal["csv", "xlsx", "json", "table"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "json", "table")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLACES = 4  # decimals of the floats written to files: a ten-thousandth of a unit, a day, a cent


def escape_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix ``'`` to text cells a spreadsheet would evaluate (OWASP CSV injection advice).

    >>> escape_formulas(pl.DataFrame({"a": ["=1+1", "ok", "-2"]}))["a"].to_list()
    ["'=1+1", 'ok', "'-2"]
    """
    pattern = "^[" + "".join("\\" + c if c in "-+" else c for c in FORMULA_STARTS) + "]"
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(pattern))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    )


def format_for(path: Path | None, requested: str | None, *, stdout_is_tty: bool) -> Format:
    """The format to write: the one asked for, else the file's suffix, else table on a terminal."""
    if requested:
        if requested not in FORMATS:
            raise UsageError(
                f"unknown format {requested!r}", hint=f"use --format {', '.join(FORMATS)}"
            )
        if requested == "table" and path is not None and path.suffix.lower() in DATA_SUFFIXES:
            raise table_into_data_file(path)
        if requested == "xlsx" and path is None:  # was found after the work, with exit 73
            raise UsageError(
                "--format xlsx needs a file: a spreadsheet cannot go to stdout",
                hint="add --output FILE.xlsx",
            )
        return requested
    if path is not None:
        suffix = path.suffix.lower().lstrip(".")
        if suffix in ("csv", "xlsx", "json"):
            return suffix  # type: ignore[return-value]
        # no suffix (`-o /dev/stdout`, a pipe, `plan`): CSV, as on a pipe; another suffix
        # names a format we do not write (fc.pdf got CSV)
        if suffix and not (path.exists() and not path.is_file()):
            raise UsageError(
                f"cannot tell the format from the name: {path.suffix} is not .csv, .xlsx or .json",
                where=Where(file=path),
                hint="name a .csv, .xlsx or .json file, or give --format",
            )
        return "csv"
    return "table" if stdout_is_tty else "csv"


DATA_SUFFIXES = (".csv", ".xlsx", ".json")


def table_into_data_file(path: Path) -> UsageError:
    """A table is cut to the terminal (200 rows, squashed columns): in ``-o f.xlsx`` it made a
    file no spreadsheet opens, in ``-o f.csv`` one that is not CSV. (``-o report.txt`` keeps
    the table as text, for a person to read.)"""
    return UsageError(
        f"--format table is text for a person to read, not {path.suffix.lower()[1:].upper()}",
        where=Where(file=path),
        hint=f"drop --format to write the {path.suffix.lower()} file, or name a .txt file for "
        "the table",
    )


def check_outputs(outputs: Iterable[tuple[Path | None, str | None]]) -> None:
    """Raise before any work where an ``(output, --format)`` pair names no format we write,
    so that a typo fails at once, not after minutes of forecasting (and with exit 2)."""
    for path, requested in outputs:
        format_for(path, requested, stdout_is_tty=sys.stdout.isatty())


def require_plotting() -> None:
    """Raise at once, before any work, where ``--plot`` is asked for without matplotlib."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise ConfigError("--plot needs matplotlib", hint="pip install 'icebergops[plot]'")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` only on success."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise OutputError(
            f"cannot write here: {err.strerror}",
            where=Where(file=target),
            hint=f"make {folder} a folder this user can write, or write elsewhere",
        ) from err
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _put_in_place(temporary, target)
    except OSError as err:  # a full disk, a quota: the target keeps what it had
        raise _cannot_write(err, target) from err
    finally:
        temporary.unlink(missing_ok=True)


def _cannot_write(err: OSError, target: Path | str) -> OutputError:
    hint = "free some disk space, or write elsewhere" if err.errno == errno.ENOSPC else None
    return OutputError(
        f"cannot be written: {err.strerror or err}", where=Where(file=target), hint=hint
    )


@contextlib.contextmanager
def writing_stdout() -> Iterator[None]:
    """Flush what the block writes to stdout, so that a full disk (``> /dev/full``) is an
    :class:`OutputError` here, as with ``-o``, not an OSError later or at exit. A reader that
    has gone (``| head -1``) has what it wanted: the writing stops quietly."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_to_devnull()
    except OSError as err:
        _stdout_to_devnull()
        raise _cannot_write(err, "stdout") from err


def _stdout_to_devnull() -> None:
    """Send what stdout still buffers nowhere: the interpreter's flush at exit would fail on it
    again, with a traceback (see the note on SIGPIPE in Python's ``signal`` docs)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a test's StringIO: nothing is left behind
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def write_stdout(text: str) -> None:
    """Write ``text`` to stdout, flushed: a full disk raises :class:`OutputError` (exit 73)."""
    with writing_stdout():
        sys.stdout.write(text)


def _put_in_place(temporary: Path, target: Path) -> None:
    # mkstemp makes the file private (0600); a plan is an ordinary file, as the umask says.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    if target.exists() and not target.is_file():
        _write_into(temporary, target)
    else:
        new = not target.exists()
        os.replace(temporary, target)
        if new:
            _created.append(target)


# Files this process created through atomic_path, in order: a failing command removes its own.
_created: list[Path] = []


def created_count() -> int:
    """How many files atomic writes have created so far (see :func:`remove_created`)."""
    return len(_created)


def remove_created(since: int) -> int:
    """Remove the files created after the first ``since``, and return how many there were: a
    command that fails after writing its plan, on its purchase orders, leaves no plan behind
    that looks complete. Files it replaced stay replaced (their old content is gone)."""
    fresh = _created[since:]
    for path in reversed(fresh):
        path.unlink(missing_ok=True)
    del _created[since:]
    return len(fresh)


def _write_into(temporary: Path, target: Path) -> None:
    """Copy into a device or pipe (``-o /dev/null``, ``-o /dev/stdout``): a rename would put a
    plain file in its place."""
    if target.is_dir():
        raise OutputError("is a folder, not a file", where=Where(file=target))
    with temporary.open("rb") as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink)


def write_text(text: str, target: Path) -> None:
    """Write ``text`` to ``target`` atomically (UTF-8)."""
    with atomic_path(target) as temporary:
        temporary.write_text(text, encoding="utf-8")


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def tidy_numbers(frame: pl.DataFrame, places: int = PLACES) -> pl.DataFrame:
    """Floats to ``places`` decimals, or ``places`` significant digits below 0.01 (a cost per
    gram keeps its 0.00345), and float noise below 1e-9 as 0.0, never -0.0: files show 44.8889
    days where the arithmetic left 44.888888888888886, and 0.0 units short where it left -0.0.

    >>> tidy_numbers(pl.DataFrame({"days": [44.888888888888886, -0.0, -1e-12, 0.00345], "n": [1, 2, 3, 4]})).rows()
    [(44.8889, 1), (0.0, 2), (0.0, 3), (0.00345, 4)]
    """
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    if not floats:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).abs() < 1e-9)
        .then(0.0)
        .when(pl.col(name).abs() >= 0.01)
        .then(pl.col(name).round(places))
        .otherwise(pl.col(name).round_sig_figs(places))
        .alias(name)
        for name in floats
    )


def to_json(frame: pl.DataFrame) -> str:
    """Rows as a JSON array of objects; dates as ISO 8601 strings."""
    rows = tidy_numbers(frame).to_dicts()
    return json.dumps(rows, default=_json_default, ensure_ascii=False, indent=1)


def to_csv(frame: pl.DataFrame) -> str:
    return escape_formulas(tidy_numbers(frame)).write_csv()


def _decimal_formats(frame: pl.DataFrame, most: int = 6) -> dict[Any, str]:
    """A number format per float column with as many decimals as its values have, up to
    ``most``: money rounded to the cent shows 59.81, not polars' default 59.810, and a rate
    of 0.0821 units a day keeps its four.

    >>> _decimal_formats(pl.DataFrame({"cost": [59.81, 3.5], "rate": [0.0821, None], "n": [1, 2]}))
    {'cost': '#,##0.00', 'rate': '#,##0.0000'}
    """
    formats: dict[Any, str] = {}  # Any: polars' own key type also takes selectors
    for name, dtype in frame.schema.items():
        if not dtype.is_float():
            continue
        values = frame.get_column(name).drop_nulls().drop_nans()
        finite = values.filter(values.is_finite())
        places = next((d for d in range(most + 1) if _has_places(finite, d)), most)
        formats[name] = "#,##0" + ("." + "0" * places if places else "")
    return formats


def _has_places(values: pl.Series, places: int) -> bool:
    """Whether every value is written in full with ``places`` decimals."""
    off = (values - values.round(places)).abs().max()
    return not isinstance(off, float) or off < 1e-9  # None: no values


def write_xlsx(frame: pl.DataFrame, target: Path, *, sheet: str = "data") -> None:
    """One sheet, header row frozen, columns auto-fitted; text cells escaped."""
    import xlsxwriter

    # Built in memory, then written like any file: a full disk is then one OSError (an
    # xlsxwriter file left open would complain again, with a traceback, when collected).
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    # A fixed creation date keeps the file byte-identical when the data is the same.
    book.set_properties({"created": datetime(2000, 1, 1)})
    escape_formulas(tidy_numbers(frame)).write_excel(
        book,
        worksheet=sheet[:31],
        autofit=True,
        freeze_panes=(1, 0),
        column_formats=_decimal_formats(frame),
    )
    book.close()
    with atomic_path(target) as temporary:
        temporary.write_bytes(buffer.getvalue())


def not_an_input(outputs: Iterable[Path | None], inputs: Iterable[Path | None]) -> None:
    """Raise before anything is read where an output file is one of the inputs: ``-o
    orders.csv`` would replace the seller's export with the forecast."""
    given = [path for path in inputs if path is not None]
    for output in outputs:
        if output is None or not output.exists():
            continue
        for path in given:
            if path.exists() and os.path.samefile(output, path):
                raise OutputError(
                    "is an input of this command: writing there would replace it",
                    where=Where(file=output),
                    hint="give --output another file name",
                )


def render_table(frame: pl.DataFrame, *, title: str | None = None, max_rows: int = 200) -> Table:
    """A rich table of ``frame``'s first ``max_rows`` rows. Cells are plain text: a SKU like
    ``TEE-[xl]`` shows as written, where rich markup would drop ``[xl]`` (or fail on
    ``[/s/m]``, or make ``[link=…]`` a link)."""
    table = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for name, dtype in frame.schema.items():
        table.add_column(Text(name), justify="right" if dtype.is_numeric() else "left")
    for row in frame.head(max_rows).iter_rows():
        table.add_row(*(Text(_cell(value)) for value in row))
    if frame.height > max_rows:
        table.caption = f"{max_rows} of {frame.height} rows shown; use --output or --format csv"
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def write_table(
    frame: pl.DataFrame,
    target: Path | None = None,
    fmt: str | None = None,
    *,
    title: str | None = None,
    console: Console | None = None,
) -> Format:
    """Write ``frame`` to ``target`` (or stdout) in ``fmt``; return the format used."""
    chosen = format_for(target, fmt, stdout_is_tty=sys.stdout.isatty())
    if chosen == "xlsx":
        if target is None:
            raise OutputError("XLSX cannot go to the terminal", hint="add --output FILE.xlsx")
        write_xlsx(frame, target)
        return chosen
    if chosen == "table":  # format_for refuses it for a .csv, .xlsx or .json file
        with writing_stdout():
            (console or Console()).print(render_table(frame, title=title))
        if target is not None:  # report.txt: the same table as text
            buffer = io.StringIO()
            Console(file=buffer, width=200).print(render_table(frame, title=title))
            write_text(buffer.getvalue(), target)
        return chosen
    text = to_csv(frame) if chosen == "csv" else to_json(frame) + "\n"
    if target is None:
        write_stdout(text)
    else:
        write_text(text, target)
    return chosen
