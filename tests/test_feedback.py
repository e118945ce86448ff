"""The race's fixed-point loop on networks small enough to follow by hand, and on the defaults.

Tiny network (horizon 2025-2030, discount rate 0): USA (bloc US) demands 10 t/yr of 'magnet',
made by 'sinter' with no inputs; CHN (bloc CN) sinters 100 t/yr at 1 USD/t and ships at 1 USD/t.
USA may build sinter capacity at 100 USD per t/yr with no lead time; unserved magnet costs
1,000 USD/t. CHN demands 10 t/yr of 'chip', made by 'fab' only in USA (CHN cannot build one),
so China's dependence is 1 in every year.

Game (binary strategies): the US never controls (trade gain 10, no rent); China restricts iff
its rent beats its trade gain, 0.5 * 10 * d_US > 1.5, i.e. iff the US dependence d_US > 0.3.
China's restriction is a ban (or cap at 1 - intensity) on magnet exports to the US.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import write_csv_dataset
from typer.testing import CliRunner

from autarky.cli import app
from network.errors import InputError
from network.validate import dataset_from_frames
from optimize.game.loop import (
    RaceResult,
    blend,
    dependence_of,
    restrictions_from,
    run_race,
    same_pattern,
)
from optimize.game.payoffs import CN, US, GameParams
from optimize.game.regimes import Regime
from optimize.game.scenario import GameSpec, Measure, MinOf, Race, load_race
from optimize.scenario import scenario_from_dict
from optimize.solve import Status

YEARS = list(range(2025, 2031))
ROOT = Path(__file__).resolve().parents[1]

PARAMS = GameParams(
    us_trade_gain=10.0,
    cn_trade_gain=1.5,
    cn_damage_scale=10.0,
    rent_share=0.5,
)
GAME = {
    "us_plan": "us.yaml",
    "cn_plan": "cn.yaml",
    "payoffs": "payoffs.csv",
    "measures": {
        "CN": [{"name": "magnet ban", "commodities": ["magnet"]}],
        "US": [{"name": "chip controls", "commodities": ["chip"]}],
    },
    "max_iterations": 6,
}


def capacity_row(region: str, process: str, existing: float, max_build: float,
                 lifetime: int) -> dict:
    return dict(region=region, process=process, existing=existing, capex=100, fixed_om=0,
                variable_cost=1 if existing else 0, lead_time=0, max_build=max_build,
                ramp_years=0, lifetime=lifetime, source="test")


def frames(max_build: float = 1000.0, lifetime: int = 30) -> dict[str, pd.DataFrame]:
    commodity = dict(unit="t", critical=True, value_unserved=1000, source="test")
    return {
        "regions": pd.DataFrame([
            dict(region="USA", name="US", bloc="US", source="test"),
            dict(region="CHN", name="CN", bloc="CN", source="test"),
        ]),
        "commodities": pd.DataFrame([
            dict(commodity="magnet", name="m", chain="magnet", **commodity),
            dict(commodity="chip", name="c", chain="semiconductor", **commodity),
        ]),
        "processes": pd.DataFrame([
            dict(process="sinter", output="magnet", source="test"),
            dict(process="fab", output="chip", source="test"),
        ]),
        "capacity": pd.DataFrame([
            capacity_row("USA", "sinter", 0, max_build, lifetime),
            capacity_row("CHN", "sinter", 100, 0, 30),
            capacity_row("USA", "fab", 100, 0, 30),
            capacity_row("CHN", "fab", 0, 0, 30),
        ]),
        "demand": pd.DataFrame([
            dict(region="USA", commodity="magnet", year=2025, quantity=10, source="test"),
            dict(region="CHN", commodity="chip", year=2025, quantity=10, source="test"),
        ]),
        "routes": pd.DataFrame([
            dict(exporter="*", importer="*", commodity="*", cost=1, source="test"),
        ]),
    }


def plan_dict(planner: str, rival: str, **kw: object) -> dict:
    return dict(name=f"{planner.lower()}_plan", dataset="dataset",
                horizon=dict(first=2025, last=2030), planner=planner, rival=rival,
                discount_rate=0.0, **kw)


def race(max_build: float = 1000.0, lifetime: int = 30, **game: object) -> Race:
    data = dataset_from_frames(frames(max_build, lifetime))
    us = scenario_from_dict(plan_dict("US", "CN", game={**GAME, **game}))
    cn = scenario_from_dict(plan_dict("CN", "US"))
    spec = GameSpec.model_validate({**GAME, **game})
    return Race(us, spec, {US: us, CN: cn}, {US: data, CN: data}, PARAMS)


def write_race(tmp_path: Path, game: dict | None = None, **header: object) -> Path:
    """The tiny race as files: dataset/, us.yaml, cn.yaml, payoffs.csv, race.yaml."""
    write_csv_dataset(tmp_path, frames(max_build=3, lifetime=1))
    (tmp_path / "us.yaml").write_text(yaml.safe_dump(plan_dict("US", "CN")))
    (tmp_path / "cn.yaml").write_text(yaml.safe_dump(plan_dict("CN", "US")))
    rows = [(k, v) for k, v in vars(PARAMS).items()
            if k not in ("us_strategies", "cn_strategies", "sources")]
    pd.DataFrame(
        [dict(parameter=k, value=v, unit="-", source="test") for k, v in rows]
    ).to_csv(tmp_path / "payoffs.csv", index=False)
    body = {**plan_dict("US", "CN", game=game if game is not None else GAME), "name": "race",
            **header}
    path = tmp_path / "race.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


# ---------------------------------------------------------------------------------------
# pure pieces


def test_restrictions_follow_the_years_played_and_intensity_sets_the_share():
    play = pd.Series({2025: 1.0, 2026: 1.0, 2027: 0.4, 2028: 0.0, 2029: 0.0, 2030: 1.0})
    out = restrictions_from(play, [Measure(name="m", commodities=["magnet"])], CN, 1e-6)
    assert [(r.from_year, r.to_year, r.max_share) for r in out] == [
        (2025, 2026, 0.0),  # restrict: a ban
        (2027, 2027, pytest.approx(0.6)),  # graded or mixed in expectation: cap at 1 - 0.4
        (2030, 2030, 0.0),
    ]
    assert all(r.commodities == ["magnet"] for r in out)
    two = restrictions_from(play, [Measure(commodities=["a"]), Measure(commodities=["b"])],
                            CN, 1e-6)
    assert len(two) == 6  # one per run and measure


def test_damping_blends_and_snaps_to_pure_patterns():
    y = pd.Index([2025, 2026], name="year")
    new = pd.DataFrame({"US": [1.0, 0.0], "CN": [0.0, 1.0]}, index=y)
    old = pd.DataFrame({"US": [0.0, 0.0], "CN": [1.0, 1.0]}, index=y)
    half = blend(new, old, 0.5, 1e-6)
    assert half.to_numpy().tolist() == [[0.5, 0.5], [0.0, 1.0]]
    assert blend(new, None, 0.5, 1e-6).equals(new)
    near = blend(new, new + 1e-8, 0.5, 1e-6)  # within tolerance of 0/1: snapped exactly
    assert same_pattern(near, new, 0.0)
    assert not same_pattern(half, new, 1e-6)


# ---------------------------------------------------------------------------------------
# the loop on the tiny network


def test_fixed_point_restrict_build_dependence_still_high():
    # USA can add 3 t/yr of capacity that lasts one year. Iteration 0: no restrictions,
    # imports (2 USD/t) are cheapest, d_US = 1 > 0.3 -> China restricts every year.
    # Iteration 1: banned, USA builds 3 t each year (100 < 1,000 USD/t unserved), serves
    # 3 of 10 t, d_US = 0.7 > 0.3 -> China still restricts every year: a fixed point.
    result = run_race(race(max_build=3, lifetime=1))
    assert result.converged and result.cycle is None
    assert [it.index for it in result.iterations] == [0, 1]
    first, last = result.iterations
    assert first.plans[US].builds.empty
    assert first.dependence[US].tolist() == pytest.approx([1.0] * 6)
    assert first.response[CN].tolist() == [1.0] * 6
    assert [(r.from_year, r.to_year, r.max_share) for r in last.restrictions[US]] == [
        (2025, 2030, 0.0)
    ]
    assert last.restrictions[CN] == ()  # the US never controls
    plan = result.us_plan
    assert plan.status is Status.OPTIMAL
    assert plan.builds["capacity"].tolist() == pytest.approx([3.0] * 6)
    assert plan.objective == pytest.approx(6 * (3 * 100 + 7 * 1000))
    assert last.dependence[US].tolist() == pytest.approx([0.7] * 6)
    assert last.dependence[CN].tolist() == pytest.approx([1.0] * 6)
    assert (result.game.path["regime"] == Regime.COERCION).all()
    assert result.window is None


def test_restriction_that_removes_its_own_reason_cycles():
    # Lasting capacity, no build limit. Iteration 1: banned -> USA builds 10 t in 2025,
    # d_US = 0 -> China supplies. Iteration 2: no restriction -> no build, d_US = 1 -> China
    # restricts: the pattern of iteration 1 recurs.
    result = run_race(race())
    assert not result.converged
    assert result.cycle == [1, 2]
    assert [it.index for it in result.iterations] == [0, 1, 2]
    one, two = result.iterations[1], result.iterations[2]
    assert one.plans[US].builds["capacity"].sum() == pytest.approx(10)
    assert one.dependence[US].tolist() == pytest.approx([0.0] * 6)
    assert one.response[CN].tolist() == [0.0] * 6
    assert (one.game.path["regime"] == Regime.ASYMMETRIC_DECOUPLING).all()
    assert two.restrictions[US] == ()
    assert two.plans[US] is result.iterations[0].plans[US]  # same restrictions: cached plan
    assert two.response[CN].tolist() == [1.0] * 6


def test_max_iterations_stops_without_a_verdict():
    result = run_race(race(max_iterations=1))
    assert not result.converged and result.cycle is None
    assert len(result.iterations) == 2


def test_damping_blends_the_applied_restriction():
    # damping 0.5: P1 = 1 (ban); USA builds 10 -> G1 = 0 -> P2 = 0.5: cap 50% of use.
    result = run_race(race(damping=0.5, max_iterations=2))
    p2 = result.iterations[2].restrictions[US]
    assert [(r.from_year, r.to_year, r.max_share) for r in p2] == [(2025, 2030, 0.5)]


def test_summary_fields_schema():
    result = run_race(race(max_build=3, lifetime=1))
    assert isinstance(result, RaceResult)
    fields = result.summary_fields()
    assert set(fields) == {"window", "game_path", "timeline", "chain_year"}
    assert fields["window"] is None
    assert fields["game_path"][0] == {"year": 2025, "us": "open", "cn": "restrict",
                                      "regime": "coercion"}
    assert [row["year"] for row in fields["game_path"]] == YEARS
    assert fields["timeline"] == {"US": {"magnet": None}, "CN": {"chip": None}}
    assert fields["chain_year"] == {"US": None, "CN": None}
    json.dumps(fields)  # plain data
    assert json.loads(json.dumps(result.to_json()))["converged"] is True
    table = result.table
    assert list(table.index) == YEARS and table.index.name == "year"
    assert {"us_dependence", "cn_dependence", "us_strategy", "cn_strategy",
            "stage_equilibrium", "regime"} <= set(table.columns)
    assert table.loc[2025, "regime"] == "coercion"


def test_summary_fields_window_when_the_us_decouples():
    result = run_race(race())  # final (iteration 2) path: coercion; iteration 1: US leads
    one = result.iterations[1].game.main_window
    assert (one.leader, one.start, one.end, one.years) == ("US", 2025, 2030, 6)
    window_run = RaceResult(result.iterations[:2], False, None, result.iterations[1].game,
                            result.iterations[1].plans[US], result.iterations[1].plans[CN],
                            PARAMS)
    assert window_run.summary_fields()["window"] == {"leader": "US", "start": 2025,
                                                     "end": 2030, "years": 6}
    assert window_run.summary_fields()["chain_year"] == {"US": 2025, "CN": None}


def test_dependence_min_of_and_missing_commodity():
    result = run_race(race(max_build=3, lifetime=1, max_iterations=1))
    plan = result.us_plan
    assert dependence_of(plan, MinOf(min_of=["magnet"]), YEARS).tolist() == pytest.approx(
        [0.7] * 6)
    with pytest.raises(InputError, match="no demand"):
        dependence_of(plan, MinOf(min_of=["chip"]), YEARS)


# ---------------------------------------------------------------------------------------
# files, validation, CLI


def test_load_race_from_files_and_run(tmp_path: Path):
    r = load_race(write_race(tmp_path))
    assert r.plans[US].planner == "US" and r.plans[CN].planner == "CN"
    assert r.params.cn_trade_gain == 1.5 and r.years == YEARS
    assert r.data[US] is r.data[CN]  # one dataset, loaded once
    result = run_race(r)
    assert result.converged


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"damping": 1.0}, "game.damping"),
        ({"measure": []}, "did you mean 'measures'"),
        ({"us_plan": "cn.yaml"}, "plans CN against US"),
        ({"cn_plan": "missing.yaml"}, "no such scenario file"),
        ({"measures": {"CN": [{"commodities": ["magnit"]}]}}, "unknown commodity 'magnit'"),
        ({"dependence": {"US": {"min_of": ["chip", "nope"]}}}, "unknown commodity 'nope'"),
        ({"strategies": {"CN": {"supply": 0, "restrict": 2}}}, "outside"),
        ({"parameters": {"rent_shar": 0.1}}, "unknown parameter 'rent_shar'"),
    ],
)
def test_one_change_game_section_errors(tmp_path: Path, change: dict, match: str):
    with pytest.raises(InputError, match=match):
        load_race(write_race(tmp_path, {**GAME, **change}))


def test_race_without_game_section(tmp_path: Path):
    path = write_race(tmp_path, game=None)
    body = yaml.safe_load(path.read_text())
    del body["game"]
    path.write_text(yaml.safe_dump(body))
    with pytest.raises(InputError, match="no 'game:' section"):
        load_race(path)


def test_cli_game_json_and_text(tmp_path: Path):
    path = write_race(tmp_path)
    res = CliRunner().invoke(app, ["game", str(path), "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["converged"] is True and payload["cycle"] is None
    assert len(payload["iterations"]) == 2
    assert payload["game_path"][0]["cn"] == "restrict"
    assert payload["equilibria"]["2025"] == ["open / restrict"]
    text = CliRunner().invoke(app, ["game", str(path)])
    assert text.exit_code == 0
    assert "fixed point after 1 iteration" in text.stdout
    assert "strategic window: none" in text.stdout


def test_cli_game_bad_section_exits_2(tmp_path: Path):
    path = write_race(tmp_path, {**GAME, "max_iterations": 0})
    res = CliRunner().invoke(app, ["game", str(path)])
    assert res.exit_code == 2
    assert "game.max_iterations" in res.stderr


# ---------------------------------------------------------------------------------------
# the default race


def test_default_race_reaches_a_fixed_point_or_reports_its_cycle():
    t0 = time.perf_counter()
    result = run_race(load_race(ROOT / "data" / "scenarios" / "race.yaml"))
    assert time.perf_counter() - t0 < 40
    assert result.converged or result.cycle
    # as of this commit: a fixed point after one re-plan. Both sides restrict in 2025-2026
    # (stalemate); China's confrontation loss passes its tolerance in 2027 and it concedes;
    # trade returns until the US plan reaches 95% self-sufficiency in 2035, which opens a
    # US-led window to the horizon's end.
    assert result.converged and len(result.iterations) == 2
    path = result.game.path
    assert path.loc[2025, "regime"] is Regime.STALEMATE
    assert result.game.concession is not None and result.game.concession.side == "CN"
    assert result.game.concession.year == 2027
    w = result.window
    assert (w.leader, w.start, w.end) == ("US", 2035, 2040)
    assert result.us_plan.chain_year == 2035
    assert all(math.isfinite(x) for x in path["us_dependence"])


def test_cli_game_records_a_job_with_the_game_in_summary_json(tmp_path: Path):
    path = write_race(tmp_path)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["game", str(path), "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "done" and summary["scenario"] == "race"
    assert summary["game_path"][0] == {"year": 2025, "us": "open", "cn": "restrict",
                                       "regime": "coercion"}
    assert summary["chain_year"] == {"US": None, "CN": None}
    assert json.loads((folder / "race.json").read_text())["converged"] is True
    assert (folder / "plan.xlsx").is_file()
    jobs = CliRunner().invoke(app, ["jobs", "--out", str(out), "--json"])
    assert [(j["kind"], j["status"]) for j in json.loads(jobs.stdout)] == [("game", "done")]
