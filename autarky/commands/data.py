"""Commands on datasets: validate, network (dependence and choke points), template, data refresh."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from autarky.app import app, check, err, out, pct, user_errors
from network.errors import InputError


@app.command()
@user_errors
def validate(
    path: Annotated[
        Path,
        typer.Argument(
            help="Dataset (folder of CSV files or .xlsx), input workbook, scenario or race YAML "
            "(its dataset is checked)."
        ),
    ],
) -> None:
    """Check a dataset and report every problem at once (exit 2), or summarise it (exit 0)."""
    from autarky.sources import DATASET, RACE, SCENARIO, WORKBOOK, load

    data = load(path, (DATASET, WORKBOOK, SCENARIO, RACE), "validate").data
    table = Table(title=f"{path}: valid", show_header=False)
    for k, v in data.summary().items():
        table.add_row(k, str(v))
    for bloc in data.blocs:
        table.add_row(f"regions in {bloc}", ", ".join(data.regions_of(bloc)))
    out.print(table)


@app.command()
@user_errors
def network(
    path: Annotated[
        Path,
        typer.Argument(
            help="Dataset (folder or .xlsx), input workbook, scenario or race YAML (its "
            "dataset, planner and rival)."
        ),
    ],
    bloc: Annotated[
        str | None,
        typer.Option(help="The bloc whose dependence is measured [default: planner, or US]."),
    ] = None,
    rival: Annotated[
        str | None, typer.Option(help="The bloc whose supply is cut off [default: rival, or CN].")
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(help="Year of the capacity snapshot [default: first year of demand]."),
    ] = None,
    neutral_share: Annotated[
        float | None,
        typer.Option(
            help="Share in [0, 1] of neutral regions' capacity the bloc can count on "
            "[default: the scenario's, or 1]."
        ),
    ] = None,
    top: Annotated[int, typer.Option(help="How many choke points to list (at least 1).")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Dependence of BLOC on RIVAL per critical commodity in YEAR, and the top choke points."""
    from autarky.sources import DATASET, RACE, SCENARIO, WORKBOOK, load
    from network.cutoff import choke_points, cutoff_share
    from network.errors import Problem

    check(top >= 1, "--top", f"{top} choke points", "give a whole number of at least 1")
    if neutral_share is not None:
        check(
            0 <= neutral_share <= 1,
            "--neutral-share",
            f"{neutral_share:g} is not a share",
            "give a number in [0, 1]",
        )
    loaded = load(path, (DATASET, WORKBOOK, SCENARIO, RACE), "network")
    data, sc = loaded.data, loaded.scenario
    bloc = bloc or (sc.planner if sc else "US")
    rival = rival or (sc.rival if sc else "CN")
    if neutral_share is None:
        neutral_share = sc.neutral_share if sc else 1.0
    listed = sorted({int(y) for y in data.demand.index.get_level_values("year")})
    if year is None:
        year = listed[0] if listed else 2025
    if listed:
        check(
            listed[0] <= year <= listed[-1],
            "--year",
            f"{year} is outside the years the dataset lists demand for ({listed[0]}-{listed[-1]})",
            f"give a year from {listed[0]} to {listed[-1]}",
        )
    for name, value in (("--bloc", bloc), ("--rival", rival)):
        if value not in data.blocs:
            raise InputError(
                Problem(name, f"unknown bloc '{value}'", f"use one of {', '.join(data.blocs)}")
            )
    from autarky.progress import progress_reporter

    with progress_reporter(enabled=not as_json, console=err) as progress:
        progress(f"dependence of {bloc} on {rival} in {year}")
        shares = cutoff_share(data, bloc, rival, year, neutral_share=neutral_share)
        progress("choke points: each region's process taken away in turn")
        chokes = choke_points(data, bloc, year, top=top)
    if as_json:
        payload = {
            "bloc": bloc,
            "rival": rival,
            "year": year,
            "neutral_share": neutral_share,
            "dependence": [
                {
                    "commodity": c,
                    "demand": _num(r.demand),
                    "cutoff_share": r.cutoff_share,
                    "dependence": r.dependence,
                }
                for c, r in shares.iterrows()
            ],
            "choke_points": [
                {
                    "region": k[0],
                    "process": k[1],
                    "worst_commodity": r.worst_commodity,
                    "share_lost": r.share_lost,
                    "chain_share_lost": r.chain_share_lost,
                }
                for k, r in chokes.iterrows()
            ],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    units = data.commodities["unit"]
    t = Table(title=f"{bloc} dependence on {rival}, {year} (neutral share {neutral_share:g})")
    for col in ("commodity", "demand", "servable without rival", "dependence"):
        t.add_column(col, justify="left" if col == "commodity" else "right")
    for c, r in shares.iterrows():
        dem = "" if r.demand != r.demand else f"{r.demand:,.0f} {units.get(c, '')}"
        t.add_row(str(c), dem, pct(r.cutoff_share), pct(r.dependence))
    out.print(t)
    t2 = Table(title=f"Top choke points for {bloc}, {year} (loss if it alone disappeared)")
    for col in ("region", "process", "worst hit", "share lost", "chain share lost"):
        t2.add_column(col)
    for (reg, proc), r in chokes.iterrows():
        t2.add_row(reg, proc, r.worst_commodity, pct(r.share_lost), pct(r.chain_share_lost))
    out.print(t2)


def _num(x: float) -> float | None:
    return None if x != x else x


@app.command()
@user_errors
def template(
    path: Annotated[Path, typer.Argument(help="Workbook to write (.xlsx).")],
    dataset: Annotated[
        Path,
        typer.Option(help="Dataset to fill it with (folder, .xlsx, or a scenario: its dataset)."),
    ] = Path("data/default"),
    scenario: Annotated[
        Path | None,
        typer.Option(
            help="Scenario for the Scenario sheet: YAML, input workbook or race (its US plan)."
        ),
    ] = Path("data/scenarios/baseline.yaml"),
) -> None:
    """Write an input workbook for analysts: one sheet per dataset table (filled with the data,
    with column comments and drop-downs) and a Scenario sheet. Run it with 'autarky run'."""
    from autarky.excel.template import write_template
    from autarky.sources import DATASET, RACE, SCENARIO, WORKBOOK, load
    from network.errors import Problem

    if path.suffix.lower() != ".xlsx":
        raise InputError(Problem(str(path), "not an .xlsx name", "end the file name in .xlsx"))
    folder = path.parent if str(path.parent) else Path(".")
    check(
        folder.is_dir(),
        str(path),
        f"folder '{folder}' does not exist",
        "create it first, or write the workbook into an existing folder",
    )
    data = load(dataset, (DATASET, WORKBOOK, SCENARIO, RACE), "template --dataset").data
    sc = None
    if scenario is not None:
        sc = load(scenario, (SCENARIO, WORKBOOK, RACE), "template --scenario").scenario
    if sc is not None:  # jobs run from the workbook are listed under the workbook's name
        sc = sc.model_copy(update={"name": path.stem})
    from autarky.progress import progress_reporter

    try:
        with progress_reporter(enabled=True, console=err) as progress:
            progress(f"writing {path.name}: one sheet per table, comments and drop-downs")
            write_template(path, data, sc)
    except OSError as exc:
        raise InputError(
            Problem(str(path), f"cannot write here ({exc.strerror or exc})", "give a writable path")
        ) from None
    out.print(f"wrote {path}: edit the sheets, then run 'autarky run {path}'")


data_app = typer.Typer(help="Maintain a dataset folder: refresh it from USGS data releases.")
app.add_typer(data_app, name="data")


@data_app.command()
@user_errors
def refresh(
    release: Annotated[
        Path,
        typer.Argument(
            help="USGS MCS data release: MCS2025_World_Data.csv (wide) or "
            "MCS2026_Commodities_Data.csv (long)."
        ),
    ],
    dataset: Annotated[
        Path, typer.Option(help="Dataset folder whose capacity.csv is refreshed.")
    ] = Path("data/default"),
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write the refreshed dataset here instead of in place."),
    ] = None,
) -> None:
    """Rewrite the existing capacity of the processes the release covers (rare earths, gallium,
    germanium, antimony, natural graphite) from its latest production figures, with the
    release cited and tag P (D for regions summing several countries); build parameters stay.
    The result is validated before anything is written."""
    from network.errors import Problem
    from network.usgs import refresh_dataset

    check(release.is_file(), str(release), "no such file", "give the USGS data release CSV")
    check(
        (dataset / "capacity.csv").is_file(),
        str(dataset),
        "not a dataset folder with capacity.csv",
        "give --dataset a folder of CSV files",
    )
    if out_dir is not None and out_dir.exists() and any(out_dir.iterdir()):
        raise InputError(
            Problem(str(out_dir), "the folder exists and is not empty", "give a new folder")
        )
    res = refresh_dataset(release, dataset, out_dir)
    changes = res["changes"]
    assert isinstance(changes, list)
    table = Table(title=f"{release.name} ({res['format']}): {len(changes)} rows changed")
    for col in ("region", "process", "existing before", "now"):
        table.add_column(col, justify="right" if col in ("existing before", "now") else "left")
    for region, process, old, new in changes:
        table.add_row(region, process, f"{old:,.6g}", f"{new:,.6g}")
    out.print(table)
    out.print(f"wrote {Path(str(res['written'])) / 'capacity.csv'}")
