"""atomic_write and friends: the final file is complete or untouched, and no temp file is left."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from autarky.atomic import (
    atomic_write,
    atomic_write_bytes,
    atomic_write_text,
    temp_path_for,
    write_json_atomic,
)


def names(folder: Path) -> list[str]:
    """Every entry in ``folder``, hidden ones included, sorted."""
    return sorted(p.name for p in folder.iterdir())


def test_success_creates_the_final_file_and_leaves_no_temp(tmp_path: Path) -> None:
    final = tmp_path / "plan.txt"
    with atomic_write(final) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(".plan.tmp-")
        assert tmp.suffix == ".txt"
        tmp.write_text("new plan")
        assert not final.exists()  # nothing visible until the block succeeds
    assert final.read_text() == "new plan"
    assert names(tmp_path) == ["plan.txt"]


def test_success_replaces_an_existing_file(tmp_path: Path) -> None:
    final = tmp_path / "plan.txt"
    final.write_text("old plan")
    with atomic_write(final) as tmp:
        tmp.write_text("new plan")
    assert final.read_text() == "new plan"
    assert names(tmp_path) == ["plan.txt"]


def test_exception_leaves_no_final_file_and_no_temp(tmp_path: Path) -> None:
    final = tmp_path / "plan.xlsx"
    with pytest.raises(RuntimeError, match="solver exploded"), atomic_write(final) as tmp:
        tmp.write_bytes(b"half a workbook")
        raise RuntimeError("solver exploded")
    assert names(tmp_path) == []


def test_keyboard_interrupt_leaves_no_final_file_and_no_temp(tmp_path: Path) -> None:
    final = tmp_path / "plan.xlsx"
    with pytest.raises(KeyboardInterrupt), atomic_write(final) as tmp:
        tmp.write_bytes(b"half a workbook")
        raise KeyboardInterrupt
    assert names(tmp_path) == []


def test_exception_keeps_the_previous_final_file(tmp_path: Path) -> None:
    final = tmp_path / "plan.txt"
    final.write_text("good old plan")
    with pytest.raises(ValueError, match="bad"), atomic_write(final) as tmp:
        tmp.write_text("broken new plan")
        raise ValueError("bad")
    assert final.read_text() == "good old plan"
    assert names(tmp_path) == ["plan.txt"]


def test_block_that_writes_nothing_is_an_error(tmp_path: Path) -> None:
    final = tmp_path / "plan.txt"
    with pytest.raises(FileNotFoundError, match="without creating"), atomic_write(final):
        pass
    assert names(tmp_path) == []


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with (
        pytest.raises(FileNotFoundError, match="does not exist"),
        atomic_write(tmp_path / "nope" / "plan.txt"),
    ):
        pass


def test_final_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    """The temp file is created by the writer, so the umask applies (mkstemp would give 0600)."""
    umask = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o644


def test_pandas_to_excel_infers_the_engine_from_the_temp_suffix(tmp_path: Path) -> None:
    final = tmp_path / "plan.xlsx"
    frame = pd.DataFrame({"region": ["EU", "US"], "capacity_t": [10.0, 4.0]})
    with atomic_write(final) as tmp:
        frame.to_excel(tmp, sheet_name="capacity", index=False)
    sheet = openpyxl.load_workbook(final)["capacity"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["region", "capacity_t"],
        ["EU", 10],
        ["US", 4],
    ]
    assert names(tmp_path) == ["plan.xlsx"]


def test_atomic_write_text_writes_exact_bytes(tmp_path: Path) -> None:
    path = atomic_write_text(tmp_path / "notes.txt", "line 1\r\nline 2 – é\n")
    assert path == tmp_path / "notes.txt"
    assert path.read_bytes() == "line 1\r\nline 2 – é\n".encode()


def test_atomic_write_bytes(tmp_path: Path) -> None:
    path = atomic_write_bytes(tmp_path / "blob.bin", b"\x00\x01\xff")
    assert path.read_bytes() == b"\x00\x01\xff"
    assert names(tmp_path) == ["blob.bin"]


def test_write_json_atomic_round_trips(tmp_path: Path) -> None:
    obj = {"objective": 44.5, "status": "done", "regions": ["EU", "Ærø"]}
    path = write_json_atomic(tmp_path / "summary.json", obj)
    assert json.loads(path.read_text(encoding="utf-8")) == obj
    assert path.read_text(encoding="utf-8").endswith("}\n")


def test_write_json_atomic_rejects_nan_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        write_json_atomic(tmp_path / "summary.json", {"objective": float("nan")})
    assert names(tmp_path) == []


def test_temp_names_are_unique() -> None:
    paths = {temp_path_for(Path("plan.xlsx")) for _ in range(200)}
    assert len(paths) == 200
