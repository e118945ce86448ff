"""The input workbook: every dataset table as a sheet, plus a ``Scenario`` sheet.

An analyst fills (or edits) one .xlsx instead of eight CSV files and a YAML file. The table
sheets are exactly what :func:`network.validate.load_dataset` reads from a workbook (sheet name =
table name, header row = schema columns); the loader ignores the other sheets. Headers carry a
comment with the column's description and unit; id columns that refer to other tables, choice
columns and booleans have drop-down lists.

Scenario sheet layout (blocks separated by one blank row; a block is a title cell in column A,
a header row, then data rows up to the next blank row)::

    scenario                                 <- title
    key                | value | about       <- header
    name               | baseline | ...      <- dotted keys: horizon.first, budget.total_usd_bn
    ...                                         (empty value: the default; game and sweep as YAML)

    targets
    commodities | share | from_year | name   <- commodities: 'critical' or ids, comma-separated

    restrictions
    commodities | from_year | to_year | max_share | extraterritorial | processed | source | name

    budget_per_chain
    chain | per_year_usd_bn

    value_unserved
    commodity | usd_per_unit

The ``dataset`` key is ignored on reading: the tables always come from the workbook itself.
The layout's constants and the reading live in :mod:`autarky.excel.scenario_sheet` (re-exported
here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from autarky.atomic import atomic_write
from autarky.excel.scenario_sheet import (  # the sheet's layout; reading re-exported here
    BLOCKS,
    SCALAR_KEYS,
    SCENARIO_SHEET,
    YAML_KEYS,
    read_blocks,
    read_input_workbook,
    scenario_dict,
)
from autarky.excel.styles import BOLD, Placed, write_table, write_title
from network.dataset import Dataset
from network.schema import TABLES, Column, Kind, Table
from optimize.scenario import Scenario

__all__ = [
    "SCENARIO_SHEET",
    "read_blocks",
    "read_input_workbook",
    "scenario_dict",
    "write_template",
]

VALIDATION_ROWS = 2000
"""Drop-downs and reference lists cover this many data rows of each table sheet."""
AUTHOR = "autarky"
BOOL_CHOICES = ("true", "false")


# ---------------------------------------------------------------------------------------
# writing


def write_template(path: Path | str, data: Dataset, scenario: Scenario | None = None) -> Path:
    """Write the input workbook at ``path`` (atomically): one sheet per table filled with
    ``data`` (routes as expanded by the loader), and the Scenario sheet (empty blocks if no
    ``scenario``)."""
    with atomic_write(path) as tmp:
        wb = Workbook()
        wb.remove(wb.active)
        placed = {
            spec.name: write_table_sheet(wb.create_sheet(spec.name), spec, data) for spec in TABLES
        }
        for spec in TABLES:
            add_validations(wb[spec.name], spec, placed)
        write_scenario_sheet(wb.create_sheet(SCENARIO_SHEET), scenario, Path(path).name, placed)
        wb.save(tmp)
    return Path(path)


def write_table_sheet(ws: Worksheet, spec: Table, data: Dataset) -> Placed:
    """The table's rows in schema column order, booleans as 'true'/'false' text (to match
    their drop-down), with a comment on every header."""
    df = getattr(data, spec.name).reset_index()
    df = df[[c for c in spec.column_names if c in df.columns]].astype(object)
    for col in spec.columns:
        if col.kind is Kind.BOOL:
            df[col.name] = df[col.name].map(lambda v: str(bool(v)).lower())
    placed = write_table(
        ws, df, spec.name, formats={c.name: "0" for c in spec.columns if c.kind is Kind.INTEGER}
    )
    ws.freeze_panes = "A2"
    for j, col in enumerate(spec.columns, start=1):
        ws.cell(1, j).comment = Comment(header_note(col), AUTHOR, width=320, height=140)
    return placed


def header_note(col: Column) -> str:
    """The comment on a column header: description, unit, whether required, allowed values.

    >>> from network.schema import CAPACITY
    >>> print(header_note(CAPACITY.column("lead_time")))
    Whole years from the decision to build until first output.
    Unit: yr
    Required. Whole number, 0 to 40.
    """
    lines = [col.description]
    if col.unit:
        lines.append(f"Unit: {col.unit}")
    need = "Required." if col.required else f"Optional (default {col.default!r})."
    kind = {
        Kind.ID: "Id",
        Kind.TEXT: "Text",
        Kind.NUMBER: "Number",
        Kind.INTEGER: "Whole number",
        Kind.BOOL: "true or false",
    }[col.kind]
    if col.min_value is not None and col.max_value is not None:
        kind += f", {col.min_value:g} to {col.max_value:g}"
    elif col.min_value is not None:
        kind += f", at least {col.min_value:g}"
    lines.append(f"{need} {kind}.")
    if col.choices:
        lines.append("One of: " + ", ".join(col.choices))
    if col.references:
        lines.append(f"Must exist in {col.references}.")
    return "\n".join(lines)


def column_range(placed: Placed, header: str) -> str:
    """Absolute range of a table column's data rows, for lists: "'regions'!$A$2:$A$2001"."""
    letter = get_column_letter(placed.col(header))
    first = placed.header_row + 1
    return (
        f"{quote_sheetname(placed.ws.title)}!${letter}${first}:"
        f"${letter}${first + VALIDATION_ROWS - 1}"
    )


