"""Sweeps under hostile values and Ctrl-C (issue 15): every sweep value range- and
type-checked with its key named, bounded expansion, and Ctrl-C printing one line, recording the
unfinished variants interrupted and resuming on the next run (in process and on Dask)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_compare import BUDGETS, write_case
from typer.testing import CliRunner

import autarky.compare
from autarky.cli import app
from autarky.compare import run_compare
from autarky.jobs import JobStore
from optimize.sweep import clear_cache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def _refused(result, *fragments: str) -> None:
    text = " ".join(result.stderr.split())
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    for f in fragments:
        assert f in text, text


@pytest.mark.parametrize(
    ("sweep", "expected"),
    [
        ({"grid": {"budget_usd_bn": [1, "lots"]}}, "sweep.grid.budget_usd_bn.1 = 'lots': Input"),
        ({"grid": {"lead_time_multiplier": [-1]}}, "sweep.grid.lead_time_multiplier.0 = -1:"),
        ({"grid": {"target_year": [20300]}}, "less than or equal to 2100"),
        ({"budgets_usd_bn": [float("nan")]}, "sweep.budgets_usd_bn.0: Input should be a finite"),
        ({"variants": [{"name": "a", "capex_multiplier": float("inf")}]}, "finite number"),
        ({"seed": -3}, "sweep.seed: Input should be greater than or equal to 0"),
        (
            {
                "uncertain": {"lead_time_multiplier": {"dist": "normal", "mean": 0.1, "sd": 5}},
                "monte_carlo": 40,
            },
            "lead_time_multiplier = -",
        ),
        (
            {
                "grid": {"budget_usd_bn": list(range(100)), "capex_multiplier": [1, 2, 3]},
                "uncertain": {"capex_multiplier": {"dist": "uniform", "low": 1, "high": 2}},
                "monte_carlo": 1000,
            },
            "the sweep expands to 300,000 variants (most 100,000)",
        ),
    ],
)
def test_sweep_values_are_refused_with_their_key(tmp_path, sweep, expected):
    src = write_case(tmp_path, **sweep)
    result = CliRunner().invoke(app, ["compare", str(src), "--local", "--out", str(tmp_path)])
    _refused(result, "tiny.yaml", expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--monte-carlo", "-5"], "--monte-carlo: -5 draws -- give at least 1"),
        (["--workers", "0"], "--workers: 0 workers -- give at least 1"),
        (["--budgets", "1,nan"], "--budgets: nan is not a budget"),
        (["--budgets", "1,-2"], "--budgets: -2 is not a budget"),
    ],
)
def test_command_line_values_are_refused_at_once(tmp_path, args, expected):
    src = write_case(tmp_path)
    t0 = time.perf_counter()
    result = CliRunner().invoke(app, ["compare", str(src), "--out", str(tmp_path / "o"), *args])
    _refused(result, expected)
    assert time.perf_counter() - t0 < 10  # no cluster started (a 35 s wait, then a timeout)
    assert not (tmp_path / "o").exists()


def test_ctrl_c_in_a_local_sweep_prints_one_line_records_and_resumes(tmp_path, monkeypatch):
    src = write_case(tmp_path)
    out = tmp_path / "out"
    real = autarky.compare.run_chunk
    calls: list[int] = []

    def interrupted_third(work, variants):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(work, variants)

    monkeypatch.setattr(autarky.compare, "run_chunk", interrupted_third)
    budgets = ",".join(f"{b:g}" for b in BUDGETS)
    cmd = ["compare", str(src), "--local", "--out", str(out), "--budgets", budgets]
    result = CliRunner().invoke(app, cmd)
    assert result.exit_code == 130
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("interrupted")]
    assert len(lines) == 1 and "run the same command again" in lines[0]
    assert "Traceback" not in result.output
    statuses = sorted(j.status.value for j in JobStore(out / "jobs.sqlite").list())
    assert statuses == ["done", "done", "interrupted"]
    monkeypatch.setattr(autarky.compare, "run_chunk", real)
    again = run_compare(src, out, budgets=[float(b) for b in budgets.split(",")], local=True)
    assert again.solved == len(BUDGETS) - 2  # the two done variants are read back


def _store_rows(path: Path) -> list[tuple[str, str]]:
    try:
        with sqlite3.connect(path, timeout=1) as conn:
            return conn.execute("SELECT variant, status FROM jobs").fetchall()
    except sqlite3.Error:
        return []


def test_ctrl_c_on_dask_reaches_only_the_sweep_process(tmp_path):
    """SIGINT to the whole process group (what a terminal's Ctrl-C does) while Dask workers
    solve: exit 130, one 'interrupted' line and no traceback or Dask log, every variant done or
    interrupted, and the next run solves only what is left."""
    out = tmp_path / "out"
    budgets = ",".join(str(b) for b in (0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 8, 10))
    cmd = [
        sys.executable,
        "-m",
        "autarky",
        "compare",
        str(ROOT / "data/scenarios/baseline.yaml"),
        "--budgets",
        budgets,
        "--out",
        str(out),
        "--workers",
        "2",
        "-q",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if any(s == "running" for _, s in _store_rows(out / "jobs.sqlite")):
            break
        time.sleep(0.2)
    if proc.poll() is not None:
        pytest.skip("the sweep finished before it could be interrupted")
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "distributed." not in stderr, stderr
    assert [ln for ln in stderr.splitlines() if ln.strip()] == [
        "interrupted: jobs that had not finished are recorded 'interrupted'; run the same "
        "command again to go on (a sweep resumes where it stopped)"
    ]
    rows = _store_rows(out / "jobs.sqlite")
    assert rows and {s for _, s in rows} <= {"done", "interrupted"}
    done = sum(s == "done" for _, s in rows)
    # resume in a process like the first (both take the code version from the checkout)
    again = subprocess.run([*cmd[:-3], "--local", "-q"], cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    after = _store_rows(out / "jobs.sqlite")
    assert len(after) - len(rows) == 12 - done  # only what was left is solved again
    assert sum(s == "done" for _, s in after) == 12
