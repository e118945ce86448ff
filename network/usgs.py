"""Refresh a dataset's existing capacity from a USGS Mineral Commodity Summaries data release.

Two formats (data brief, section 6):

* ``MCS2025_World_Data.csv`` (wide): ``COMMODITY, COUNTRY, TYPE, UNIT_MEAS, PROD_2023,
  PROD_EST_ 2024, CAP_2023, CAP_EST_ 2024, RESERVES_2024`` (a stray space in a column name);
* ``MCS2026_Commodities_Data.csv`` (long): ``MCS chapter, Section, Commodity, Country,
  Statistics, Statistics_detail, Unit, Year, Value, Notes, ...``.

Values may carry thousands separators and symbols: ``>85,000,000`` is read as 85,000,000 (a
bound), ``NA``, ``-``, ``W`` (withheld) and empty cells as missing. For every commodity of
:data:`COMMODITIES` the file covers, the latest year's production becomes ``existing`` capacity
(the dataset's convention: output taken as capacity) of the mapped process, one row per region:
single countries tagged P, sums of several countries (the EU, ROW) tagged D; regions the file
does not list get 0 (the file lists every producer, small ones inside "Other countries").
Build parameters and their text stay as they were.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from network.errors import InputError, Problem


@dataclass(frozen=True)
class Mapping:
    process: str
    statistic: str  # text a production statistic's name contains (casefolded)
    to_unit: dict[str, float]  # USGS unit (casefolded, prefix) -> factor to the dataset's unit


COMMODITIES: dict[str, Mapping] = {
    "rare earths": Mapping("re_mining", "production", {"metric tons": 1.0, "t": 1.0}),
    "gallium": Mapping("gallium_recovery", "production", {"kilograms": 1e-3, "kg": 1e-3}),
    "germanium": Mapping("germanium_refining", "production", {"kilograms": 1e-3, "metric": 1.0}),
    "antimony": Mapping("antimony_production", "production", {"metric tons": 1.0, "t": 1.0}),
    "graphite": Mapping("graphite_mining", "production", {"metric tons": 1.0, "t": 1.0}),
}
"""USGS commodity name (casefolded; 'Graphite (natural)' matches 'graphite') -> process."""

SHARED_WITH = {"re_mining": "ionic_clay_mining"}
"""A USGS country figure that also covers another process's row: the refreshed row gets the
figure less that row's existing capacity (whose split is the dataset's own)."""

REGION_OF = {
    "china": "CHN",
    "united states": "USA",
    "burma": "MMR",
    "australia": "AUS",
    "malaysia": "MYS",
    "japan": "JPN",
    "korea, republic of": "KOR",
    "south korea": "KOR",
    "taiwan": "TWN",
}
EU = {
    "austria", "belgium", "bulgaria", "croatia", "cyprus", "czechia", "denmark", "estonia",
    "finland", "france", "germany", "greece", "hungary", "ireland", "italy", "latvia",
    "lithuania", "luxembourg", "malta", "netherlands", "poland", "portugal", "romania",
    "slovakia", "slovenia", "spain", "sweden",
}  # fmt: skip
TOTALS = ("world", "total")  # country names holding totals: not a producer
MISSING = {"", "na", "-", "--", "w", "xx", "nan"}

WIDE_KEY = ("COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS")
LONG_KEY = ("Commodity", "Country", "Statistics", "Unit", "Year", "Value")


@dataclass(frozen=True)
class Figure:
    """One production figure of the release, in the dataset's unit."""

    process: str
    country: str
    region: str
    year: int
    value: float
    commodity: str
    row: int  # spreadsheet row in the file (header = 1)


def parse_value(text: object) -> float | None:
    """A USGS cell as a number: thousands separators and bound symbols dropped; missing
    markers None. Raises ValueError for anything else.

    >>> parse_value(">85,000,000"), parse_value("1,270,000"), parse_value("NA"), parse_value("-")
    (85000000.0, 1270000.0, None, None)
    """
    s = str(text).strip()
    if s.casefold() in MISSING:
        return None
    s = re.sub(r"^[<>~≈]=?\s*", "", s).replace(",", "").rstrip("e").strip()
    return float(s)


def _region(country: str) -> str:
    c = re.sub(r"\s*\(.*\)$", "", country.strip()).rstrip("0123456789").strip().casefold()
    if c in EU:
        return "EU"
    return REGION_OF.get(c, "ROW")


