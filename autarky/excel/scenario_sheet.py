"""The ``Scenario`` sheet of an input workbook: its layout, and how it is read.

Layout (written by :mod:`autarky.excel.template`): blocks separated by one blank row; a block
is a title cell in column A, a header row, then data rows up to the next blank row. The
``scenario`` block holds ``key | value | about`` rows with dotted keys (``horizon.first``,
``budget.total_usd_bn``); ``exposure``, ``game`` and ``sweep`` values are YAML text. The other
blocks are small tables (targets, restrictions, budget_per_chain, value_unserved).

Read as strictly as a scenario file, every problem located by key or block, row and column:

* a formula cell is refused (values only, as in the data sheets: a cached result may be stale
  or missing, and a missing one used to turn a budget into "no budget");
* YAML values go through the one safe loader, :func:`optimize.scenario.parse_yaml` (no tags
  that build objects, no alias bombs, no deep nesting, no key twice);
* a key given twice, or a key that clashes with another (``budget`` and
  ``budget.total_usd_bn``; ``budget`` and the budget_per_chain block) is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from openpyxl import load_workbook

from network.cells import is_blank, to_bool
from network.dataset import Dataset
from network.errors import InputError, Problem
from network.validate import load_dataset
from optimize.scenario import Scenario, parse_yaml, scenario_from_dict

SCENARIO_SHEET = "Scenario"
SCALAR_KEYS: tuple[tuple[str, str], ...] = (
    ("name", "Scenario name."),
    ("description", "What the scenario asks."),
    ("dataset", "Ignored: the tables of this workbook are the dataset."),
    ("horizon.first", "First planning year."),
    ("horizon.last", "Last planning year."),
    ("planner", "Bloc that plans (a bloc of the regions sheet)."),
    ("rival", "Bloc whose supply is cut (a bloc of the regions sheet)."),
    ("discount_rate", "Discount rate per year, 0-1."),
    ("neutral_share", "Share of neutral regions' capacity available in the cutoff, 0-1."),
    ("threshold", "Cutoff share that counts as self-sufficient, 0-1."),
    ("budget.per_year_usd_bn", "Capex limit per year, USD bn (empty: none)."),
    ("budget.total_usd_bn", "Capex limit over the horizon, USD bn (empty: none)."),
    ("solver.method", "choose, simplex or ipm."),
    ("solver.time_limit_s", "Solver time limit, seconds (empty: none)."),
    ("solver.threads", "Solver threads (empty: default)."),
    ("solver.gap", "Relative optimality gap (empty: default)."),
    ("exposure", "Value of independence as YAML: likelihood, value_lost (empty: none)."),
    (
        "fast_track.premium",
        "Extra capex share to build at a row's lead_time_low (0.5: +50%; empty: no fast-tracking).",
    ),
    ("fast_track.source", "Where the fast-tracking premium comes from."),
    ("game", "Game settings as YAML (empty: no game)."),
    ("sweep", "Sweep settings as YAML (empty: no sweep)."),
)
TEXT_KEYS = frozenset(
    {"name", "description", "dataset", "planner", "rival", "solver.method", "fast_track.source"}
)
YAML_KEYS = frozenset({"exposure", "game", "sweep"})
BLOCKS: dict[str, tuple[str, ...]] = {
    "scenario": ("key", "value", "about"),
    "targets": ("commodities", "share", "from_year", "name"),
    "restrictions": (
        "commodities",
        "from_year",
        "to_year",
        "max_share",
        "extraterritorial",
        "processed",
        "source",
        "name",
    ),
    "budget_per_chain": ("chain", "per_year_usd_bn"),
    "value_unserved": ("commodity", "usd_per_unit"),
}
MAX_ROWS, MAX_COLUMNS = 10_000, 26
"""Most rows and columns a Scenario sheet may reach (its blocks fit in a few dozen rows,
columns A-G): a sheet beyond them is refused, not read cell by cell nor cut."""
ROW = "_row"
"""Key of a block row's spreadsheet row number in :func:`read_blocks` output (not a header)."""
_PASTE_VALUES = "replace it by its value (Copy, then Paste Special > Values)"


