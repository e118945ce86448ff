"""What a race returns: the iterations of the loop and its final state, as tables and JSON.

``RaceResult`` is read by the terminal report (autarky/report.py), the runner (summary.json,
race.json) and the race workbook (autarky/excel/game.py); every field it hands out is plain
data (numbers, strings, lists, dicts), never a Python repr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from network.cutoff import CHAIN as CHAIN_ROW
from optimize.game.payoffs import CN, RIVAL, SIDES, US, GameParams, Stakes
from optimize.game.regimes import GamePath, Window, sanction_effectiveness
from optimize.plan.results import PlanResult
from optimize.scenario import Restriction

Year = int


@dataclass(frozen=True)
class Iteration:
    """One pass of the loop: the likelihood each plan priced, the plans, and the game."""

    index: int
    pattern: pd.DataFrame  # P_k: restriction probability per year (columns: sender US, CN)
    restrictions: Mapping[str, tuple[Restriction, ...]]  # planner side -> its hard bans
    plans: Mapping[str, PlanResult]  # planner side -> plan
    dependence: pd.DataFrame  # year x US, CN
    stakes: Mapping[str, Mapping[Year, Stakes]]  # target side -> year -> stakes
    game: GamePath
    response: pd.DataFrame  # G_k: the game's restriction probability (year x US, CN)
    seconds: float

    @property
    def residual(self) -> float:
        """The gap, max over years and senders of |G_k - P_k|: 0 at a fixed point."""
        return float((self.response - self.pattern).abs().to_numpy().max(initial=0.0))

    def likelihood(self, side: str) -> pd.Series:
        """p(t) the plan of ``side`` priced: the rival's restriction probability in P_k."""
        return self.pattern[RIVAL[side]]

    @property
    def chain_year(self) -> dict[str, int | None]:
        return {side: self.plans[side].chain_year for side in SIDES}

    @property
    def regimes(self) -> pd.Series:
        return self.game.path["regime"].map(str)

    def record(self) -> dict[str, Any]:
        """Plain-data view (JSON-ready) of this iteration."""
        return {
            "iteration": self.index,
            "likelihood": {
                side: {int(y): round(float(p), 6) for y, p in self.likelihood(side).items()}
                for side in SIDES
            },
            "restrictions": {
                side: [
                    r.model_dump(
                        mode="json",
                        include={"name", "commodities", "from_year", "to_year", "max_share"},
                    )
                    for r in self.restrictions[side]
                ]
                for side in SIDES
            },
            "status": {side: self.plans[side].status.value for side in SIDES},
            "chain_year": self.chain_year,
            "timeline": {side: timeline_dict(self.plans[side]) for side in SIDES},
            "equilibria": equilibria_text(self.game),
            "regime": {int(y): r for y, r in self.regimes.items()},
            "residual": round(self.residual, 9),
            "seconds": round(self.seconds, 3),
        }


def likelihood_text(p: pd.Series) -> str:
    """A likelihood path as runs of equal values.

    >>> likelihood_text(pd.Series({2025: 1.0, 2026: 1.0, 2027: 0.25}))
    '2025-2026: 1, 2027: 0.25'
    """
    runs: list[list] = []
    for year, v in p.items():
        v = round(float(v), 3)
        if runs and runs[-1][2] == v and runs[-1][1] == int(year) - 1:
            runs[-1][1] = int(year)
        else:
            runs.append([int(year), int(year), v])
    return ", ".join(f"{a}-{b}: {v:g}" if a != b else f"{a}: {v:g}" for a, b, v in runs)


def timeline_dict(plan: PlanResult) -> dict[str, int | None]:
    """Commodity -> first year of lasting self-sufficiency (None if never); chain row left out."""
    return {
        str(c): None if pd.isna(y) else int(y)
        for c, y in plan.timeline["year"].items()
        if c != CHAIN_ROW
    }


