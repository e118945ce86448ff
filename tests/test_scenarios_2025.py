"""The 2025 scenarios (data/scenarios): each runs as a job, and the plan does what the file's
comments promise (truce_2025, escalation, allies, defence_magnets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from autarky.runner import run_job
from network.cutoff import cutoff_share
from network.validate import load_dataset
from optimize.plan import run_plan
from optimize.plan.results import PlanResult
from optimize.scenario import Target, load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "data" / "scenarios"
BLOC = ["USA", "JPN", "AUS", "EU", "KOR", "TWN"]
RE_PRODUCTS = ["ndpr_oxide", "ndpr_metal", "dytb_oxide", "sm_oxide", "ndfeb_magnet", "smco_magnet"]
MINOR = ["gallium", "germanium", "antimony", "graphite"]


@pytest.fixture(scope="module")
def jobs(tmp_path_factory) -> dict[str, PlanResult]:
    out = tmp_path_factory.mktemp("jobs")
    results = {}
    for name in ("truce_2025", "escalation", "allies", "defence_magnets"):
        o = run_job(SCENARIOS / f"{name}.yaml", out, out / "jobs.sqlite")
        assert o.job.status.value == "done", (name, o.job.status)
        assert o.plan_path is not None and o.plan_path.is_file()
        results[name] = o.result
    return results


def china_share(r: PlanResult, commodity: str, year: int, senders=("CHN",)) -> float:
    """Share of the bloc's use of a final commodity shipped in from ``senders``."""
    f = r.flows["flow"].reset_index()
    f = f[
        f["exporter"].isin(senders)
        & f["importer"].isin(BLOC)
        & (f["commodity"] == commodity)
        & (f["year"] == year)
    ]
    u = r.unserved.reset_index()
    u = u[u["region"].isin(BLOC) & (u["commodity"] == commodity) & (u["year"] == year)]
    use = float((u["demand"] - u["unserved"]).sum())
    return float(f["flow"].sum()) / use if use else 0.0


def china_flow(r: PlanResult, commodities: list[str], year: int, senders) -> float:
    f = r.flows["flow"].reset_index()
    f = f[
        f["exporter"].isin(senders)
        & f["importer"].isin(BLOC)
        & f["commodity"].isin(commodities)
        & (f["year"] == year)
    ]
    return float(f["flow"].sum())


def likelihood(r: PlanResult) -> dict[int, float]:
    return r.exposure["likelihood"].groupby(level="year").max().to_dict()


def test_truce_2025_suspends_then_licenses(jobs):
    r = jobs["truce_2025"]
    # the truce: China ships most of the bloc's gallium in 2025-2026 (no cap) ...
    assert max(china_share(r, "gallium", y) for y in (2025, 2026)) > 0.5
    # ... and from 2027 licensing caps it at half of the bloc's use, every minor metal
    for y in (2027, 2030, 2040):
        for c in MINOR:
            assert china_share(r, c, y) <= 0.5 + 1e-6, (c, y)
    lk = likelihood(r)
    assert lk[2025] == lk[2026] == pytest.approx(0.1)
    assert all(lk[y] == pytest.approx(0.25) for y in range(2027, 2041))


def test_escalation_bans_from_2027_when_the_suspensions_lapse(jobs):
    r = jobs["escalation"]
    neutral = ["MYS", "MMR", "ROW"]
    for y in (2027, 2033, 2040):
        assert china_flow(r, MINOR, y, ["CHN"]) == pytest.approx(0.0, abs=1e-6)
        assert china_flow(r, RE_PRODUCTS, y, ["CHN"]) == pytest.approx(0.0, abs=1e-6)
        # the extraterritorial rule reaches neutral regions' rare-earth exports too
        assert china_flow(r, RE_PRODUCTS, y, neutral) == pytest.approx(0.0, abs=1e-6)
    assert china_share(r, "gallium", 2025) > 0.5  # before the lapse China still ships
    lk = likelihood(r)
    assert lk[2026] == pytest.approx(0.25) and lk[2027] == pytest.approx(0.5)


def test_allies_firm_deals_and_more_neutral_supply(jobs):
    r = jobs["allies"]
    cap = r.capacity.reset_index().set_index(["region", "process", "year"])
    fixed = cap["capacity"] - cap["new_capacity"]
    # US-Australia framework projects are firm: there without a build decision
    assert fixed[("AUS", "gallium_recovery", 2028)] >= 100
    assert fixed[("AUS", "ndpr_separation", 2029)] >= 4440
    assert fixed[("AUS", "re_mining", 2029)] >= 13000 + 20000
    sc = load_scenario(SCENARIOS / "allies.yaml")
    base = load_scenario(SCENARIOS / "baseline.yaml")
    chains = sc.budget.per_chain_per_year_usd_bn
    old = base.budget.per_chain_per_year_usd_bn
    # the US$8.5B pipeline over five years on rare earths and minor metals
    extra = (chains["rare_earth"] - old["rare_earth"]) + (
        chains["minor_metal"] - old["minor_metal"]
    )
    assert 5 * extra == pytest.approx(8.5)
    # Lynas offtake and G7 Canada: more of the neutral regions' supply counts in a cutoff
    data = load_dataset(SCENARIOS.parent / "default")
    more = cutoff_share(data, "US", "CN", 2025, neutral_share=sc.neutral_share)["cutoff_share"]
    less = cutoff_share(data, "US", "CN", 2025, neutral_share=base.neutral_share)["cutoff_share"]
    assert (more >= less - 1e-9).all() and more["antimony"] > less["antimony"]


def test_defence_magnets_floor_met_and_smco_not_before_2033(jobs):
    r = jobs["defence_magnets"]
    assert r.ok
    cut = r.cutoff["cutoff_share"]
    assert all(cut[("ndfeb_magnet", y)] >= 0.003 - 1e-9 for y in range(2027, 2041))
    assert all(cut[("smco_magnet", y)] >= 0.1 - 1e-9 for y in range(2033, 2041))
    # 2033 is the earliest: a year sooner the Sm-Co target fails on lead time
    sc = load_scenario(SCENARIOS / "defence_magnets.yaml")
    targets = [
        t if t.commodities != ["smco_magnet"] else t.model_copy(update={"from_year": 2032})
        for t in sc.targets
    ]
    assert any(isinstance(t, Target) and t.from_year == 2032 for t in targets)
    sooner = run_plan(sc.model_copy(update={"targets": targets}), earliest=False)
    assert not sooner.ok
    assert any(d.item == "smco_magnet" and d.binding == "lead time" for d in sooner.diagnosis)
