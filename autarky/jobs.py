"""The job store: one row per ``autarky run`` (or game, or sweep variant) in an SQLite file.

A job gets a time-sortable id, its own output folder ``<out>/<job-id>/`` and a row in
``<out>/jobs.sqlite`` that says what it computed (kind, scenario, inputs hash), who is computing
it (pid, host) and how it ended (status, objective, error). Status moves once, from ``running``
to one final state; the store refuses any other move, and an SQL trigger refuses it too.

Failures: every SQLite or OS error on the store file is an
:class:`autarky.store_errors.StoreError` (exit 2 from the CLI) naming the file: not a database,
damaged, newer schema, read-only, disk full, busy. A full disk never leaves a job ``running``:
the store keeps a small reserve file beside it and frees it to record a job's end
(:func:`autarky.store_errors.with_reserve`). ``JobStore(path, readonly=True)`` reads a store it
cannot or should not write (``autarky jobs`` and ``show`` fall back to it).

Concurrency: the database runs in WAL mode with a busy timeout, every write is one short
``BEGIN IMMEDIATE`` transaction on a fresh connection, so several processes (a sweep's workers,
two analysts' shells) can start and finish jobs on the same store at once. WAL needs a local
filesystem; do not put the store on a network share.

Typical use from a CLI command::

    store = JobStore(out / "jobs.sqlite")
    store.reap_stale()
    job = store.start("run", scenario.name, digest, out)
    with job_guard(store, job):
        result = solve(...)          # Ctrl-C / SIGTERM -> interrupted, exit 130 / 143
        write_plan(job.out_dir / "plan.xlsx", result)
        store.finish(job.id, JobStatus.DONE, objective=result.objective)
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import TypeVar
from urllib.parse import quote

from autarky.atomic import TEMP_MARKER
from autarky.store_errors import (
    StoreError,
    ensure_room,
    keep_reserve,
    newer_schema,
    store_error,
    with_reserve,
)

DEFAULT_STORE_NAME = "jobs.sqlite"
BUSY_TIMEOUT_S = 30.0
SCHEMA_VERSION = 1
EXIT_INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT); SIGTERM exits with 143 (128 + SIGTERM)."""

_ID_ATTEMPTS = 20
T = TypeVar("T")


class JobStatus(StrEnum):
    """Where a job is: ``RUNNING`` until it ends, then exactly one final state."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INFEASIBLE = "infeasible"
    INTERRUPTED = "interrupted"
    TIME_LIMIT = "time_limit"

    @property
    def is_final(self) -> bool:
        """True for every state but RUNNING.

        >>> JobStatus.DONE.is_final, JobStatus.RUNNING.is_final
        (True, False)
        """
        return self is not JobStatus.RUNNING


class UnknownJob(KeyError):
    """No job with this id in the store."""

    def __init__(self, job_id: str, store: Path) -> None:
        super().__init__(job_id)
        self.job_id = job_id
        self.store = store

    def __str__(self) -> str:
        return f"no job {self.job_id!r} in {self.store}"


class JobStateError(RuntimeError):
    """A status change the store refuses, e.g. finishing a job that already finished."""


class JobInterrupted(KeyboardInterrupt):
    """Raised inside a :func:`job_guard` block when the process receives SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass(frozen=True)
class Job:
    """One row of the job store. Times are timezone-aware UTC."""

    id: str
    kind: str
    scenario: str
    inputs_hash: str
    status: JobStatus
    started: datetime
    ended: datetime | None
    pid: int
    host: str
    objective: float | None
    out_dir: Path
    error: str | None
    sweep_id: str | None
    variant: str | None

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to end; None while running."""
        if self.ended is None:
            return None
        return (self.ended - self.started).total_seconds()


_COLUMNS = tuple(f.name for f in fields(Job))
"""Job fields are the table's columns, in this order."""
_SELECT = ", ".join(_COLUMNS)
_FINAL = ", ".join(f"'{s.value}'" for s in JobStatus if s.is_final)
_SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        scenario TEXT NOT NULL,
        inputs_hash TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', {_FINAL})),
        started TEXT NOT NULL,
        ended TEXT,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        proc_start INTEGER,
        objective REAL,
        out_dir TEXT NOT NULL,
        error TEXT,
        sweep_id TEXT,
        variant TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS jobs_by_started ON jobs (started)",
    "CREATE INDEX IF NOT EXISTS jobs_by_inputs ON jobs (inputs_hash, status)",
    "CREATE INDEX IF NOT EXISTS jobs_by_sweep ON jobs (sweep_id)",
    """CREATE TRIGGER IF NOT EXISTS jobs_final_is_final
        BEFORE UPDATE OF status ON jobs WHEN OLD.status != 'running'
        BEGIN SELECT RAISE(ABORT, 'job status is final'); END""",
)
_INSERT = f"""INSERT INTO jobs ({_SELECT}, proc_start)
    VALUES ({", ".join(":" + c for c in (*_COLUMNS, "proc_start"))})
    ON CONFLICT (id) DO NOTHING"""
