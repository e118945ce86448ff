"""Lifting a compiled plan's limits by bounds, to name the one that binds.

An infeasible plan, or a year the earliest-year search cannot reach, is explained by lifting
limits in turn on the same compiled model: the budget (budget rows' right-hand sides to
infinity), then the build limit too (build columns' upper bounds, and the rows fast-tracked and
ordinary builds share, x 1e6). :class:`Limits` holds where those bounds sit and their values;
``lift(budget, build_limit)`` sets them, ``lift(False, False)`` restores them as they were at
construction or the last ``snapshot()``. Used by the
earliest-year search (earliest.py), the plan's diagnosis and the sweep (optimize/sweep/).
"""

from __future__ import annotations

import numpy as np

from optimize.plan.fast import build_vars
from optimize.plan.sets import ModelData
from optimize.plan.solve import INF, Solved

LIFT = 1e6  # a lifted build limit: large against any build, finite for the solver


class Limits:
    """The budget rows and build limits of ``solved``'s model, liftable by bounds."""

    def __init__(self, d: ModelData, solved: Solved) -> None:
        self.highs = solved.highs
        m, s = solved.model, solved
        rows: set[int] = set()
        for name in ("budget_year", "budget_chain"):
            comp = getattr(m, name, None)
            if comp is not None:
                rows |= {s.row_index[id(c)] for c in comp.values() if id(c) in s.row_index}
        total = getattr(m, "budget_total", None)
        if total is not None and id(total) in s.row_index:
            rows.add(s.row_index[id(total)])
        self.budget_rows = np.array(sorted(rows), dtype=np.int32)
        col_of = {id(v): j for j, v in enumerate(s.columns)}
        self.build_cols = np.array(
            [col_of[id(v)] for _b, v, _c in build_vars(m, d) if id(v) in col_of], dtype=np.int32
        )
        shared = getattr(m, "build_limit", None)
        self.shared_rows = np.array(
            []
            if shared is None
            else [s.row_index[id(c)] for c in shared.values() if id(c) in s.row_index],
            dtype=np.int32,
        )
        self.snapshot()

    def snapshot(self) -> None:
        """Take the current bounds as the ones ``lift(False, False)`` restores."""
        lp = self.highs.getLp()
        row_lo, row_hi = np.asarray(lp.row_lower_, float), np.asarray(lp.row_upper_, float)
        col_lo, col_hi = np.asarray(lp.col_lower_, float), np.asarray(lp.col_upper_, float)
        self._budget = (row_lo[self.budget_rows], row_hi[self.budget_rows])
        self._cols = (col_lo[self.build_cols], col_hi[self.build_cols])
        self._shared = (row_lo[self.shared_rows], row_hi[self.shared_rows])

    def lift(self, budget: bool, build_limit: bool) -> None:
        """Lift (True) or restore (False) the budget rows and the build limits."""
        h = self.highs
        if len(self.budget_rows):
            lo, hi = self._budget
            h.changeRowsBounds(
                len(lo), self.budget_rows, lo, np.full(len(hi), INF) if budget else hi
            )
        if len(self.build_cols):
            lo, hi = self._cols
            h.changeColsBounds(len(lo), self.build_cols, lo, hi * LIFT if build_limit else hi)
        if len(self.shared_rows):
            lo, hi = self._shared
            h.changeRowsBounds(len(lo), self.shared_rows, lo, hi * LIFT if build_limit else hi)
