"""The supply network as a networkx graph, for dependency tracing.

Nodes are (region, commodity) pairs. A process in a region adds an edge from each of its
inputs to each of its outputs in that region (``kind='process'``, with the process, the input
per unit of that output and the output capacity, activity capacity times output per activity,
in the given year); a trade route adds an edge from (exporter, c) to (importer, c)
(``kind='route'``, with its cost). Node attributes: ``bloc``, ``demand`` in the given year.
"""

from __future__ import annotations

import networkx as nx

from network.dataset import Dataset


def build_graph(data: Dataset, year: int) -> nx.MultiDiGraph:
    """The network in ``year`` (capacity = existing + projects online by then)."""
    g = nx.MultiDiGraph()
    blocs = data.regions["bloc"]
    demand = data.demand_in([year]).droplevel("year")
    cap = data.capacity_in(year)
    producing: set[tuple[str, str]] = set()
    for (r, p), capacity in cap.items():
        for o, per_activity in data.yields[p].items():
            out = (r, o)
            producing.add(out)
            g.add_node(out)
            for c, per_act in data.inputs[p].items():
                g.add_edge(
                    (r, c),
                    out,
                    kind="process",
                    process=p,
                    amount=per_act / per_activity,
                    capacity=capacity * per_activity,
                )
    for (e, i, c), cost in data.routes["cost"].items():
        if (e, c) in producing or (e, c) in g:
            g.add_edge((e, c), (i, c), kind="route", cost=cost)
    for node in g.nodes:
        g.nodes[node]["bloc"] = blocs[node[0]]
        g.nodes[node]["demand"] = float(demand.get(node, 0.0))
    return g


def upstream(g: nx.MultiDiGraph, region: str, commodity: str) -> set[tuple[str, str]]:
    """Every (region, commodity) node the supply of ``commodity`` in ``region`` can draw on."""
    node = (region, commodity)
    return nx.ancestors(g, node) if node in g else set()


def upstream_commodities(data: Dataset, commodity: str) -> set[str]:
    """Commodities that enter, directly or through other processes, the making of
    ``commodity``."""
    g = nx.DiGraph()
    for p, c in data.process_inputs.index:
        for o in data.yields[p]:
            g.add_edge(c, o)
    return nx.ancestors(g, commodity) if commodity in g else set()