def _list_validation(formula: str, strict: bool, prompt: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.errorStyle = "stop" if strict else "warning"
    dv.error = prompt
    dv.errorTitle = "Not in the list"
    dv.showErrorMessage = True
    return dv


def add_validations(ws: Worksheet, spec: Table, placed: dict[str, Placed]) -> None:
    """Drop-downs on reference ids (list = the referenced table's column), choice columns and
    booleans. Route ids may also be '*', so their lists only warn."""
    for j, col in enumerate(spec.columns, start=1):
        if col.references:
            table, column = col.references.split(".")
            formula = column_range(placed[table], column)
            strict = spec.name != "routes"
            msg = f"Use an id of {col.references}" + ("" if strict else " or '*'") + "."
        elif col.choices:
            formula, strict = '"' + ",".join(col.choices) + '"', True
            msg = "Use one of " + ", ".join(col.choices) + "."
        elif col.kind is Kind.BOOL:
            formula, strict, msg = '"' + ",".join(BOOL_CHOICES) + '"', True, "true or false."
        else:
            continue
        dv = _list_validation(formula, strict, msg)
        letter = get_column_letter(j)
        dv.add(f"{letter}2:{letter}{VALIDATION_ROWS + 1}")
        ws.add_data_validation(dv)


def scenario_blocks(sc: Scenario | None, workbook_name: str) -> dict[str, list[list[object]]]:
    """Rows of each Scenario-sheet block (without title and header)."""
    if sc is None:
        kv = [[k, workbook_name if k == "dataset" else None, about] for k, about in SCALAR_KEYS]
        return {"scenario": kv} | {b: [] for b in BLOCKS if b != "scenario"}
    raw = sc.model_dump(mode="json")
    kv = []
    for key, about in SCALAR_KEYS:
        value: Any = raw
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if key == "dataset":
            value = workbook_name
        elif key in YAML_KEYS and value is not None:
            value = yaml.safe_dump(value, default_flow_style=True, sort_keys=False).strip()
        kv.append([key, value, about])
    return {
        "scenario": kv,
        "targets": [[_ids(t.commodities), t.share, t.from_year, t.name] for t in sc.targets],
        "restrictions": [
            [
                _ids(r.commodities),
                r.from_year,
                r.to_year,
                r.max_share,
                str(r.extraterritorial).lower(),
                str(r.processed).lower(),
                r.source,
                r.name,
            ]
            for r in sc.restrictions
        ],
        "budget_per_chain": [[k, v] for k, v in sc.budget.per_chain_per_year_usd_bn.items()],
        "value_unserved": [[k, v] for k, v in sc.value_unserved.items()],
    }


def _ids(commodities: str | list[str]) -> str:
    return commodities if isinstance(commodities, str) else ", ".join(commodities)


def write_scenario_sheet(
    ws: Worksheet, sc: Scenario | None, workbook_name: str, placed: dict[str, Placed]
) -> None:
    """The scenario as key/value rows and small tables (layout in the module docstring)."""
    row = 1
    blocks = scenario_blocks(sc, workbook_name)
    lists = {
        "planner": column_range(placed["regions"], "bloc"),
        "rival": column_range(placed["regions"], "bloc"),
        "extraterritorial": '"' + ",".join(BOOL_CHOICES) + '"',
        "processed": '"' + ",".join(BOOL_CHOICES) + '"',
        "chain": column_range(placed["commodities"], "chain"),
        "commodity": column_range(placed["commodities"], "commodity"),
    }
    for block, header in BLOCKS.items():
        write_title(ws, row, block, size="heading")
        df = pd.DataFrame(blocks[block], columns=list(header))
        table = write_table(ws, df, f"Scenario {block}", top=row + 1)
        if block == "scenario":
            for r in range(table.header_row + 1, table.last_row + 1):
                key = ws.cell(r, 1).value
                ws.cell(r, 1).font = BOLD
                if key in ("planner", "rival"):
                    dv = _list_validation(lists[key], False, "Use a bloc of the regions sheet.")
                    dv.add(ws.cell(r, 2).coordinate)
                    ws.add_data_validation(dv)
        else:
            for name in header:
                if name in lists:
                    letter = get_column_letter(table.col(name))
                    dv = _list_validation(lists[name], name != "commodity", f"Use a {name}.")
                    dv.add(f"{letter}{table.header_row + 1}:{letter}{table.header_row + 50}")
                    ws.add_data_validation(dv)
        row = table.last_row + 2
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["C"].width = max(ws.column_dimensions["C"].width or 0, 60)
