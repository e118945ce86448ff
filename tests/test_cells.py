"""Typing single cells: each converter returns (value, None) or (None, reason)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from network import cells


@pytest.mark.parametrize(
    "cell",
    [None, float("nan"), "", "   ", pd.NA, pd.NaT],
)
def test_blank_cells(cell: object) -> None:
    assert cells.is_blank(cell)


@pytest.mark.parametrize("cell", [0, 0.0, "0", "x", False])
def test_non_blank_cells(cell: object) -> None:
    assert not cells.is_blank(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12", 12.0),
        (" 1.5 ", 1.5),
        ("-5", -5.0),
        ("1e3", 1000.0),
        ("1,250,000", 1_250_000.0),
        ("1,250.5", 1250.5),
        (7, 7.0),
        (2.25, 2.25),
    ],
)
def test_to_number_accepts(cell: object, expected: float) -> None:
    assert cells.to_number(cell) == (expected, None)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("12 t", "'12 t' is not a number"),
        ("1,25", "'1,25' is not a number"),  # not an unambiguous thousands separator
        ("nan", "'nan' is not a finite number"),
        ("inf", "'inf' is not a finite number"),
        (True, "'True' is a true/false value, not a number"),
    ],
)
def test_to_number_rejects(cell: object, reason: str) -> None:
    assert cells.to_number(cell) == (None, reason)


def test_to_integer() -> None:
    assert cells.to_integer("2030") == (2030, None)
    assert cells.to_integer(2030.0) == (2030, None)
    assert cells.to_integer("2025.5") == (None, "'2025.5' is not a whole number")
    assert cells.to_integer("soon") == (None, "'soon' is not a whole number")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("true", True),
        ("Yes", True),
        ("Y", True),
        ("1", True),
        (1, True),
        (True, True),
        ("FALSE", False),
        ("no", False),
        ("0", False),
        (0.0, False),
        (False, False),
    ],
)
def test_to_bool_accepts(cell: object, expected: bool) -> None:
    assert cells.to_bool(cell) == (expected, None)


@pytest.mark.parametrize("cell", ["maybe", 2, "ja"])
def test_to_bool_rejects(cell: object) -> None:
    assert cells.to_bool(cell) == (None, f"'{cell}' is not true/false")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("USA", "USA"),
        (" ndfeb_magnet ", "ndfeb_magnet"),
        ("a-b.c", "a-b.c"),
        (2025.0, "2025"),
        (7, "7"),
    ],
)
def test_to_id_accepts(cell: object, expected: str) -> None:
    assert cells.to_id(cell) == (expected, None)


@pytest.mark.parametrize("cell", ["United States", "_x", "*", "Ménaka", "a/b"])
def test_to_id_rejects(cell: object) -> None:
    value, reason = cells.to_id(cell)
    assert value is None
    assert reason == (f"'{cell}' is not a valid id (use letters, digits, '_', '-', '.'; no spaces)")


def test_to_id_wildcard_only_when_allowed() -> None:
    assert cells.to_id("*", allow_wildcard=True) == ("*", None)
    assert cells.to_id("*")[0] is None


def test_to_id_non_integral_and_infinite_floats_do_not_crash() -> None:
    assert cells.to_id(2.5) == ("2.5", None)
    assert cells.to_id(math.inf) == ("inf", None)


def test_to_text() -> None:
    assert cells.to_text("  a note ") == ("a note", None)
    assert cells.to_text(None) == ("", None)
    assert cells.to_text(float("nan")) == ("", None)
