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


def schedule_build(
    b: tuple,
    start: int,
    years: tuple[int, int],
    life: int,
    ramp: int,
    payments: list[tuple[int, float]],
    unit_capex: float,
    lists: tuple[dict, dict, dict],
) -> None:
    """Enter build ``b`` (key (r, p, tau) or (r, p, tau, "fast")) in the plan's lists
    ``(online, spend, paid)``: it produces from ``start`` (from the first year if earlier) for
    ``life`` years, ramped over ``ramp`` years, in (r, p, t) of ``online``; it pays
    ``unit_capex`` x share in each (year, share) of ``payments``, in ``spend`` and ``paid``.
    ``years``: (first, last) of the horizon.

    >>> from collections import defaultdict
    >>> on, sp, pd_ = defaultdict(list), defaultdict(list), defaultdict(list)
    >>> schedule_build(("R", "p", 2025), 2027, (2025, 2028), 30, 1, [(2025, 0.5), (2026, 0.5)],
    ...                10.0, (on, sp, pd_))
    >>> on[("R", "p", 2027)], on[("R", "p", 2028)], sorted(on)[0][2]
    ([(('R', 'p', 2025), 0.5)], [(('R', 'p', 2025), 1.0)], 2027)
    >>> sp[2026], pd_[2026]
    ([(('R', 'p', 2025), 5.0)], [(('R', 'p', 2025), 0.5)])
    """
    first, last = years
    online, spend, paid = lists
    for t in range(max(first, start), min(last, start + life - 1) + 1):
        online[(b[0], b[1], t)].append((b, ramp_factor(t - start, ramp)))
    for t, frac in payments:
        spend[t].append((b, unit_capex * frac))
        paid[t].append((b, frac))