def equilibria_text(game: GamePath) -> dict[int, list[str]]:
    """Every equilibrium of every year as text, the selected one first."""
    labels = (game.us_labels, game.cn_labels)
    out = {}
    for year, eqs in sorted(game.equilibria.items()):
        chosen = game.selected[year]
        out[int(year)] = [chosen.describe(labels)] + [
            e.describe(labels) for e in eqs if e is not chosen
        ]
    return out


def window_dict(w: Window | None) -> dict[str, Any] | None:
    return (
        None
        if w is None
        else {"leader": w.leader, "start": int(w.start), "end": int(w.end), "years": int(w.years)}
    )


@dataclass(frozen=True)
class RaceResult:
    """The loop's record and its final state (the last iteration's plans and game)."""

    iterations: list[Iteration]
    converged: bool
    cycle: list[int] | None
    game: GamePath
    us_plan: PlanResult
    cn_plan: PlanResult
    params: GameParams
    method: str = "damped"
    changes: list[float] = field(default_factory=list)  # max |P_{k+1} - P_k| per iteration
    tolerance: float = 1e-6

    @property
    def window(self) -> Window | None:
        """The main strategic window of the final game path, or None."""
        return self.game.main_window

    @property
    def final(self) -> Iteration:
        return self.iterations[-1]

    @property
    def fixed_point(self) -> bool:
        """The final plans priced exactly what the game then plays (gap within tolerance)."""
        return self.final.residual <= self.tolerance

    @property
    def verdict(self) -> str:
        """How the loop ended, in words."""
        n, gap = self.final.index, self.final.residual
        change = self.changes[-1] if self.changes else gap
        if self.converged and self.fixed_point:
            return f"fixed point at iteration {n} ({self.method})"
        if self.converged:
            return (
                f"fictitious play settled at iteration {n}: largest change of p "
                f"{change:.3g}; the game's response still differs from the beliefs by up "
                f"to {gap:.3g} (an equilibrium in expectation)"
            )
        if self.cycle:
            return f"cycle: iterations {self.cycle} repeat ({self.method}); the last is shown"
        return (
            f"no fixed point within {n} iterations ({self.method}): largest change of p "
            f"{change:.3g}, gap {gap:.3g}; the last is shown"
        )

    @property
    def table(self) -> pd.DataFrame:
        """Per year of the final iteration: dependence, the likelihood each plan priced, play
        (after pins and concession), the stage game's equilibria, regime (for the outputs)."""
        path = self.game.path
        eqs = equilibria_text(self.game)
        df = pd.DataFrame(index=path.index)
        for side in SIDES:
            key = side.lower()
            df[f"{key}_dependence"] = path[f"{key}_dependence"]
            df[f"{key}_likelihood"] = self.final.likelihood(side).reindex(path.index)
        for col in ("us_strategy", "cn_strategy", "us_intensity", "cn_intensity"):
            df[col] = path[col]
        df["stage_equilibrium"] = [eqs[int(y)][0] for y in path.index]
        df["other_equilibria"] = ["; ".join(eqs[int(y)][1:]) for y in path.index]
        df["regime"] = path["regime"].map(str)
        df["leader"] = path["leader"]
        df["conceded"] = path["conceded"]
        df["pinned"] = path["pinned"]
        df.index.name = "year"
        return df

    def convergence(self) -> pd.DataFrame:
        """Per iteration: the largest change of p it led to (max |P_{k+1} - P_k|), the gap
        max |G_k - P_k|, both chain years, seconds."""
        changes = list(self.changes) + [float("nan")] * (len(self.iterations) - len(self.changes))
        rows = [
            (it.index, changes[i], it.residual, it.chain_year[US], it.chain_year[CN], it.seconds)
            for i, it in enumerate(self.iterations)
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "iteration",
                "largest_change_of_p",
                "gap",
                "us_chain_year",
                "cn_chain_year",
                "seconds",
            ],
        ).set_index("iteration")

    def effectiveness(self) -> pd.DataFrame:
        """Sanction effectiveness against the target's speed, from the final plans: per sender,
        the discounted damage (USD bn) its full restriction would do to the target over the
        horizon (``regimes.sanction_effectiveness``), beside the target's dependence-years and
        the year it becomes independent (None: not within the horizon)."""
        rows = []
        for sender in SIDES:
            target = RIVAL[sender]
            plan = self.final.plans[target]
            rows.append(
                (
                    sender,
                    target,
                    sanction_effectiveness(self.params, self.final.stakes[target], sender),
                    float(plan.dependence_years),
                    plan.chain_year,
                )
            )
        return pd.DataFrame(
            rows,
            columns=[
                "sender",
                "target",
                "discounted_damage_usd_bn",
                "target_dependence_years",
                "target_independent_from",
            ],
        ).set_index("sender")

    def summary_fields(self) -> dict[str, Any]:
        """The game's part of summary.json (see ``autarky.runner.summary_of``)."""
        path = self.game.path
        return {
            "window": window_dict(self.window),
            "game_path": [
                {
                    "year": int(y),
                    "us": str(r.us_strategy),
                    "cn": str(r.cn_strategy),
                    "regime": str(r.regime),
                }
                for y, r in path.iterrows()
            ],
            "timeline": {US: timeline_dict(self.us_plan), CN: timeline_dict(self.cn_plan)},
            "chain_year": {US: self.us_plan.chain_year, CN: self.cn_plan.chain_year},
        }

    def to_json(self) -> dict[str, Any]:
        """Everything the CLI's ``--json`` prints: the summary fields, how the loop ended, the
        equilibria and payoff parts per year (with their sources), and every iteration."""
        c = self.game.concession
        parts = self.game.parts
        return {
            **self.summary_fields(),
            "converged": self.converged,
            "cycle": self.cycle,
            "method": self.method,
            "verdict": self.verdict,
            "fixed_point": self.fixed_point,
            "largest_change_of_p": [round(float(v), 9) for v in self.changes],
            "gap": [round(it.residual, 9) for it in self.iterations],
            "equilibria": equilibria_text(self.game),
            "payoff_parts_usd_bn": {
                int(y): {k: round(float(v), 6) for k, v in row.items()}
                for y, row in parts.iterrows()
            },
            "payoff_sources": payoff_sources(self.params),
            "effectiveness": [
                {
                    "sender": str(k),
                    "target": str(r.target),
                    "discounted_damage_usd_bn": round(float(r.discounted_damage_usd_bn), 6),
                    "target_dependence_years": round(float(r.target_dependence_years), 6),
                    "target_independent_from": None
                    if r.target_independent_from is None
                    else int(r.target_independent_from),
                }
                for k, r in self.effectiveness().iterrows()
            ],
            "concession": None
            if c is None
            else {
                "side": c.side,
                "year": int(c.year),
                "cumulative_loss_usd_bn": round(float(c.cumulative_loss), 6),
                "tolerance_usd_bn": float(c.tolerance),
            },
            "iterations": [it.record() for it in self.iterations],
        }


PART_SOURCES = {
    "lost_supply": "the target plan's exposure table: value_lost_usd_per_unit x (demand - "
    "served_in_cutoff), over the commodities the sender's measures name",
    "parallel_chain": "the target plan's cost of independence (discounted system cost against "
    "its free plan) as a yearly annuity",
    "damage": "lost supply + parallel chain, times damage_multiplier",
    "rent": "rent_share x the damage the side's measures do to its rival",
    "forgone_exports": "the side's exports of the measured commodities to the rival in the "
    "rival's plan flows, at price_share x value_unserved",
    "escalation": "escalation_cost when both restrict fully",
}


def payoff_sources(params: GameParams) -> dict[str, str]:
    """Where each payoff part comes from, and each multiplier's source (payoffs.csv)."""
    return {**PART_SOURCES, **{k: v for k, v in params.sources.items()}}
