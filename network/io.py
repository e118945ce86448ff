"""Reading raw tables from a CSV folder or one workbook, as text, before any typing.

Every cell is read as it stands (text, or the number a workbook stores) so that validation can
say exactly which cell is wrong. Row numbers are spreadsheet rows (header = row 1).

Accepted as unambiguous: a UTF-8 byte-order mark, Windows line ends, ``;`` as the separator
when the header uses it. Refused while reading, every such problem listed at once: a data row
with more cells than its header (an unquoted separator inside a cell); in workbooks, formula
cells (values only: a cached result may be stale or missing), merged cells (only the first
holds a value) and hidden table sheets. Workbooks pass :func:`autarky.safety.check_workbook`
(zip bombs, macros, external links) and :func:`autarky.safety.check_sheets` (DTDs, sheet
dimensions) before openpyxl opens them.

Bounded before reading: a table file must be a regular file inside the dataset folder (not a
folder, a device such as /dev/zero, or a link to a file elsewhere) of at most
:data:`MAX_FILE_BYTES`; no cell may hold more than :data:`MAX_CELL_CHARS` characters (Excel's
own limit). CSV rows end only at line ends (``\\n``, ``\\r``): a form feed or U+2028 inside a
cell stays in the cell, as in Excel, and never starts a row nobody sees.
"""

from __future__ import annotations

