"""Typing single cells: text or workbook values -> Python values, or a reason they are not.

Small pure functions; each returns ``(value, None)`` or ``(None, problem text)``.

>>> to_number("1,250,000")
(1250000.0, None)
>>> to_number("12 t")[1]
"'12 t' is not a number"
>>> to_bool("Yes")
(True, None)
>>> to_number(">85,000,000")[1]
"'>85,000,000' is a bound, not a value"
>>> to_number("NA")[1]
"'NA' marks a missing value, not a number"
>>> non_ascii("US\u0410")
"non-ASCII character '\u0410' (U+0410 CYRILLIC CAPITAL LETTER A)"
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

import pandas as pd

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_BOUND = re.compile(
    r"^(<=|>=|<|>|\u2264|\u2265|~|\u2248|approx\.?|about|c\.|circa|over|under|up to)"
)
_MISSING = {
    "na",
    "n/a",
    "n.a.",
    "-",
    "--",
    "\u2013",
    "\u2014",
    "?",
    "nd",
    "n.d.",
    "tbd",
    "none",
    "null",
}
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T].*)?$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def is_blank(cell: object) -> bool:
    """True for an empty cell (None, NaN, pandas' NA/NaT, or only whitespace)."""
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and not cell.strip()


def to_number(cell: object) -> tuple[float | None, str | None]:
    """A finite real number. Accepts plain numbers and unambiguous thousands separators."""
    if isinstance(cell, bool):
        return None, f"'{cell}' is a true/false value, not a number"
    if isinstance(cell, dt.date | dt.time | dt.timedelta):
        return None, f"'{cell}' is a date or time, not a number (format the cell as a number)"
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        text = str(cell).strip()
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            value = float(text)
        except ValueError:
            return None, _why_not_a_number(str(cell))
    if not math.isfinite(value):
        return None, f"'{cell}' is not a finite number"
    return value, None


def _why_not_a_number(cell: str) -> str:
    text = cell.strip()
    if _BOUND.match(text.lower()):
        return f"'{cell}' is a bound, not a value"
    if text.lower() in _MISSING:
        return f"'{cell}' marks a missing value, not a number"
    if _DATE.match(text):
        return f"'{cell}' is a date, not a number"
    return f"'{cell}' is not a number"


def to_integer(cell: object) -> tuple[int | None, str | None]:
    """A whole number (e.g. a year or a lead time)."""
    value, err = to_number(cell)
    if err:
        return None, err.replace("not a number", "not a whole number")
    assert value is not None
    if value != int(value):
        return None, f"'{cell}' is not a whole number"
    return int(value), None


def to_bool(cell: object) -> tuple[bool | None, str | None]:
    """true/false, yes/no, y/n, 1/0."""
    if isinstance(cell, bool):
        return cell, None
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell), None
    text = str(cell).strip().lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, f"'{cell}' is not true/false"


def to_id(cell: object, allow_wildcard: bool = False) -> tuple[str | None, str | None]:
    """An identifier: starts with a letter or digit; then letters, digits, '_', '-', '.'."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    if allow_wildcard and text == "*":
        return text, None
    if not _ID.match(text) or not text.isascii():
        return None, f"'{cell}' is not a valid id (use letters, digits, '_', '-', '.'; no spaces)"
    return text, None


def non_ascii(text: str) -> str | None:
    """Name the first non-ASCII character of ``text`` (e.g. a Cyrillic look-alike), or None."""
    for ch in text:
        if not ch.isascii():
            return f"non-ASCII character '{ch}' (U+{ord(ch):04X} {unicodedata.name(ch, '?')})"
    return None


def to_text(cell: object) -> tuple[str, None]:
    """Free text; blank becomes ''."""
    return ("" if is_blank(cell) else str(cell).strip()), None
