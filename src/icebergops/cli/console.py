"""Where the commands' messages go: stderr, each on one line however long it is."""

from __future__ import annotations

from rich.console import Console


def stderr_console(*, highlight: bool = False) -> Console:
    """Errors, warnings and log lines on stderr, never wrapped at the terminal's width (a cron
    job's log is read line by line; redirected, rich would wrap at 80 columns). Tables still fit
    the width. No markup: a SKU or title like ``Socks [/s/m]`` in a message is text, not a
    style tag (rich would fail on it, or swallow ``[xl]`` from ``TEE-[xl]``)."""
    return Console(stderr=True, highlight=highlight, soft_wrap=True, markup=False)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and its noun, singular for one: "1 supplier", "18 suppliers", "1,204 SKUs".

    >>> counted(1, "supplier"), counted(1204, "SKU"), counted(2, "SKU-location", "SKU-locations")
    ('1 supplier', '1,204 SKUs', '2 SKU-locations')
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