import csv
import io
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from network.errors import DataError, Problem
from network.schema import TABLES

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Largest table file read (the same bound as a workbook's expanded size)."""
MAX_CELL_CHARS = 32_767
"""Most characters in one cell: Excel's limit, so any real table fits."""


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
    if not p.is_file():
        raise DataError(
            Problem(
                str(p),
                "is not a regular file (a device, pipe or socket)",
                "give a dataset folder or an .xlsx file",
            )
        )
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(p)
    raise DataError(
        Problem(
            str(p),
            f"unsupported dataset file type '{p.suffix}'",
            "give a folder of CSV files or an .xlsx workbook",
        )
    )


def _sniff_delimiter(text: str) -> str:
    head = text.split("\n", 1)[0]
    return ";" if head.count(";") > head.count(",") else ","


def _read_folder(folder: Path) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    root = folder.resolve()
    for spec in TABLES:
        f = folder / f"{spec.name}.csv"
        if not (f.exists() or f.is_symlink()):
            continue
        problem = not_a_plain_file(f, root)
        if problem is not None:
            problems.append(problem)
            continue
        try:
            text = f.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(
                Problem(f.name, f"not UTF-8 text ({exc.reason})", "save the file as UTF-8 CSV")
            ) from None
        except OSError as exc:
            problems.append(Problem(f.name, f"cannot be read ({exc.strerror})", "check the file"))
            continue
        delimiter = _sniff_delimiter(text)
        rows = _csv_rows(text, delimiter, f.name, problems)
        if rows is None:
            continue
        tables[spec.name] = RawTable(spec.name, f.name, _frame(rows, f.name, problems, delimiter))
    if problems:
        raise DataError(problems)
    return tables


def not_a_plain_file(f: Path, root: Path) -> Problem | None:
    """Why ``f`` may not be read as a file of the dataset folder ``root``, or None.

    A link to a file elsewhere (a private file, /dev/zero) is refused: copying the dataset into
    a job's inputs would copy that file, and a device never ends.
    """
    if f.is_symlink() and not f.resolve().is_relative_to(root):
        return Problem(
            f.name,
            "is a link to a file outside the dataset folder",
            "copy the file itself into the dataset folder",
        )
    try:
        st = f.stat()
    except OSError as exc:
        return Problem(f.name, f"cannot be read ({exc.strerror})", "check the file")
    if stat.S_ISDIR(st.st_mode):
        return Problem(f.name, "is a folder, not a file", f"put the table in a file {f.name}")
    if not stat.S_ISREG(st.st_mode):
        return Problem(
            f.name, "is not a regular file (a device, pipe or socket)", "give a CSV file"
        )
    if st.st_size > MAX_FILE_BYTES:
        return Problem(
            f.name,
            f"is {st.st_size / 2**20:,.0f} MB (most {MAX_FILE_BYTES / 2**20:,.0f} MB)",
            "a table this large is not a supply-chain dataset; check the file",
        )
    return None


def _csv_rows(
    text: str, delimiter: str, where: str, problems: list[Problem]
) -> list[list[str]] | None:
    """The rows of a CSV text; rows end only at ``\\n``/``\\r`` (not at form feeds or U+2028,
    which ``str.splitlines`` would split on). None (with a problem) if it is not CSV."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for r in reader:
            rows.append(r)
    except csv.Error as exc:
        what = str(exc)
        if "field larger than field limit" in what:
            what = f"a cell holds more than {csv.field_size_limit():,} characters"
            fix = f"keep each cell under {MAX_CELL_CHARS:,} characters"
        else:
            what, fix = f"cannot be read as CSV ({what})", "save it as CSV (comma-separated)"
        problems.append(Problem(where, what, fix, row=reader.line_num))
        return None
    return rows


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _frame(
    rows: list[list[object]], where: str, problems: list[Problem], delimiter: str = ","
) -> pd.DataFrame:
    """Rows (header first) -> object DataFrame indexed by spreadsheet row number.

    A row with more non-empty cells than the header has columns is a problem (most often an
    unquoted separator inside a number or a text), never silently cut.
    """
    if not rows:
        return pd.DataFrame()
    for i, r in enumerate(rows, start=1):
        for j, c in enumerate(r):
            if isinstance(c, str) and len(c) > MAX_CELL_CHARS:
                problems.append(
                    Problem(
                        where,
                        f"cell {_cell_ref(j + 1, i)} holds {len(c):,} characters "
                        f"(most {MAX_CELL_CHARS:,})",
                        "a cell holds one value: check the file (a whole file pasted in a cell?)",
                        row=i,
                    )
                )
                r[j] = c[:40]
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    body = []
    numbers = []
    for i, r in enumerate(rows[1:], start=2):
        cells = list(r) + [None] * (len(header) - len(r))
        if all(_blank(c) for c in cells):
            continue  # blank line
        extra = [c for c in cells[len(header) :] if not _blank(c)]
        if extra:
            problems.append(
                Problem(
                    where,
                    f"{len(header) + len(extra)} cells but the header has {len(header)} columns",
                    f"quote cells that contain '{delimiter}' (e.g. \"1{delimiter}234\"), or "
                    "remove the extra cells",
                    row=i,
                )
            )
        body.append(cells[: len(header)])
        numbers.append(i)
    frame = pd.DataFrame(body, columns=header, index=pd.Index(numbers, name="row"), dtype=object)
    return frame


def _cell_ref(column: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _read_workbook(path: Path) -> dict[str, RawTable]:
    from openpyxl import load_workbook

    from autarky.safety import check_sheets, check_workbook

    check_workbook(path)  # not a zip, zip bomb, macros, external links: refused unopened
    check_sheets(path)  # DTDs, sheets reaching far beyond their data: refused unparsed
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DataError(
            Problem(path.name, f"cannot be opened as a workbook ({_why(exc)})", "save it as .xlsx")
        ) from None
    problems: list[Problem] = []
    try:
        tables: dict[str, RawTable] = {}
        for spec in TABLES:
            if spec.name not in wb.sheetnames:
                continue
            ws = wb[spec.name]
            where = f"{path.name}, sheet '{spec.name}'"
            if getattr(ws, "sheet_state", "visible") != "visible":
                problems.append(
                    Problem(
                        where,
                        "the sheet is hidden: autarky would read data nobody sees",
                        "unhide the sheet (right-click a sheet tab > Unhide), check it, save",
                    )
                )
            try:
                rows = _sheet_rows(ws, where, problems)
                problems += _merged_cell_problems(path, ws, where)
            except Exception as exc:  # damaged or hostile XML (defusedxml refuses entities)
                problems.append(
                    Problem(
                        where,
                        f"cannot be read ({_why(exc)})",
                        "save the workbook again from Excel or LibreOffice as .xlsx",
                    )
                )
                continue
            tables[spec.name] = RawTable(spec.name, where, _frame(rows, where, problems))
    finally:
        wb.close()
    if problems:
        raise DataError(problems)
    return tables


def _why(exc: BaseException) -> str:
    """Why openpyxl failed; XML that defusedxml refused (entities, DTDs) is named as such."""
    from defusedxml import DefusedXmlException

    for e in (exc, exc.__cause__, exc.__context__):
        if isinstance(e, DefusedXmlException):
            return f"its XML declares entities or a DTD ({e}): refused as a possible XML bomb"
    return str(exc) or type(exc).__name__


def _sheet_rows(ws: object, where: str, problems: list[Problem]) -> list[list[object]]:
    """Cell values of a read-only sheet; a formula cell is a problem (values only)."""
    from openpyxl.utils import get_column_letter

    rows: list[list[object]] = []
    for r in ws.iter_rows():  # type: ignore[attr-defined]
        values = []
        for cell in r:
            if getattr(cell, "data_type", None) == "f":
                ref = f"{get_column_letter(cell.column)}{cell.row}"
                header = rows[0] if rows else []
                name = header[cell.column - 1] if cell.column <= len(header) else None
                problems.append(
                    Problem(
                        where,
                        f"cell {ref} holds a formula ({cell.value}): autarky reads values, "
                        "not formulas",
                        "replace it by its value (Copy, then Paste Special > Values)",
                        row=cell.row,
                        column=None if name is None else str(name),
                    )
                )
                values.append(None)
                continue
            values.append(cell.value)
        rows.append(values)
    return rows


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _merged_cell_problems(path: Path, ws: object, where: str) -> list[Problem]:
    """One problem per merged range of a sheet (read-only sheets do not expose them)."""
    part = getattr(ws, "_worksheet_path", None)
    if not part:
        return []
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)  # size bounded by check_workbook
    out = []
    for ref in _MERGE.findall(xml):
        cells_ref = ref.decode("ascii")
        first_row = int(re.sub(r"[A-Z]", "", cells_ref.split(":")[0]))
        out.append(
            Problem(
                where,
                f"cells {cells_ref} are merged: only the first holds a value",
                "unmerge them (Home > Merge & Center > Unmerge Cells) and fill every cell",
                row=first_row,
            )
        )
    return out