def _mapping(commodity: str) -> tuple[str, Mapping] | None:
    c = commodity.strip().casefold()
    for name, m in COMMODITIES.items():
        if c.startswith(name) or c.startswith(name.rstrip("s")):
            return name, m
    return None


def _factor(m: Mapping, unit: str) -> float | None:
    u = unit.strip().casefold()
    for prefix, f in m.to_unit.items():
        if u.startswith(prefix):
            return f
    return None


def read_release(path: Path) -> tuple[str, list[Figure]]:
    """The release's format name ('MCS 2025 wide' or 'MCS 2026 long') and its production
    figures for the mapped commodities. Raises InputError naming file, row and column."""
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError(Problem(path.name, "the file is empty", "give a USGS MCS data release"))
    header = [re.sub(r"\s+", "", h) for h in rows[0]]  # 'PROD_EST_ 2024' -> 'PROD_EST_2024'
    if all(k in header for k in WIDE_KEY):
        return "MCS 2025 wide", _wide(path.name, header, rows[1:], rows[0])
    long_header = [h.strip() for h in rows[0]]
    if all(k in long_header for k in LONG_KEY):
        return "MCS 2026 long", _long(path.name, long_header, rows[1:])
    raise InputError(
        Problem(
            path.name,
            "neither USGS MCS format: the header lacks "
            + ", ".join(k for k in WIDE_KEY if k not in header),
            "give MCS2025_World_Data.csv (columns " + ", ".join(WIDE_KEY) + ", PROD_...) or "
            "MCS2026_Commodities_Data.csv (columns " + ", ".join(LONG_KEY) + ")",
            row=1,
        )
    )


def _cell(where: str, row: int, column: str, text: str, problems: list[Problem]) -> float | None:
    try:
        return parse_value(text)
    except ValueError:
        problems.append(
            Problem(
                where,
                f"'{text}' is not a number",
                "a number, with thousands separators or a bound sign (>85,000,000), or NA, -, W",
                row,
                column,
            )
        )
        return None


def _wide(where: str, header: list[str], rows: list[list[str]], named: list[str]) -> list[Figure]:
    """``header``: column names without spaces; ``named``: as the file spells them."""
    years = sorted(
        (int(m.group(1)), h) for h in header if (m := re.fullmatch(r"PROD(?:_EST)?_(\d{4})", h))
    )
    if not years:
        raise InputError(
            Problem(where, "no PROD_<year> column", "keep the release's PROD columns", row=1)
        )
    col = {h: i for i, h in enumerate(header)}
    problems: list[Problem] = []
    out = []
    for n, rec in enumerate(rows, start=2):
        if len(rec) != len(header):
            if any(x.strip() for x in rec):
                problems.append(
                    Problem(
                        where,
                        f"{len(rec)} cells but the header has {len(header)}",
                        "quote cells that contain ','",
                        n,
                    )
                )
            continue
        found = _mapping(rec[col["COMMODITY"]])
        if found is None:
            continue
        name, m = found
        country = rec[col["COUNTRY"]].strip()
        factor = _factor(m, rec[col["UNIT_MEAS"]])
        if factor is None:
            problems.append(
                Problem(
                    where,
                    f"unit '{rec[col['UNIT_MEAS']]}' of {name} is not one of "
                    + ", ".join(m.to_unit),
                    "keep the release's units",
                    n,
                    "UNIT_MEAS",
                )
            )
            continue
        for year, h in reversed(years):  # the latest year with a figure
            v = _cell(where, n, named[col[h]], rec[col[h]], problems)
            if v is not None:
                if not country.casefold().startswith(TOTALS):
                    out.append(
                        Figure(m.process, country, _region(country), year, v * factor, name, n)
                    )
                break
    if problems:
        raise InputError(problems)
    return out


