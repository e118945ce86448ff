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

>>> check_workbook_name("plan.xlsm")
Traceback (most recent call last):
...
network.errors.DataError: invalid dataset: 1 problem
  - plan.xlsm: macro-enabled workbooks (.xlsm) are refused -- save the workbook as .xlsx \
(Excel Workbook, no macros)
"""

from __future__ import annotations

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


def openpyxl_uses_defusedxml() -> bool:
    """True when openpyxl parses workbook XML through defusedxml (safe against XML bombs)."""
    from openpyxl import xml

    return bool(xml.DEFUSEDXML)
