"""Variants of one scenario on one compiled plan LP: move right-hand sides, re-solve warm.

A :class:`Variant` names the values that differ from the scenario. They fall in two groups:

* **right-hand sides, bounds and costs** (one compiled model serves them all): the budget
  (rows ``budget_year``/``budget_chain``), the target year (rows ``target``), the capex
  multiplier (build columns' costs, and budget rows divided by it: every budget row holds only
  capex terms), the demand growth multiplier (balance, target and restriction right-hand
  sides; unserved and served bounds) and the rival's restriction start year (bans are column
  bounds, caps are rows switched off with an infinite right-hand side);
* **the matrix** (a new model per distinct value): the lead-time multiplier (lead times are
  whole years, ``round(lead * multiplier)``, so many multipliers share one model), the
  discount rate and the restriction set.

:class:`SweepModel` is one compiled model for one structure; :func:`solve_variants` keeps a
small cache of them so that a worker builds each structure once and sweeps many variants.
After each solve the row is read off the solution arrays: discounted and undiscounted cost,
spend, the self-sufficiency year of each critical commodity and of the chain (cutoff shares
of the plan's capacity, scanned back from the horizon's end), the value of budget, and
optionally the earliest feasible chain year (a binary search on the target rows, slower).
"""

from optimize.sweep.model import SweepModel
from optimize.sweep.run import clear_cache, model_for, solve_variants
from optimize.sweep.variants import (
    BN,
    PLACEHOLDER_BUDGET_BN,
    Structure,
    SweepSettings,
    Variant,
    budget_mode,
    fast_ends,
    lead_times,
    scaled_demand,
    structure_of,
    target_shares,
    variant_inputs,
)

__all__ = [
    "BN",
    "PLACEHOLDER_BUDGET_BN",
    "Structure",
    "SweepModel",
    "SweepSettings",
    "Variant",
    "budget_mode",
    "clear_cache",
    "fast_ends",
    "lead_times",
    "model_for",
    "scaled_demand",
    "solve_variants",
    "structure_of",
    "target_shares",
    "variant_inputs",
]
