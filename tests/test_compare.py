"""``autarky compare`` end to end on the hand-solvable network of test_sweep: job records,
resume, Dask LocalCluster, failing variants, Monte Carlo, the comparison workbook."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from test_sweep import BUDGET_YEARS, frames, scenario_dict

from autarky.compare import SweepSpec, expand, run_compare
from autarky.jobs import JobStatus, JobStore
from network.errors import InputError
from optimize.sweep import SweepModel, clear_cache

BUDGETS = [b * 1e-9 for b in sorted(BUDGET_YEARS)]


def write_case(tmp_path: Path, **sweep: object) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    for name, df in frames().items():
        df.assign(trust="U").to_csv(folder / f"{name}.csv", index=False)  # files carry trust
    sc = scenario_dict(dataset="data")
    if sweep:
        sc["sweep"] = sweep
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(sc), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def count_solves(monkeypatch):
    calls: list[str] = []
    original = SweepModel.solve

    def counted(self, v):
        calls.append(v.name)
        return original(self, v)

    monkeypatch.setattr(SweepModel, "solve", counted)
    return calls


def test_budget_sweep_records_jobs_and_writes_the_workbook(tmp_path, count_solves):
    src = write_case(tmp_path)
    out = run_compare(src, tmp_path / "out", budgets=BUDGETS, local=True)
    years = out.table["chain_year"].astype(object).where(out.table["chain_year"].notna(), None)
    assert list(years) == [BUDGET_YEARS[b] for b in sorted(BUDGET_YEARS)]
    jobs = JobStore(tmp_path / "out" / "jobs.sqlite").list(sweep_id=out.sweep_id)
    assert len(jobs) == 5 and {j.kind for j in jobs} == {"sweep-variant"}
    assert {j.status for j in jobs} == {JobStatus.DONE}
    assert sorted(count_solves) == sorted(out.table["variant"])
    # a re-run solves nothing
    again = run_compare(src, tmp_path / "out", budgets=BUDGETS, local=True)
    assert again.solved == 0 and len(count_solves) == 5
    assert again.table.equals(out.table)
    # the workbook: sheets, the table, native charts
    wb = load_workbook(out.files["xlsx"])
    assert wb.sheetnames == ["Comparison", "Charts", "About"]
    ws = wb["Comparison"]
    assert "T_Comparison" in ws.tables
    header = [c.value for c in ws[1]]
    assert {"variant", "budget_usd_bn", "chain_year", "total_cost_usd_bn"} <= set(header)
    assert ws.max_row == 6
    assert len(wb["Charts"]._charts) == 2
    assert (out.folder / "comparison.csv").is_file()
    assert (out.folder / "budget_vs_chain_year.png").stat().st_size > 0


def test_interrupted_sweep_resumes_without_solving_any_variant_twice(tmp_path, monkeypatch):
    src = write_case(tmp_path)
    original = SweepModel.solve
    calls: list[str] = []

    def stop_at_third(self, v):
        calls.append(v.name)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the third variant solves
        return original(self, v)

    monkeypatch.setattr(SweepModel, "solve", stop_at_third)
    with pytest.raises(KeyboardInterrupt):
        run_compare(src, tmp_path / "out", budgets=BUDGETS, local=True)
    store = JobStore(tmp_path / "out" / "jobs.sqlite")
    statuses = sorted(j.status.value for j in store.list())
    assert statuses == ["done", "done", "interrupted"]
    out = run_compare(src, tmp_path / "out", budgets=BUDGETS, local=True)
    assert out.solved == 3
    completed = calls[:2] + calls[3:]  # the interrupted attempt never finished
    assert sorted(completed) == sorted(out.table["variant"])  # each exactly once
    done = [j for j in store.list(sweep_id=out.sweep_id) if j.status is JobStatus.DONE]
    assert sorted(j.variant for j in done) == sorted(out.table["variant"])


def test_a_failing_and_an_infeasible_variant_do_not_sink_the_sweep(tmp_path, monkeypatch):
    src = write_case(
        tmp_path,
        variants=[
            dict(name="too early", target_year=2025),
            dict(name="boom", budget_usd_bn=500e-9),
            dict(name="fine", budget_usd_bn=1000e-9),
        ],
    )
    path = yaml.safe_load(src.read_text())
    path["targets"] = [dict(share=1.0, from_year=2030)]
    src.write_text(yaml.safe_dump(path))
    original = SweepModel.solve

    def boom(self, v):
        if v.name == "boom":
            raise RuntimeError("solver exploded")
        return original(self, v)

    monkeypatch.setattr(SweepModel, "solve", boom)
    out = run_compare(src, tmp_path / "out", local=True)
    status = dict(zip(out.table["variant"], out.table["status"], strict=True))
    assert status == {"too early": "infeasible", "boom": "failed", "fine": "optimal"}
    jobs = {j.variant: j for j in JobStore(tmp_path / "out" / "jobs.sqlite").list()}
    assert jobs["boom"].status is JobStatus.FAILED
    assert "solver exploded" in jobs["boom"].error
    assert jobs["too early"].status is JobStatus.INFEASIBLE
    assert jobs["fine"].status is JobStatus.DONE
    assert int(out.table.set_index("variant").loc["fine", "chain_year"]) == 2026


def test_monte_carlo_is_reproducible_by_seed(tmp_path):
    spec = SweepSpec.model_validate(
        {
            "uncertain": {
                "capex_multiplier": {"dist": "triangular", "low": 0.8, "mode": 1, "high": 1.5},
                "demand_growth_multiplier": {"dist": "normal", "mean": 1, "sd": 0.2, "low": 0},
                "restriction_start_year": {"dist": "choice", "values": [2025, 2026]},
                "lead_time_multiplier": {"dist": "uniform", "low": 1, "high": 2},
            }
        }
    )
    a = expand(spec, budgets=[1e-6, 5e-7], monte_carlo=5, seed=7)
    assert a == expand(spec, budgets=[1e-6, 5e-7], monte_carlo=5, seed=7)
    assert a != expand(spec, budgets=[1e-6, 5e-7], monte_carlo=5, seed=8)
    assert len(a) == 10 and a[0].capex_multiplier == a[5].capex_multiplier  # common draws
    src = write_case(tmp_path, uncertain=spec.model_dump(mode="json")["uncertain"])
    one = run_compare(src, tmp_path / "o1", budgets=[1e-6, 5e-7], monte_carlo=4, seed=3, local=True)
    clear_cache()
    two = run_compare(src, tmp_path / "o2", budgets=[1e-6, 5e-7], monte_carlo=4, seed=3, local=True)
    assert one.table.equals(two.table)
    assert list(one.percentiles["budget_usd_bn"]) == [5e-7, 1e-6]
    p = one.percentiles.iloc[0]
    assert p["chain_year_p10"] <= p["chain_year_p50"] <= p["chain_year_p90"]
    wb = load_workbook(one.files["xlsx"])
    assert "Monte Carlo" in wb.sheetnames
    assert len(wb["Monte Carlo"]._charts) == 1


def test_local_cluster_run_equals_the_local_run(tmp_path):
    pytest.importorskip("distributed")
    src = write_case(tmp_path)
    local = run_compare(src, tmp_path / "a", budgets=BUDGETS, local=True, write=False)
    dask = run_compare(src, tmp_path / "b", budgets=BUDGETS, workers=2, write=False)
    cols = ["variant", "status", "chain_year", "spend_usd_bn"]
    assert dask.table[cols].equals(local.table[cols])
    assert list(dask.table["discounted_cost_usd_bn"]) == pytest.approx(
        list(local.table["discounted_cost_usd_bn"])
    )
    jobs = JobStore(tmp_path / "b" / "jobs.sqlite").list(sweep_id=dask.sweep_id)
    assert len(jobs) == 5 and all(j.status is JobStatus.DONE for j in jobs)


def test_bad_sweep_section_names_the_key(tmp_path):
    src = write_case(tmp_path, grid={"budget": [1]})
    with pytest.raises(InputError, match="unknown grid keys"):
        run_compare(src, tmp_path / "out", local=True)


def test_a_worker_lost_mid_sweep_does_not_sink_it(tmp_path):
    """Kill one of two Dask workers (SIGKILL) as soon as the first variant comes back: its
    chunks are rescheduled on the other worker or recorded failed; every variant ends final."""
    distributed = pytest.importorskip("distributed")
    import os
    import signal

    src = write_case(tmp_path)
    budgets = [b * f for b in BUDGETS for f in (1.0, 1.01)]  # 10 variants
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = sorted(client.run(os.getpid).values())
        killed: list[int] = []

        def progress(message: str) -> None:
            if not killed and "/" in message:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        outcome = run_compare(
            src,
            tmp_path / "out",
            budgets=budgets,
            scheduler=cluster.scheduler_address,
            chunk_size=1,
            progress=progress,
            write=False,
        )
    assert killed, "no variant came back before the kill"
    assert len(outcome.table) == 10
    assert set(outcome.table["status"]) <= {"optimal", "infeasible", "failed"}
    assert (outcome.table["status"] == "optimal").sum() >= 1
    jobs = JobStore(tmp_path / "out" / "jobs.sqlite").list(sweep_id=outcome.sweep_id)
    assert len(jobs) == 10
    assert all(j.status in (JobStatus.DONE, JobStatus.FAILED) for j in jobs)


def test_a_race_sweep_reports_the_window_and_regime_path(tmp_path):
    root = Path(__file__).resolve().parent.parent
    outcome = run_compare(
        root / "data/scenarios/race.yaml",
        tmp_path / "out",
        budgets=[8.0],
        budget_chains=["rare_earth", "magnet", "minor_metal"],
        local=True,
        write=False,
    )
    (row,) = outcome.table.to_dict("records")
    assert row["status"] == "optimal"
    # the race's path with the US critical-minerals budget at 8 USD bn: stalemate, the truce
    # (pinned 2026), stalemate, then China stops restricting while the US still controls
    assert row["regime_path"].startswith("2025:stalemate 2026:return to trade 2027:stalemate")
    assert "asymmetric decoupling" not in row["regime_path"]
    assert row.get("window_leader") is None  # no window: no leader column value