_FINISH = """UPDATE jobs
    SET status = :status, ended = :ended, objective = :objective, error = :error
    WHERE id = :id AND status = 'running'"""


class JobStore:
    """The jobs of one output folder, in an SQLite file (created with its schema if missing;
    with ``readonly=True`` only read, never created or changed)."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = Path(path).absolute()
        self.readonly = readonly
        self._uri = f"file:{quote(str(self.path))}" + ("?mode=ro" if readonly else "")
        try:
            if readonly:
                self._open_readonly()
            else:
                self._create()
        except sqlite3.Error as exc:  # an OSError (folder cannot be made) is left to callers
            raise store_error(self.path, exc) from None

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            if _schema_version(self.path, conn) == SCHEMA_VERSION:
                keep_reserve(self.path)
                return  # nothing to write: a read-only or full store still opens
            _set_wal(conn)  # persistent: stored in the file
            conn.execute("BEGIN IMMEDIATE")
            try:
                _schema_version(self.path, conn)  # another process may have created it
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            except BaseException:
                _rollback(conn)
                raise
            conn.execute("COMMIT")
        keep_reserve(self.path)

    def _open_readonly(self) -> None:
        if not self.path.is_file():
            raise StoreError(
                self.path, "missing", "no job store here", "run a job first, or give --out/--store"
            )
        try:
            with self._connect() as conn:
                _schema_version(self.path, conn)
        except StoreError as exc:
            if exc.kind != "read_only":
                raise
            # a WAL store in a read-only folder without its -shm file: read it as immutable
            self._uri = f"file:{quote(str(self.path))}?mode=ro&immutable=1"
            with self._connect() as conn:
                _schema_version(self.path, conn)

    def start(
        self,
        kind: str,
        scenario: str,
        inputs_hash: str,
        out_root: Path,
        *,
        sweep_id: str | None = None,
        variant: str | None = None,
    ) -> Job:
        """Record a running job of this process and create its empty folder ``out_root/<id>/``.

        The id is ``YYYYMMDD-HHMMSS-<6 hex>`` (UTC), so ids sort by start second. Both the id
        and the folder are unique even with many processes starting jobs at once.
        """
        if not kind:
            raise ValueError("job kind must not be empty")
        out_root = Path(out_root).absolute()
        out_root.mkdir(parents=True, exist_ok=True)
        for _ in range(_ID_ATTEMPTS):
            started = _utcnow()
            job_id = f"{started:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
            job = Job(
                id=job_id,
                kind=kind,
                scenario=scenario,
                inputs_hash=inputs_hash,
                status=JobStatus.RUNNING,
                started=started,
                ended=None,
                pid=os.getpid(),
                host=socket.gethostname(),
                objective=None,
                out_dir=out_root / job_id,
                error=None,
                sweep_id=sweep_id,
                variant=variant,
            )
            try:
                job.out_dir.mkdir(exist_ok=False)
            except FileExistsError:
                continue
            try:
                inserted = self._insert(job)
            except BaseException:
                job.out_dir.rmdir()
                raise
            if inserted:
                return job
            job.out_dir.rmdir()  # id taken by a job whose folder lives under another out_root
        raise JobStateError(f"could not allocate a unique job id in {self.path}")

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        objective: float | None = None,
        error: str | None = None,
    ) -> Job:
        """Move a running job to the final ``status``; return the updated job.

        Raises UnknownJob for an unknown id and JobStateError if the job already ended or
        ``status`` is not final.
        """
        status = JobStatus(status)
        job = self._finish_if_running(job_id, status, objective, error)
        if job is None:
            ended_as = self.get(job_id).status.value
            raise JobStateError(f"job {job_id} already ended as {ended_as}, not {status.value}")
        return job

    def get(self, job_id: str) -> Job:
        """The job with this id; UnknownJob if there is none."""
        with self._connect() as conn:
            row = conn.execute(f"SELECT {_SELECT} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise UnknownJob(job_id, self.path)
        return _job(row)

    def list(self, limit: int | None = None, sweep_id: str | None = None) -> list[Job]:
        """Jobs newest first, optionally only the ``limit`` newest or one sweep's variants."""
        sql = f"SELECT {_SELECT} FROM jobs"
        params: tuple[object, ...] = ()
        if sweep_id is not None:
            sql += " WHERE sweep_id = ?"
            params = (sweep_id,)
        sql += " ORDER BY started DESC, rowid DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        with self._connect() as conn:
            return [_job(row) for row in conn.execute(sql, params)]

    def find_done(self, inputs_hash: str, kind: str | None = None) -> Job | None:
        """The newest ``done`` job with these inputs (and kind, if given), or None."""
        sql = f"SELECT {_SELECT} FROM jobs WHERE inputs_hash = ? AND status = ?"
        params: tuple[object, ...] = (inputs_hash, JobStatus.DONE.value)
        if kind is not None:
            sql += " AND kind = ?"
            params += (kind,)
        sql += " ORDER BY started DESC, rowid DESC LIMIT 1"
        with self._connect() as conn:
            row = conn.execute(sql, params).fetchone()
        return None if row is None else _job(row)

    def reap_stale(self) -> list[Job]:
        """Mark ``interrupted`` the running jobs of this host whose process is gone.

        A process is gone if its pid no longer exists, is a zombie, or (on Linux) now belongs
        to a process that started at another time than the one that recorded the job. Jobs of
        other hosts are left alone: their processes cannot be checked from here. On Windows
        nothing is reaped (no cheap, harmless liveness check).
        """
        host = socket.gethostname()
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, pid, proc_start FROM jobs WHERE status = ? AND host = ?",
                (JobStatus.RUNNING.value, host),
            ).fetchall()
        if self.readonly:
            return []
        reaped = []
        for job_id, pid, proc_start in rows:
            if _process_alive(pid, proc_start):
                continue
            reason = f"process {pid} on {host} ended without a final status (killed or crashed)"
            job = self._finish_if_running(job_id, JobStatus.INTERRUPTED, None, reason)
            if job is not None:
                _remove_temporaries(job.out_dir)
                # a job killed between writing its plan and recording 'done' keeps no plan:
                # an interrupted job's folder never holds a plan.xlsx a reader could trust
                (job.out_dir / "plan.xlsx").unlink(missing_ok=True)
                reaped.append(job)
        return reaped

    def _insert(self, job: Job) -> bool:
        """Insert a new job row; False if its id is already taken."""
        row = _row(job) | {"proc_start": _process_start(job.pid)}
        return self._write(lambda conn: conn.execute(_INSERT, row).rowcount == 1)

    def _finish_if_running(
        self, job_id: str, status: JobStatus, objective: float | None, error: str | None
    ) -> Job | None:
        """Finish the job if it is running; None if it already ended. UnknownJob if absent."""
        status = JobStatus(status)
        if not status.is_final:
            raise JobStateError(f"{status.value!r} is not a final status")
        ended = _iso(_utcnow())
        values = {"id": job_id, "status": status.value, "ended": ended, "objective": objective}
        changed = self._write(
            lambda conn: conn.execute(_FINISH, values | {"error": error}).rowcount
        )
        if changed == 1:
            return self.get(job_id)
        self.get(job_id)  # raises UnknownJob if there is no such job
        return None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A fresh autocommit connection: cheap in SQLite, and safe across fork and threads.
        SQLite's errors leave it as a located :class:`StoreError`."""
        if not self.readonly:
            ensure_room(self.path)
        try:
            conn = sqlite3.connect(
                self._uri, timeout=BUSY_TIMEOUT_S, isolation_level=None, uri=True
            )
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from None
        try:
            yield conn
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from None
        finally:
            conn.close()

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` in one write transaction, taking the write lock up front (waits up to the
        timeout); on a full disk the store's reserve is freed and ``work`` tried once more."""

        def attempt() -> T:
            with self._connect() as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    out = work(conn)
                except BaseException:
                    _rollback(conn)
                    raise
                conn.execute("COMMIT")
                return out

        return with_reserve(self.path, attempt)


def open_for_reading(path: Path) -> JobStore:
    """The store for ``autarky jobs`` and ``show``: opened (created if missing) and reaped
    when it can be written; read only when it cannot (read-only folder, full disk, busy)."""
    try:
        store = JobStore(path)
        store.reap_stale()
        return store
    except StoreError as exc:
        if exc.kind not in ("read_only", "full", "busy"):
            raise
    except OSError:  # the folder cannot be made: there is no store to read
        pass
    return JobStore(path, readonly=True)


@contextmanager
def job_guard(store: JobStore, job: Job) -> Iterator[Job]:
    """Make sure ``job`` never stays ``running`` after the block, whatever happens in it.

    The block sets the real outcome with ``store.finish`` (done, infeasible, time_limit ...).
    If it does not, the guard records:

    * Ctrl-C (KeyboardInterrupt) or SIGTERM: ``interrupted``, then ``SystemExit(128 + signal)``,
      i.e. exit code 130 for Ctrl-C and 143 for SIGTERM;
    * any other exception: ``failed`` with ``"<ExceptionType>: <message>"``, exception re-raised;
    * a normal end without a final status: ``failed`` ("ended without recording ...").

    SIGTERM is turned into :class:`JobInterrupted` only while the block runs, and only in the
    main thread (Python delivers signals there); the previous handler is restored afterwards.
    Python runs signal handlers between bytecodes, so a long call into a C solver notices the
    signal when that call returns.
    """
    in_main = threading.current_thread() is threading.main_thread()
    fired: list[int] = []

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        if not fired:  # a second SIGTERM while recording the first one is ignored
            fired.append(signum)
            raise JobInterrupted(signum)

    previous = signal.signal(signal.SIGTERM, on_sigterm) if in_main else None
    try:
        yield job
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, JobInterrupted) else signal.SIGINT.value
        name = signal.Signals(signum).name
        with _deferred_sigint(in_main):
            store._finish_if_running(job.id, JobStatus.INTERRUPTED, None, f"interrupted by {name}")
        raise SystemExit(128 + signum) from exc
    except BaseException as exc:
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        with _deferred_sigint(in_main):
            store._finish_if_running(job.id, JobStatus.FAILED, None, message)
        raise
    else:
        store._finish_if_running(
            job.id, JobStatus.FAILED, None, "job ended without recording a final status"
        )
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


@contextmanager
def _deferred_sigint(in_main: bool) -> Iterator[None]:
    """Ignore a second Ctrl-C while the guard records the outcome, so the record is written."""
    if not in_main:
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _schema_version(path: Path, conn: sqlite3.Connection) -> int:
    """The store's schema version (0: new file); a newer one is refused."""
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if found > SCHEMA_VERSION:
        raise newer_schema(path, found, SCHEMA_VERSION)
    return found


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if a transaction is open (a failed COMMIT or BEGIN may have ended it)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _remove_temporaries(folder: Path) -> None:
    """Delete the hidden ``.*.tmp-*`` files a killed process left in a job's folder (written
    by :func:`autarky.atomic.atomic_write`; final files are never touched)."""
    if not folder.is_dir():
        return
    for tmp in folder.rglob(f".*{TEMP_MARKER}*"):
        if tmp.is_file() and not tmp.is_symlink():
            tmp.unlink(missing_ok=True)


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL. Changing the journal mode needs a moment of exclusive access and
    SQLite may answer "database is locked" at once, without its busy timeout, while another
    process creates the same store: retry for up to the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    """Fixed-width UTC ISO text, so text order is time order: 2026-11-21T14:30:12.000123+00:00."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _row(job: Job) -> dict[str, object]:
    """The job as SQL column values (the inverse of :func:`_job`)."""
    return {
        "id": job.id,
        "kind": job.kind,
        "scenario": job.scenario,
        "inputs_hash": job.inputs_hash,
        "status": job.status.value,
        "started": _iso(job.started),
        "ended": None if job.ended is None else _iso(job.ended),
        "pid": job.pid,
        "host": job.host,
        "objective": job.objective,
        "out_dir": str(job.out_dir),
        "error": job.error,
        "sweep_id": job.sweep_id,
        "variant": job.variant,
    }


def _job(row: tuple[object, ...]) -> Job:
    """A job from a ``SELECT {_SELECT}`` row (the inverse of :func:`_row`)."""
    values = dict(zip(_COLUMNS, row, strict=True))
    values["status"] = JobStatus(values["status"])
    values["started"] = datetime.fromisoformat(str(values["started"]))
    if values["ended"] is not None:
        values["ended"] = datetime.fromisoformat(str(values["ended"]))
    values["out_dir"] = Path(str(values["out_dir"]))
    return Job(**values)  # type: ignore[arg-type]


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state letter, start time in clock ticks since boot) from /proc, or None off Linux."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may contain spaces
    return fields[0], int(fields[19])  # fields 3 and 22 of proc(5)


def _process_start(pid: int) -> int | None:
    stat = _proc_stat(pid)
    return None if stat is None else stat[1]


def _process_alive(pid: int, proc_start: int | None) -> bool:
    """Whether the process that recorded a job (same host) is still running."""
    if os.name == "nt":
        return True  # os.kill(pid, 0) would terminate the process on Windows
    if pid <= 0:
        return False  # os.kill(0, ...) would address our own process group
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    stat = _proc_stat(pid)
    if stat is None:
        return True  # no /proc (macOS): the pid exists, trust it
    state, started = stat
    if state == "Z":
        return False
    return proc_start is None or started == proc_start