def _long(where: str, header: list[str], rows: list[list[str]]) -> list[Figure]:
    col = {h: i for i, h in enumerate(header)}
    problems: list[Problem] = []
    best: dict[tuple[str, str], Figure] = {}
    for n, rec in enumerate(rows, start=2):
        if len(rec) < len(header):
            if any(x.strip() for x in rec):
                problems.append(
                    Problem(
                        where,
                        f"{len(rec)} cells but the header has {len(header)}",
                        "quote cells that contain ','",
                        n,
                    )
                )
            continue
        found = _mapping(rec[col["Commodity"]])
        if found is None:
            continue
        name, m = found
        stat = rec[col["Statistics"]].casefold()
        if m.statistic not in stat or "reserve" in stat or "capacity" in stat:
            continue
        country = rec[col["Country"]].strip()
        if country.casefold().startswith(TOTALS):
            continue
        try:
            year = int(parse_value(rec[col["Year"]]) or 0)
        except ValueError:
            problems.append(
                Problem(
                    where,
                    f"year '{rec[col['Year']]}' is not a year",
                    "a year such as 2025",
                    n,
                    "Year",
                )
            )
            continue
        v = _cell(where, n, "Value", rec[col["Value"]], problems)
        factor = _factor(m, rec[col["Unit"]])
        if factor is None:
            problems.append(
                Problem(
                    where,
                    f"unit '{rec[col['Unit']]}' of {name} is not one of " + ", ".join(m.to_unit),
                    "keep the release's units",
                    n,
                    "Unit",
                )
            )
            continue
        if v is None:
            continue
        fig = Figure(m.process, country, _region(country), year, v * factor, name, n)
        prev = best.get((m.process, country))
        if prev is None or year > prev.year:
            best[(m.process, country)] = fig
    if problems:
        raise InputError(problems)
    return list(best.values())


def refreshed_capacity(
    capacity: pd.DataFrame, figures: list[Figure], release: str, cite: str
) -> tuple[pd.DataFrame, list[tuple[str, str, float, float]]]:
    """``capacity`` (the CSV's rows, as text) with ``existing``, ``source`` and ``trust`` of
    every row the figures cover; also the changes as (region, process, old, new)."""
    cap = capacity.copy()
    changes = []
    for process in sorted({f.process for f in figures}):
        figs = [f for f in figures if f.process == process]
        year = max(f.year for f in figs)
        by_region: dict[str, list[Figure]] = {}
        for f in figs:
            by_region.setdefault(f.region, []).append(f)
        rows = cap.index[cap["process"] == process]
        for i in rows:
            region = cap.at[i, "region"]
            got = by_region.get(region, [])
            value = sum(f.value for f in got)
            listed = " + ".join(f"{f.country} {f.value:,.6g}" for f in got) or "none listed"
            old = float(cap.at[i, "existing"])
            build = str(cap.at[i, "source"]).split("; build parameters", 1)
            tail = "; build parameters" + build[1] if len(build) == 2 else ""
            text = (
                f"existing: {year} output taken as capacity ({cite}, {release}, "
                f"{figs[0].commodity} production: {listed})"
            )
            tag = "P" if len(got) <= 1 else "D"
            part = SHARED_WITH.get(process)
            split = cap[(cap["region"] == region) & (cap["process"] == part)] if part else []
            if len(split) and value > 0:  # the country figure also covers the partner row
                other = float(split["existing"].iloc[0])
                value = max(0.0, value - other)
                text = (
                    f"assumption: the {part} row's {other:,.6g} t taken out (its split is "
                    f"assumed there); {text}"
                )
                tag = "U"
            cap.at[i, "existing"] = f"{value:.6g}"
            cap.at[i, "source"] = text + tail
            cap.at[i, "trust"] = tag
            if abs(old - value) > 1e-9:
                changes.append((region, process, old, value))
    return cap, changes


def refresh_dataset(
    release_file: Path, dataset: Path, out: Path | None = None
) -> dict[str, object]:
    """Rewrite ``capacity.csv`` of the dataset folder (or write the refreshed folder to
    ``out``) from a USGS release; the result is validated before anything is written."""
    import shutil
    import tempfile

    from network.validate import load_dataset

    fmt, figures = read_release(release_file)
    if not figures:
        raise InputError(
            Problem(
                release_file.name,
                "no production figure of " + ", ".join(COMMODITIES) + " in the file",
                "give the release that holds these chapters",
            )
        )
    src = dataset / "capacity.csv"
    cap = pd.read_csv(src, dtype=str, keep_default_na=False)
    cite = "USGS MCS 2025" if "2025" in fmt else "USGS MCS 2026"
    new, changes = refreshed_capacity(cap, figures, f"data release {release_file.name}", cite)
    target = out or dataset
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "dataset"
        shutil.copytree(dataset, stage)
        new.to_csv(stage / "capacity.csv", index=False, lineterminator="\n")
        load_dataset(stage)  # refuse to write a dataset that does not validate
        if out is not None and out != dataset:
            shutil.copytree(stage, out, dirs_exist_ok=True)
        else:  # atomically: a temporary file beside the target, then a rename
            tmp_file = target / ".capacity.csv.refresh"
            shutil.copyfile(stage / "capacity.csv", tmp_file)
            os.replace(tmp_file, target / "capacity.csv")
    return {"format": fmt, "figures": len(figures), "changes": changes, "written": target}
