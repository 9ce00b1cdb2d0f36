"""Where the commands' messages go: stderr, each on one line however long it is."""

from __future__ import annotations

from rich.console import Console


def stderr_console(*, highlight: bool = False) -> Console:
    """Errors, warnings and log lines on stderr, never wrapped at the terminal's width (a cron
    job's log is read line by line; redirected, rich would wrap at 80 columns). Tables still fit
    the width. No markup: a SKU or title like ``Socks [/s/m]`` in a message is text, not a
    style tag (rich would fail on it, or swallow ``[xl]`` from ``TEE-[xl]``)."""
    return Console(stderr=True, highlight=highlight, soft_wrap=True, markup=False)
