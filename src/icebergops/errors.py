"""One small exception family; each class carries the exit code a cron job can act on.

Exit codes follow BSD ``sysexits.h`` where one fits (as httpie's ``status.py`` does), usage errors
keep Click's 2:
65 bad input data, 66 input missing, 73 cannot create output, 78 configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2  # what Click uses for usage errors
EXIT_DATA = 65
EXIT_NO_INPUT = 66
EXIT_CANT_CREATE = 73
EXIT_CONFIG = 78
EXIT_INFEASIBLE = 3
EXIT_INTERNAL = 70  # a bug in icebergops, not in the input


@dataclass(frozen=True)
class Where:
    """A place in an input file: what a person needs to find and fix a bad cell.

    ``line`` is the physical line number in the file (1 = header), so an editor's go-to-line finds it.
    """

    file: Path | str | None = None
    line: int | None = None
    column: str | None = None
    value: str | None = None

    def prefix(self) -> str:
        parts = [str(p) for p in (self.file, self.line) if p is not None]
        return ":".join(parts)

    def describe(self) -> str:
        bits = []
        if self.column is not None:
            bits.append(f"column {self.column!r}")
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            bits.append(repr(shown))
        return ": ".join(bits)


class IcebergOpsError(Exception):
    """Base of every error a user can act on. ``str(err)`` is the one-line message."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, *, where: Where | None = None, hint: str | None = None):
        self.message = message
        self.where = where or Where()
        self.hint = hint
        super().__init__(self.line())

    def line(self) -> str:
        """``<file>:<line>: column 'X': 'value' is not a number`` style, without the hint."""
        head = self.where.prefix()
        cell = self.where.describe()
        body = f"{cell} {self.message}" if cell else self.message
        return f"{head}: {body}" if head else body


class UsageError(IcebergOpsError):
    """A command was given too little to do its job well (an option it needs is missing)."""

    exit_code = EXIT_USAGE


class InputError(IcebergOpsError):
    """An input file is missing, unreadable, or holds values that cannot be used."""

    exit_code = EXIT_DATA


class MissingInputError(InputError):
    exit_code = EXIT_NO_INPUT


class ConfigError(IcebergOpsError):
    """``icebergops.yaml`` (or a command-line setting) is wrong."""

    exit_code = EXIT_CONFIG


class OutputError(IcebergOpsError):
    """An output file cannot be written."""

    exit_code = EXIT_CANT_CREATE


class InfeasibleError(IcebergOpsError):
    """The inputs are valid but no plan satisfies them (a budget below every must-buy, say)."""

    exit_code = EXIT_INFEASIBLE
