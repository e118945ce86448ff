"""Jobs end to end: outputs, the job store, re-use, failures, and killed jobs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from autarky.jobs import JobStatus, JobStore
from autarky.runner import run_job
from network.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"
SUMMARY_KEYS = {
    "summary_version",
    "job_id",
    "scenario",
    "status",
    "objective_usd",
    "timeline",
    "chain_year",
    "window",
    "game_path",
    "diagnosis",
    "trust",
    "cost_of_independence",
    "independence",
    "dependence_years",
    "expected_cutoff_loss_usd_bn",
}


def scenario_file(tmp_path: Path, body: str = "", name: str = "tiny") -> Path:
    text = (
        f"name: {name}\n"
        f"dataset: {TINY}\n"
        "horizon: {first: 2025, last: 2032}\n"
        "planner: US\nrival: CN\nneutral_share: 0.0\n"
        "targets:\n  - {share: 0.9, from_year: 2030}\n" + body
    )
    p = tmp_path / f"{name}.yaml"
    p.write_text(text)
    return p


def test_a_job_writes_its_folder_and_record(tmp_path):
    out = tmp_path / "out"
    o = run_job(scenario_file(tmp_path), out)
    assert o.job.status is JobStatus.DONE and not o.reused
    folder = o.job.out_dir
    assert folder.parent == out.absolute()
    names = {p.name for p in folder.iterdir()}
    assert {"plan.xlsx", "summary.json", "tables", "inputs", "log.txt"} <= names
    assert not [p for p in folder.rglob("*") if ".tmp" in p.name]  # no temp files left
    summary = json.loads((folder / "summary.json").read_text())
    assert set(summary) == SUMMARY_KEYS
    assert summary["status"] == "done" and summary["job_id"] == o.job.id
    assert summary["objective_usd"] == pytest.approx(o.result.objective)
    assert summary["timeline"] == {"US": {"magnet": None}}  # 90% target < 95% threshold
    assert summary["chain_year"] == {"US": None}
    assert (folder / "inputs" / "dataset" / "capacity.csv").is_file()
    assert "Summary" in load_workbook(folder / "plan.xlsx", read_only=True).sheetnames
    builds = (folder / "tables" / "builds.csv").read_text()
    assert "sintering" in builds
    job = JobStore(out / "jobs.sqlite").get(o.job.id)
    assert job.objective == pytest.approx(o.result.objective)


def test_same_inputs_reuse_the_earlier_job_unless_forced(tmp_path):
    out = tmp_path / "out"
    sc = scenario_file(tmp_path)
    first = run_job(sc, out)
    again = run_job(sc, out)
    assert again.reused and again.job.id == first.job.id
    forced = run_job(sc, out, force=True)
    assert not forced.reused and forced.job.id != first.job.id
    changed = run_job(scenario_file(tmp_path, "discount_rate: 0.07\n"), out)
    assert not changed.reused


def test_bad_scenario_leaves_only_a_failed_record(tmp_path):
    out = tmp_path / "out"
    bad = scenario_file(tmp_path, "budgett: {per_year_usd_bn: 1}\n", name="bad")
    with pytest.raises(InputError, match="did you mean 'budget'"):
        run_job(bad, out)
    jobs = JobStore(out / "jobs.sqlite").list()
    assert [(j.scenario, j.status) for j in jobs] == [("bad", JobStatus.FAILED)]
    assert "unknown key 'budgett'" in jobs[0].error
    assert [p.name for p in out.iterdir()] == ["jobs.sqlite"] or all(
        p.name.startswith("jobs.sqlite") for p in out.iterdir()
    )


def test_unknown_commodity_in_scenario_fails_cleanly(tmp_path):
    out = tmp_path / "out"
    bad = scenario_file(
        tmp_path, "restrictions:\n  - {commodities: [magnets], from_year: 2027}\n", name="bad2"
    )
    with pytest.raises(InputError, match="unknown commodity 'magnets'.*did you mean 'magnet'"):
        run_job(bad, out)
    (job,) = JobStore(out / "jobs.sqlite").list()
    assert job.status is JobStatus.FAILED
    assert not job.out_dir.exists()


def test_infeasible_plan_is_a_job_with_a_diagnosis(tmp_path):
    sc = scenario_file(tmp_path, name="early")
    sc.write_text(sc.read_text().replace("from_year: 2030", "from_year: 2026"))
    o = run_job(sc, tmp_path / "out")
    assert o.job.status is JobStatus.INFEASIBLE
    assert "lead time" in o.job.error
    summary = json.loads((o.job.out_dir / "summary.json").read_text())
    assert summary["status"] == "infeasible"
    assert any("2026" in d for d in summary["diagnosis"])


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autarky", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_run_jobs_show(tmp_path):
    sc = scenario_file(tmp_path)
    r = _cli("run", str(sc), "--out", str(tmp_path / "out"), "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = _cli("run", str(sc), "--out", str(tmp_path / "out"), "--json", cwd=tmp_path)
    assert r.returncode == 0
    summary = json.loads(r.stdout)
    assert set(summary) == SUMMARY_KEYS
    r = _cli("jobs", "--out", str(tmp_path / "out"), "--json", cwd=tmp_path)
    listed = json.loads(r.stdout)[0]  # newest first
    assert listed["id"] == summary["job_id"] and listed["status"] == "done"
    r = _cli("show", summary["job_id"], "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert json.loads(r.stdout)["summary"]["job_id"] == summary["job_id"]
    r = _cli("show", "nope", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert r.returncode == 2 and "no job 'nope'" in r.stderr


def test_cli_bad_input_exits_2_without_traceback(tmp_path):
    bad = scenario_file(tmp_path, "discount_rate: lots\n", name="bad")
    r = _cli("run", str(bad), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "discount_rate" in r.stderr


def _running_job(store: Path, timeout: float = 60.0) -> str:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if store.exists():
            try:
                with sqlite3.connect(store) as conn:
                    row = conn.execute("SELECT id FROM jobs WHERE status = 'running'").fetchone()
            except sqlite3.OperationalError:
                row = None
            if row:
                return row[0]
        time.sleep(0.02)
    raise AssertionError("no running job appeared")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_job_is_marked_interrupted_with_no_plan(tmp_path, sig):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "autarky",
            "run",
            str(ROOT / "data/scenarios/baseline.yaml"),
            "--out",
            str(out),
            "--quiet",
            "--force",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    job_id = _running_job(out / "jobs.sqlite")
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (-9, 143, -15)
    job = JobStore(out / "jobs.sqlite")
    job.reap_stale()
    j = job.get(job_id)
    assert j.status is JobStatus.INTERRUPTED
    assert not (j.out_dir / "plan.xlsx").exists()
    assert not [p for p in j.out_dir.rglob("*") if ".tmp" in p.name]
    assert "Traceback" not in err


def test_a_race_scenario_runs_as_a_game_job(tmp_path):
    o = run_job(ROOT / "data/scenarios/race.yaml", tmp_path / "out")
    assert o.job.kind == "game" and o.job.scenario == "race"
    assert o.job.status is JobStatus.DONE
    folder = o.job.out_dir
    assert {"plan.xlsx", "race.json", "summary.json"} <= {p.name for p in folder.iterdir()}
    summary = json.loads((folder / "summary.json").read_text())
    assert set(summary) == SUMMARY_KEYS
    assert set(summary["timeline"]) == {"US", "CN"}
    w = o.race.window
    assert summary["window"] == (
        None
        if w is None
        else {"leader": w.leader, "start": w.start, "end": w.end, "years": w.years}
    )
    assert len(summary["game_path"]) == 16  # 2025-2040
    wb = load_workbook(folder / "plan.xlsx", read_only=True)
    assert wb["Game"].max_row > 16
