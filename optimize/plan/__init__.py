"""The plan LP of one bloc: its index sets (sets.py), the constraint families (model/, one
function each), compile and solve (solve.py), reading a solution (results.py), the cost of
independence (independence.py), the earliest-year search (earliest.py), and the entry point
that ties them together (run.py).

    >>> from optimize.plan import run_plan, earliest_years, NoSolution, solve_model_data
"""

from optimize.plan.earliest import earliest_years
from optimize.plan.run import NoSolution, run_plan, solve_model_data

__all__ = ["NoSolution", "earliest_years", "run_plan", "solve_model_data"]
