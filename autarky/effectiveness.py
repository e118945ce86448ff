"""Sanction effectiveness against the target's substitution speed.

The seed paper's headline claim, computed from the data: a sanction's effectiveness falls as
the target substitutes faster. The *target* is the scenario's planner; the *sender* is its
rival, whose sanction is a named restriction set of the scenario's sweep section (it replaces
the scenario's restrictions, so it lists them too). For each speed of the target (each budget
and/or lead-time multiplier of the sweep) the target's plan is solved twice, as the scenario
stands and under the sanction, and

    effectiveness = objective(with the sanction) - objective(without)    (discounted USD bn)

is the damage the sanction does: the extra cost the target pays to adapt (capex, running,
trade), the value of its demand left unserved, and, with an exposure section, the change in
its expected cutoff loss. A faster target (more budget, shorter lead times) adapts sooner, so
the damage falls.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from network.errors import InputError, Problem
from optimize.scenario import Restriction
from optimize.sweep import Variant

SPEED_KEYS = ("budget_usd_bn", "lead_time_multiplier", "capex_multiplier")
SUFFIX = " + sanction"


def with_sanction(
    variants: Sequence[Variant],
    restriction_sets: dict[str, Sequence[Restriction]],
    name: str,
    where: str = "scenario",
) -> list[Variant]:
    """Each variant as it stands and again under the sanction ``name`` (a restriction set of
    the sweep section, in place of the scenario's restrictions)."""
    if name not in restriction_sets:
        known = ", ".join(sorted(restriction_sets)) or "none"
        raise InputError(
            Problem(
                where,
                f"--effectiveness: no restriction set '{name}' in the sweep section",
                f"use one of: {known} (sweep.restriction_sets, docs/compare.md)",
            )
        )
    out: list[Variant] = []
    for v in variants:
        if v.restriction is not None:
            raise InputError(
                Problem(where, "--effectiveness with swept restriction sets", "sweep one or other")
            )
        out.append(v)
        out.append(v.model_copy(update={"name": v.name + SUFFIX, "restriction": name}))
    return out


def effectiveness_table(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """One row per speed of the target: the speed (budget, lead-time and capex multipliers),
    the target's chain earliest year and dependence-years without the sanction, and the
    sanction's damage (USD bn, discounted) with its parts."""
    base = table[~table["variant"].str.endswith(SUFFIX)].set_index("variant")
    hit = table[table["variant"].str.endswith(SUFFIX)].copy()
    hit["variant"] = hit["variant"].str.removesuffix(SUFFIX)
    hit = hit.set_index("variant")
    rows = []
    for v, b in base.iterrows():
        if v not in hit.index:
            continue
        h = hit.loc[v]
        ok = b["status"] == "optimal" and h["status"] == "optimal"
        rec = {k: b[k] for k in SPEED_KEYS if k in b}
        rec["sanction"] = name
        rec["chain_year"] = b.get("chain_year")
        rec["earliest_chain_year"] = b.get("earliest_chain_year")
        rec["dependence_years"] = b.get("dependence_years")
        rec["damage_usd_bn"] = (
            float(h["discounted_cost_usd_bn"] - b["discounted_cost_usd_bn"]) if ok else None
        )
        for col, label in (
            ("system_cost_usd_bn", "extra_system_cost_usd_bn"),
            ("expected_loss_usd_bn", "extra_expected_loss_usd_bn"),
        ):
            if col in b and ok and pd.notna(b[col]) and pd.notna(h[col]):
                rec[label] = float(h[col] - b[col])
        rec["status"] = "optimal" if ok else f"{b['status']} / {h['status']}"
        rows.append(rec)
    out = pd.DataFrame(rows)
    for col in ("chain_year", "earliest_chain_year"):
        if col in out:
            out[col] = out[col].astype("Int64")
    return out


def plot_effectiveness(eff: pd.DataFrame, path) -> object | None:
    """effectiveness.png: the sanction's damage (USD bn) against the target's speed (budget,
    else lead-time multiplier), each point labelled with the target's planned (and earliest)
    chain independence year.
    Returns the path, or None (with nothing written) when no row was solved."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autarky.atomic import atomic_write

    ok = eff[eff["damage_usd_bn"].notna()]
    if ok.empty:
        return None
    if "budget_usd_bn" in ok and ok["budget_usd_bn"].notna().any():
        xcol, xlabel = "budget_usd_bn", "Target's budget (USD bn per year)"
    else:
        xcol, xlabel = "lead_time_multiplier", "Target's lead-time multiplier (x)"
    ok = ok.sort_values(xcol)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    x, y = ok[xcol].astype(float), ok["damage_usd_bn"].astype(float)
    ax.plot(x, y, marker="o", color="#b2182b")

    def yr(v: object) -> str:
        return "never" if pd.isna(v) else str(int(v))

    for xi, yi, cy, ey in zip(x, y, ok["chain_year"], ok["earliest_chain_year"], strict=True):
        ax.annotate(
            f"{yr(cy)} ({yr(ey)})",
            (xi, yi),
            textcoords="offset points",
            xytext=(4, 6),
            fontsize=8,
        )
    ax.text(
        0.99,
        0.02,
        "labels: target's chain independent in its plan (earliest possible)",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=7,
        color="#555555",
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Damage of the sanction (USD bn, discounted)")
    ax.set_title(f"Sanction effectiveness against substitution speed ({eff['sanction'].iloc[0]})")
    lo, hi = float(y.min()), float(y.max())
    pad = max(0.05 * (hi - lo), 0.05 * max(abs(hi), 1.0))
    ax.set_ylim(min(0.0, lo - pad), hi + pad)
    ax.ticklabel_format(axis="y", useOffset=False, style="plain")
    ax.grid(alpha=0.3)
    with atomic_write(path) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path
