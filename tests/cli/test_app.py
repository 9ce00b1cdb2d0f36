"""The console script itself: usage errors in two lines, the house's way, and plain help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from icebergops.cli.app import app

SCRIPT = "import sys; from icebergops.cli.app import main; sys.argv[0] = 'icebergops'; main()"


def _icebergops(*args: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """The console script in a fresh interpreter; ``stdout`` where its output goes (a file
    descriptor or file to test a full disk or a closed pipe)."""
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["restock", "x.csv", "--as-of", "2026-13-01"], "Invalid value for '--as-of'"),
        (["restock", "--bogus"], "No such option: --bogus"),
        (["restock"], "Missing argument 'ORDERS'."),
        (["forecast", "x.csv", "--scores", "s.csv"], "only with --evaluate"),
    ],
)
def test_a_usage_error_is_two_lines_and_exit_2(args: list[str], message: str) -> None:
    """Was a four-line box drawn by rich (a wrong --as-of), with no 'error:' to grep for."""
    result = _icebergops(*args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert lines[1] == f"hint: see icebergops {args[0]} --help"
    assert result.stdout == ""


def test_help_is_plain_text_and_bare_commands_show_it() -> None:
    result = _icebergops("restock", "--help")
    assert result.returncode == 0
    assert "--no-stock" in result.stdout and "--as-of YYYY-MM-DD" in result.stdout
    assert "╭" not in result.stdout and "…" not in result.stdout  # no boxes, no cut help
    bare = _icebergops()
    assert bare.returncode == 2
    assert "Usage: icebergops [OPTIONS] COMMAND" in bare.stdout + bare.stderr
    assert _icebergops("--version").stdout.startswith("icebergops ")


@pytest.mark.parametrize("command", ["inspect", "forecast", "restock", "backtest", "run", "demo"])
def test_help_names_arguments_and_values_as_unix_tools_do(command: str) -> None:
    """typer wrote `Usage: … {ORDERS}...`, `ORDERS <list[Path]>` and `--budget <float range>`."""
    result = _icebergops(command, "--help")
    assert result.returncode == 0
    for typer_own in ("{", "<list[", "<path>", " range>", "<float>", "<int>", "<day|"):
        assert typer_own not in result.stdout, (typer_own, result.stdout)
    arguments = {"inspect": " [FILES...]", "demo": " [FOLDER]", "run": ""}.get(
        command, " ORDERS..."
    )
    assert result.stdout.splitlines()[0] == f"Usage: icebergops {command} [OPTIONS]{arguments}"


def test_an_input_error_keeps_its_exit_code_through_main(tmp_path: Path) -> None:
    """main() runs the app outside click's standalone mode: 66 and 65 must still come out."""
    missing = _icebergops("inspect", str(tmp_path / "nope.csv"), "-f", "json")
    assert missing.returncode == 66
    assert f"error: {tmp_path / 'nope.csv'}: file not found" in missing.stderr
    (tmp_path / "empty.csv").write_text("")
    empty = _icebergops("restock", str(tmp_path / "empty.csv"), "--no-stock")
    assert empty.returncode == 65
    assert empty.stderr.startswith(f"error: {tmp_path / 'empty.csv'}: is empty")


@pytest.mark.parametrize(
    ("command", "name"),
    [("forecast", "f.xlsx"), ("restock", "r.csv"), ("backtest", "b.json"), ("inspect", "i.xlsx")],
)
def test_a_table_for_a_file_is_a_usage_error_before_anything_is_read(
    tmp_path: Path, command: str, name: str
) -> None:
    """`-o f.xlsx --format table` wrote the terminal's table into the file, exit 0. The orders
    file does not exist: a check after reading would exit 66."""
    target = tmp_path / name
    missing = str(tmp_path / "orders_export.csv")
    result = CliRunner().invoke(app, [command, missing, "-o", str(target), "--format", "table"])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    kind = target.suffix[1:].upper()
    assert result.stderr.splitlines() == [
        f"error: {target}: --format table is text for a person to read, not {kind}",
        f"hint: drop --format to write the {target.suffix} file, or name a .txt file for the table",
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["forecast", "restock", "backtest"])
def test_xlsx_to_stdout_is_a_usage_error_before_anything_is_read(
    tmp_path: Path, command: str
) -> None:
    """It was an OutputError (exit 73) after the whole forecast."""
    missing = str(tmp_path / "orders_export.csv")  # read first, it would be exit 66
    result = CliRunner().invoke(app, [command, missing, "--format", "xlsx"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: --format xlsx needs a file: a spreadsheet cannot go to stdout",
        "hint: add --output FILE.xlsx",
    ]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
@pytest.mark.parametrize(
    "argv",
    [
        ["inspect", "--kinds", "--format", "csv"],
        ["--help"],  # the help and the version were tracebacks, exit 1
        ["--version"],
        ["forecast", "--help"],
    ],
)
def test_a_full_disk_on_stdout_exits_73_in_one_line(argv: list[str]) -> None:
    """`> /dev/full` was `error: internal error (OSError: …)`, exit 70; `-o /dev/full` gave 73."""
    with open("/dev/full", "w") as full:
        result = _icebergops(*argv, stdout=full)
    assert result.returncode == 73, result.stderr
    assert result.stderr.splitlines() == [
        f"error: stdout: cannot be written: {os.strerror(28)}",
        "hint: free some disk space, or write elsewhere",
    ]  # and no "Exception ignored" from the interpreter's flush at exit


def test_a_reader_gone_from_stdout_is_no_error() -> None:
    """`| true`, `| head -1`: the reader has closed the pipe; was an internal error, exit 70."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = _icebergops("inspect", "--kinds", "--format", "csv", stdout=write_end)
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


def test_python_dash_m_runs_the_console_script(tmp_path: Path) -> None:
    """`python -m icebergops`, for an environment whose scripts are not on PATH."""
    done = subprocess.run(
        [sys.executable, "-m", "icebergops", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout.split()[0]) == (0, "icebergops")
    orders = tmp_path / "orders_export.csv"
    orders.write_text("Name\n")
    bad = subprocess.run(
        [sys.executable, "-m", "icebergops", "forecast", str(orders), "--horizon", "8x"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "'8x'" in bad.stderr.splitlines()[0], bad.stderr


def test_debug_shows_a_commands_oserror_as_the_traceback_it_is(tmp_path: Path) -> None:
    """Under --debug a command's PermissionError was reported as `stdout: cannot be written`,
    exit 73: the guard for the help's writes took every OSError for stdout's."""
    script = (
        "import sys\n"
        "import icebergops.cli.inspect as inspect\n"
        "def refused(*args, **kwargs):\n"
        "    raise PermissionError(13, 'Permission denied', 'orders.csv')\n"
        "inspect.read_source = refused\n"
        "from icebergops.cli.app import main\n"
        "sys.argv = ['icebergops', *sys.argv[1:]]\n"
        "main()\n"
    )
    (tmp_path / "orders.csv").write_text("Name\n")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-c", script, *args, str(tmp_path / "orders.csv")]
        return subprocess.run(argv, capture_output=True, text=True, timeout=120)

    plain, debug = run("inspect"), run("--debug", "inspect")
    assert plain.returncode == 70 and "internal error (PermissionError" in plain.stderr
    assert debug.returncode == 1, debug.stderr
    assert debug.stderr.rstrip().endswith(
        "PermissionError: [Errno 13] Permission denied: 'orders.csv'"
    )
    assert "stdout" not in debug.stderr
