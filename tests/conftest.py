"""Shared test fixtures and helpers. Keep this file small and generic."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

TINY = Path(__file__).parent / "data" / "tiny"


def read_tiny_frames() -> dict[str, pd.DataFrame]:
    """The tiny dataset as one DataFrame per table, every cell the text the CSV holds."""
    return {
        f.stem: pd.read_csv(f, dtype=str, keep_default_na=False) for f in sorted(TINY.glob("*.csv"))
    }


@pytest.fixture
def tiny_frames() -> dict[str, pd.DataFrame]:
    """A fresh copy of the valid tiny dataset (tests/data/tiny), cells as text; edit freely."""
    return read_tiny_frames()


def write_csv_dataset(tmp_path: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """Write ``frames`` as ``<table>.csv`` files into a new folder under ``tmp_path``."""
    folder = tmp_path / "dataset"
    folder.mkdir()
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder
