"""A fresh clone's `make run` (issue 14): the first install says what it installs and roughly
how long, in two lines (tools/install.py), and the race's answer block follows within the first
25 lines of the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALL = ROOT / "tools" / "install.py"


def install(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(INSTALL), "a fake package", "seconds", "--", *cmd],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_install_is_two_lines_saying_what_and_how_long():
    done = install(sys.executable, "-c", "print('Collecting a'); print('Collecting b')")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == "Installing a fake package (seconds, once)"
    assert lines[1].startswith("Installed a fake package in ") and len(lines) == 2


def test_a_failed_install_shows_pip_output_and_its_exit_code():
    done = install(sys.executable, "-c", "print('ERROR: no such package'); raise SystemExit(3)")
    assert done.returncode == 3
    assert "ERROR: no such package" in done.stdout and "install failed" in done.stdout


def test_make_run_announces_the_install():
    done = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "tools/install.py" in done.stdout and "minutes" in done.stdout
    assert "pip install -q" not in done.stdout  # no silent minute


def test_answer_block_within_the_first_25_lines_of_make_run(tmp_path):
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autarky",
            "run",
            "data/scenarios/race.yaml",
            "--out",
            str(tmp_path),
            "--force",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    lines = done.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if "plan against each other" in line)
    install_lines = 2
    assert install_lines + first + 12 <= 25, lines[: first + 12]  # the whole block fits
    block = "\n".join(lines[first : first + 14])
    assert "Chain independent" in block and "Weakest link" in block
    assert "Strategic window" in block
    assert max(map(len, lines[: first + 14])) <= 80
    assert "ai_accel_assembly" in done.stdout and "…" not in done.stdout  # names whole
