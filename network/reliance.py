"""Import reliance of one region as the program measures dependence: the cutoff LP
(network/cutoff.py) with the region as its own bloc and every other region cut off, so the
dependence of a commodity is the share of the region's final demand its own capacity cannot
serve. For a final commodity the region does not export this is USGS's net import reliance
(imports less exports over apparent consumption); tests/test_calibration.py holds the default
data to the USGS figures in the data brief.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from network.cutoff import cutoff_share
from network.dataset import Dataset

SELF, OTHERS = "__self__", "__others__"


def import_reliance(data: Dataset, region: str, year: int) -> pd.Series:
    """Share of ``region``'s final demand of each critical commodity in ``year`` that its own
    capacity cannot serve (index commodity, plus '(chain)')."""
    if region not in data.regions.index:
        raise KeyError(region)
    regions = data.regions.copy()
    regions["bloc"] = [SELF if r == region else OTHERS for r in regions.index]
    alone = dataclasses.replace(data, regions=regions)
    return cutoff_share(alone, SELF, OTHERS, year, neutral_share=0.0)["dependence"]
