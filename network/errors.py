"""User errors: problems in input files, reported all at once, never as a traceback."""

from __future__ import annotations

from dataclasses import dataclass


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
        return f"{', '.join(parts)}: {self.what} -- {self.fix}"


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
