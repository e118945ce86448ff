"""The race's loop on a network small enough to follow by hand, and on the default data.

Tiny network (horizon 2025-2030, discount rate 0): USA (bloc US) demands 10 t/yr of 'magnet',
made by 'sinter' with no inputs; CHN (bloc CN) sinters 100 t/yr at 1 USD/t and ships at 1 USD/t
(2 USD/t landed). USA may build sinter capacity at 100 USD per t/yr with no lead time, at no
variable cost. CHN demands 10 t/yr of 'chip', made by 'fab' only in USA (CHN cannot build one),
so China depends on the US whatever it plans. Value lost per unserved t: 1,000 USD (value_unserved,
no cutoff_damage); price = value_unserved / 3 = 333.33 USD/t.

Game (binary, USD bn; rent 0.5, escalation 1,000 USD = 1e-6 bn, no parallel-chain term):
- the US controls: rent 0.5 x 10 t x 1,000 = 5,000 > its forgone chip exports 10 x 333.33 plus
  escalation 1,000 = 4,333 USD: it always controls;
- China, against US capacity K (t/yr) in a cutoff, gains 0.5 x 1,000 (10 - K) by restricting,
  forgoes its magnet exports 333.33 (10 - K) (the US uses its own capacity first) and pays
  the escalation 1,000: it restricts iff 166.67 (10 - K) > 1,000, i.e. iff K < 4.
- The US plan with cutoff likelihood p builds a t of one-year capacity iff p x 1,000 > 100
  (p > 0.1), of lasting capacity iff 6 p x 1,000 > 100 (p > 1/60).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import write_csv_dataset
from typer.testing import CliRunner

from autarky.cli import app
from network.errors import InputError
from network.validate import dataset_from_frames
from optimize.game.loop import dependence_of, plan_scenario, run_race, same_pattern, update
from optimize.game.payoffs import CN, US, GameParams, damage, payoff_matrices
from optimize.game.regimes import Regime
from optimize.game.scenario import GameSpec, MinOf, Race, load_race
from optimize.game.stakes import annuity, stakes_from_plans
from optimize.plan import run_plan
from optimize.plan.solve import Status
from optimize.scenario import scenario_from_dict

YEARS = list(range(2025, 2031))
ROOT = Path(__file__).resolve().parents[1]
USD = 1e-9  # one USD in USD bn

PARAMS = GameParams(
    rent_share=0.5,
    escalation_cost=1000 * USD,
    parallel_chain_multiplier=0.0,
    likelihood_floor=0.001,
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


def capacity_row(
    region: str, process: str, existing: float, max_build: float, lifetime: int
) -> dict:
    return dict(
        region=region,
        process=process,
        existing=existing,
        capex=100,
        fixed_om=0,
        variable_cost=1 if existing else 0,
        lead_time=0,
        max_build=max_build,
        ramp_years=0,
        lifetime=lifetime,
        source="test",
    )


def frames(max_build: float = 1000.0, lifetime: int = 30) -> dict[str, pd.DataFrame]:
    commodity = dict(unit="t", critical=True, value_unserved=1000, source="test")
    return {
        "regions": pd.DataFrame(
            [
                dict(region="USA", name="US", bloc="US", source="test"),
                dict(region="CHN", name="CN", bloc="CN", source="test"),
            ]
        ),
        "commodities": pd.DataFrame(
            [
                dict(commodity="magnet", name="m", chain="magnet", **commodity),
                dict(commodity="chip", name="c", chain="semiconductor", **commodity),
            ]
        ),
        "processes": pd.DataFrame(
            [
                dict(process="sinter", output="magnet", source="test"),
                dict(process="fab", output="chip", source="test"),
            ]
        ),
        "capacity": pd.DataFrame(
            [
                capacity_row("USA", "sinter", 0, max_build, lifetime),
                capacity_row("CHN", "sinter", 100, 0, 30),
                capacity_row("USA", "fab", 100, 0, 30),
                capacity_row("CHN", "fab", 0, 0, 30),
            ]
        ),
        "demand": pd.DataFrame(
            [
                dict(region="USA", commodity="magnet", year=2025, quantity=10, source="test"),
                dict(region="CHN", commodity="chip", year=2025, quantity=10, source="test"),
            ]
        ),
        "routes": pd.DataFrame(
            [
                dict(exporter="*", importer="*", commodity="*", cost=1, source="test"),
            ]
        ),
    }


def plan_dict(planner: str, rival: str, **kw: object) -> dict:
    return dict(
        name=f"{planner.lower()}_plan",
        dataset="dataset",
        horizon=dict(first=2025, last=2030),
        planner=planner,
        rival=rival,
        discount_rate=0.0,
        **kw,
    )


def race(
    max_build: float = 1000.0, lifetime: int = 30, params: GameParams = PARAMS, **game: object
) -> Race:
    data = dataset_from_frames(frames(max_build, lifetime))
    us = scenario_from_dict(plan_dict("US", "CN", game={**GAME, **game}))
    cn = scenario_from_dict(plan_dict("CN", "US"))
    spec = GameSpec.model_validate({**GAME, **game})
    return Race(us, spec, {US: us, CN: cn}, {US: data, CN: data}, params)


def write_race(tmp_path: Path, game: dict | None = None, **header: object) -> Path:
    """The tiny race as files: dataset/, us.yaml, cn.yaml, payoffs.csv, race.yaml."""
    write_csv_dataset(
        tmp_path, {k: f.assign(trust="U") for k, f in frames(max_build=3, lifetime=1).items()}
    )
    (tmp_path / "us.yaml").write_text(yaml.safe_dump(plan_dict("US", "CN")))
    (tmp_path / "cn.yaml").write_text(yaml.safe_dump(plan_dict("CN", "US")))
    rows = [
        (k, v)
        for k, v in vars(PARAMS).items()
        if k not in ("us_strategies", "cn_strategies", "sources")
    ]
    pd.DataFrame([dict(parameter=k, value=v, unit="-", source="test") for k, v in rows]).to_csv(
        tmp_path / "payoffs.csv", index=False
    )
    body = {
        **plan_dict("US", "CN", game=game if game is not None else GAME),
        "name": "race",
        **header,
    }
    path = tmp_path / "race.yaml"
    path.write_text(yaml.safe_dump(body))
    return path


# ---------------------------------------------------------------------------------------
# pure pieces


def test_update_damped_and_fictitious_and_snapping():
    y = pd.Index([2025, 2026], name="year")
    g = pd.DataFrame({"US": [1.0, 0.0], "CN": [0.0, 1.0]}, index=y)
    p = pd.DataFrame({"US": [0.0, 0.0], "CN": [1.0, 1.0]}, index=y)
    assert update("damped", g, p, 5, 0.5, 1e-6).to_numpy().tolist() == [[0.5, 0.5], [0.0, 1.0]]
    assert update("damped", g, p, 5, 0.0, 1e-6).equals(g)  # best-response iteration
    # fictitious play: P_{k+1} = P_k + (G_k - P_k) / (k + 1); k = 0 takes the response
    assert update("fictitious", g, p, 0, 0.0, 1e-6).equals(g)
    assert update("fictitious", g, p, 3, 0.0, 1e-6).to_numpy().tolist() == [
        [0.25, 0.75],
        [0.0, 1.0],
    ]
    near = update("damped", g + 1e-8, p, 0, 0.0, 1e-6)  # within tolerance of 0/1: snapped
    assert same_pattern(near, g, 0.0)


def test_annuity_spreads_a_discounted_total():
    assert annuity(1764.0, 0.0, YEARS) == pytest.approx(294.0)
    assert annuity(1.0 + 1 / 1.05, 0.05, [2025, 2026]) == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------
# payoffs from the plans, by hand


def test_damage_with_default_multipliers_is_the_plans_computed_loss():
    # The US plan priced at p = 0.5 (> 0.1) builds 3 t of one-year capacity every year (the
    # build limit): its cutoff state serves 3 of 10 t, loss_usd = 1,000 x 7 = 7,000 USD a year.
    # Its system cost: capex 300 + 7 t imported at 2 = 314 a year; the free plan imports
    # 10 t at 2 = 20: cost of independence 294 a year (1,764 over six undiscounted years).
    # With the multipliers at their defaults, China's full restriction does 7,000 + 294.
    defaults = GameParams.from_csv(ROOT / "data" / "game" / "payoffs.csv")
    assert defaults.damage_multiplier == 1.0 and defaults.parallel_chain_multiplier == 1.0
    r = race(max_build=3, lifetime=1, params=defaults)
    plans = {
        side: run_plan(
            plan_scenario(r, side, pd.Series(0.5, index=YEARS)), r.data[side], earliest=False
        )
        for side in (US, CN)
    }
    us = plans[US]
    assert us.builds["capacity"].tolist() == pytest.approx([3.0] * 6)
    assert us.exposure["loss_usd"].tolist() == pytest.approx([7000.0] * 6)
    assert us.cost_of_independence.discounted_usd_bn == pytest.approx(1764 * USD)
    stakes = stakes_from_plans(plans, r.data, {US: ("chip",), CN: ("magnet",)}, defaults, YEARS)
    for t in YEARS:
        full = damage(defaults, stakes[US][t], 1.0)
        assert full == pytest.approx((7000 + 294) * USD, rel=1e-9)
        assert full == pytest.approx(
            (
                us.exposure.at[("magnet", t), "loss_usd"]
                + us.cost_of_independence.discounted_usd_bn * 1e9 / 6
            )
            * USD,
            rel=1e-9,
        )
        # China cannot build a fab: its loss is all 10 t of chips, and nothing to add
        assert damage(defaults, stakes[CN][t], 1.0) == pytest.approx(10_000 * USD, rel=1e-9)
        # what each sender forgoes: China's 7 t of magnets, the US's 10 t of chips
        assert stakes[US][t].exports_usd_bn == pytest.approx(7 * 1000 / 3 * USD, rel=1e-6)
        assert stakes[CN][t].exports_usd_bn == pytest.approx(10 * 1000 / 3 * USD, rel=1e-6)
    a, b = payoff_matrices(defaults, stakes[US][2025], stakes[CN][2025])
    assert a[0, 1] == pytest.approx(-(7000 + 294) * USD, rel=1e-9)  # open / restrict
    assert b[1, 0] == pytest.approx(-10_000 * USD, rel=1e-9)  # control / supply


# ---------------------------------------------------------------------------------------
# the loop on the tiny network


def test_fixed_point_anticipated_restriction_builds_but_not_enough():
    # Iteration 0: p = 0 (floor 0.001): no build, K = 0 < 4: China restricts, the US controls
    # every year (gap 1). Iteration 1: both plans price p = 1; the US builds 3 t a year (the
    # limit), K = 3 < 4: China still restricts: G_1 = P_1, a fixed point.
    result = run_race(race(max_build=3, lifetime=1))
    assert result.converged and result.fixed_point and result.cycle is None
    assert [it.index for it in result.iterations] == [0, 1]
    first, last = result.iterations
    assert first.plans[US].builds.empty
    assert first.response[CN].tolist() == [1.0] * 6 and first.response[US].tolist() == [1.0] * 6
    assert last.likelihood(US).tolist() == [1.0] * 6  # what the US plan priced
    assert result.changes == [1.0, 0.0]
    plan = result.us_plan
    assert plan.status is Status.OPTIMAL
    assert plan.builds["capacity"].tolist() == pytest.approx([3.0] * 6)
    assert last.dependence[US].tolist() == pytest.approx([0.7] * 6)
    assert last.dependence[CN].tolist() == pytest.approx([1.0] * 6)
    assert (result.game.path["regime"] == Regime.STALEMATE).all()
    assert result.window is None
    assert result.game.parts.loc[2025, "us_lost_supply"] == pytest.approx(7000 * USD)


def test_restriction_that_removes_its_own_reason_cycles():
    # Lasting capacity, no limit. Iteration 1 (p = 1): the US builds 10 t in 2025, K = 10:
    # China supplies. Iteration 2 (p = 0): no build, K = 0: China restricts: P_3 = P_1.
    result = run_race(race())
    assert not result.converged and result.cycle == [1, 2]
    one, two = result.iterations[1], result.iterations[2]
    assert one.plans[US].builds["capacity"].sum() == pytest.approx(10)
    assert one.dependence[US].tolist() == pytest.approx([0.0] * 6)
    assert one.response[CN].tolist() == [0.0] * 6
    # the US is independent and its control pays while China depends: the window
    assert (one.game.path["regime"] == Regime.ASYMMETRIC_DECOUPLING).all()
    # the same likelihood as iteration 0: the same plan (the final one solved once more with
    # the earliest-year search, for the timelines)
    assert two.plans[US].builds.empty
    assert two.plans[US].objective == pytest.approx(result.iterations[0].plans[US].objective)
    assert "earliest_year" in two.plans[US].independence.columns
    assert two.response[CN].tolist() == [1.0] * 6
    assert "cycle" in result.verdict


def test_fictitious_play_settles_where_the_pure_responses_flip():
    # Same network: beliefs P_k(CN) = 1, 1/2, 1/3, 1/4 (every one above 1/60: the US builds,
    # China supplies); the change 1/(k (k + 1)) reaches 0.05 at k = 4.
    result = run_race(race(method="fictitious", tolerance=0.05))
    assert result.converged and not result.fixed_point
    assert [round(c, 6) for c in result.changes] == [
        1.0,
        0.5,
        round(1 / 6, 6),
        round(1 / 12, 6),
        0.05,
    ]
    assert result.final.likelihood(US).tolist() == pytest.approx([0.25] * 6)
    assert result.final.residual == pytest.approx(0.25)
    assert "settled" in result.verdict


def test_max_iterations_stops_without_a_verdict():
    result = run_race(race(max_iterations=1, damping=0.5))
    assert not result.converged and result.cycle is None
    assert len(result.iterations) == 2
    assert "no fixed point" in result.verdict


def test_twenty_random_parameter_sets_reach_a_fixed_point_or_a_cycle():
    rng = np.random.default_rng(12)
    verdicts = []
    for _ in range(20):
        params = PARAMS.with_overrides(
            rent_share=float(rng.uniform(0.2, 0.9)),
            escalation_cost=float(rng.uniform(0.0, 3000.0)) * USD,
            export_loss_share=float(rng.uniform(0.3, 1.5)),
            parallel_chain_multiplier=float(rng.choice([0.0, 1.0])),
        )
        method = str(rng.choice(["damped", "fictitious"]))
        spec = {
            "method": method,
            "max_iterations": 40,
            "tolerance": 1e-6 if method == "damped" else 0.05,
        }
        result = run_race(
            race(
                max_build=float(rng.choice([2.0, 3.0, 5.0, 1000.0])),
                lifetime=int(rng.choice([1, 30])),
                params=params,
                **spec,
            )
        )
        assert result.converged or result.cycle, result.verdict
        verdicts.append("cycle" if result.cycle else "fixed" if result.fixed_point else "fp")
    assert len(set(verdicts)) >= 2  # the sets differ in how they end


def test_summary_fields_schema():
    result = run_race(race(max_build=3, lifetime=1))
    fields = result.summary_fields()
    assert set(fields) == {"window", "game_path", "timeline", "chain_year"}
    assert fields["window"] is None
    assert fields["game_path"][0] == {
        "year": 2025,
        "us": "control",
        "cn": "restrict",
        "regime": "stalemate",
    }
    assert [row["year"] for row in fields["game_path"]] == YEARS
    assert fields["timeline"] == {"US": {"magnet": None}, "CN": {"chip": None}}
    assert fields["chain_year"] == {"US": None, "CN": None}
    payload = json.loads(json.dumps(result.to_json()))
    assert payload["converged"] is True and payload["fixed_point"] is True
    assert payload["largest_change_of_p"] == [1.0, 0.0]
    assert payload["payoff_parts_usd_bn"]["2025"]["us_lost_supply"] == pytest.approx(7e-6)
    assert "exposure table" in payload["payoff_sources"]["lost_supply"]
    # effectiveness against speed: China's full restriction on the US plan (7 t short a year
    # at 1,000 USD, six undiscounted years) and the US controls on China (10 t a year)
    eff = {e["sender"]: e for e in payload["effectiveness"]}
    assert eff["CN"]["discounted_damage_usd_bn"] == pytest.approx(6 * 7000 * USD)
    assert eff["US"]["discounted_damage_usd_bn"] == pytest.approx(6 * 10_000 * USD)
    assert eff["CN"]["target_dependence_years"] == pytest.approx(6 * 0.7)
    table = result.table
    assert list(table.index) == YEARS and table.index.name == "year"
    assert {
        "us_dependence",
        "cn_dependence",
        "us_likelihood",
        "cn_likelihood",
        "us_strategy",
        "cn_strategy",
        "stage_equilibrium",
        "regime",
    } <= set(table.columns)
    assert table.loc[2025, "regime"] == "stalemate"


def test_pinned_truce_is_played_and_the_game_plays_after():
    truce = {"name": "truce", "from_year": 2026, "to_year": 2026, "US": "open", "CN": "supply"}
    result = run_race(race(max_build=3, lifetime=1, pinned=[truce]))
    path = result.game.path
    assert path.loc[2026, ["us_strategy", "cn_strategy"]].tolist() == ["open", "supply"]
    assert bool(path.loc[2026, "pinned"]) and path.loc[2026, "regime"] is Regime.RETURN_TO_TRADE
    assert (path.drop(2026)["regime"] == Regime.STALEMATE).all()
    assert result.final.likelihood(US).loc[2026] == 0.0  # the plan priced the truce


def test_dependence_min_of_and_missing_commodity():
    result = run_race(race(max_build=3, lifetime=1, max_iterations=1))
    plan = result.us_plan
    assert dependence_of(plan, MinOf(min_of=["magnet"]), YEARS).tolist() == pytest.approx([0.7] * 6)
    with pytest.raises(InputError, match="no demand"):
        dependence_of(plan, MinOf(min_of=["chip"]), YEARS)


# ---------------------------------------------------------------------------------------
# files, validation, CLI


def test_load_race_from_files_and_run(tmp_path: Path):
    r = load_race(write_race(tmp_path))
    assert r.plans[US].planner == "US" and r.plans[CN].planner == "CN"
    assert r.params.rent_share == 0.5 and r.years == YEARS
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
        ({"method": "newton"}, "game.method"),
        ({"pinned": [{"from_year": 2026, "US": "open", "CN": "halt"}]}, "unknown strategy 'halt'"),
        ({"pinned": [{"from_year": 2046, "US": "open", "CN": "supply"}]}, "outside the race"),
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
    assert payload["equilibria"]["2025"] == ["control / restrict"]
    text = CliRunner().invoke(app, ["game", str(path)])
    assert text.exit_code == 0
    assert "fixed point at iteration 1" in text.stdout
    assert "strategic window: none" in text.stdout


def test_cli_game_bad_section_exits_2(tmp_path: Path):
    path = write_race(tmp_path, {**GAME, "max_iterations": 0})
    res = CliRunner().invoke(app, ["game", str(path)])
    assert res.exit_code == 2
    assert "game.max_iterations" in res.stderr


# ---------------------------------------------------------------------------------------
# the default race


def test_default_race_converges_with_iterations_that_change_the_plans():
    t0 = time.perf_counter()
    result = run_race(load_race(ROOT / "data" / "scenarios" / "race.yaml"))
    assert time.perf_counter() - t0 < 90
    assert result.converged and result.method == "fictitious"
    assert len(result.iterations) >= 2
    first, last = result.iterations[0], result.iterations[-1]
    # the plans change: the US plan prices China's restrictions and builds for them
    assert not first.plans[US].builds.equals(last.plans[US].builds)
    assert last.plans[US].builds["capex_usd"].sum() > first.plans[US].builds["capex_usd"].sum()
    assert result.changes[-1] <= 0.05
    path = result.game.path
    assert path.loc[2025, "regime"] is Regime.STALEMATE  # both restrict in 2025
    assert bool(path.loc[2026, "pinned"])  # the truce
    assert path.loc[2026, "regime"] is Regime.RETURN_TO_TRADE
    assert path.loc[2027, "regime"] is Regime.STALEMATE  # and the game resumes after it
    assert path["us_dependence"].iloc[-1] < path["us_dependence"].iloc[0]


def test_cli_game_records_a_job_with_the_game_in_summary_json(tmp_path: Path):
    path = write_race(tmp_path)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["game", str(path), "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "done" and summary["scenario"] == "race"
    assert summary["game_path"][0] == {
        "year": 2025,
        "us": "control",
        "cn": "restrict",
        "regime": "stalemate",
    }
    assert summary["chain_year"] == {"US": None, "CN": None}
    assert json.loads((folder / "race.json").read_text())["converged"] is True
    assert (folder / "plan.xlsx").is_file()
    jobs = CliRunner().invoke(app, ["jobs", "--out", str(out), "--json"])
    assert [(j["kind"], j["status"]) for j in json.loads(jobs.stdout)] == [("game", "done")]
