"""When a build pays and produces, and what a year's money is worth today: the three timing
rules of the plan LP (docs/model.md, "Capacity" and "Objective")."""

from __future__ import annotations


def discount_factor(rate: float, year: int, base_year: int) -> float:
    """Present-value factor of a cost in ``year``, discounted to ``base_year``.

    >>> round(discount_factor(0.05, 2027, 2025), 6)
    0.907029
    """
    return (1.0 + rate) ** -(year - base_year)


def ramp_factor(years_online: int, ramp_years: int) -> float:
    """Share of nominal capacity available in the ``years_online``-th year of output (0 = first).

    >>> [ramp_factor(k, 2) for k in range(4)]
    [0.3333333333333333, 0.6666666666666666, 1.0, 1.0]
    >>> ramp_factor(0, 0)
    1.0
    """
    return min(1.0, (years_online + 1) / (ramp_years + 1))


def spend_profile(build_year: int, lead_time: int) -> list[tuple[int, float]]:
    """Years in which a build's capex is paid and the share paid in each: evenly over the lead
    time, starting in the decision year; all at once when the lead time is 0.

    >>> spend_profile(2026, 2)
    [(2026, 0.5), (2027, 0.5)]
    >>> spend_profile(2026, 0)
    [(2026, 1.0)]
    """
    n = max(1, lead_time)
    return [(build_year + k, 1.0 / n) for k in range(n)]
