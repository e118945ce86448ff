"""Reading raw tables from a CSV folder or one workbook, as text, before any typing.

Every cell is read as it stands (text, or the number a workbook stores) so that validation can
say exactly which cell is wrong. Row numbers are spreadsheet rows (header = row 1).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from network.errors import DataError, Problem
from network.schema import TABLES


@dataclass(frozen=True)
class RawTable:
    """One table as read: cells as strings or numbers, the file it came from, and row numbers."""

    name: str
    where: str  # "capacity.csv" or "default.xlsx, sheet 'capacity'"
    frame: pd.DataFrame  # object dtype; index = spreadsheet row number


def read_raw(path: str | Path) -> dict[str, RawTable]:
    """Read every declared table present at ``path`` (a folder of CSVs or an .xlsx workbook)."""
    p = Path(path)
    if not p.exists():
        raise DataError(
            Problem(str(p), "no such file or folder", "give a dataset folder or an .xlsx file")
        )
    if p.is_dir():
        return _read_folder(p)
    if p.suffix.lower() == ".xlsx":
        return _read_workbook(p)
    raise DataError(
        Problem(
            str(p),
            f"unsupported dataset file type '{p.suffix}'",
            "give a folder of CSV files or an .xlsx workbook",
        )
    )


def _sniff_delimiter(text: str) -> str:
    head = text.splitlines()[0] if text else ""
    return ";" if head.count(";") > head.count(",") else ","


def _read_folder(folder: Path) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    for spec in TABLES:
        f = folder / f"{spec.name}.csv"
        if not f.exists():
            continue
        try:
            text = f.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(
                Problem(f.name, f"not UTF-8 text ({exc.reason})", "save the file as UTF-8 CSV")
            ) from None
        rows = list(csv.reader(text.splitlines(), delimiter=_sniff_delimiter(text)))
        tables[spec.name] = RawTable(spec.name, f.name, _frame(rows, f.name))
    return tables


def _frame(rows: list[list[object]], where: str) -> pd.DataFrame:
    """Rows (header first) -> object DataFrame indexed by spreadsheet row number."""
    rows = [r for r in rows]
    if not rows:
        return pd.DataFrame()
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    body = []
    numbers = []
    for i, r in enumerate(rows[1:], start=2):
        cells = list(r) + [None] * (len(header) - len(r))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue  # blank line
        body.append(cells[: len(header)])
        numbers.append(i)
    frame = pd.DataFrame(body, columns=header, index=pd.Index(numbers, name="row"), dtype=object)
    return frame


def _read_workbook(path: Path) -> dict[str, RawTable]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DataError(
            Problem(path.name, f"cannot be opened as a workbook ({exc})", "save it as .xlsx")
        ) from None
    try:
        tables: dict[str, RawTable] = {}
        for spec in TABLES:
            if spec.name not in wb.sheetnames:
                continue
            ws = wb[spec.name]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            where = f"{path.name}, sheet '{spec.name}'"
            tables[spec.name] = RawTable(spec.name, where, _frame(rows, where))
        return tables
    finally:
        wb.close()
