"""Origin of restricted goods: the rival's material may not reach the bloc through a neutral
region.

For every restricted (commodity c, year t) and every neutral region n that can import c from
the rival (only there can the row bind: without rival imports the balance already implies it):

    sum_{i in R_B} flow[n,i,c,t]
      + [processed] sum_{d != c} content[n,d,c] * sum_{i in R_B} flow[n,i,d,t]
    <= sum_p yield[p,c] * prod[n,p,t] + sum_{e not in R_X} flow[e,n,c,t]

content[n,d,c] is c per unit of d in the processes n can run that make d from c (the least of
them: one step of processing). Rows exist only for restricted (c, t), so the family stays
sparse.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from optimize.plan.sets import Key3, ModelData


def origin_rows(d: ModelData) -> dict[Key3, dict[str, list]]:
    """(neutral region, c, t) -> {'out': [(coef, flow key)], 'own': [(coef, prod/flow key)]}
    for every row of the family; plain data, so tests and reports can read it."""
    if not d.origin:
        return {}
    planner, rival = set(d.planner_regions), set(d.rival_regions)
    into_bloc: dict[tuple[str, str], list] = defaultdict(list)  # (n, c) -> arcs n -> bloc
    imports: dict[tuple[str, str], list] = defaultdict(list)  # (n, c) -> arcs into n
    for a in d.arcs:
        e, i, c = a
        if e not in planner and e not in rival and i in planner:
            into_bloc[(e, c)].append(a)
        if i not in planner and i not in rival:
            imports[(i, c)].append(a)
    runs: dict[tuple[str, int], list[str]] = defaultdict(list)  # (n, t) -> processes
    for r, p, t in d.prod_keys:
        if r not in planner and r not in rival:
            runs[(r, t)].append(p)
    neutral = sorted({r for r, _t in runs} | {n for n, _c in imports})
    rows: dict[Key3, dict[str, list]] = {}
    for (c, t), processed in sorted(d.origin.items()):
        for n in neutral:
            if not any(a[0] in rival for a in imports.get((n, c), [])):
                continue  # no rival c reaches n
            out = [(1.0, (*a, t)) for a in into_bloc.get((n, c), [])]
            if processed:
                for dd, k in content(d, runs.get((n, t), []), c).items():
                    out += [(k, (*a, t)) for a in into_bloc.get((n, dd), [])]
            if not out:
                continue
            own = [
                (d.yields[p].get(c, 0.0), ("prod", n, p, t))
                for p in runs.get((n, t), [])
                if d.yields[p].get(c, 0.0) > 0
            ]
            own += [(1.0, (*a, t)) for a in imports.get((n, c), []) if a[0] not in rival]
            rows[(n, c, t)] = {"out": out, "own": own}
    return rows


def content(d: ModelData, processes: list[str], c: str) -> dict[str, float]:
    """c per unit of each other output d of the given processes that consume c (the least
    over processes making the same d)."""
    out: dict[str, float] = {}
    for p in processes:
        a = d.recipe[p].get(c, 0.0)
        if a <= 0:
            continue
        for dd, y in d.yields[p].items():
            if dd != c and y > 0:
                out[dd] = min(out.get(dd, a / y), a / y)
    return out


def add_origin(m: pyo.ConcreteModel, d: ModelData) -> None:
    """One row per (neutral region, restricted commodity, year) that can bind (see module):
    the neutral region's exports of c (and, if processed content counts, of goods made from
    c) to the bloc are covered by its own production of c and its imports from non-rival
    regions."""
    rows = origin_rows(d)
    if not rows:
        return

    def var(key: tuple):
        return m.prod[key[1:]] if key[0] == "prod" else m.flow[key]

    m.origin = pyo.Constraint(
        sorted(rows),
        rule=lambda m, *k: (
            sum(a * var(key) for a, key in rows[k]["out"])
            - sum(a * var(key) for a, key in rows[k]["own"])
            <= 0
        ),
    )