class Formula(NamedTuple):
    """A formula cell, kept as such so that the reader can refuse it by name."""

    ref: str  # e.g. "B14"
    text: str  # e.g. "=0.001*1"


def read_input_workbook(path: Path | str) -> tuple[Dataset, Scenario]:
    """The dataset (validated by :func:`network.validate.load_dataset`) and the scenario of
    an input workbook. The scenario's ``dataset`` is the workbook itself."""
    p = Path(path)
    data = load_dataset(p)  # also bounds every sheet's size (autarky.safety.check_sheets)
    _check_extent(p)
    wb = load_workbook(p, read_only=True, data_only=False)
    try:
        if SCENARIO_SHEET not in wb.sheetnames:
            raise InputError(
                Problem(
                    p.name,
                    f"no sheet '{SCENARIO_SHEET}'",
                    "add the Scenario sheet (see the input template)",
                )
            )
        cells = wb[SCENARIO_SHEET].iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS)
        rows = [[_value(c) for c in r] for r in cells]
    finally:
        wb.close()
    where = f"{p.name}, sheet '{SCENARIO_SHEET}'"
    raw = scenario_dict(dict(read_blocks(rows)), where)
    raw["dataset"] = p.name
    return data, scenario_from_dict(raw, where=where, base_dir=str(p.parent))


def _check_extent(p: Path) -> None:
    """Refuse a Scenario sheet reaching beyond :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS`
    columns (read from its XML, as :func:`autarky.safety.check_sheets` does): nothing beyond
    the part read may be silently ignored."""
    import zipfile

    from autarky.safety import sheet_extent, sheet_parts

    with zipfile.ZipFile(p) as zf:
        part = sheet_parts(zf).get(SCENARIO_SHEET)
        if part is None or part not in zf.namelist():
            return
        rows, cols, ref = sheet_extent(zf.read(part))
    if rows > MAX_ROWS or cols > MAX_COLUMNS:
        raise InputError(
            Problem(
                f"{p.name}, sheet '{SCENARIO_SHEET}'",
                f"cells reach {ref} (most {MAX_ROWS:,} rows and {MAX_COLUMNS} columns)",
                "a scenario fits in a few dozen rows: delete the rows and columns beyond its "
                "blocks",
            ),
            title="invalid scenario",
        )


def _value(cell: Any) -> object:
    if getattr(cell, "data_type", None) == "f":
        return Formula(f"{cell.column_letter}{cell.row}", str(cell.value))
    return getattr(cell, "value", None)


def read_blocks(rows: list[list[object]]) -> Iterator[tuple[str, list[dict[str, object]]]]:
    """(block name, rows as {header: value, ROW: spreadsheet row}) for every block found."""
    blank = [all(is_blank(c) for c in r) for r in rows]
    for i, r in enumerate(rows):
        title = str(r[0]).strip() if r and not is_blank(r[0]) else ""
        if title not in BLOCKS or (i > 0 and not blank[i - 1]) or i + 1 >= len(rows):
            continue
        header = [str(h).strip() if not is_blank(h) else "" for h in rows[i + 1]]
        body = []
        for n, line in enumerate(rows[i + 2 :], start=i + 3):
            if all(is_blank(c) for c in line):
                break
            body.append({h: v for h, v in zip(header, line, strict=False) if h} | {ROW: n})
        yield title, body


