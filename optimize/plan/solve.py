"""Hand the Pyomo model to HiGHS as arrays and read the solution back.

Route (measured fastest here, shared/perf-notes.md): Pyomo's ``LinearStandardFormCompiler``
in mixed form gives a sparse A, right-hand sides and the row/column components; we pass them
column-wise to ``highspy`` as one ``HighsLp``. The ``Highs`` object stays alive in a
:class:`Solved` handle so that sweeps change row bounds and re-solve warm instead of
rebuilding.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from enum import Enum

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from optimize.scenario import SolverMethod, SolverOptions

INF = highspy.kHighsInf


class Status(str, Enum):
    """Outcome of one solve. Compare members, never strings."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    NUMERICAL = "numerical"  # HiGHS could not decide (unknown status, numerical trouble)


_STATUS = {
    highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: Status.UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: Status.TIME_LIMIT,
    highspy.HighsModelStatus.kIterationLimit: Status.TIME_LIMIT,
}
_TRUSTED = {Status.OPTIMAL, Status.INFEASIBLE, Status.TIME_LIMIT}
"""Statuses a warm-started re-solve reports as they are; any other is checked from scratch."""


@dataclass
class Timings:
    build_s: float = 0.0
    compile_s: float = 0.0
    solve_s: float = 0.0


@dataclass
class Solved:
    """A compiled model, its live HiGHS instance, and the solution of the last solve."""

    model: pyo.ConcreteModel
    highs: highspy.Highs
    columns: list  # VarData per column
    rows: list  # (ConstraintData, multiplier) per row
    row_index: dict[int, int]  # id(ConstraintData) -> row (the first, if split)
    objective_offset: float
    status: Status = Status.NUMERICAL
    objective: float = math.nan
    timings: Timings = field(default_factory=Timings)
    n_vars: int = 0
    n_rows: int = 0
    nnz: int = 0

    def dual(self, con) -> float:
        """Dual of a constraint (d objective / d right-hand side), or 0 if it was dropped."""
        i = self.row_index.get(id(con))
        if i is None:
            return 0.0
        return float(self.highs.getSolution().row_dual[i])

    def set_row_upper(self, con, upper: float) -> None:
        """Change a <= row's right-hand side in place (sweeps)."""
        i = self.row_index[id(con)]
        lo = self.highs.getLp().row_lower_[i]
        self.highs.changeRowBounds(i, lo, upper)

    def set_row_lower(self, con, lower: float) -> None:
        """Change a >= row's right-hand side in place (searches over target years)."""
        i = self.row_index[id(con)]
        hi = self.highs.getLp().row_upper_[i]
        self.highs.changeRowBounds(i, lower, hi)

    def resolve(self, load_values: bool = True) -> Status:
        """Solve again after bound changes (simplex warm-starts from the last basis).
        ``load_values=False`` leaves the Pyomo variables alone (sweeps read the arrays)."""
        t0 = time.perf_counter()
        self.highs.run()
        if _STATUS.get(self.highs.getModelStatus()) not in _TRUSTED:
            # a warm start after many bound changes can end in a status no bounded LP has
            # (unbounded, numerical trouble): solve again from scratch before reporting it
            self.highs.clearSolver()
            self.highs.run()
        self.timings.solve_s += time.perf_counter() - t0
        self._read(load_values)
        return self.status

    def _read(self, load_values: bool = True) -> None:
        self.status = _STATUS.get(self.highs.getModelStatus(), Status.NUMERICAL)
        if self.status is Status.OPTIMAL or (
            self.status is Status.TIME_LIMIT and self.highs.getInfo().primal_solution_status == 2
        ):
            if load_values:
                values = self.highs.getSolution().col_value
                for var, v in zip(self.columns, values, strict=True):
                    var.set_value(v, skip_validation=True)
            self.objective = self.highs.getInfo().objective_function_value + self.objective_offset
        else:
            self.objective = math.nan


def compile_and_solve(
    m: pyo.ConcreteModel, options: SolverOptions | None = None, build_s: float = 0.0
) -> Solved:
    """Compile ``m`` to standard form, pass it to HiGHS, solve, and load values into ``m``."""
    options = options or SolverOptions()
    t0 = time.perf_counter()
    info = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=pyo.minimize)
    lp = highspy.HighsLp()
    n_cols, n_rows = len(info.columns), len(info.rows)
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    cost = info.c.toarray()[0] if info.c.shape[0] else np.zeros(n_cols)
    lp.col_cost_ = cost
    lp.col_lower_ = np.array([_bound(v.lb, -INF) for v in info.columns], dtype=float)
    lp.col_upper_ = np.array([_bound(v.ub, INF) for v in info.columns], dtype=float)
    rhs = np.asarray(info.rhs, dtype=float)
    mult = np.array([r[1] for r in info.rows], dtype=int)
    lp.row_lower_ = np.where(mult <= 0, rhs, -INF)
    lp.row_upper_ = np.where(mult >= 0, rhs, INF)
    a = info.A.tocsc()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = a.indptr
    lp.a_matrix_.index_ = a.indices
    lp.a_matrix_.value_ = a.data
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if options.method is not SolverMethod.CHOOSE:
        h.setOptionValue("solver", options.method.value)
    if options.time_limit_s:
        h.setOptionValue("time_limit", float(options.time_limit_s))
    if options.threads:
        h.setOptionValue("threads", solver_threads(options.threads))
        # HiGHS's thread pool is global and keeps the count of the first run in the process; a
        # run asking another count fails ('Not Set'). Restart the pool with the count asked.
        h.resetGlobalScheduler(True)
    if options.gap is not None:  # an LP has no MIP gap: IPM's relative duality-gap tolerance
        h.setOptionValue("ipm_optimality_tolerance", float(options.gap))
    h.passModel(lp)
    row_index: dict[int, int] = {}
    for i, (con, _mult) in enumerate(info.rows):
        row_index.setdefault(id(con), i)
    offset = float(info.c_offset[0]) if len(info.c_offset) else 0.0
    solved = Solved(
        model=m,
        highs=h,
        columns=list(info.columns),
        rows=list(info.rows),
        row_index=row_index,
        objective_offset=offset,
        n_vars=n_cols,
        n_rows=n_rows,
        nnz=int(a.nnz),
    )
    solved.timings.build_s = build_s
    solved.timings.compile_s = time.perf_counter() - t0
    # variables that appear nowhere were dropped by the compiler: they are 0 at the optimum
    kept = {id(v) for v in info.columns}
    for var in m.component_data_objects(pyo.Var, active=True):
        if id(var) not in kept and not var.fixed:
            var.set_value(max(0.0, var.lb or 0.0), skip_validation=True)
    solved.resolve()
    return solved


def solver_threads(asked: int) -> int:
    """The threads HiGHS gets: what the scenario asks, never more than this machine has (HiGHS
    allocates per thread; 100,000 ended in std::bad_alloc).

    >>> solver_threads(100_000) == (os.cpu_count() or 1)
    True
    """
    return max(1, min(int(asked), os.cpu_count() or 1))


def _bound(b: float | None, default: float) -> float:
    return default if b is None else float(b)
