"""Write the corpus of broken inputs (tests/bad_inputs/<case>/) from the valid tiny dataset.

Run ``python tests/bad_inputs/make_corpus.py`` after changing the tiny dataset or a message;
tests/test_bad_inputs.py checks every case and that this script still produces the same cases
and expectations.

Each case is a folder holding one broken input and ``expected.txt``, one message fragment a line
(file, sheet, row and column named), that the report must contain:

* ``dataset/`` (CSV files) or ``dataset.<ext>`` -- checked with ``autarky validate`` and, through
  the generated ``scenario.yaml`` that points at it, with ``autarky run``;
* only ``scenario.yaml`` (the dataset is tests/data/tiny) -- checked with ``autarky run``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
TINY = HERE.parent / "data" / "tiny"
TINY_FROM_CASE = "../../data/tiny"

Rows = list[list[str]]
Tables = dict[str, Rows]

SCENARIO = """name: {name}
dataset: {dataset}
horizon: {{first: 2025, last: 2032}}
planner: US
rival: CN
neutral_share: 0.0
targets:
  - {{share: 0.9, from_year: 2030}}
"""


def tiny() -> Tables:
    """The tiny dataset, one list of rows (header first) per table, every cell as text."""
    out = {}
    for f in sorted(TINY.glob("*.csv")):
        with open(f, newline="", encoding="utf-8") as fh:
            out[f.stem] = [list(r) for r in csv.reader(fh)]
    return out


def col(tables: Tables, table: str, name: str) -> int:
    return tables[table][0].index(name)


def setcell(tables: Tables, table: str, row: int, name: str, value: str) -> Tables:
    """Set the cell at spreadsheet ``row`` (header = 1) of column ``name``."""
    tables[table][row - 1][col(tables, table, name)] = value
    return tables


def csv_text(rows: Rows, delimiter: str = ",", newline: str = "\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buf.getvalue()


def write_csvs(folder: Path, tables: Tables) -> None:
    folder.mkdir(parents=True)
    for name, rows in tables.items():
        (folder / f"{name}.csv").write_text(csv_text(rows), encoding="utf-8")


def xlsx_bytes(tables: Tables, edit: Callable | None = None) -> bytes:
    """The tables as a workbook (numbers as numbers), after ``edit(workbook)``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append([_cell(v) for v in r])
    if edit is not None:
        edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(text: str) -> object:
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def with_parts(xlsx: bytes, parts: dict[str, bytes]) -> bytes:
    """Copy a workbook archive, replacing or adding ``parts``."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename not in parts:
                out.writestr(info.filename, src.read(info.filename))
        for name, data in parts.items():
            out.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------
# the cases: name -> (writer(case folder), expected fragments)

CASES: dict[str, tuple[Callable[[Path], None], list[str]]] = {}


def case(name: str, *expected: str) -> Callable:
    def register(writer: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES[name] = (writer, list(expected))
        return writer

    return register


def csv_case(name: str, edit: Callable[[Tables], object], *expected: str) -> None:
    """A CSV dataset: the tiny one after ``edit(tables)`` (which changes it in place)."""

    def writer(folder: Path) -> None:
        t = tiny()
        edit(t)
        write_csvs(folder / "dataset", t)

    case(name, *expected)(writer)


def xlsx_case(name: str, edit: Callable | None, *expected: str, tables: Callable = tiny) -> None:
    def writer(folder: Path) -> None:
        (folder / "dataset.xlsx").write_bytes(xlsx_bytes(tables(), edit))

    case(name, *expected)(writer)


def scenario_case(name: str, text: str, *expected: str) -> None:
    def writer(folder: Path) -> None:
        (folder / "scenario.yaml").write_text(text, encoding="utf-8")

    case(name, *expected)(writer)


def scenario(extra: str = "", name: str = "bad", dataset: str = TINY_FROM_CASE) -> str:
    return SCENARIO.format(name=name, dataset=dataset) + extra


# -- every schema rule, on CSV files ----------------------------------------------------


def _drop_column(t: Tables, table: str, name: str) -> None:
    i = col(t, table, name)
    t[table] = [r[:i] + r[i + 1 :] for r in t[table]]


def _rename_column(t: Tables, table: str, old: str, new: str) -> None:
    t[table][0][col(t, table, old)] = new


def _add_row(t: Tables, table: str, **cells: str) -> None:
    cells = {"source": "test", "trust": "U", **cells}
    t[table].append([cells.get(c, "") for c in t[table][0]])


csv_case(
    "missing_table",
    lambda t: t.pop("capacity"),
    "table 'capacity' is missing -- add capacity.csv (or a sheet 'capacity')",
)
csv_case(
    "missing_column",
    lambda t: _drop_column(t, "capacity", "capex"),
    "capacity.csv: column 'capex' is missing -- add a column 'capex'",
)
csv_case(
    "misspelt_required_column",
    lambda t: _rename_column(t, "capacity", "existing", "exisiting"),
    "capacity.csv: column 'existing' is missing (is 'exisiting' meant to be 'existing'?)",
)
csv_case(
    "misspelt_optional_column",
    lambda t: _rename_column(t, "capacity", "fixed_om", "fixed_0m"),
    "capacity.csv, column 'fixed_0m': column 'fixed_0m' is not a column of capacity "
    "(is it 'fixed_om'?) -- rename it to 'fixed_om'",
)


def _column_twice(t: Tables) -> None:
    for r in t["regions"]:
        r.append(r[2])


csv_case(
    "column_twice",
    _column_twice,
    "regions.csv: column 'bloc' appears 2 times in the header -- keep one column 'bloc'",
)
csv_case(
    "text_in_number",
    lambda t: setcell(t, "capacity", 3, "existing", "12 t"),
    "capacity.csv, row 3, column 'existing': '12 t' is not a number",
)
csv_case(
    "negative_number",
    lambda t: setcell(t, "capacity", 3, "existing", "-5"),
    "capacity.csv, row 3, column 'existing': -5 is below the minimum 0",
)
csv_case(
    "empty_required_cell",
    lambda t: setcell(t, "capacity", 3, "capex", ""),
    "capacity.csv, row 3, column 'capex': cell is empty -- enter a number >= 0",
)
csv_case(
    "lead_time_implausible",
    lambda t: setcell(t, "capacity", 2, "lead_time", "99"),
    "capacity.csv, row 2, column 'lead_time': 99 is implausibly large (most 40 yr)",
)
csv_case(
    "output_per_activity_zero",
    lambda t: setcell(t, "processes", 2, "output_per_activity", "0"),
    "processes.csv, row 2, column 'output_per_activity': 0 is below the minimum 1e-09",
)
csv_case(
    "fractional_year",
    lambda t: setcell(t, "demand", 2, "year", "2025.5"),
    "demand.csv, row 2, column 'year': '2025.5' is not a whole number",
)
csv_case(
    "year_out_of_range",
    lambda t: setcell(t, "projects", 2, "first_year", "20280"),
    "projects.csv, row 2, column 'first_year': 20280 is implausibly large (most 2100 year)",
)
csv_case(
    "bad_bool",
    lambda t: setcell(t, "commodities", 4, "critical", "maybe"),
    "commodities.csv, row 4, column 'critical': 'maybe' is not true/false",
)
csv_case(
    "bad_chain_choice",
    lambda t: setcell(t, "commodities", 2, "chain", "plastics"),
    "commodities.csv, row 2, column 'chain': 'plastics' is not one of rare_earth, magnet, "
    "minor_metal, semiconductor",
)
csv_case(
    "bad_project_status",
    lambda t: setcell(t, "projects", 2, "status", "rumoured"),
    "projects.csv, row 2, column 'status': 'rumoured' is not one of committed, announced",
)
csv_case(
    "missing_trust_column",
    lambda t: _drop_column(t, "demand", "trust"),
    "demand.csv: column 'trust' is missing -- add a column 'trust'",
)
csv_case(
    "unknown_trust_tag",
    lambda t: setcell(t, "capacity", 3, "trust", "verified"),
    "capacity.csv, row 3, column 'trust': 'verified' is not one of P, S, D, U",
)
csv_case(
    "sourced_row_says_assumption",
    lambda t: setcell(
        setcell(t, "regions", 2, "trust", "P"), "regions", 2, "source", "assumption: guessed"
    ),
    "regions.csv, row 2, column 'trust': the row is tagged P (sourced) but its source says "
    "'assumption'",
)
csv_case(
    "wildcard_outside_routes",
    lambda t: setcell(t, "demand", 2, "region", "*"),
    "demand.csv, row 2, column 'region': '*' is not a valid id",
)
csv_case(
    "unknown_reference",
    lambda t: setcell(t, "routes", 3, "exporter", "CHNA"),
    "routes.csv, row 3, column 'exporter': unknown region 'CHNA' -- did you mean 'CHN'?",
)
csv_case(
    "duplicate_row",
    lambda t: t["demand"].append(list(t["demand"][1])),
    "demand.csv, row 5, column 'year': duplicate key (USA, magnet, 2025); row 2 has the same",
)
csv_case(
    "recipe_cycle",
    lambda t: _add_row(t, "process_inputs", process="mining", commodity="magnet", amount="1"),
    "process_inputs.csv, row 2, column 'commodity': recipe cycle: ore -> oxide -> magnet -> ore",
)


def _unproducible(t: Tables) -> None:
    _add_row(
        t,
        "commodities",
        commodity="gallium",
        name="Gallium",
        unit="t",
        chain="minor_metal",
        critical="true",
        value_unserved="1000",
    )
    _add_row(t, "demand", region="USA", commodity="gallium", year="2025", quantity="5")


csv_case(
    "demand_nobody_can_make",
    _unproducible,
    "demand.csv, row 5, column 'commodity': 'gallium' is demanded but no process anywhere can "
    "produce it",
)
csv_case(
    "demand_years_out_of_order",
    lambda t: t["demand"].insert(1, t["demand"].pop(2)),
    "demand.csv, row 3, column 'year': year 2025 comes after 2030 (row 2) for USA/magnet",
)
csv_case(
    "project_without_capacity_row",
    lambda t: setcell(t, "projects", 2, "region", "MYS"),
    "projects.csv, row 2, column 'process': project in MYS/sintering has no capacity row",
)
csv_case(
    "only_one_bloc",
    lambda t: setcell(t, "regions", 3, "bloc", "US"),
    "regions.csv, column 'bloc': only 1 bloc besides 'neutral' (US)",
)

# -- file formats -----------------------------------------------------------------------


@case("empty_file", "demand.csv: the table is empty (no header row) -- add the header row")
def _empty_file(folder: Path) -> None:
    write_csvs(folder / "dataset", tiny())
    (folder / "dataset" / "demand.csv").write_text("")


@case(
    "bom_crlf_semicolon_with_na",
    "capacity.csv, row 3, column 'capex': 'NA' marks a missing value, not a number",
)
def _bom_crlf_semicolon(folder: Path) -> None:
    """BOM, Windows line ends and ';' are accepted: the only problem reported is the 'NA'."""
    t = setcell(tiny(), "capacity", 3, "capex", "NA")
    write_csvs(folder / "dataset", t)
    text = "\ufeff" + csv_text(t["capacity"], delimiter=";", newline="\r\n")
    (folder / "dataset" / "capacity.csv").write_bytes(text.encode("utf-8"))


@case(
    "unquoted_thousands",
    "demand.csv, row 3: 7 cells but the header has 6 columns -- quote cells that contain ','",
)
def _unquoted_thousands(folder: Path) -> None:
    """'1,234,567' quoted is accepted (row 2); unquoted (row 3) splits the row."""
    t = setcell(tiny(), "demand", 2, "quantity", "1,234,567")
    write_csvs(folder / "dataset", t)
    f = folder / "dataset" / "demand.csv"
    f.write_text(f.read_text().replace("USA,magnet,2030,20,", "USA,magnet,2030,1,500,"))


csv_case(
    "dash_as_number",
    lambda t: setcell(t, "capacity", 2, "capex", "-"),
    "capacity.csv, row 2, column 'capex': '-' marks a missing value, not a number",
)
csv_case(
    "bound_not_value",
    lambda t: setcell(t, "demand", 2, "quantity", ">85,000,000"),
    "demand.csv, row 2, column 'quantity': '>85,000,000' is a bound, not a value",
)
csv_case(
    "date_as_year",
    lambda t: setcell(t, "demand", 3, "year", "2030-01-01"),
    "demand.csv, row 3, column 'year': '2030-01-01' is a date, not a whole number",
)
csv_case(
    "huge_number",
    lambda t: setcell(t, "capacity", 2, "capex", "1e300"),
    "capacity.csv, row 2, column 'capex': 1e+300 is implausibly large (most 1e+15",
)
csv_case(
    "infinite_number",
    lambda t: setcell(t, "capacity", 2, "existing", "inf"),
    "capacity.csv, row 2, column 'existing': 'inf' is not a finite number",
)
csv_case(
    "nan_number",
    lambda t: setcell(t, "demand", 2, "quantity", "NaN"),
    "demand.csv, row 2, column 'quantity': 'NaN' is not a finite number",
)


@case("not_utf8", "regions.csv: not UTF-8 text")
def _not_utf8(folder: Path) -> None:
    t = setcell(tiny(), "regions", 4, "name", "C\u00f4te d'Ivoire")
    write_csvs(folder / "dataset", t)
    f = folder / "dataset" / "regions.csv"
    f.write_bytes(f.read_text(encoding="utf-8").encode("latin-1"))


@case("unsupported_file_type", "dataset.ods: unsupported dataset file type '.ods'")
def _ods(folder: Path) -> None:
    (folder / "dataset.ods").write_bytes(b"PK\x03\x04 not really")


# -- ids --------------------------------------------------------------------------------

csv_case(
    "id_with_space",
    lambda t: setcell(t, "regions", 4, "bloc", "neutral zone"),
    "regions.csv, row 4, column 'bloc': 'neutral zone' is not a valid id",
)


def _case_clash(t: Tables) -> None:
    _add_row(t, "regions", region="usa", name="Also USA", bloc="US")


csv_case(
    "id_case_clash",
    _case_clash,
    "regions.csv, row 5, column 'region': region 'usa' differs from 'USA' (row 2) only by case",
)
csv_case(
    "id_cyrillic_lookalike",
    lambda t: setcell(t, "regions", 2, "region", "US\u0410"),
    "regions.csv, row 2, column 'region': 'US\u0410' is not a valid id",
    "non-ASCII character '\u0410' (U+0410 CYRILLIC CAPITAL LETTER A)",
)

# -- workbooks --------------------------------------------------------------------------


def _formula(wb: object) -> None:
    wb["capacity"]["C2"] = "=50*2"  # type: ignore[index]


def _merged(wb: object) -> None:
    wb["regions"].merge_cells("C3:C4")  # type: ignore[index]


def _hidden(wb: object) -> None:
    wb["capacity"].sheet_state = "hidden"  # type: ignore[index]


def _date_year(wb: object) -> None:
    wb["demand"]["C3"] = dt.datetime(2030, 1, 1)  # type: ignore[index]


def _bad_cell(wb: object) -> None:
    wb["capacity"]["C3"] = -5  # type: ignore[index]


xlsx_case(
    "xlsx_formula",
    _formula,
    "dataset.xlsx, sheet 'capacity', row 2, column 'existing': cell C2 holds a formula (=50*2):"
    " autarky reads values, not formulas -- replace it by its value",
)
xlsx_case(
    "xlsx_merged_cells",
    _merged,
    "dataset.xlsx, sheet 'regions', row 3: cells C3:C4 are merged: only the first holds a value",
)
xlsx_case(
    "xlsx_hidden_sheet",
    _hidden,
    "dataset.xlsx, sheet 'capacity': the sheet is hidden: autarky would read data nobody sees",
)
xlsx_case(
    "xlsx_date_as_year",
    _date_year,
    "dataset.xlsx, sheet 'demand', row 3, column 'year': '2030-01-01 00:00:00' is a date or time,"
    " not a whole number",
)
xlsx_case(
    "xlsx_cell_problem",
    _bad_cell,
    "dataset.xlsx, sheet 'capacity', row 3, column 'existing': -5 is below the minimum 0",
)


@case("xlsx_not_a_zip", "dataset.xlsx: is not an .xlsx workbook (not a zip archive)")
def _not_zip(folder: Path) -> None:
    (folder / "dataset.xlsx").write_text(csv_text(tiny()["regions"]))


@case("xlsx_empty_file", "dataset.xlsx: is empty")
def _empty_xlsx(folder: Path) -> None:
    (folder / "dataset.xlsx").write_bytes(b"")


@case("xlsm_refused", "dataset.xlsm: macro-enabled workbooks (.xlsm) are refused")
def _xlsm(folder: Path) -> None:
    (folder / "dataset.xlsm").write_bytes(xlsx_bytes(tiny()))


@case("xlsx_with_macros", "dataset.xlsx: contains macros (xl/vbaProject.bin)")
def _macros(folder: Path) -> None:
    data = with_parts(xlsx_bytes(tiny()), {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"})
    (folder / "dataset.xlsx").write_bytes(data)


@case("xlsx_external_links", "dataset.xlsx: links to other workbooks (1 external link)")
def _links(folder: Path) -> None:
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    data = with_parts(xlsx_bytes(tiny()), {"xl/externalLinks/externalLink1.xml": link})
    (folder / "dataset.xlsx").write_bytes(data)


@case("xlsx_zip_bomb", "dataset.xlsx: part 'xl/worksheets/sheet1.xml' is compressed")
def _zip_bomb(folder: Path) -> None:
    padding = b"<sheetData>" + b" " * (8 * 1024 * 1024) + b"</sheetData>"
    data = with_parts(xlsx_bytes(tiny()), {"xl/worksheets/sheet1.xml": padding})
    (folder / "dataset.xlsx").write_bytes(data)


@case(
    "xlsx_xml_entity_bomb",
    "dataset.xlsx, sheet 'capacity': its XML declares a DTD or entities: refused as a possible "
    "XML bomb",
)
def _xml_bomb(folder: Path) -> None:
    lol = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    data = with_parts(xlsx_bytes(tiny()), {"xl/worksheets/sheet1.xml": lol})
    (folder / "dataset.xlsx").write_bytes(data)


# -- scenarios --------------------------------------------------------------------------

scenario_case(
    "scenario_unknown_key",
    scenario("budgett: {per_year_usd_bn: 1}\n"),
    "scenario.yaml: unknown key 'budgett' -- did you mean 'budget'?",
)
scenario_case(
    "scenario_unknown_nested_key",
    scenario("budget: {per_yaer_usd_bn: 1}\n"),
    "scenario.yaml: unknown key 'budget.per_yaer_usd_bn' -- did you mean 'per_year_usd_bn'?",
)
scenario_case(
    "scenario_wrong_type",
    scenario("discount_rate: lots\n"),
    "scenario.yaml: key 'discount_rate' = 'lots': Input should be a valid number",
)
scenario_case(
    "scenario_target_above_100",
    scenario().replace("share: 0.9", "share: 1.2"),
    "scenario.yaml: key 'targets.0.share' = 1.2: Input should be less than or equal to 1",
)
scenario_case(
    "scenario_missing_key",
    scenario().replace("planner: US\n", ""),
    "scenario.yaml: key 'planner' is missing",
)
scenario_case(
    "scenario_same_sides",
    scenario().replace("rival: CN", "rival: US"),
    "planner and rival are both 'US'",
)
scenario_case(
    "scenario_horizon_reversed",
    scenario().replace("{first: 2025, last: 2032}", "{first: 2032, last: 2025}"),
    "last (2025) is before first (2032)",
)
scenario_case(
    "scenario_zero_time_limit",
    scenario("solver: {time_limit_s: 0}\n"),
    "scenario.yaml: key 'solver.time_limit_s' = 0: Input should be greater than 0",
)
scenario_case(
    "scenario_unknown_bloc",
    scenario().replace("planner: US", "planner: EU"),
    "scenario 'bad': planner 'EU' is not a bloc of the dataset -- use one of CN, US",
)
scenario_case(
    "scenario_unknown_commodity",
    scenario("restrictions:\n  - {commodities: [magnets], from_year: 2027}\n"),
    "scenario 'bad': restrictions.0.commodities: unknown commodity 'magnets' -- did you mean "
    "'magnet'?",
)
scenario_case(
    "scenario_target_outside_horizon",
    scenario().replace("from_year: 2030", "from_year: 2050"),
    "targets.0.from_year 2050 is outside the horizon 2025-2032",
)
scenario_case(
    "scenario_dataset_missing",
    scenario(dataset="nowhere"),
    "scenario.yaml: dataset 'nowhere' not found",
)
scenario_case(
    "scenario_empty",
    "",
    "scenario.yaml: the file is empty",
)
scenario_case(
    "scenario_not_a_mapping",
    "- name\n- dataset\n",
    "scenario.yaml: the file is not a mapping of keys",
)
scenario_case(
    "scenario_bad_syntax",
    "name: [unclosed\nplanner: US\n",
    "scenario.yaml, row 2: not valid YAML",
)
scenario_case(
    "scenario_duplicate_key",
    scenario("planner: CN\n"),
    "scenario.yaml, row 9: not valid YAML (key 'planner' appears twice in one mapping)",
)
scenario_case(
    "scenario_python_tag",
    scenario().replace("name: bad", 'name: !!python/object/apply:os.system ["echo owned"]'),
    "scenario.yaml, row 1: not valid YAML (could not determine a constructor for the tag "
    "'tag:yaml.org,2002:python/object/apply:os.system')",
)
scenario_case(
    "scenario_alias_bomb",
    scenario(
        "game:\n"
        '  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        + "".join(
            f"  {n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
    ),
    "not valid YAML (aliases expand to",
    "refused as an alias bomb)",
)
scenario_case(
    "scenario_too_deep",
    scenario("game: {x: " + "[" * 200 + "]" * 200 + "}\n"),
    "scenario.yaml, row 9: not valid YAML (nested more than 30 levels deep)",
)


# -- round two: tests/bad_inputs/more_cases.py ------------------------------------------

sys.path.insert(0, str(HERE))
import more_cases  # noqa: E402

more_cases.register(globals())


# ---------------------------------------------------------------------------------------


def write_case(root: Path, name: str) -> None:
    writer, expected = CASES[name]
    folder = root / name
    folder.mkdir(parents=True)
    writer(folder)
    datasets = [p.name for p in folder.iterdir() if p.name.startswith("dataset")]
    if datasets and not (folder / "scenario.yaml").exists():
        (folder / "scenario.yaml").write_text(scenario(dataset=datasets[0]), encoding="utf-8")
    (folder / "expected.txt").write_text("\n".join(expected) + "\n", encoding="utf-8")


def write_corpus(root: Path = HERE) -> list[str]:
    """(Re)write every case folder under ``root``; return the case names."""
    for old in root.iterdir():
        if old.is_dir() and (old / "expected.txt").exists():
            shutil.rmtree(old)
    for name in CASES:
        write_case(root, name)
    return list(CASES)


if __name__ == "__main__":
    names = write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    sys.stdout.write(f"{len(names)} cases\n")
