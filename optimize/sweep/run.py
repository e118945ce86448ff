"""Many variants: a small cache of compiled models (one per structure) and
:func:`solve_variants`, which solves each variant on its structure's model.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from network.dataset import Dataset
from optimize.scenario import Scenario
from optimize.sweep.model import SweepModel
from optimize.sweep.variants import SweepSettings, Variant, structure_of

# ---------------------------------------------------------------------------------------
# many variants


MODEL_CACHE_SIZE = 4
_CACHE: OrderedDict[tuple, SweepModel] = OrderedDict()


def model_for(
    data: Dataset, sc: Scenario, v: Variant, settings: SweepSettings, cache_key: Any = None
) -> SweepModel:
    """The cached compiled model for ``v``'s structure (built on first use). ``cache_key``
    identifies the inputs (e.g. their hash); without it the objects' identities are used."""
    st = structure_of(v, data, sc, settings)
    key = (cache_key if cache_key is not None else (id(data), id(sc)), repr(settings), st)
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    sm = SweepModel(data, sc, st, settings)
    _CACHE[key] = sm
    while len(_CACHE) > MODEL_CACHE_SIZE:
        _CACHE.popitem(last=False)
    return sm


def clear_cache() -> None:
    _CACHE.clear()


def solve_variants(
    data: Dataset,
    sc: Scenario,
    variants: Iterable[Variant],
    settings: SweepSettings,
    cache_key: Any = None,
    on_solve: Callable[[Variant], None] | None = None,
) -> Iterator[tuple[Variant, dict[str, Any]]]:
    """Solve each variant on its structure's cached model; yield (variant, row). A variant that
    raises is yielded with status 'failed' and the error; the others go on."""
    for v in variants:
        try:
            sm = model_for(data, sc, v, settings, cache_key)
            if on_solve is not None:
                on_solve(v)
            row = sm.solve(v)
        except Exception as exc:  # one bad variant must not sink the sweep
            row = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
        yield v, row
