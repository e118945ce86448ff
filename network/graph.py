"""The supply network as a networkx graph, for dependency tracing.

Nodes are (region, commodity) pairs. A process in a region adds an edge from each of its
inputs to its output in that region (``kind='process'``, with the process, recipe amount and
capacity in the given year); a trade route adds an edge from (exporter, c) to (importer, c)
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
    outputs = data.processes["output"]
    producing: set[tuple[str, str]] = set()
    for (r, p), capacity in cap.items():
        out = (r, outputs[p])
        producing.add(out)
        g.add_node(out)
        for c, amount in data.recipe[p].items():
            g.add_edge((r, c), out, kind="process", process=p, amount=amount, capacity=capacity)
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
    outputs = data.processes["output"]
    for p, c in data.process_inputs.index:
        g.add_edge(c, outputs[p])
    return nx.ancestors(g, commodity) if commodity in g else set()
