"""Progress goes to a terminal's stderr only: never into a pipe or a log file."""

from __future__ import annotations

import io

from rich.console import Console

from icebergops.cli.progress import stages


def test_no_progress_where_stderr_is_not_a_terminal() -> None:
    buffer = io.StringIO()
    with stages(Console(file=buffer, force_terminal=False)) as progress:
        progress("fitting 10 series (regular)")
    assert buffer.getvalue() == ""


def test_the_stage_is_shown_on_a_terminal_and_cleared() -> None:
    buffer = io.StringIO()
    with stages(Console(file=buffer, force_terminal=True, width=80)) as progress:
        progress("fitting 10 series (regular)")
    shown = buffer.getvalue()
    assert "fitting 10 series (regular)…" in shown
    # the spinner line is erased and the cursor given back once the block ends
    assert shown.endswith("\x1b[?25h\r\x1b[1A\x1b[2K")
