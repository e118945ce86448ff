"""Fast-tracked builds (scenario section ``fast_track``): money buys speed.

A capacity row of a planner region whose ``lead_time_low`` (the fast end of its range, e.g. an
observed ex-China build) is below its ``lead_time`` may start a build fast-tracked: it produces
from tau + lead_low instead of tau + lead, ramps and retires as an ordinary build, and pays
(1 + premium) x capex, spread evenly over lead_low years. Fast-tracked and ordinary builds
started in the same year share the row's build limit:

    fast[r,p,tau] >= 0,  fast[r,p,tau] <= max_build[r,p]                     (alone in tau)
    build[r,p,tau] + fast[r,p,tau] <= build_ub[r,p,tau]       (both can start in tau)

Index: tau from the first year to last - lead_low, so a fast build's output arrives within the
horizon. In the shared lists of sets.py (online, spend, paid) a fast build's key is
(r, p, tau, "fast"); :func:`build_var` maps either kind of key to its variable.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from optimize.plan.timing import schedule_build, spend_profile

FAST = "fast"

Key2 = tuple[str, str]
Key3 = tuple[str, str, int]


def fast_leads(cap: pd.DataFrame, planner: set[str], max_build: dict[Key2, float]) -> dict:
    """(region, process) -> lead_low for rows that can be fast-tracked: a planner region, a
    positive build limit and a fast end below the lead time."""
    if "lead_time_low" not in cap.columns:
        return {}
    out: dict[Key2, int] = {}
    for k, low, lead in zip(cap.index, cap["lead_time_low"], cap["lead_time"], strict=True):
        if k[0] in planner and max_build[k] > 0 and pd.notna(low) and int(low) < int(lead):
            out[k] = int(low)
    return out


def fast_track_builds(
    lead_low: dict[Key2, int],
    *,
    premium: float,
    first: int,
    last: int,
    max_build: dict[Key2, float],
    capex: dict[Key2, float],
    ramp: dict[Key2, int],
    life: dict[Key2, int],
    online: dict,
    spend: dict,
    paid: dict,
) -> tuple[list[Key3], dict[Key3, float]]:
    """The fast builds' keys and limits; their arrival, capex and payment shares are appended
    to ``online``, ``spend`` and ``paid`` under the key (r, p, tau, "fast")."""
    keys: list[Key3] = []
    ub: dict[Key3, float] = {}
    for (r, p), low in lead_low.items():
        k = (r, p)
        for tau in range(first, last - low + 1):
            b, tagged = (r, p, tau), (r, p, tau, FAST)
            keys.append(b)
            ub[b] = max_build[k]
            schedule_build(
                tagged, tau + low, (first, last), life[k], ramp[k], spend_profile(tau, low),
                capex[k] * (1.0 + premium), (online, spend, paid),
            )  # fmt: skip
    return keys, ub


def build_var(m: pyo.ConcreteModel, b: tuple) -> pyo.Var:
    """The variable of a build key: fast[r,p,tau] for (r, p, tau, "fast"), else build[b]."""
    return m.fast[b[:3]] if len(b) == 4 else m.build[b]


def add_fast_builds(m: pyo.ConcreteModel, d) -> None:
    """fast[r,p,tau] in [0, max_build], and the shared build limit where an ordinary build can
    start in the same year: build + fast <= build_ub."""
    m.fast = pyo.Var(
        d.fast_builds, domain=pyo.NonNegativeReals, bounds=lambda m, *b: (0, d.fast_ub[b])
    )
    shared = [b for b in d.fast_builds if b in d.build_ub]
    m.build_limit = pyo.Constraint(
        shared, rule=lambda m, *b: m.build[b] + m.fast[b] <= d.build_ub[b]
    )


def build_vars(m: pyo.ConcreteModel, d) -> list[tuple[tuple, pyo.Var, float]]:
    """Every build decision: (key, variable, undiscounted capex per unit), ordinary builds
    first, then fast-tracked ones (key (r, p, tau, "fast"), capex with the premium)."""
    out = [(b, m.build[b], d.capex[(b[0], b[1])]) for b in d.builds]
    out += [
        ((*b, FAST), m.fast[b], d.capex[(b[0], b[1])] * (1.0 + d.fast_premium))
        for b in d.fast_builds
    ]
    return out
