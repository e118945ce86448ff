"""Low/high ranges of uncertain inputs: capacity lead times (``lead_time_low``,
``lead_time_high``) and their use by the Monte Carlo and the tornado.

A draw is a quantile ``q`` in [0, 1] shared by every capacity row (a common slowdown): the row's
lead time is linear between (0, low), (0.5, lead_time) and (1, high), rounded half up to whole
years. Rows without a range keep their lead time.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from network.errors import Problem

if TYPE_CHECKING:
    from network.dataset import Dataset


def check_lead_time_ranges(
    typed: dict[str, pd.DataFrame],
    where: dict[str, str],
    problems: list[Problem],
    incomplete: frozenset[str],
) -> None:
    """lead_time_low <= lead_time <= lead_time_high wherever the bounds are given."""
    cap = typed["capacity"]
    if cap.empty or "lead_time_low" not in cap.columns:
        return
    for row, rec in cap.iterrows():
        lead = rec["lead_time"]
        for col, side in (("lead_time_low", "above"), ("lead_time_high", "below")):
            bound = rec.get(col)
            if bound is None or pd.isna(bound):
                continue
            if (bound <= lead) if col == "lead_time_low" else (bound >= lead):
                continue
            problems.append(
                Problem(
                    where["capacity"],
                    f"{col} {bound:g} is {side} lead_time {int(lead)}",
                    "give a range that holds the lead time: lead_time_low <= lead_time <= "
                    "lead_time_high",
                    int(row),  # type: ignore[arg-type]
                    col,
                )
            )


def lead_time_at(lead: int, low: float | None, high: float | None, q: float) -> float:
    """The lead time at quantile ``q``: linear from ``low`` (q = 0) through ``lead`` (q = 0.5)
    to ``high`` (q = 1); a missing bound is the lead time itself.

    >>> lead_time_at(8, 3, 12, 0.0), lead_time_at(8, 3, 12, 0.5), lead_time_at(8, 3, 12, 1.0)
    (3.0, 8.0, 12.0)
    >>> lead_time_at(8, 3, 12, 0.25), lead_time_at(8, None, None, 0.9)
    (5.5, 8.0)
    """
    lo = float(lead) if low is None or pd.isna(low) else float(low)
    hi = float(lead) if high is None or pd.isna(high) else float(high)
    if q <= 0.5:
        return lo + (lead - lo) * 2 * q
    return lead + (hi - lead) * (2 * q - 1)


def lead_times_at(data: Dataset, q: float | None, multiplier: float = 1.0) -> tuple[int, ...]:
    """Every capacity row's lead time at quantile ``q`` (None: as given), times ``multiplier``,
    rounded half up to whole years, in capacity-table order."""
    cap = data.capacity
    low = cap["lead_time_low"] if "lead_time_low" in cap.columns else [None] * len(cap)
    high = cap["lead_time_high"] if "lead_time_high" in cap.columns else [None] * len(cap)
    out = []
    for lead, lo, hi in zip(cap["lead_time"], low, high, strict=True):
        base = float(lead) if q is None else lead_time_at(int(lead), lo, hi, q)
        out.append(scaled_years(base, multiplier))
    return tuple(out)


def scaled_years(years: float, multiplier: float) -> int:
    """A lead time times ``multiplier``, rounded half up to whole years (every lead-time scaling
    uses this rule: the lead time and its fast end alike).

    >>> scaled_years(3, 0.5), scaled_years(5, 0.5), scaled_years(8, 1.25)
    (2, 3, 10)
    """
    return int(math.floor(float(years) * multiplier + 0.5))
