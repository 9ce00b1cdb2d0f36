"""Output folders of the nightly ``icebergops run``: a lock, dated folders, a ``latest`` pointer.

A run writes everything into a hidden staging folder and renames it to its date only when
every file is there, so a reader never sees half a run; ``latest`` then points at the newest
dated folder: at this run, unless it is a backfill of a day before an existing run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from icebergops.errors import IcebergOpsError, OutputError, Where

EXIT_BUSY = 75  # EX_TEMPFAIL: another run holds the lock; try again later
LOCK = ".icebergops-run.lock"
DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RunBusyError(IcebergOpsError):
    """Another run is writing to the same output folder."""

    exit_code = EXIT_BUSY


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def run_lock(root: Path) -> Iterator[None]:
    """Hold ``root/.icebergops-run.lock`` for the run; a lock left by a dead process is taken over."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _unwritable("cannot create the output folder", root, err) from err
    lock = root / LOCK
    mine = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                       "since": datetime.now().isoformat(timespec="seconds")})  # fmt: skip
    for _ in range(2):
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(lock)
            if holder.get("host") == socket.gethostname() and not _alive(int(holder.get("pid", 0))):
                lock.unlink(missing_ok=True)  # the process that held it is gone
                continue
            raise RunBusyError(
                f"another run (pid {holder.get('pid', '?')}, since {holder.get('since', '?')}) "
                "is writing here",
                where=Where(file=lock),
                hint="wait for it to finish; remove the lock file only if no run is going",
            ) from None
        except OSError as err:
            raise _unwritable("cannot write the run's lock file", lock, err) from err
        with os.fdopen(handle, "w") as out:
            out.write(mine)
        break
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _unwritable(what: str, path: Path, err: OSError) -> OutputError:
    return OutputError(
        f"{what}: {err.strerror}",
        where=Where(file=path),
        hint="set run.output to a folder this user can write",
    )


def _holder(lock: Path) -> dict[str, str]:
    try:
        found = json.loads(lock.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


@contextlib.contextmanager
def dated_folder(root: Path, name: str) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``root/name`` and ``latest`` points at the
    newest dated folder (``name`` itself unless a later day's run exists: a backfill)."""
    staging = root / f".{name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
    except OSError as err:
        raise OutputError(
            f"cannot create the run folder: {err.strerror}", where=Where(file=staging)
        ) from err
    try:
        yield staging
        final = root / name
        if final.exists():
            old = root / f".{name}.old"
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
            staging.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(final)
        dated = _dated(root)  # a backfill leaves `latest` at the later day's run
        point_latest(root, dated[-1].name if dated else name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def point_latest(root: Path, name: str) -> None:
    """``root/latest`` → ``name`` (a symbolic link, swapped atomically; a text file where
    links are not allowed) and ``root/LATEST`` holding the name, for scripts."""
    link = root / "latest"
    temporary = root / ".latest.tmp"
    temporary.unlink(missing_ok=True)
    try:
        temporary.symlink_to(name, target_is_directory=True)
        os.replace(temporary, link)
    except OSError:
        temporary.unlink(missing_ok=True)
    (root / ".LATEST.tmp").write_text(name + "\n")
    os.replace(root / ".LATEST.tmp", root / "LATEST")


def _dated(root: Path) -> list[Path]:
    """The run folders in ``root``, oldest first (``YYYY-MM-DD`` names sort by date)."""
    return sorted(p for p in root.iterdir() if p.is_dir() and DATED.match(p.name))


def prune(root: Path, keep: int) -> list[Path]:
    """Remove the oldest dated folders beyond ``keep``; return what was removed."""
    dated = _dated(root)
    removed = dated[: max(0, len(dated) - keep)]
    for path in removed:
        shutil.rmtree(path)
    return removed
