"""One writer: formats, formula escaping in CSV and XLSX, atomic writes."""

from __future__ import annotations

import errno
import io
import json
import math
import os
import stat
import threading
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from rich.console import Console

from icebergops.errors import OutputError, UsageError
from icebergops.outputs import (
    atomic_path,
    check_outputs,
    format_for,
    not_an_input,
    write_table,
)

DANGEROUS = pl.DataFrame(
    {
        "sku": ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "plain", None],
        "quantity": [1, -2, 3, 4, 5, 6],
        "day": [date(2026, 11, 24)] * 6,
    }
)


def test_csv_escapes_formula_cells_but_not_numbers(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    write_table(DANGEROUS, target)
    back = pl.read_csv(target, infer_schema=False)
    assert back["sku"].to_list() == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "plain",
        None,
    ]
    assert back["quantity"].to_list() == ["1", "-2", "3", "4", "5", "6"]


def test_xlsx_escapes_formula_cells(tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    write_table(DANGEROUS, target)
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    cells = [sheet.cell(row=r, column=1).value for r in range(2, 6)]
    assert cells == ['\'=HYPERLINK("http://x")', "'+1", "'-2+3", "'@SUM(A1)"]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 6))
    assert sheet.cell(row=3, column=2).value == -2


def test_json_has_iso_dates(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    write_table(DANGEROUS.head(1), target)
    assert json.loads(target.read_text()) == [
        {"sku": '=HYPERLINK("http://x")', "quantity": 1, "day": "2026-11-24"}
    ]


def test_a_failed_write_leaves_neither_a_half_file_nor_a_temporary(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("old plan\n")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half of the new")
        raise RuntimeError("disk full")
    assert target.read_text() == "old plan\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_full_disk_is_an_output_error_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    target = tmp_path / f"plan.{fmt}"
    target.write_text("old plan\n")

    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OutputError) as err:
        write_table(pl.DataFrame({"sku": ["A"], "quantity": [2]}), target, fmt)
    assert err.value.line() == f"{target}: cannot be written: No space left on device"
    assert (err.value.exit_code, err.value.hint) == (73, "free some disk space, or write elsewhere")
    monkeypatch.undo()
    assert target.read_text() == "old plan\n"
    assert [p.name for p in tmp_path.iterdir()] == [f"plan.{fmt}"]


def test_a_pipe_or_device_is_written_into_not_replaced(tmp_path: Path) -> None:
    # `-o /dev/null` once renamed a plain file over the device: a FIFO stands in for it here
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    write_table(pl.DataFrame({"sku": ["A"], "quantity": [2]}), pipe, "csv")
    reader.join(timeout=10)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received == [b"sku,quantity\nA,2\n"]


def test_format_choice() -> None:
    assert format_for(None, None, stdout_is_tty=True) == "table"
    assert format_for(None, None, stdout_is_tty=False) == "csv"
    assert format_for(Path("a.xlsx"), None, stdout_is_tty=True) == "xlsx"
    assert format_for(Path("a.csv"), "json", stdout_is_tty=True) == "json"
    assert format_for(Path("a.pdf"), "csv", stdout_is_tty=True) == "csv"  # asked for: so be it
    with pytest.raises(UsageError, match="unknown format 'pdf'"):
        format_for(None, "pdf", stdout_is_tty=True)
    # a name that says no format we write was written as CSV
    with pytest.raises(UsageError, match=r"cannot tell the format from the name: \.pdf is not"):
        format_for(Path("fc.pdf"), None, stdout_is_tty=True)
    # no suffix is CSV, as on a pipe: -o /dev/null, -o /dev/stdout, -o >(gzip > f.gz)
    assert format_for(Path("forecast"), None, stdout_is_tty=True) == "csv"
    assert format_for(Path("/dev/null"), None, stdout_is_tty=True) == "csv"


def test_a_table_shows_brackets_in_cells_as_written(tmp_path: Path) -> None:
    """Shopify SKUs and titles may hold square brackets; rich would read them as markup."""
    frame = pl.DataFrame(
        {"sku": ["TEE-[xl]", "[/bold]", "[link=http://x]H-1"], "title": ["Socks [/s/m]"] * 3}
    )
    shown = io.StringIO()
    write_table(frame, None, "table", title="plan [draft]", console=Console(file=shown, width=200))
    text = shown.getvalue()
    for cell in ["TEE-[xl]", "[/bold]", "[link=http://x]H-1", "Socks [/s/m]", "plan [draft]"]:
        assert cell in text


@pytest.mark.parametrize("name", ["f.xlsx", "r.CSV", "p.json"])
def test_a_table_is_refused_for_a_data_file(tmp_path: Path, name: str) -> None:
    """`-o f.xlsx --format table` wrote the terminal's table, cut to 200 rows, into a .xlsx
    that was no zip (openpyxl: BadZipFile), exit 0."""
    target = tmp_path / name
    with pytest.raises(UsageError) as refused:
        check_outputs([(None, "csv"), (target, "table")])
    assert refused.value.exit_code == 2
    kind = target.suffix[1:].upper()
    assert (
        refused.value.line() == f"{target}: --format table is text for a person to read, not {kind}"
    )
    assert refused.value.hint == (
        f"drop --format to write the {target.suffix.lower()} file, or name a .txt file for the table"
    )
    shown = io.StringIO()
    with pytest.raises(UsageError, match="is text for a person"):
        write_table(pl.DataFrame({"sku": ["A"]}), target, "table", console=Console(file=shown))
    assert not target.exists() and shown.getvalue() == ""


def test_a_table_into_a_text_file_is_the_tables_text(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    shown = io.StringIO()
    frame = pl.DataFrame({"sku": ["TEE-1", "MUG-2"], "units": [3, 4]})
    write_table(frame, target, "table", title="plan", console=Console(file=shown))
    assert "TEE-1" in target.read_text() and "MUG-2" in target.read_text()
    assert "TEE-1" in shown.getvalue()
    assert format_for(None, "table", stdout_is_tty=False) == "table"  # asked for on stdout


class _Refusing(io.StringIO):
    """A stdout whose writes fail when flushed, as a full disk's do once the buffer fills."""

    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def flush(self) -> None:
        raise self.error


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_full_disk_on_stdout_is_an_output_error(
    monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """`> /dev/full` was an internal error (70), where `-o /dev/full` was an OutputError (73)."""
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr("sys.stdout", _Refusing(full))
    with pytest.raises(OutputError) as failed:
        write_table(pl.DataFrame({"sku": ["A"], "quantity": [2]}), None, fmt)
    assert failed.value.exit_code == 73
    assert failed.value.line() == f"stdout: cannot be written: {os.strerror(errno.ENOSPC)}"
    assert failed.value.hint == "free some disk space, or write elsewhere"


def test_a_reader_gone_from_stdout_ends_the_writing_quietly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`| head -1`: the reader has what it wanted; no error, no exit code of its own."""
    monkeypatch.setattr("sys.stdout", _Refusing(BrokenPipeError(errno.EPIPE, "Broken pipe")))
    assert write_table(pl.DataFrame({"sku": ["A"]}), None, "csv") == "csv"


def test_an_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("sku\nA\n")
    (tmp_path / "sub").mkdir()
    same = tmp_path / "sub" / ".." / "orders.csv"  # another spelling of the same file
    with pytest.raises(OutputError, match="is an input of this command"):
        not_an_input([tmp_path / "new.csv", same], [None, orders])
    not_an_input([tmp_path / "new.csv", None], [orders])  # a new file is fine
    assert orders.read_text() == "sku\nA\n"


def test_xlsx_shows_money_to_the_cent_and_rates_in_full(tmp_path: Path) -> None:
    frame = pl.DataFrame({"unit_cost": [59.81, 3.5], "per_day": [0.0821, 1.0], "units": [3, 4]})
    target = tmp_path / "plan.xlsx"
    write_table(frame, target)
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    assert sheet["A2"].number_format == "#,##0.00" and sheet["A2"].value == 59.81
    assert sheet["B2"].number_format == "#,##0.0000"


@pytest.mark.parametrize("suffix", ["csv", "json", "xlsx"])
def test_files_show_four_decimals_and_no_negative_zero(tmp_path: Path, suffix: str) -> None:
    """The suppliers report wrote 44.888888888888886 days, restock.csv -0.0 units short."""
    frame = pl.DataFrame(
        {"lead_time_days": [44.888888888888886], "units_short": [-0.0], "unit_cost": [0.00345]}
    )
    target = tmp_path / f"t.{suffix}"
    write_table(frame, target)
    if suffix == "xlsx":
        rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
        values = list(rows[1])
    elif suffix == "json":
        values = list(json.loads(target.read_text())[0].values())
    else:
        values = target.read_text().splitlines()[1].split(",")
        assert values == ["44.8889", "0.0", "0.00345"]
        values = [float(v) for v in values]
    assert values == [44.8889, 0.0, 0.00345]  # a cost per gram keeps its digits
    assert math.copysign(1.0, values[1]) == 1.0  # not -0.0
