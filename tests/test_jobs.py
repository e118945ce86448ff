"""The job store (real SQLite files in tmp_path, real processes), job_guard and the inputs hash."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from autarky.hashing import code_version, dataset_files, inputs_hash
from autarky.jobs import (
    EXIT_INTERRUPTED,
    Job,
    JobStateError,
    JobStatus,
    JobStore,
    UnknownJob,
    job_guard,
)
from autarky.store_errors import StoreError

ID_PATTERN = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
FINAL_STATUSES = [s for s in JobStatus if s is not JobStatus.RUNNING]


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    return JobStore(tmp_path / "out" / "jobs.sqlite")


def start_run(store: JobStore, scenario: str = "baseline", digest: str = "h1") -> Job:
    return store.start("run", scenario, digest, store.path.parent)


def python(code: str, **kwargs: object) -> subprocess.Popen[str]:
    """Start ``python -c code`` (dedented) with this interpreter, stdout piped as text."""
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


# --- store: create, finish, read ---------------------------------------------------------------


def test_new_store_is_wal_with_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "jobs.sqlite"
    JobStore(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM jobs").fetchone() == (0,)
    JobStore(path)  # opening again is harmless


def test_store_from_a_newer_autarky_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite"
    JobStore(path)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 2")
    with pytest.raises(StoreError, match=r"newer autarky \(store schema 2; this one reads 1\)"):
        JobStore(path)
    with pytest.raises(StoreError, match="store schema 2"):
        JobStore(path, readonly=True)


def test_start_records_a_running_job_and_creates_its_folder(store: JobStore) -> None:
    before = datetime.now(UTC)
    job = store.start("run", "baseline", "abc123", store.path.parent)
    assert ID_PATTERN.match(job.id)
    assert job.id.startswith(before.strftime("%Y%m%d-"))
    assert job.out_dir == store.path.parent / job.id
    assert job.out_dir.is_dir() and list(job.out_dir.iterdir()) == []
    assert (job.kind, job.scenario, job.inputs_hash) == ("run", "baseline", "abc123")
    assert job.status is JobStatus.RUNNING
    assert (job.pid, job.host) == (os.getpid(), socket.gethostname())
    assert before <= job.started <= datetime.now(UTC)
    assert job.started.tzinfo is not None
    assert (job.ended, job.duration_s, job.objective, job.error) == (None, None, None, None)
    assert (job.sweep_id, job.variant) == (None, None)
    assert store.get(job.id) == job


def test_finish_records_outcome_and_duration(store: JobStore) -> None:
    job = start_run(store)
    done = store.finish(job.id, JobStatus.DONE, objective=44.0)
    assert done.status is JobStatus.DONE
    assert done.objective == 44.0
    assert done.error is None
    assert done.ended is not None and done.ended >= job.started
    assert done.duration_s == (done.ended - job.started).total_seconds()
    assert done.duration_s >= 0
    assert store.get(job.id) == done
    # everything but the outcome is unchanged
    assert (done.id, done.started, done.out_dir, done.pid) == (
        job.id,
        job.started,
        job.out_dir,
        job.pid,
    )


@pytest.mark.parametrize("status", FINAL_STATUSES)
def test_every_final_status_round_trips(store: JobStore, status: JobStatus) -> None:
    job = start_run(store)
    store.finish(job.id, status, error=f"ended as {status.value}")
    got = store.get(job.id)
    assert got.status is status
    assert got.error == f"ended as {status.value}"


@pytest.mark.parametrize("status", FINAL_STATUSES)
def test_a_final_status_cannot_change(store: JobStore, status: JobStatus) -> None:
    job = start_run(store)
    store.finish(job.id, status)
    with pytest.raises(JobStateError, match=f"already ended as {status.value}"):
        store.finish(job.id, JobStatus.DONE, objective=1.0)
    assert store.get(job.id).status is status
    assert store.get(job.id).objective is None


def test_finish_with_running_is_refused(store: JobStore) -> None:
    job = start_run(store)
    with pytest.raises(JobStateError, match="'running' is not a final status"):
        store.finish(job.id, JobStatus.RUNNING)
    assert store.get(job.id).status is JobStatus.RUNNING


def test_database_itself_refuses_to_reopen_a_finished_job(store: JobStore) -> None:
    """A trigger guards the rule against any writer, not only this module."""
    job = start_run(store)
    store.finish(job.id, JobStatus.FAILED, error="boom")
    with (
        sqlite3.connect(store.path) as conn,
        pytest.raises(sqlite3.IntegrityError, match="job status is final"),
    ):
        conn.execute("UPDATE jobs SET status = 'running' WHERE id = ?", (job.id,))
    assert store.get(job.id).status is JobStatus.FAILED


def test_database_refuses_unknown_status(store: JobStore) -> None:
    job = start_run(store)
    with (
        sqlite3.connect(store.path) as conn,
        pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"),
    ):
        conn.execute("UPDATE jobs SET status = 'finished' WHERE id = ?", (job.id,))


def test_unknown_job_names_the_id(store: JobStore) -> None:
    with pytest.raises(UnknownJob, match="no job '20990101-000000-abcdef' in .*jobs.sqlite"):
        store.get("20990101-000000-abcdef")
    with pytest.raises(UnknownJob) as info:
        store.finish("nope", JobStatus.DONE)
    assert info.value.job_id == "nope"
    assert isinstance(info.value, KeyError)


def test_list_is_newest_first_with_limit(store: JobStore) -> None:
    jobs = [start_run(store, scenario=f"s{i}") for i in range(5)]
    listed = store.list()
    assert [j.scenario for j in listed] == ["s4", "s3", "s2", "s1", "s0"]
    assert [j.id for j in listed] == [j.id for j in reversed(jobs)]
    assert [j.scenario for j in store.list(limit=2)] == ["s4", "s3"]
    assert store.list(limit=0) == []


def test_list_by_sweep(store: JobStore) -> None:
    out = store.path.parent
    store.start("run", "baseline", "h0", out)
    a = store.start("sweep-variant", "baseline", "h1", out, sweep_id="sw1", variant="budget=10")
    b = store.start("sweep-variant", "baseline", "h2", out, sweep_id="sw1", variant="budget=20")
    store.start("sweep-variant", "baseline", "h3", out, sweep_id="sw2", variant="budget=10")
    got = store.list(sweep_id="sw1")
    assert [(j.id, j.variant) for j in got] == [(b.id, "budget=20"), (a.id, "budget=10")]
    assert all(j.sweep_id == "sw1" for j in got)
    assert store.list(sweep_id="none") == []


def test_find_done_returns_the_newest_done_job_with_those_inputs(store: JobStore) -> None:
    out = store.path.parent
    assert store.find_done("h1") is None
    old = store.start("run", "baseline", "h1", out)
    store.finish(old.id, JobStatus.DONE, objective=10.0)
    failed = store.start("run", "baseline", "h1", out)
    store.finish(failed.id, JobStatus.FAILED, error="boom")
    store.start("run", "baseline", "h1", out)  # still running
    other = store.start("run", "baseline", "h2", out)
    store.finish(other.id, JobStatus.DONE, objective=99.0)
    new = store.start("run", "baseline", "h1", out)
    store.finish(new.id, JobStatus.DONE, objective=10.0)
    game = store.start("game", "baseline", "h1", out)
    store.finish(game.id, JobStatus.DONE, objective=5.0)

    assert store.find_done("h1") == store.get(game.id)
    assert store.find_done("h1", kind="run") == store.get(new.id)
    assert store.find_done("h1", kind="sweep-variant") is None
    assert store.find_done("h3") is None


def test_two_stores_on_other_roots_share_ids_space(tmp_path: Path) -> None:
    """Jobs may live under different out roots; the store still lists all of them."""
    store = JobStore(tmp_path / "jobs.sqlite")
    a = store.start("run", "s", "h", tmp_path / "a")
    b = store.start("run", "s", "h", tmp_path / "b")
    assert a.out_dir.parent == tmp_path / "a" and a.out_dir.is_dir()
    assert b.out_dir.parent == tmp_path / "b" and b.out_dir.is_dir()
    assert {j.id for j in store.list()} == {a.id, b.id}


def test_relative_out_root_is_stored_absolute(
    store: JobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    job = store.start("run", "s", "h", Path("rel"))
    assert job.out_dir == tmp_path / "rel" / job.id
    assert store.get(job.id).out_dir.is_absolute()


# --- concurrency and stale jobs ----------------------------------------------------------------

STARTER = """
    import sys
    from pathlib import Path
    from autarky.jobs import JobStore, JobStatus
    store = JobStore(Path(sys.argv[1]))
    for i in range(20):
        job = store.start("run", f"{sys.argv[2]}-{i}", "h", Path(sys.argv[3]))
        if i % 2:
            store.finish(job.id, JobStatus.DONE, objective=float(i))
        print(job.id, flush=True)
