"""Shared cell and table helpers for every workbook we write.

Every value goes through :func:`put`, and every text cell through :func:`safe_value`, so no text
from an input file (an id, a source citation) can ever become a formula. Every table goes
through :func:`write_table`: an Excel Table with filters, a workbook-unique name, number formats
per column and sensible widths.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real

import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

USD_M = "#,##0.0"
"""Money in USD million (only where a header says USD m)."""
USD_BN = "#,##0.00"
"""Money in USD billion: the unit of every workbook, as in the terminal."""
TONNES = "#,##0"
"""Physical quantities (tonnes or the commodity's unit)."""
SHARE = "0.0%"
"""Shares in [0, 1], shown as percentages."""
USD = "#,##0"
"""Money in USD (shadow prices per unit)."""
RATIO = "0.000"
"""Dimensionless ratios (USD of value per USD of budget)."""
YEAR = "0"

TABLE_STYLE = "TableStyleMedium2"
AMBER = Font(color="C65911")
"""Amber text: figures that are assumptions, not sourced data."""
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HIGHLIGHT = PatternFill("solid", start_color="FFE699", end_color="FFE699")
"""Fill marking a cell that answers the question (e.g. the self-sufficiency year)."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat text as a formula (OWASP CSV injection)."""

MIN_WIDTH, MAX_WIDTH = 8, 60


def usd_m(x: float) -> float:
    """USD -> USD million.

    >>> usd_m(2_500_000)
    2.5
    """
    return x / 1e6


XLSX_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters an .xlsx cannot hold (XML 1.0 forbids them; openpyxl raises IllegalCharacterError)."""
MAX_CELL_TEXT = 32_767
"""Most characters Excel shows in one cell; longer text makes Excel call the file damaged."""


def xlsx_text(text: str) -> str:
    """``text`` as a workbook can hold it: each forbidden control character (NUL, form feed,
    escape ...) written as a visible escape, and text beyond Excel's cell limit cut with a note.
    The one cleaning step for every text written to a workbook (:func:`safe_value`).

    >>> xlsx_text("a\\x00b\\x1b[31mc\\td")
    'a\\\\x00b\\\\x1b[31mc\\td'
    """
    if XLSX_FORBIDDEN.search(text):
        text = XLSX_FORBIDDEN.sub(lambda m: repr(m.group())[1:-1], text)
    if len(text) > MAX_CELL_TEXT:
        note = f" ... (cut: {len(text):,} characters)"
        text = text[: MAX_CELL_TEXT - len(note)] + note
    return text


def safe_value(cell: Cell, text: str) -> Cell:
    """Write ``text`` into ``cell`` as a string, never as a formula, cleaned by
    :func:`xlsx_text` of what the format forbids.

    openpyxl turns any string starting with '=' into a formula; for those and for the other
    formula triggers ('+', '-', '@', tab, CR) the cell type is forced back to string and the
    cell gets Excel's quote prefix, so Excel shows the text as typed and keeps it text when
    edited. Otherwise the stored value is unchanged, so a template still round-trips.
    """
    text = xlsx_text(text)
    cell.value = text
    if text.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put(ws: Worksheet, row: int, col: int, value: object, fmt: str | None = None) -> Cell:
    """Write one value: numbers as numbers (``fmt`` applied), blanks as empty cells, and
    everything else as safe text. Infinite numbers are written as the text 'inf'/'-inf'."""
    cell = ws.cell(row=row, column=col)
    if value is None or value is pd.NA or value is pd.NaT:
        return cell
    if isinstance(value, bool):
        cell.value = value
        return cell
    if isinstance(value, Integral):
        cell.value = int(value)
    elif isinstance(value, Real):
        x = float(value)
        if math.isnan(x):
            return cell
        if math.isinf(x):
            return safe_value(cell, "inf" if x > 0 else "-inf")
        cell.value = x
    else:
        return safe_value(cell, str(value))
    if fmt:
        cell.number_format = fmt
    return cell


@dataclass(frozen=True)
class Placed:
    """Where a table landed: header row, last data row, first and last column (1-based)."""

    ws: Worksheet
    header_row: int
    last_row: int
    first_col: int
    last_col: int
    name: str

    @property
    def ref(self) -> str:
        return (
            f"{get_column_letter(self.first_col)}{self.header_row}:"
            f"{get_column_letter(self.last_col)}{self.last_row}"
        )

    def col(self, header: str) -> int:
        """Sheet column number of the column titled ``header``."""
        for c in range(self.first_col, self.last_col + 1):
            if self.ws.cell(self.header_row, c).value == header:
                return c
        raise KeyError(header)


def table_name(wb: Workbook, wanted: str) -> str:
    """A displayName unique in ``wb``: letters, digits and '_', never like a cell address.

    >>> from openpyxl import Workbook
    >>> table_name(Workbook(), "Shadow prices (targets)")
    'T_Shadow_prices_targets'
    """
    base = "T_" + re.sub(r"_+", "_", re.sub(r"\W", "_", wanted)).strip("_")
    taken = {name.lower() for ws in wb.worksheets for name in ws.tables}
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def write_table(
    ws: Worksheet,
    df: pd.DataFrame,
    name: str,
    top: int = 1,
    left: int = 1,
    formats: Mapping[str, str] | None = None,
) -> Placed:
    """Write ``df`` (its columns; reset the index first) as an Excel Table at (top, left).

    Headers become strings; ``formats`` maps a column to its number format. An empty frame
    gets one blank data row, since Excel refuses a table with no body. Column widths grow to
    fit the header and values (within limits), never shrink.
    """
    formats = formats or {}
    headers = [str(c) for c in df.columns]
    if len(set(headers)) != len(headers):
        raise ValueError(f"table {name}: duplicate column names {headers}")
    for j, h in enumerate(headers):
        safe_value(ws.cell(top, left + j), h).font = BOLD
    for i, row in enumerate(df.itertuples(index=False), start=1):
        for j, (h, v) in enumerate(zip(headers, row, strict=True)):
            put(ws, top + i, left + j, v, formats.get(h))
    last_row = top + max(1, len(df))
    placed = Placed(ws, top, last_row, left, left + len(headers) - 1, table_name(ws.parent, name))
    tab = Table(displayName=placed.name, ref=placed.ref)
    tab.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(tab)
    for j, h in enumerate(headers):
        width = _width(h, df.iloc[:, j], formats.get(h))
        letter = get_column_letter(left + j)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    return placed


def _width(header: str, values: pd.Series, fmt: str | None) -> float:
    sample = values.head(200)
    longest = len(header) + 3  # room for the filter button
    for v in sample:
        if isinstance(v, Real) and not isinstance(v, bool) and fmt:
            text = f"{v:,.1f}" if math.isfinite(float(v)) else "inf"
        else:
            text = "" if v is None else str(v)
        longest = max(longest, len(text) + 1)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest)))


def write_title(ws: Worksheet, row: int, text: str, size: str = "title") -> Cell:
    """A bold heading line."""
    cell = safe_value(ws.cell(row, 1), text)
    cell.font = TITLE if size == "title" else BOLD
    return cell


def write_note(ws: Worksheet, row: int, text: str, col: int = 1) -> Cell:
    """A line of explanatory text."""
    cell = safe_value(ws.cell(row, col), text)
    cell.font = Font(italic=True)
    return cell


def print_setup(ws: Worksheet) -> None:
    """Landscape, fitted to the page width, header row repeated: prints as analysts expect."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if ws.max_row > 1:
        ws.print_title_rows = "1:1"