def scenario_dict(blocks: dict[str, list[dict[str, object]]], where: str) -> dict[str, Any]:
    """The scenario as the dict :func:`scenario_from_dict` validates; blanks are defaults.
    Raises one InputError listing every formula, bad YAML value and clashing key."""
    problems: list[Problem] = []
    raw = _scalars(blocks.get("scenario", []), where, problems)
    tables = {
        block: [_clean(rec, block, where, problems) for rec in blocks.get(block, [])]
        for block in BLOCKS
        if block != "scenario"
    }
    raw["targets"] = [
        t | {"commodities": _parse_ids(t.get("commodities"))} for t in tables["targets"]
    ]
    restrictions = []
    for rec in tables["restrictions"]:
        out = rec | {"commodities": _parse_ids(rec.get("commodities"))}
        for key in ("extraterritorial", "processed"):
            if key in out:
                flag, err = to_bool(out[key])
                if err:
                    problems.append(Problem(where, f"restrictions: {err}", "enter true or false"))
                out[key] = flag
        restrictions.append(out)
    raw["restrictions"] = restrictions
    chains = {str(r.get("chain")): r.get("per_year_usd_bn") for r in tables["budget_per_chain"]}
    if chains:
        budget = raw.setdefault("budget", {})
        if not isinstance(budget, dict) or "per_chain_per_year_usd_bn" in budget:
            problems.append(
                Problem(
                    where,
                    "key 'budget' clashes with the budget_per_chain block",
                    "give per-chain budgets in the budget_per_chain block only",
                )
            )
        else:
            budget["per_chain_per_year_usd_bn"] = chains
    raw["value_unserved"] = {
        str(r.get("commodity")): r.get("usd_per_unit") for r in tables["value_unserved"]
    }
    if problems:
        raise InputError(problems, title="invalid scenario")
    return raw


def _scalars(records: list[dict[str, object]], where: str, problems: list[Problem]) -> dict:
    """The key/value rows as a nested dict; formulas, bad YAML and key clashes are problems."""
    raw: dict[str, Any] = {}
    seen: dict[str, object] = {}  # dotted key -> its row
    for rec in records:
        key, value, row = rec.get("key"), rec.get("value"), rec.get(ROW)
        if isinstance(key, Formula) or isinstance(value, Formula):
            cell = key if isinstance(key, Formula) else value
            what = f"cell {cell.ref} holds a formula ({cell.text})"  # type: ignore[union-attr]
            named = "" if isinstance(key, Formula) else f"key '{str(key).strip()}': "
            problems.append(Problem(where, named + what, _PASTE_VALUES, row=_int(row)))
            continue
        if is_blank(key) or is_blank(value):
            continue
        key = str(key).strip()
        clash = next((k for k in seen if k == key or _nested(k, key) or _nested(key, k)), None)
        if clash is not None:
            also = "appears twice" if clash == key else f"clashes with key '{clash}'"
            problems.append(
                Problem(
                    where,
                    f"key '{key}' {also} (row {seen[clash]})",
                    "keep one row per key; a section is given whole or by its dotted keys",
                    row=_int(row),
                )
            )
            continue
        seen[key] = row
        if key in YAML_KEYS:
            try:
                value = parse_yaml(str(value))
            except yaml.YAMLError as exc:
                why = getattr(exc, "problem", None) or str(exc)
                problems.append(
                    Problem(
                        where,
                        f"key '{key}': not valid YAML ({why})",
                        "fix the YAML text",
                        row=_int(row),
                    )
                )
                continue
        elif key in TEXT_KEYS:
            value = str(value)
        node = raw
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return raw


def _nested(outer: str, inner: str) -> bool:
    return inner.startswith(outer + ".")


def _int(row: object) -> int | None:
    return row if isinstance(row, int) else None


def _clean(
    rec: dict[str, object], block: str, where: str, problems: list[Problem]
) -> dict[str, object]:
    """Drop blank cells (so defaults apply) and the row number; names and sources are text;
    a formula is a problem naming the block, row and column."""
    row = _int(rec.get(ROW))
    out = {}
    for k, v in rec.items():
        if k == ROW or is_blank(v):
            continue
        if isinstance(v, Formula):
            problems.append(
                Problem(
                    where,
                    f"{block}: cell {v.ref} holds a formula ({v.text})",
                    _PASTE_VALUES,
                    row=row,
                    column=k,
                )
            )
            continue
        out[k] = str(v) if k in ("name", "source") else v
    return out


def _parse_ids(cell: object) -> str | list[str]:
    """'critical' or a comma- or space-separated list of commodity ids.

    >>> _parse_ids("critical"), _parse_ids("magnet, oxide")
    ('critical', ['magnet', 'oxide'])
    """
    text = "" if is_blank(cell) else str(cell).strip()
    if text == "critical":
        return text
    return [t for t in re.split(r"[,;\s]+", text) if t]
