"""The console script itself: usage errors in two lines, the house's way, and plain help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _icebergops(*args: str) -> subprocess.CompletedProcess[str]:
    script = "import sys; from icebergops.cli.app import main; sys.argv[0] = 'icebergops'; main()"
    return subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
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
