"""The benchmark's synthetic network generator: its tiny instance validates and solves."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from network.validate import dataset_from_frames
from optimize.plan import run_plan
from optimize.plan.solve import Status

# benchmarks/ is not an installed package: load the generator from its file
_spec = importlib.util.spec_from_file_location(
    "synthetic", Path(__file__).resolve().parents[1] / "benchmarks" / "synthetic.py"
)
synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic)

YEARS = 8


def test_tiny_synthetic_network_validates_and_solves_to_optimal():
    frames = synthetic.synthetic_frames(n_regions=6, n_chains=2, stages=2, years=YEARS, seed=1)
    data = dataset_from_frames(frames, origin="synthetic")
    assert set(data.blocs) == {"CN", "US"}
    assert len(data.critical) == 2
    sc = synthetic.synthetic_scenario(frames, YEARS)
    assert sc.targets[0].share == 0.8 and len(sc.restrictions) == 1
    r = run_plan(sc, data)
    assert r.status is Status.OPTIMAL
    assert r.objective > 0
