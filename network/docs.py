"""Generate the dataset reference (``docs/schema.md``) from the declarations in
:mod:`network.schema`, so the documentation cannot drift from what the loader accepts.

    python -m network.docs > docs/schema.md
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from network import cells
from network.schema import TABLES, WILDCARD, Column, Kind, Table

# Example rows for tables that declare none come from the tiny test dataset.
TINY = Path(__file__).resolve().parent.parent / "tests" / "data" / "tiny"
EXAMPLE_ROWS = 2

_CONVERTERS: dict[Kind, Callable[..., object]] = {
    Kind.ID: cells.to_id,
    Kind.TEXT: cells.to_text,
    Kind.NUMBER: cells.to_number,
    Kind.INTEGER: cells.to_integer,
    Kind.BOOL: cells.to_bool,
}


def render_schema_markdown() -> str:
    """The Markdown reference of every input table, ending in one newline."""
    parts = [_preamble(), _cell_types(), _contents()]
    parts += [_table_section(t) for t in TABLES]
    return "\n\n".join(parts) + "\n"


def _preamble() -> str:
    return "\n".join(
        [
            "# Dataset reference",
            "",
            "<!-- Generated from network/schema.py by `python -m network.docs > "
            "docs/schema.md`; do not edit by hand. -->",
            "",
            "A dataset is a folder of CSV files (`<table>.csv`, UTF-8, comma- or "
            "semicolon-separated) or one `.xlsx` workbook with one sheet per table (sheet name = "
            "table name). Column names are the same in both; columns may come in any order and "
            "optional columns may be left out. Row numbers in error messages are spreadsheet "
            "rows: the header is row 1, the first data row is row 2.",
            "",
            "Check a dataset with `autarky validate PATH`: it lists every problem at once, each "
            "as `file, row N, column 'c': what is wrong -- how to fix`.",
        ]
    )


def _cell_types() -> str:
    lines = ["## Cell types", "", "| Type | Accepts |", "| --- | --- |"]
    for kind in Kind:
        doc = (_CONVERTERS[kind].__doc__ or "").strip().splitlines()[0]
        lines.append(f"| {kind.value} | {_cell(doc)} |")
    return "\n".join(lines)


def _contents() -> str:
    lines = ["## Tables", ""]
    for t in TABLES:
        need = "required" if t.required else "optional"
        lines.append(f"- [`{t.name}`](#{t.name}) ({need})")
    return "\n".join(lines)


def _table_section(t: Table) -> str:
    key = ", ".join(f"`{k}`" for k in t.key)
    need = "Required." if t.required else "Optional: may be left out."
    lines = [
        f"## {t.name}",
        "",
        _escape(t.description),
        "",
        f"File `{t.name}.csv` or sheet `{t.name}`. {need} Key: {key} (one row per key).",
        "",
        "| Column | Type | Unit | Required | Allowed | References | Description |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for col in t.columns:
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{col.name}`",
                    col.kind.value,
                    _cell(col.unit),
                    _required(col),
                    _allowed(col),
                    _references(t, col),
                    _cell(col.description),
                ]
            )
            + " |"
        )
    lines += ["", "Example:", "", "```csv", _csv(t.column_names, _example_rows(t)), "```"]
    return "\n".join(lines)


def _required(col: Column) -> str:
    if col.required:
        return "yes"
    if col.default is None or col.default == "":
        return "no (default: empty)"
    return f"no (default: `{_value(col.default)}`)"


def _allowed(col: Column) -> str:
    if col.choices:
        return "one of " + ", ".join(f"`{c}`" for c in col.choices)
    lo, hi = col.min_value, col.max_value
    if lo is not None and hi is not None:
        return f"{_value(lo)} to {_value(hi)}"
    if lo is not None:
        return f">= {_value(lo)}"
    if hi is not None:
        return f"<= {_value(hi)}"
    return ""


def _references(t: Table, col: Column) -> str:
    if not col.references:
        return ""
    ref = f"`{col.references}`"
    if t.name == "routes":
        ref += f" or `{WILDCARD}`"
    return ref


def _value(x: object) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


def _escape(text: str) -> str:
    """Keep Markdown from reading '*', '|' and '<' in prose as emphasis, cell borders or
    HTML."""
    for char in "\\*|<":
        text = text.replace(char, "\\" + char)
    return text


def _cell(text: str) -> str:
    return _escape(text).replace("\n", " ")


def _example_rows(t: Table) -> list[dict[str, object]]:
    """The table's declared example rows, else the first rows of the tiny test dataset, else
    one row of placeholders."""
    if t.example:
        return list(t.example)
    f = TINY / f"{t.name}.csv"
    if f.exists():
        with f.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if rows:
            return rows[:EXAMPLE_ROWS]
    return [{c.name: _placeholder(c) for c in t.columns}]


def _placeholder(col: Column) -> object:
    if col.default is not None:
        return col.default
    if col.choices:
        return col.choices[0]
    return {
        Kind.ID: col.name,
        Kind.TEXT: "",
        Kind.NUMBER: col.min_value or 0,
        Kind.INTEGER: col.min_value or 0,
        Kind.BOOL: "false",
    }[col.kind]


def _csv(columns: Iterable[str], rows: list[dict[str, object]]) -> str:
    columns = list(columns)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow(["" if row.get(c) is None else _value(row.get(c)) for c in columns])
    return buf.getvalue().rstrip("\n")


if __name__ == "__main__":
    sys.stdout.write(render_schema_markdown())
