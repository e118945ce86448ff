"""Corpus cases of round two (issue 15): hostile input found by an attacker's corpus.

Registered into tests/bad_inputs/make_corpus.py by :func:`register`, which passes that
module's helpers (``case``, ``csv_case``, ``xlsx_case``, ``scenario_case``, ``tiny`` ...), so
``python tests/bad_inputs/make_corpus.py`` writes these cases with the others.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any


def register(helpers: dict[str, Any]) -> None:
    """Add this module's cases to make_corpus's CASES through its helpers."""
    h = SimpleNamespace(**helpers)
    _columns(h)
    _files(h)
    _cells(h)
    _workbooks(h)
    _scenarios(h)
    _scenario_sheet(h)
    _payoffs(h)


# -- unknown columns: refused with the nearest known name --------------------------------


def _columns(h: SimpleNamespace) -> None:
    for name, table, old, new in (
        ("misspelt_lifetime_years", "capacity", "lifetime", "lifetime_years"),
        ("misspelt_max_flow_per_year", "routes", "max_flow", "max_flow_per_year"),
        ("misspelt_var_cost", "capacity", "variable_cost", "var_cost"),
    ):
        h.csv_case(
            name,
            lambda t, table=table, old=old, new=new: h._rename_column(t, table, old, new),
            f"{table}.csv, column '{new}': column '{new}' is not a column of {table} "
            f"(is it '{old}'?) -- rename it to '{old}'",
        )

    def notes(t: dict) -> None:
        for i, r in enumerate(t["regions"]):
            r.append("notes" if i == 0 else "checked")

    h.csv_case(
        "unknown_column",
        notes,
        "regions.csv, column 'notes': column 'notes' is not a column of regions -- remove it; "
        "the columns are region, name, bloc",
    )


# -- files: regular files inside the dataset, not empty ----------------------------------


def _files(h: SimpleNamespace) -> None:
    @h.case(
        "link_out_of_dataset",
        "regions.csv: is a link to a file outside the dataset folder -- copy the file itself",
    )
    def _link(folder: Path) -> None:
        h.write_csvs(folder / "dataset", h.tiny())
        (folder / "dataset" / "regions.csv").unlink()
        (folder / "dataset" / "regions.csv").symlink_to("../../../data/tiny/regions.csv")

    @h.case("table_is_a_folder", "routes.csv: is a folder, not a file")
    def _folder(folder: Path) -> None:
        h.write_csvs(folder / "dataset", h.tiny())
        (folder / "dataset" / "routes.csv").unlink()
        (folder / "dataset" / "routes.csv").mkdir()
        (folder / "dataset" / "routes.csv" / "README").write_text("a folder\n")

    def header_only(t: dict) -> None:
        for name in t:
            del t[name][1:]

    h.csv_case(
        "header_only_dataset",
        header_only,
        "regions.csv: the table has a header but no rows -- add at least one row",
        "demand.csv: the table has a header but no rows",
    )


# -- cells: sizes, hidden line breaks, escape sequences ----------------------------------


def _cells(h: SimpleNamespace) -> None:
    h.csv_case(
        "line_separator_in_id",
        lambda t: h.setcell(t, "regions", 3, "region", "CH\u2028N"),
        "regions.csv, row 3, column 'region': 'CH\\u2028N' is not a valid id",
    )
    h.csv_case(
        "form_feed_in_id",
        lambda t: h.setcell(t, "demand", 2, "commodity", "mag\x0cnet"),
        "demand.csv, row 2, column 'commodity': 'mag\\x0cnet' is not a valid id",
    )
    h.csv_case(
        "escape_sequence_in_id",
        lambda t: h.setcell(t, "regions", 2, "bloc", "US\x1b[2J\x1b[31m"),
        "regions.csv, row 2, column 'bloc': 'US\\x1b[2J\\x1b[31m' is not a valid id",
    )
    h.csv_case(
        "huge_id",
        lambda t: h.setcell(t, "routes", 2, "exporter", "CHN" + "N" * 5000),
        "routes.csv, row 2, column 'exporter': unknown region 'CHNNNN",
        "... (5,005 characters) -- declare it in regions",
    )
    h.csv_case(
        "cell_beyond_excel_limit",
        lambda t: h.setcell(t, "regions", 4, "name", "Malaysia " * 4000),
        "regions.csv, row 4: cell B4 holds 36,000 characters (most 32,767)",
    )
    h.csv_case(
        "cell_beyond_csv_field_limit",
        lambda t: h.setcell(t, "commodities", 3, "name", "x" * 140_000),
        "commodities.csv, row 3: a cell holds more than 131,072 characters -- keep each cell",
    )


# -- workbooks: dimensions checked before loading, DTD named by sheet ---------------------


def _workbooks(h: SimpleNamespace) -> None:
    def far_cell(wb: Any) -> None:
        wb["capacity"]["XFD1048576"] = "x"

    h.xlsx_case(
        "xlsx_far_cell",
        far_cell,
        "dataset.xlsx, sheet 'capacity': cells reach XFD1048576 (16,384 columns x 1,048,576 "
        "rows; most 256 columns and 10,000,000 cells) -- delete the rows and columns beyond",
    )

    def tall(wb: Any) -> None:
        wb["demand"]["K1048576"] = 0

    h.xlsx_case(
        "xlsx_tall_sheet",
        tall,
        "dataset.xlsx, sheet 'demand': cells reach K1048576 (11 columns x 1,048,576 rows",
    )


# -- scenario values: ranges and finiteness checked by the model --------------------------


def _scenarios(h: SimpleNamespace) -> None:
    for name, extra, expected in (
        (
            "scenario_to_year_before_from_year",
            "restrictions:\n  - {commodities: [magnet], from_year: 2030, to_year: 2027}\n",
            "scenario.yaml: key 'restrictions.0' = dict: Value error, to_year (2027) is before "
            "from_year (2030)",
        ),
        (
            "scenario_negative_value_unserved",
            "value_unserved: {magnet: -100}\n",
            "scenario.yaml: key 'value_unserved.magnet' = -100: Input should be greater than or "
            "equal to 0",
        ),
        (
            "scenario_nan_value_unserved",
            "value_unserved: {magnet: .nan}\n",
            "scenario.yaml: key 'value_unserved.magnet' = nan: Input should be a finite number",
        ),
        (
            "scenario_infinite_value_unserved",
            "value_unserved: {magnet: .inf}\n",
            "scenario.yaml: key 'value_unserved.magnet' = inf: Input should be a finite number",
        ),
        (
            "scenario_negative_chain_budget",
            "budget: {per_chain_per_year_usd_bn: {magnet: -1}}\n",
            "scenario.yaml: key 'budget.per_chain_per_year_usd_bn.magnet' = -1: Input should be "
            "greater than or equal to 0",
        ),
        (
            "scenario_infinite_time_limit",
            "solver: {time_limit_s: .inf}\n",
            "scenario.yaml: key 'solver.time_limit_s' = inf: Input should be a finite number",
        ),
        (
            "scenario_nan_in_likelihood_path",
            "exposure: {likelihood: {2025: 0.1, 2030: .nan}}\n",
            "scenario.yaml: key 'exposure.likelihood.2030' = nan: Input should be a finite number",
        ),
        (
            "scenario_threads_beyond_reason",
            "solver: {threads: 100000}\n",
            "scenario.yaml: key 'solver.threads' = 100000: Input should be less than or equal "
            "to 1024",
        ),
    ):
        h.scenario_case(name, h.scenario(extra), expected)


# -- the Scenario sheet of an input workbook: formulas, YAML cells, key clashes -----------


def _input_workbook(h: SimpleNamespace, folder: Path, edit: Any) -> None:
    """input.xlsx written by autarky's own template from the tiny dataset, then ``edit(ws)``
    on its Scenario sheet (``ws`` and a {key: row} map of the scenario block)."""
    from openpyxl import load_workbook

    from autarky.excel.template import SCENARIO_SHEET, write_template
    from network.validate import load_dataset
    from optimize.scenario import scenario_from_dict

    sc = scenario_from_dict(
        {
            "name": "bad",
            "dataset": "input.xlsx",
            "horizon": {"first": 2025, "last": 2032},
            "planner": "US",
            "rival": "CN",
            "budget": {"per_year_usd_bn": 1},
            "targets": [{"share": 0.9, "from_year": 2030}],
        }
    )
    path = folder / "input.xlsx"
    write_template(path, load_dataset(h.TINY), sc)
    wb = load_workbook(path)
    ws = wb[SCENARIO_SHEET]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    edit(ws, rows)
    wb.save(path)


def _sheet_case(h: SimpleNamespace, name: str, edit: Any, *expected: str) -> None:
    h.case(name, *expected)(lambda folder: _input_workbook(h, folder, edit))


def _set(key: str, value: object) -> Any:
    def edit(ws: Any, rows: dict) -> None:
        ws.cell(rows[key], 2).value = value

    return edit


def _scenario_sheet(h: SimpleNamespace) -> None:
    sheet = "input.xlsx, sheet 'Scenario'"
    _sheet_case(
        h,
        "sheet_formula_budget",
        _set("budget.per_year_usd_bn", "=0.001*1"),
        f"{sheet}, row 13: key 'budget.per_year_usd_bn': cell B13 holds a formula (=0.001*1)",
    )

    def share_formula(ws: Any, rows: dict) -> None:
        ws.cell(rows["targets"] + 2, 2).value = "=0.5+0.4"

    _sheet_case(
        h,
        "sheet_formula_target_share",
        share_formula,
        f"{sheet}, row 25, column 'share': targets: cell B25 holds a formula (=0.5+0.4)",
    )
    _sheet_case(
        h,
        "sheet_yaml_python_tag",
        _set("game", '!!python/object/apply:os.system ["echo owned"]'),
        f"{sheet}, row 20: key 'game': not valid YAML (could not determine a constructor for "
        "the tag 'tag:yaml.org,2002:python/object/apply:os.system')",
    )
    _sheet_case(
        h,
        "sheet_yaml_broken",
        _set("sweep", "{budgets_usd_bn: [1, 2"),
        f"{sheet}, row 21: key 'sweep': not valid YAML",
    )
    _sheet_case(
        h,
        "sheet_yaml_too_deep",
        _set("sweep", "{x: " + "[" * 100 + "]" * 100 + "}"),
        f"{sheet}, row 21: key 'sweep': not valid YAML (nested more than 30 levels deep)",
    )
    bomb = (
        '{a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"], '
        + ", ".join(
            f"{n}: &{n} [{', '.join(['*' + p] * 9)}]"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "}"
    )
    _sheet_case(
        h,
        "sheet_yaml_alias_bomb",
        _set("game", bomb),
        f"{sheet}, row 20: key 'game': not valid YAML (aliases expand to",
        "refused as an alias bomb)",
    )

    def far_row(ws: Any, rows: dict) -> None:
        ws["B20000"] = "forgotten"

    _sheet_case(
        h,
        "sheet_far_row",
        far_row,
        f"{sheet}: cells reach H20000 (most 10,000 rows and 26 columns) -- a scenario fits",
    )

    def key_twice(ws: Any, rows: dict) -> None:
        ws.cell(rows["description"], 1).value = "name"
        ws.cell(rows["description"], 2).value = "again"

    _sheet_case(
        h,
        "sheet_key_twice",
        key_twice,
        f"{sheet}, row 4: key 'name' appears twice (row 3) -- keep one row per key",
    )

    def key_clash(ws: Any, rows: dict) -> None:
        ws.cell(rows["description"], 1).value = "budget"
        ws.cell(rows["description"], 2).value = 5

    _sheet_case(
        h,
        "sheet_key_clash",
        key_clash,
        f"{sheet}, row 13: key 'budget.per_year_usd_bn' clashes with key 'budget' (row 4)",
    )


# -- payoff files of a race: empty, Latin-1, not CSV, NaN -------------------------------

RACE = """name: bad
dataset: ../../../data/default
horizon: {first: 2025, last: 2030}
planner: US
rival: CN
game:
  us_plan: ../../../data/scenarios/race_plan_us.yaml
  cn_plan: ../../../data/scenarios/race_plan_cn.yaml
  payoffs: payoffs.csv
"""


def _payoffs(h: SimpleNamespace) -> None:
    good = (h.HERE.parent.parent / "data" / "game" / "payoffs.csv").read_bytes()
    fix = "save it as a UTF-8 CSV file with columns parameter, value, unit, source"
    for name, data, expected in (
        ("payoffs_empty", b"", f"payoffs.csv: the file is empty -- {fix}"),
        (
            "payoffs_latin1",
            good.replace(b"assumption", "hypoth\u00e8se".encode("latin-1"), 1),
            f"payoffs.csv: not UTF-8 text (invalid continuation byte) -- {fix}",
        ),
        (
            "payoffs_not_csv",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00 a workbook",
            "payoffs.csv: is not a text file (it holds NUL bytes)",
        ),
        (
            "payoffs_nan",
            good.replace(b"rent_share,0.5,", b"rent_share,nan,"),
            "payoffs.csv, row 3, column 'value': value 'nan' is not a number",
        ),
    ):

        def writer(folder: Path, data: bytes = data) -> None:
            (folder / "payoffs.csv").write_bytes(data)
            (folder / "scenario.yaml").write_text(RACE, encoding="utf-8")

        h.case(name, expected)(writer)