"""


def test_two_processes_start_jobs_concurrently(tmp_path: Path) -> None:
    db, out = tmp_path / "jobs.sqlite", tmp_path / "out"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(STARTER), str(db), name, str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("p1", "p2")
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    printed = [line for stdout, _ in outputs for line in stdout.split()]

    jobs = JobStore(db).list()
    assert len(jobs) == 40
    assert len({j.id for j in jobs}) == 40
    assert {j.id for j in jobs} == set(printed)
    assert len({j.out_dir for j in jobs}) == 40
    assert sorted(p.name for p in out.iterdir()) == sorted(printed)
    assert sorted(j.scenario for j in jobs) == sorted(
        f"p{p}-{i}" for p in (1, 2) for i in range(20)
    )
    assert sum(j.status is JobStatus.DONE for j in jobs) == 20
    assert len({j.pid for j in jobs}) == 2
    assert [j.started for j in jobs] == sorted((j.started for j in jobs), reverse=True)


def test_reap_stale_marks_a_killed_process_job_interrupted(store: JobStore) -> None:
    child = python(
        f"""
        import time
        from pathlib import Path
        from autarky.jobs import JobStore
        store = JobStore(Path({str(store.path)!r}))
        print(store.start("run", "doomed", "h", store.path.parent).id, flush=True)
        time.sleep(60)
        """
    )
    assert child.stdout is not None
    job_id = child.stdout.readline().strip()
    assert store.get(job_id).status is JobStatus.RUNNING
    assert store.reap_stale() == []  # alive: left alone

    # killed between writing its plan and recording 'done': the reaper removes the plan
    out_dir = store.get(job_id).out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "plan.xlsx").write_bytes(b"complete, but the job never finished")
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=10)  # wait, so it is not a zombie any more
    mine = start_run(store)  # this process is alive: never reaped

    reaped = store.reap_stale()
    assert [j.id for j in reaped] == [job_id]
    assert reaped[0].status is JobStatus.INTERRUPTED
    assert reaped[0].error is not None and f"process {child.pid} on" in reaped[0].error
    assert reaped[0].ended is not None
    assert store.get(job_id) == reaped[0]
    assert store.get(mine.id).status is JobStatus.RUNNING
    assert not (out_dir / "plan.xlsx").exists()
    assert store.reap_stale() == []  # idempotent


def test_reap_stale_leaves_other_hosts_alone(store: JobStore) -> None:
    job = start_run(store)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE jobs SET host = 'other-box', pid = 999999999 WHERE id = ?", (job.id,))
    assert store.reap_stale() == []
    assert store.get(job.id).status is JobStatus.RUNNING


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_reap_stale_detects_a_reused_pid(store: JobStore) -> None:
    """Same pid, alive, but started at another time: another process took the pid over."""
    job = start_run(store)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE jobs SET proc_start = proc_start - 1 WHERE id = ?", (job.id,))
    assert [j.id for j in store.reap_stale()] == [job.id]
    assert store.get(job.id).status is JobStatus.INTERRUPTED


# --- job_guard ---------------------------------------------------------------------------------


def test_guard_marks_keyboard_interrupt_as_interrupted_and_exits_130(store: JobStore) -> None:
    job = start_run(store)
    with pytest.raises(SystemExit) as info, job_guard(store, job):
        raise KeyboardInterrupt
    assert info.value.code == EXIT_INTERRUPTED == 130
    got = store.get(job.id)
    assert got.status is JobStatus.INTERRUPTED
    assert got.error == "interrupted by SIGINT"
    assert got.ended is not None


def test_guard_marks_an_exception_as_failed_and_reraises(store: JobStore) -> None:
    job = start_run(store)
    with pytest.raises(ZeroDivisionError), job_guard(store, job):
        _ = 1 / 0
    got = store.get(job.id)
    assert got.status is JobStatus.FAILED
    assert got.error == "ZeroDivisionError: division by zero"


def test_guard_keeps_the_status_the_block_set(store: JobStore) -> None:
    job = start_run(store)
    with job_guard(store, job) as guarded:
        assert guarded == job
        store.finish(job.id, JobStatus.INFEASIBLE, error="demand exceeds supply in EU 2030")
    got = store.get(job.id)
    assert got.status is JobStatus.INFEASIBLE
    assert got.error == "demand exceeds supply in EU 2030"


def test_guard_keeps_the_status_when_the_block_raises_after_finishing(store: JobStore) -> None:
    job = start_run(store)
    with pytest.raises(OSError, match="disk full"), job_guard(store, job):
        store.finish(job.id, JobStatus.TIME_LIMIT, objective=12.5)
        raise OSError("disk full")
    assert store.get(job.id).status is JobStatus.TIME_LIMIT


def test_guard_marks_a_block_that_forgot_the_status_as_failed(store: JobStore) -> None:
    job = start_run(store)
    with job_guard(store, job):
        pass
    got = store.get(job.id)
    assert got.status is JobStatus.FAILED
    assert got.error == "job ended without recording a final status"


def test_guard_turns_sigterm_into_interrupted_and_restores_the_handler(store: JobStore) -> None:
    before = signal.getsignal(signal.SIGTERM)
    job = start_run(store)
    with pytest.raises(SystemExit) as info, job_guard(store, job):
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs at the next bytecode boundary
            pass
    assert info.value.code == 128 + signal.SIGTERM == 143
    assert store.get(job.id).status is JobStatus.INTERRUPTED
    assert store.get(job.id).error == "interrupted by SIGTERM"
    assert signal.getsignal(signal.SIGTERM) == before


GUARDED_CHILD = """
    import time
    from pathlib import Path
    from autarky.jobs import JobStore, job_guard
    store = JobStore(Path({db!r}))
    job = store.start("run", "long", "h", store.path.parent)
    with job_guard(store, job):
        print(job.id, flush=True)
        time.sleep(60)
