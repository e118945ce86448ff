"""How the job store fails, and the disk space it keeps for recording an ending.

Every failure of the store's SQLite file is a :class:`StoreError` (an :class:`InputError`, so
the CLI prints one located message and exits 2) naming the store file and saying what to do:
not a database, damaged, written by a newer autarky, read-only, disk full, busy.

A full disk must not leave a job ``running``: recording its end needs a few pages of space for
SQLite's write-ahead log and its shared-memory file (without them SQLite answers "disk I/O
error" even to reads). The store keeps :data:`RESERVE_BYTES` in a file beside it
(``jobs.sqlite-reserve``), made only while the disk has room to spare. Before every connection,
if the disk is down to :data:`LOW_WATER_BYTES` the reserve is deleted (:func:`ensure_room`); a
write that still fails because the disk is full deletes it too and tries once more
(:func:`with_reserve`). The reserve is put back when space allows.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from network.errors import InputError, Problem

RESERVE_BYTES = 512 * 1024
LOW_WATER_BYTES = 256 * 1024
RESERVE_SUFFIX = "-reserve"
T = TypeVar("T")

_MOVE_AWAY = "give another store with --store (or another --out), or move this file away"
_KINDS = (  # (fragment of SQLite's message, kind, what, fix)
    (
        "not a database",
        "foreign",
        "is not an autarky job store (not an SQLite database)",
        _MOVE_AWAY,
    ),
    ("malformed", "damaged", "is damaged (its SQLite image is malformed)", _MOVE_AWAY),
    (
        "disk is full",
        "full",
        "cannot be written: the disk is full",
        "free disk space, or give a store on another disk with --store",
    ),
    (
        "readonly",
        "read_only",
        "cannot be written (read-only file or folder)",
        "give a writable folder with --out (or --store)",
    ),
    (
        "unable to open",
        "read_only",
        "cannot be opened for writing (read-only folder, missing folder or no permission)",
        "give a writable folder with --out (or --store)",
    ),
    (
        "locked",
        "busy",
        "is busy: another process held it for longer than the wait",
        "try again when the other autarky process has finished",
    ),
)


class StoreError(InputError):
    """The job store file cannot be used; ``kind`` says why (foreign, damaged, newer, full,
    read_only, busy, other)."""

    def __init__(self, path: Path | str, kind: str, what: str, fix: str) -> None:
        self.kind = kind
        super().__init__(Problem(str(path), what, fix), title="job store unusable")


def store_error(path: Path | str, exc: BaseException) -> StoreError:
    """The StoreError for an exception raised by SQLite (or the OS) on the store at ``path``.

    >>> print(store_error("jobs.sqlite", sqlite3.DatabaseError("file is not a database")))
    job store unusable: 1 problem
      - jobs.sqlite: is not an autarky job store (not an SQLite database) -- give another \
store with --store (or another --out), or move this file away
    """
    if isinstance(exc, StoreError):
        return exc
    text = str(exc).lower()
    if "disk i/o error" in text and _free_bytes(Path(path)) < LOW_WATER_BYTES:
        text = "disk is full"  # SQLite cannot grow its -shm file on a full disk
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            text = "disk is full"
        elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            text = "readonly"
    for fragment, kind, what, fix in _KINDS:
        if fragment in text:
            return StoreError(path, kind, what, fix)
    return StoreError(path, "other", f"cannot be used ({exc})", _MOVE_AWAY)


def newer_schema(path: Path, found: int, known: int) -> StoreError:
    return StoreError(
        path,
        "newer",
        f"was written by a newer autarky (store schema {found}; this one reads {known})",
        "upgrade autarky, or give another store with --store",
    )


def reserve_path(store: Path) -> Path:
    return store.with_name(store.name + RESERVE_SUFFIX)


def _free_bytes(store: Path) -> int:
    try:
        return shutil.disk_usage(store.parent).free
    except OSError:
        return 0


def ensure_room(store: Path) -> None:
    """Free the reserve when the disk is (nearly) full, so the store can still record."""
    if _free_bytes(store) < LOW_WATER_BYTES:
        reserve_path(store).unlink(missing_ok=True)


def keep_reserve(store: Path) -> None:
    """Make sure the reserve file exists, when the disk has room to spare (best effort)."""
    path = reserve_path(store)
    if path.is_file() and path.stat().st_size >= RESERVE_BYTES:
        return
    if _free_bytes(store) < 4 * RESERVE_BYTES:
        return
    try:
        with open(path, "wb") as fh:
            fh.write(b"\0" * RESERVE_BYTES)
    except OSError:
        path.unlink(missing_ok=True)


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk is full (SQLite's "disk I/O error" counts when the disk
    is down to the low-water mark)."""
    if isinstance(exc, StoreError):
        return exc.kind == "full"
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    return isinstance(exc, sqlite3.OperationalError) and "full" in str(exc).lower()


def with_reserve(store: Path, write: Callable[[], T]) -> T:
    """Run ``write``; if the disk is full, free the reserve and run it once more."""
    try:
        return write()
    except (StoreError, sqlite3.Error, OSError) as exc:
        reserve = reserve_path(store)
        if not is_disk_full(exc) or not reserve.is_file():
            raise
        reserve.unlink(missing_ok=True)
    result = write()
    keep_reserve(store)
    return result
