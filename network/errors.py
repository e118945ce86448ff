"""User errors: problems in input files, reported all at once, never as a traceback."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_WORD = 200
"""Longest run of non-space characters a message shows; longer ones (a 100 KB id, a whole
file pasted into a cell) are cut to their start and length."""
_HIDDEN = ("Cc", "Cf", "Zl", "Zp")
_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")


def printable(text: str) -> str:
    """``text`` safe for one line of a terminal: control and format characters (escape
    sequences, NUL, line breaks, bidi overrides) shown as escapes, very long words cut.

    >>> printable("US\\x1b[31mA\\nB")
    'US\\\\x1b[31mA\\\\nB'
    >>> printable("x" * 1000)[-22:]
    '... (1,000 characters)'
    """
    if text.isascii() and text.isprintable() and len(text) <= MAX_WORD:
        return text
    out = "".join(repr(ch)[1:-1] if unicodedata.category(ch) in _HIDDEN else ch for ch in text)
    return _WORD.sub(lambda m: f"{m.group()[:100]}... ({len(m.group()):,} characters)", out)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    ``row`` is the spreadsheet row number: the header is row 1, the first data row is row 2,
    in CSV files and workbook sheets alike.
    """

    where: str  # file name (and sheet) of the input
    what: str  # what is wrong
    fix: str  # how to fix it
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.where]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return printable(f"{', '.join(parts)}: {self.what} -- {self.fix}")


class InputError(Exception):
    """Bad input from a user. Carries every problem found; the CLI prints them and exits 2."""

    def __init__(self, problems: list[Problem] | Problem, title: str = "invalid input"):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.title = title
        super().__init__(self.report())

    def report(self) -> str:
        n = len(self.problems)
        head = f"{self.title}: {n} problem{'s' if n != 1 else ''}"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class DataError(InputError):
    """A dataset (CSV folder or workbook) that cannot be used as it is."""

    def __init__(self, problems: list[Problem] | Problem, title: str = "invalid dataset"):
        super().__init__(problems, title)
