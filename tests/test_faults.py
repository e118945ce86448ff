"""Faults: killed jobs, jobs at the same time, solver time limits, disks that refuse writes.

The invariant after any fault: a job's record is final (``done``, ``time_limit``, ``failed``,
``interrupted``), and a ``plan.xlsx`` exists only for a job that finished writing it, complete.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from autarky.cli import app
from autarky.jobs import JobStatus, JobStore
from autarky.runner import _JOB_STATUS, OutputError, reap_interrupted, run_job
from optimize.plan.solve import Status

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"
BASELINE = ROOT / "data" / "scenarios" / "baseline.yaml"


def tiny_scenario(tmp_path: Path, name: str = "tiny") -> Path:
    p = tmp_path / f"{name}.yaml"
    p.write_text(
        f"name: {name}\ndataset: {TINY}\nhorizon: {{first: 2025, last: 2032}}\n"
        "planner: US\nrival: CN\nneutral_share: 0.0\n"
        "targets:\n  - {share: 0.9, from_year: 2030}\n"
    )
    return p


def baseline_with(tmp_path: Path, solver: str) -> Path:
    """The baseline scenario (default dataset) with another solver block."""
    text = BASELINE.read_text().replace("dataset: ../default", f"dataset: {ROOT / 'data/default'}")
    head, _, _ = text.partition("\nsolver:")
    p = tmp_path / "baseline.yaml"
    p.write_text(head + "\n" + solver + "\n")
    return p


def _autarky(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "autarky", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _assert_invariant(out: Path) -> list[JobStatus]:
    """Every job final; plan.xlsx complete (openpyxl opens it) iff the job is done."""
    store = JobStore(out / "jobs.sqlite")
    reap_interrupted(store)  # what the next run does: SIGKILL leaves temporaries to clear
    statuses = []
    for job in store.list():
        assert job.status.is_final, job
        plan = job.out_dir / "plan.xlsx"
        if job.status is JobStatus.DONE:
            wb = load_workbook(plan, read_only=True)
            assert "Summary" in wb.sheetnames
            wb.close()
        else:
            assert job.status is JobStatus.INTERRUPTED, job
            assert not plan.exists()
        assert not [p for p in job.out_dir.rglob("*") if ".tmp-" in p.name]
        statuses.append(job.status)
    return statuses


def test_jobs_killed_at_random_moments_leave_no_partial_plan(tmp_path):
    """Kill the baseline job after seeded random delays (loading, building, solving, export)."""
    rng = random.Random(20261121)
    seen: list[JobStatus] = []
    for attempt in range(4):
        out = tmp_path / f"out{attempt}"
        proc = _autarky("run", str(BASELINE), "--out", str(out), "--quiet", "--force")
        time.sleep(rng.uniform(1.0, 7.0))
        sig = rng.choice([signal.SIGKILL, signal.SIGTERM])
        if proc.poll() is None:
            os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err
        if (out / "jobs.sqlite").exists():
            seen += _assert_invariant(out)
    assert seen  # at least one run got as far as recording its job


def test_two_jobs_at_once_share_the_store_and_clobber_nothing(tmp_path):
    out = tmp_path / "out"
    scenario = tiny_scenario(tmp_path)
    procs = [_autarky("run", str(scenario), "--out", str(out), "-q", "--force") for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    jobs = JobStore(out / "jobs.sqlite").list()
    assert len(jobs) == 2 and {j.status for j in jobs} == {JobStatus.DONE}
    assert jobs[0].out_dir != jobs[1].out_dir
    for job in jobs:
        summary = json.loads((job.out_dir / "summary.json").read_text())
        assert summary["job_id"] == job.id  # each folder holds its own job's files
    assert _assert_invariant(out) == [JobStatus.DONE, JobStatus.DONE]


def test_solver_time_limit_is_reported_never_as_optimal(tmp_path):
    sc = baseline_with(tmp_path, "solver: {time_limit_s: 0.001}")
    o = run_job(sc, tmp_path / "out")
    assert o.job.status is JobStatus.TIME_LIMIT
    assert o.plan_path is None and not (o.job.out_dir / "plan.xlsx").exists()
    summary = json.loads((o.job.out_dir / "summary.json").read_text())
    assert summary["status"] == "time_limit" and summary["objective_usd"] is None
    assert "time_limit" in o.job.error
    # a time-limited solve that did find a plan is still recorded time_limit, not done
    assert _JOB_STATUS[Status.TIME_LIMIT] is JobStatus.TIME_LIMIT


def test_time_limit_from_the_cli_exits_0_with_the_status(tmp_path):
    sc = baseline_with(tmp_path, "solver: {time_limit_s: 0.001}")
    r = CliRunner().invoke(app, ["run", str(sc), "--out", str(tmp_path / "out"), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["status"] == "time_limit"


def test_output_folder_that_cannot_exist_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    out = blocker / "out"
    r = CliRunner().invoke(app, ["run", str(tiny_scenario(tmp_path)), "--out", str(out), "-q"])
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit)
    text = " ".join(r.stderr.split())
    assert text.startswith("cannot write outputs: 1 problem")
    assert str(blocker) in text and "cannot write here" in text


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["disk-full", "read-only"])
def test_disk_full_or_read_only_while_exporting_fails_the_job_cleanly(tmp_path, monkeypatch, code):
    import autarky.excel.plan

    def refuse(path, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(autarky.excel.plan, "write_plan_workbook", refuse)
    out = tmp_path / "out"
    with pytest.raises(OutputError, match=r"plan\.xlsx: cannot write here") as exc:
        run_job(tiny_scenario(tmp_path), out)
    assert os.strerror(code) in str(exc.value)
    (job,) = JobStore(out / "jobs.sqlite").list()
    assert job.status is JobStatus.FAILED
    assert os.strerror(code) in job.error
    assert not (job.out_dir / "plan.xlsx").exists()
    assert not [p for p in job.out_dir.rglob("*") if ".tmp-" in p.name]


def test_disk_full_from_the_cli_exits_2_without_traceback(tmp_path, monkeypatch):
    import autarky.atomic

    real = autarky.atomic.os.replace

    def full(src, dst):
        if str(dst).endswith(".csv"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real(src, dst)

    monkeypatch.setattr(autarky.atomic.os, "replace", full)
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["run", str(tiny_scenario(tmp_path)), "--out", str(out), "-q"])
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit)
    assert "No space left on device" in r.stderr
    (job,) = JobStore(out / "jobs.sqlite").list()
    assert job.status is JobStatus.FAILED
