"""Files that must not harm: checks run before a workbook is handed to openpyxl.

An ``.xlsx`` file is a zip archive of XML parts. Before anything parses it we look at the
archive itself (cheap, no decompression) and refuse:

* anything that is not a zip archive (checked by its first bytes, whatever its name says);
* archives that would expand beyond :data:`MAX_UNCOMPRESSED` bytes in total, hold more than
  :data:`MAX_MEMBERS` parts, or compress any large part more than :data:`MAX_RATIO` times
  (zip bombs);
* macros (``xl/vbaProject.bin``, ``.xlsm``) and links to other files (``xl/externalLinks/``),
  which Excel would run or refresh when an analyst opens the file again.

The XML inside is parsed by openpyxl, which uses ``defusedxml`` when it is installed (it is a
dependency of this project): entity expansion and external entities are refused.
:func:`check_sheets` then looks into the (size-checked) parts, still without openpyxl, and
refuses, naming the sheet: XML that declares a DTD or entities, and a sheet whose cells reach
beyond :data:`MAX_SHEET_CELLS` cells or :data:`MAX_SHEET_COLUMNS` columns (one stray cell at
XFD1048576 would make openpyxl walk 17 billion empty cells).

>>> check_workbook_name("plan.xlsm")
Traceback (most recent call last):
...
network.errors.DataError: invalid dataset: 1 problem
  - plan.xlsm: macro-enabled workbooks (.xlsm) are refused -- save the workbook as .xlsx \
(Excel Workbook, no macros)
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from network.errors import DataError, Problem

ZIP_MAGIC = (b"PK\x03\x04",)
"""First bytes of a zip archive (an .xlsx); an empty archive (PK\\x05\\x06) is no workbook."""
MAX_UNCOMPRESSED = 200 * 1024 * 1024
"""Most bytes a workbook may expand to (all parts together)."""
MAX_MEMBERS = 10_000
"""Most parts (files) in a workbook archive."""
MAX_RATIO = 200
"""Most a part larger than :data:`RATIO_FLOOR` may be compressed (uncompressed / compressed)."""
RATIO_FLOOR = 1024 * 1024
"""Parts smaller than this are not ratio-checked: small XML compresses well and is harmless."""
MAX_SHEET_CELLS = 10_000_000
"""Most cells (rows x columns, counted to the farthest cell) one sheet may span."""
MAX_SHEET_COLUMNS = 256
"""Most columns one sheet may span (a table has about ten)."""
PROLOGUE_BYTES = 64 * 1024
"""How much of each XML part is searched for a DTD (it must come before the first element)."""
MACRO_PARTS = ("xl/vbaProject.bin", "xl/vbaProjectSignature.bin")
EXTERNAL_LINKS = "xl/externalLinks/"

_SAVE_AS = "save the workbook as .xlsx (Excel Workbook, no macros)"


def check_workbook_name(path: Path | str) -> None:
    """Refuse a macro-enabled file name before opening anything."""
    p = Path(path)
    if p.suffix.lower() in (".xlsm", ".xltm", ".xlsb"):
        raise DataError(
            Problem(p.name, f"macro-enabled workbooks ({p.suffix.lower()}) are refused", _SAVE_AS)
        )


def check_workbook(path: Path | str) -> None:
    """Raise :class:`DataError` unless ``path`` is a plain, bounded .xlsx archive.

    Reads the first bytes and the zip directory only; nothing is decompressed.
    """
    p = Path(path)
    check_workbook_name(p)
    with open(p, "rb") as fh:
        head = fh.read(4)
    if not head.startswith(ZIP_MAGIC):
        what = "is empty" if not head else "is not an .xlsx workbook (not a zip archive)"
        raise DataError(
            Problem(p.name, what, "save it from Excel or LibreOffice as .xlsx (Excel Workbook)")
        )
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataError(
            Problem(p.name, f"is a damaged .xlsx archive ({exc})", "save it again as .xlsx")
        ) from None
    problems = archive_problems(p.name, infos)
    if problems:
        raise DataError(problems)


def archive_problems(where: str, infos: list[zipfile.ZipInfo]) -> list[Problem]:
    """Problems with a workbook archive's directory: size, bombs, macros, external links."""
    problems: list[Problem] = []
    if len(infos) > MAX_MEMBERS:
        problems.append(
            Problem(where, f"holds {len(infos)} parts (most {MAX_MEMBERS})", "save it again")
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        problems.append(
            Problem(
                where,
                f"would expand to {total / 2**20:,.0f} MB (most {MAX_UNCOMPRESSED / 2**20:,.0f}"
                " MB): refused as a possible zip bomb",
                "split the data or give it as a folder of CSV files",
            )
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            problems.append(
                Problem(
                    where,
                    f"part '{info.filename}' is compressed {ratio:,.0f} times (most {MAX_RATIO}):"
                    " refused as a possible zip bomb",
                    "save the workbook again from Excel or LibreOffice",
                )
            )
            break
    names = [i.filename for i in infos]
    if any(n in MACRO_PARTS for n in names):
        problems.append(Problem(where, "contains macros (xl/vbaProject.bin)", _SAVE_AS))
    links = sorted(n for n in names if n.startswith(EXTERNAL_LINKS) and n.endswith(".xml"))
    if links:
        problems.append(
            Problem(
                where,
                f"links to other workbooks ({len(links)} external link"
                f"{'s' if len(links) != 1 else ''})",
                "break the links (Data > Edit Links > Break Link) so the file holds values only",
            )
        )
    return problems


_REF = re.compile(rb"<(?:\w+:)?(?:c|row)\s[^>]*?\br=\"([A-Z]{0,3})([0-9]{1,9})\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?\bref=\"([^\"]{1,40})\"")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def check_sheets(path: Path | str) -> None:
    """Raise :class:`DataError` for XML parts that declare a DTD or entities and for sheets
    that span too many cells, naming the sheet. Call after :func:`check_workbook`."""
    p = Path(path)
    with zipfile.ZipFile(p) as zf:
        xml_parts = [n for n in zf.namelist() if n.endswith((".xml", ".rels", ".vml"))]
        dtd = [n for n in xml_parts if _declares_dtd(zf, n)]
        sheets = {} if "xl/workbook.xml" in dtd else sheet_parts(zf)
        named = {part: f"{p.name}, sheet '{name}'" for name, part in sheets.items()}
        problems = [
            Problem(
                named.get(n, f"{p.name}, part '{n}'"),
                "its XML declares a DTD or entities: refused as a possible XML bomb",
                "save the workbook again from Excel or LibreOffice as .xlsx",
            )
            for n in dtd
        ]
        for part in sheets.values():
            if part in dtd or part not in xml_parts:
                continue
            rows, cols, ref = sheet_extent(zf.read(part))
            if cols > MAX_SHEET_COLUMNS or rows * cols > MAX_SHEET_CELLS:
                problems.append(
                    Problem(
                        named[part],
                        f"cells reach {ref} ({cols:,} columns x {rows:,} rows; most "
                        f"{MAX_SHEET_COLUMNS} columns and {MAX_SHEET_CELLS:,} cells)",
                        "delete the rows and columns beyond the table (select them, right-click"
                        " > Delete), save, and try again",
                    )
                )
    if problems:
        raise DataError(problems)


def _declares_dtd(zf: zipfile.ZipFile, part: str) -> bool:
    with zf.open(part) as fh:
        head = fh.read(PROLOGUE_BYTES)
    head = head.replace(b"\x00", b"")  # UTF-16 text, read byte by byte
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def sheet_extent(xml: bytes) -> tuple[int, int, str]:
    """(rows, columns, farthest cell) a worksheet part spans: its declared dimension and every
    row and cell reference, whichever reaches farther.

    >>> sheet_extent(b'<dimension ref="A1:C4"/><row r="9"><c r="XFD9"/></row>')
    (9, 16384, 'XFD9')
    """
    rows, cols = 1, 1
    for dim in _DIMENSION.finditer(xml[:PROLOGUE_BYTES]):
        for corner in dim.group(1).split(b":"):
            m = re.fullmatch(rb"\$?([A-Z]{1,3})\$?([0-9]{1,9})", corner)
            if m:
                cols, rows = max(cols, _column(m.group(1))), max(rows, int(m.group(2)))
    for m in _REF.finditer(xml):
        if m.group(1):
            cols = max(cols, _column(m.group(1)))
        rows = max(rows, int(m.group(2)))
    return rows, cols, f"{_letters(cols)}{rows}"


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part (``xl/worksheets/sheet1.xml``), from the workbook's own
    XML (parsed with defusedxml); empty when the workbook does not say (openpyxl then fails
    with its own message)."""
    from defusedxml import ElementTree

    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # absent or damaged: openpyxl reports it
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = part
    out = {}
    for el in book.iter():
        if el.tag.endswith("}sheet") and el.get("name") is not None:
            part = targets.get(el.get(f"{{{_REL_NS}}}id"))
            if part is not None:
                out[el.get("name")] = part
    return out


def openpyxl_uses_defusedxml() -> bool:
    """True when openpyxl parses workbook XML through defusedxml (safe against XML bombs)."""
    from openpyxl import xml

    return bool(xml.DEFUSEDXML)
