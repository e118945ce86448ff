"""docs/schema.md is generated from network/schema.py and must match it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from network import cells
from network.docs import render_schema_markdown
from network.schema import TABLES, TABLES_BY_NAME, Kind, Table

SCHEMA_MD = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
REGENERATE = "regenerate it with `python -m network.docs > docs/schema.md`"


def test_schema_md_is_up_to_date() -> None:
    assert SCHEMA_MD.exists(), f"docs/schema.md is missing: {REGENERATE}"
    assert SCHEMA_MD.read_text(encoding="utf-8") == render_schema_markdown(), (
        f"docs/schema.md differs from network/schema.py: {REGENERATE}"
    )


def test_every_table_and_column_documented() -> None:
    text = render_schema_markdown()
    for t in TABLES:
        assert f"\n## {t.name}\n" in text
        for col in t.columns:
            assert f"| `{col.name}` | {col.kind.value} |" in section(text, t)


def test_column_row_shows_unit_range_default_and_reference() -> None:
    capacity = section(render_schema_markdown(), TABLES_BY_NAME["capacity"])
    assert (
        "| `lead_time` | integer | yr | yes | 0 to 40 |  | Whole years from the decision to "
        "build until first output. |" in capacity
    )
    assert "| `lifetime` | integer | yr | no (default: `30`) | 1 to 100 |  |" in capacity
    assert "| `region` | id |  | yes |  | `regions.region` | Region id. |" in capacity


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_csv_example_cells_are_valid(table: Table) -> None:
    """Each example row has the table's columns and every cell types as its column's kind."""
    block = re.search(r"```csv\n(.*?)```", section(render_schema_markdown(), table), re.S)
    assert block is not None
    rows = list(csv.DictReader(io.StringIO(block.group(1))))
    assert rows
    for row in rows:
        assert tuple(row) == table.column_names
        for col in table.columns:
            cell = row[col.name]
            if cells.is_blank(cell):
                assert not col.required, f"{table.name}.{col.name} is required but empty"
                continue
            if col.kind is Kind.ID:
                value, err = cells.to_id(cell, allow_wildcard=table.name == "routes")
            else:
                converter = {
                    Kind.TEXT: cells.to_text,
                    Kind.NUMBER: cells.to_number,
                    Kind.INTEGER: cells.to_integer,
                    Kind.BOOL: cells.to_bool,
                }[col.kind]
                value, err = converter(cell)
            assert err is None, f"{table.name}.{col.name}: {err}"
            if col.choices:
                assert value in col.choices


def section(text: str, table: Table) -> str:
    """The part of ``text`` under ``## <table>``, up to the next heading of that level."""
    start = text.index(f"\n## {table.name}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]
