"""The job store under faults (issue 15): not a database, newer schema, read-only, full disk,
damaged summaries, temporaries of killed jobs. Every failure is one located message (exit 2),
no job stays ``running``, and ``autarky jobs`` still lists the store afterwards.

Full and read-only disks are simulated here (the tests run as root on one filesystem); the
same paths were checked by hand on a 16 MB tmpfs filled with ``dd`` and remounted read-only
(docs/reliability.md).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

import autarky.store_errors as store_errors
from autarky.cli import app
from autarky.jobs import JobStatus, JobStore, open_for_reading
from autarky.runner import run_job
from autarky.store_errors import RESERVE_BYTES, StoreError, reserve_path, store_error

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"


def _scenario(tmp_path: Path) -> Path:
    p = tmp_path / "s.yaml"
    p.write_text(
        f"name: s\ndataset: {TINY}\nhorizon: {{first: 2025, last: 2030}}\nplanner: US\nrival: CN\n"
    )
    return p


def _refused(result, *fragments: str) -> str:
    text = " ".join(result.stderr.split())
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    for f in fragments:
        assert f in text, text
    return text


def test_a_store_that_is_not_a_database_is_named_by_run_jobs_and_show(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "jobs.sqlite").write_text("these are my notes, not a database\n" * 100)
    runner = CliRunner()
    want = f"{out / 'jobs.sqlite'}: is not an autarky job store (not an SQLite database)"
    _refused(runner.invoke(app, ["run", str(_scenario(tmp_path)), "--out", str(out)]), want)
    _refused(runner.invoke(app, ["jobs", "--out", str(out)]), want)
    _refused(runner.invoke(app, ["show", "x", "--out", str(out)]), want)
    assert sorted(p.name for p in out.iterdir()) == ["jobs.sqlite"]  # nothing else made


def test_a_store_of_a_newer_autarky_is_refused_by_every_command(tmp_path):
    out = tmp_path / "out"
    JobStore(out / "jobs.sqlite")
    with sqlite3.connect(out / "jobs.sqlite") as conn:
        conn.execute("PRAGMA user_version = 7")
    runner = CliRunner()
    want = "was written by a newer autarky (store schema 7; this one reads 1) -- upgrade autarky"
    _refused(runner.invoke(app, ["jobs", "--out", str(out)]), want)
    _refused(runner.invoke(app, ["run", str(_scenario(tmp_path)), "--out", str(out)]), want)


def test_a_read_only_store_is_still_listed(tmp_path, monkeypatch):
    """Writing is refused (simulated: SQLite's read-only answer); jobs and show read it."""
    out = tmp_path / "out"
    outcome = run_job(_scenario(tmp_path), out)

    def read_only(self):
        raise store_error(
            self.path, sqlite3.OperationalError("attempt to write a readonly database")
        )

    monkeypatch.setattr(JobStore, "_create", read_only)
    runner = CliRunner()
    listed = runner.invoke(app, ["jobs", "--out", str(out), "--json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout)[0]["id"] == outcome.job.id
    shown = runner.invoke(app, ["show", outcome.job.id, "--out", str(out)])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["summary"]["status"] == "done"
    _refused(
        runner.invoke(app, ["run", str(_scenario(tmp_path)), "--out", str(out), "--force"]),
        "jobs.sqlite: cannot be written (read-only file or folder)",
    )
    assert JobStore(out / "jobs.sqlite", readonly=True).reap_stale() == []  # reads only


class _FullDisk:
    """A connection on a full disk: every write fails the way SQLite says it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.in_transaction = False

    def execute(self, sql: str, *args):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "COMMIT")):
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, *args)


def test_a_full_disk_still_records_the_end_of_a_job(tmp_path, monkeypatch):
    store = JobStore(tmp_path / "jobs.sqlite")
    reserve = reserve_path(store.path)
    assert reserve.stat().st_size == RESERVE_BYTES
    job = store.start("run", "s", "h", tmp_path)
    real = JobStore._connect

    @contextmanager
    def connect(self):
        with real(self) as conn:  # the disk is full until the reserve is given up
            yield _FullDisk(conn) if reserve.exists() else conn

    monkeypatch.setattr(JobStore, "_connect", connect)
    put_back: list[Path] = []
    monkeypatch.setattr(store_errors, "keep_reserve", put_back.append)
    ended = store.finish(job.id, JobStatus.FAILED, error="OSError: No space left on device")
    assert ended.status is JobStatus.FAILED
    assert not reserve.exists() and put_back == [store.path]  # spent, then put back


def test_a_nearly_full_disk_frees_the_reserve_before_connecting(tmp_path, monkeypatch):
    """SQLite needs room for its -shm file even to read ("disk I/O error" otherwise)."""
    store = JobStore(tmp_path / "jobs.sqlite")
    assert reserve_path(store.path).exists()
    monkeypatch.setattr(store_errors, "_free_bytes", lambda _: 1024)
    assert store.list() == []
    assert not reserve_path(store.path).exists()
    err = store_error(store.path, sqlite3.OperationalError("disk I/O error"))
    assert err.kind == "full" and "the disk is full" in err.report()


def test_a_job_failing_on_a_full_disk_is_failed_and_listed(tmp_path, monkeypatch):
    """ENOSPC while exporting and a full disk when recording: the job is 'failed', never left
    'running' (to be reaped as 'interrupted'), and 'autarky jobs' lists it."""
    import errno
    import os

    import autarky.excel.plan

    out = tmp_path / "out"
    JobStore(out / "jobs.sqlite")
    reserve = reserve_path(out / "jobs.sqlite")

    def full(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    real = JobStore._connect

    @contextmanager
    def connect(self):
        with real(self) as conn:
            yield conn if exporting_failed == [] or not reserve.exists() else _FullDisk(conn)

    exporting_failed: list[bool] = []

    def full_and_remember(path, *args, **kwargs):
        exporting_failed.append(True)
        full(path)

    monkeypatch.setattr(autarky.excel.plan, "write_plan_workbook", full_and_remember)
    monkeypatch.setattr(JobStore, "_connect", connect)
    result = CliRunner().invoke(app, ["run", str(_scenario(tmp_path)), "--out", str(out), "-q"])
    _refused(result, "cannot write here (No space left on device)")
    listed = CliRunner().invoke(app, ["jobs", "--out", str(out), "--json"])
    assert listed.exit_code == 0
    assert [j["status"] for j in json.loads(listed.stdout)] == ["failed"]


def test_a_damaged_summary_is_named_by_show_and_run_runs_again(tmp_path):
    out = tmp_path / "out"
    sc = _scenario(tmp_path)
    first = run_job(sc, out)
    (first.job.out_dir / "summary.json").write_text('{"status": "done", "objec')
    shown = CliRunner().invoke(app, ["show", first.job.id, "--out", str(out)])
    _refused(shown, f"{first.job.out_dir / 'summary.json'}: is damaged (not a JSON object)")
    again = run_job(sc, out)  # same inputs: the damaged job is not reused
    assert not again.reused and again.job.id != first.job.id


def test_every_reap_sweeps_the_temporaries_of_killed_jobs(tmp_path):
    """A job killed while plan.xlsx was written, reaped by 'autarky jobs' (not by a run): its
    .plan.tmp-*.xlsx is deleted; the final files stay."""
    out = tmp_path / "out"
    store = JobStore(out / "jobs.sqlite")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    job = store.start("run", "s", "h", out)
    with sqlite3.connect(store.path) as conn:
        conn.execute(
            "UPDATE jobs SET pid = ?, proc_start = NULL WHERE id = ?", (int(dead.stdout), job.id)
        )
    tmp = job.out_dir / ".plan.tmp-1f3a9c0b.xlsx"
    tmp.write_bytes(b"PK half a workbook")
    (job.out_dir / "tables").mkdir()
    nested = job.out_dir / "tables" / ".costs.tmp-00aa11bb.csv"
    nested.write_text("half")
    kept = job.out_dir / "log.txt"
    kept.write_text("final\n")
    listed = CliRunner().invoke(app, ["jobs", "--out", str(out), "--json"])
    assert json.loads(listed.stdout)[0]["status"] == "interrupted"
    assert not tmp.exists() and not nested.exists() and kept.exists()


def test_open_for_reading_raises_what_it_cannot_work_around(tmp_path):
    bad = tmp_path / "jobs.sqlite"
    bad.write_bytes(b"\x00" * 4096)
    with pytest.raises(StoreError) as exc:
        open_for_reading(bad)
    assert exc.value.kind in ("foreign", "damaged")
