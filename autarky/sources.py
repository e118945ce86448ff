"""What a command reads: the input forms a user has, recognised once for every command.

Forms: a *scenario* YAML (dataset beside it), an *input workbook* written by ``autarky
template`` (dataset sheets + a Scenario sheet), a *race* file (a scenario YAML with a ``game:``
section), and a *dataset* (folder of CSVs or a workbook without a Scenario sheet). A command
that cannot use the form it was given says, in one sentence, which form it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from network.dataset import Dataset
from network.errors import InputError, Problem
from optimize.scenario import Scenario

SCENARIO, WORKBOOK, RACE, DATASET = "scenario", "workbook", "race", "dataset"
UNKNOWN = "unknown"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
YAML_SUFFIXES = (".yaml", ".yml")
DESCRIBE = {
    SCENARIO: "a scenario YAML (e.g. data/scenarios/baseline.yaml)",
    WORKBOOK: "an input workbook from 'autarky template'",
    RACE: "a race scenario with a 'game:' section (e.g. data/scenarios/race.yaml)",
    DATASET: "a dataset (folder of CSV files, or .xlsx workbook)",
}


@dataclass(frozen=True)
class Loaded:
    """One input as read: its form, the (first) plan's scenario and dataset, the race if any."""

    form: str
    scenario: Scenario | None
    data: Dataset
    race: Any = None  # optimize.game_scenario.Race for a race file


def form_of(path: Path) -> str:
    """The form of ``path`` without reading more than needed; UNKNOWN for a file of another
    type (InputError for a path that does not exist)."""
    if not path.exists():
        raise InputError(Problem(str(path), "no such file or folder", "check the path"))
    if path.is_dir():
        return DATASET
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        from openpyxl import load_workbook

        from autarky.excel.template import SCENARIO_SHEET

        try:
            wb = load_workbook(path, read_only=True)
        except Exception:  # noqa: BLE001 - any unreadable workbook: the loaders say why
            return WORKBOOK
        try:
            return WORKBOOK if SCENARIO_SHEET in wb.sheetnames else DATASET
        finally:
            wb.close()
    if suffix in YAML_SUFFIXES:
        from optimize.scenario import load_scenario

        return RACE if load_scenario(path).game is not None else SCENARIO
    return UNKNOWN


def _unknown(path: Path) -> InputError:
    return InputError(
        Problem(
            str(path),
            f"'{path.suffix or path.name}' is not an input this command reads",
            "give a scenario .yaml, an input workbook .xlsx, a race .yaml or a dataset folder",
        )
    )


def load(path: Path, accepts: tuple[str, ...], command: str) -> Loaded:
    """Read ``path`` if its form is one of ``accepts``; otherwise one sentence naming the
    forms ``command`` needs (InputError, exit 2)."""
    path = Path(path)
    form = form_of(path)
    if form == UNKNOWN:
        if DATASET in accepts:  # the dataset loader names what it reads
            from network.validate import load_dataset

            load_dataset(path)
        raise _unknown(path)
    if form not in accepts:
        needs = " or ".join(DESCRIBE[f] for f in accepts)
        raise InputError(
            Problem(str(path), f"this is {DESCRIBE[form]}", f"'autarky {command}' needs {needs}"),
            title="wrong kind of input",
        )
    if form == DATASET:
        from network.validate import load_dataset

        return Loaded(form, None, load_dataset(path))
    if form == WORKBOOK:
        from autarky.excel.template import read_input_workbook

        data, sc = read_input_workbook(path)
        return Loaded(form, sc, data)
    if form == RACE:
        from optimize.game.scenario import load_race

        race = load_race(path)
        return Loaded(form, race.plans["US"], race.data["US"], race=race)
    from network.validate import load_dataset
    from optimize.scenario import load_scenario

    sc = load_scenario(path)
    if not sc.dataset_path.exists():
        raise InputError(
            Problem(
                path.name,
                f"dataset '{sc.dataset}' not found (looked at {sc.dataset_path})",
                "set 'dataset:' to a folder of CSVs or an .xlsx, relative to the scenario",
            )
        )
    return Loaded(form, sc, load_dataset(sc.dataset_path))


def plans_of(loaded: Loaded) -> list[tuple[Scenario, Dataset]]:
    """Every plan in the input: one, or both sides' plans of a race."""
    if loaded.race is not None:
        return [(loaded.race.plans[s], loaded.race.data[s]) for s in loaded.race.plans]
    assert loaded.scenario is not None
    return [(loaded.scenario, loaded.data)]
