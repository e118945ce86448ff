"""Trust tags (P, S, D, U) of the data rows: the wording check and the counts by tag.

Every row of every table carries ``trust``: P primary source read directly, S secondary, D
derived by arithmetic on sourced figures, U unverified (an assumption). Capacity rows also carry
``build_trust`` for their build parameters. The workbook and the terminal count rows by tag and
name the U inputs each headline answer rests on, through :func:`trust_counts` and
:func:`headline_reliance`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from network.errors import Problem
from network.schema import TABLES, TRUST_TAGS

if TYPE_CHECKING:
    from network.dataset import Dataset

ASSUMPTION_WORD = "assumption"
SOURCED = ("P", "S")


def check_trust_wording(
    typed: dict[str, pd.DataFrame],
    where: dict[str, str],
    problems: list[Problem],
    incomplete: frozenset[str],
) -> None:
    """A row tagged P or S (sourced) does not call its figures an assumption in ``source``."""
    for spec in TABLES:
        df = typed[spec.name]
        if df.empty or "trust" not in df.columns:
            continue
        for row, tag, source in zip(df.index, df["trust"], df["source"], strict=True):
            if tag in SOURCED and ASSUMPTION_WORD in str(source).casefold():
                problems.append(
                    Problem(
                        where[spec.name],
                        f"the row is tagged {tag} (sourced) but its source says "
                        f"'{ASSUMPTION_WORD}'",
                        "tag the row U (or D if derived) or cite the source of every figure",
                        int(row),
                        "trust",
                    )
                )