"""


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signalled_process_records_interrupted_and_exits(
    store: JobStore, sig: signal.Signals, code: int
) -> None:
    child = python(GUARDED_CHILD.format(db=str(store.path)))
    assert child.stdout is not None
    job_id = child.stdout.readline().strip()
    child.send_signal(sig)
    _, stderr = child.communicate(timeout=10)
    assert child.returncode == code, stderr
    got = store.get(job_id)
    assert got.status is JobStatus.INTERRUPTED
    assert got.error == f"interrupted by {sig.name}"


# --- inputs hash -------------------------------------------------------------------------------


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    (folder / "demand.csv").write_text("region,year,t\nEU,2030,10\n")
    (folder / "routes.csv").write_text("from,to\nCN,EU\n")
    (folder / "sub" / "extra.csv").write_text("a\n1\n")
    return folder


SCENARIO = "name: baseline\nbudget: 10\n"


def test_inputs_hash_is_stable_across_calls_and_folders(dataset: Path, tmp_path: Path) -> None:
    first = inputs_hash(dataset, SCENARIO, "0.1.0")
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert inputs_hash(dataset, SCENARIO, "0.1.0") == first
    copy = shutil.copytree(dataset, tmp_path / "elsewhere" / "renamed-root")
    assert inputs_hash(copy, SCENARIO, "0.1.0") == first


def test_inputs_hash_follows_the_documented_encoding(tmp_path: Path) -> None:
    """Scheme tag, then length-prefixed fields: file count, per file name and sha256, scenario,
    code version. Pinned so that a change of encoding is noticed (and HASH_SCHEME bumped)."""
    (tmp_path / "a.csv").write_bytes(b"x\n1\n")

    def field(data: bytes) -> bytes:
        return len(data).to_bytes(8, "big") + data

    encoded = b"autarky-inputs-v1" + b"".join(
        field(f) for f in [b"files:1", b"a.csv", hashlib.sha256(b"x\n1\n").digest(), b"s", b"v"]
    )
    assert inputs_hash(tmp_path, "s", "v") == hashlib.sha256(encoded).hexdigest()
    assert inputs_hash(tmp_path, "s", "v") == (
        "04f4e589cd2228ae685f25442acb0c05b1745fd1662563fd2a028016ea21509c"
    )


def test_inputs_hash_changes_with_data_scenario_and_code(dataset: Path) -> None:
    base = inputs_hash(dataset, SCENARIO, "0.1.0")
    assert inputs_hash(dataset, SCENARIO + "# note\n", "0.1.0") != base
    assert inputs_hash(dataset, SCENARIO, "0.1.1") != base
    (dataset / "sub" / "extra.csv").write_text("a\n2\n")
    changed = inputs_hash(dataset, SCENARIO, "0.1.0")
    assert changed != base
    (dataset / "sub" / "extra.csv").write_text("a\n1\n")  # back to the original bytes
    assert inputs_hash(dataset, SCENARIO, "0.1.0") == base


def test_inputs_hash_changes_when_a_file_is_renamed_added_or_removed(dataset: Path) -> None:
    base = inputs_hash(dataset, SCENARIO, "0.1.0")
    (dataset / "routes.csv").rename(dataset / "routes2.csv")
    renamed = inputs_hash(dataset, SCENARIO, "0.1.0")
    (dataset / "new.csv").write_text("")
    added = inputs_hash(dataset, SCENARIO, "0.1.0")
    assert len({base, renamed, added}) == 3


def test_inputs_hash_ignores_hidden_and_office_lock_files(dataset: Path) -> None:
    base = inputs_hash(dataset, SCENARIO, "0.1.0")
    (dataset / "~$demand.xlsx").write_bytes(b"lock")
    (dataset / ".DS_Store").write_bytes(b"junk")
    (dataset / ".git").mkdir()
    (dataset / ".git" / "HEAD").write_text("ref")
    assert inputs_hash(dataset, SCENARIO, "0.1.0") == base
    assert [name for name, _ in dataset_files(dataset)] == [
        "demand.csv",
        "routes.csv",
        "sub/extra.csv",
    ]


def test_inputs_hash_of_one_workbook_and_of_a_file_list(dataset: Path, tmp_path: Path) -> None:
    book = tmp_path / "inputs.xlsx"
    book.write_bytes(b"PK fake workbook bytes")
    one = inputs_hash(book, SCENARIO, "0.1.0")
    assert inputs_hash([book], SCENARIO, "0.1.0") == one
    book.write_bytes(b"PK other workbook bytes")
    assert inputs_hash(book, SCENARIO, "0.1.0") != one

    files = [dataset / "routes.csv", dataset / "demand.csv", dataset / "sub" / "extra.csv"]
    assert inputs_hash(files, SCENARIO, "0.1.0") == inputs_hash(dataset, SCENARIO, "0.1.0")
    assert inputs_hash(files[::-1], SCENARIO, "0.1.0") == inputs_hash(files, SCENARIO, "0.1.0")


def test_inputs_hash_rejects_missing_and_duplicate_files(dataset: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        inputs_hash([dataset / "nope.csv"], SCENARIO, "0.1.0")
    with pytest.raises(ValueError, match="more than once: demand.csv"):
        inputs_hash([dataset / "demand.csv", dataset / "demand.csv"], SCENARIO, "0.1.0")


def test_code_version_starts_with_the_installed_version() -> None:
    from importlib.metadata import version

    got = code_version()
    assert got == version("autarky") or got.startswith(version("autarky") + "+git.")
    assert code_version() == got


def test_code_version_without_git_is_the_package_version() -> None:
    child = python(
        "from autarky.hashing import code_version; print(code_version())",
        env={**os.environ, "PATH": ""},
    )
    stdout, stderr = child.communicate(timeout=30)
    assert child.returncode == 0, stderr
    from importlib.metadata import version

    assert stdout.strip() == version("autarky")


def test_job_timestamps_are_utc_and_sorted_text(store: JobStore) -> None:
    job = start_run(store)
    with sqlite3.connect(store.path) as conn:
        (started,) = conn.execute("SELECT started FROM jobs WHERE id = ?", (job.id,)).fetchone()
    assert started.endswith("+00:00") and len(started) == len("2026-11-21T14:30:12.000123+00:00")
    assert job.started.utcoffset() == timedelta(0)


def test_inputs_hash_takes_several_dataset_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        (folder / "regions.csv").write_text(f"region\n{folder.name}\n")
    names = [n for n, _ in dataset_files([a, b])]
    assert names == ["a/regions.csv", "b/regions.csv"]
    before = inputs_hash([a, b], "race", "v")
    (a / "~$regions.csv").write_text("Excel lock file")
    (b / ".hidden").write_text("editor state")
    assert [n for n, _ in dataset_files([a, b])] == names
    assert inputs_hash([a, b], "race", "v") == before
    (b / "regions.csv").write_text("region\nB\n")
    assert inputs_hash([a, b], "race", "v") != before
