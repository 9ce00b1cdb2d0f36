"""What a long command is doing, on stderr: a spinner and the stage, on a terminal only."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console

from icebergops.demand.forecast import Progress


@contextlib.contextmanager
def stages(console: Console) -> Iterator[Progress]:
    """Yield a callback that shows its stage beside a spinner on ``console`` until the block
    ends (the spinner line is then cleared). Where ``console`` is not a terminal (piped, a
    cron job's log, a test) the callback says nothing: no escape codes end up in a file.

    Leave the block before writing to stdout: on a terminal both streams share the screen.
    """
    if not console.is_terminal:
        yield _silent
        return
    with console.status("starting") as status:
        yield lambda stage: status.update(f"{stage}…")


def _silent(stage: str) -> None:
    """Says nothing."""
