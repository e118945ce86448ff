"""Trust tags: rows counted by tag per input group, the U rows under each headline answer, and
the listing of unverified rows (tiny dataset: every row U unless a test retags it)."""

from __future__ import annotations

import pytest
from conftest import read_tiny_frames

from network.errors import DataError
from network.trust import (
    headline_reliance,
    trust_counts,
    trust_lines,
    trust_summary,
    unverified_rows,
)
from network.validate import dataset_from_frames


def tiny(**tags: dict[int, str]):
    """The tiny dataset with ``table={frame row: tag}`` retagged."""
    frames = read_tiny_frames()
    for table, rows in tags.items():
        for i, tag in rows.items():
            frames[table].loc[i, "trust"] = tag
    return dataset_from_frames(frames)


def test_counts_by_tag_per_input_group():
    # capacity rows 0-1 sourced (P, D), projects row 0 S; routes: 2 rows behind many arcs
    data = tiny(capacity={0: "P", 1: "D"}, projects={0: "S"})
    c = trust_counts(data)
    assert c.loc["existing capacity"].to_dict() == {"P": 1, "S": 0, "D": 1, "U": 5, "rows": 7}
    assert c.loc["build parameters"].to_dict() == {"P": 0, "S": 0, "D": 0, "U": 7, "rows": 7}
    assert c.loc["projects", "S"] == 1
    assert c.loc["routes"].to_dict() == {"P": 0, "S": 0, "D": 0, "U": 2, "rows": 2}
    assert c.loc["values of lost supply", "rows"] == 3


def test_headlines_name_the_u_rows_they_rest_on():
    data = tiny(capacity={0: "P", 1: "P", 2: "P", 3: "P", 4: "P", 5: "P", 6: "P"})
    rel = headline_reliance(data)
    earliest = rel.loc["chain's earliest year"]
    assert "existing capacity" not in earliest["unverified inputs"]  # all P now
    assert "build parameters 7/7" in earliest["unverified inputs"]
    assert "values of lost supply" not in earliest["unverified inputs"]  # not an input of it
    assert "values of lost supply 3/3" in rel.loc["cost of independence", "unverified inputs"]
    base = rel.loc["base-year dependence"]
    assert base["U rows"] == base["rows"] - 7  # everything but the 7 P capacity rows


def test_unverified_rows_list_rows_and_build_parameters():
    data = tiny(capacity={0: "P"})
    rows = unverified_rows(data)
    cap = rows[rows["table"] == "capacity"]
    assert ("USA/mining", "row") not in set(zip(cap["key"], cap["what"], strict=True))
    assert ("USA/mining", "build parameters") in set(zip(cap["key"], cap["what"], strict=True))
    assert sorted(rows.loc[rows["table"] == "routes", "key"]) == ["row 2", "row 3"]


def test_summary_and_terminal_lines():
    s = trust_summary(tiny(capacity={0: "P"}))
    assert s["totals"]["P"] == 1
    lines = trust_lines(s)
    assert lines[0].endswith("P 1, S 0, D 0, U " + str(s["totals"]["U"]))
    assert any(line.startswith("  chain's earliest year: existing capacity 6/7") for line in lines)
    assert trust_lines(None) == []


def test_frames_without_trust_are_u_but_a_bad_tag_is_refused():
    frames = read_tiny_frames()
    del frames["regions"]["trust"]
    assert set(dataset_from_frames(frames).regions["trust"]) == {"U"}
    frames = read_tiny_frames()
    frames["regions"].loc[0, "trust"] = "X"
    with pytest.raises(DataError, match="regions, row 2, column 'trust': 'X' is not one of P"):
        dataset_from_frames(frames)
