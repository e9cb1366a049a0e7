"""The catalogue: stable names, a clear error for a wrong one, and a pace that rises with the streak."""

from __future__ import annotations

import itertools

import pytest

from app.core.drills.catalogue import CATALOGUE, Family, UnknownDrill, drill_names, get_drill


def test_the_names_the_history_is_keyed_by_are_all_there() -> None:
    names = ["exec-basic", "exec-pace", "fade-absorption", "ride-sweep", "exit-pulled-wall"]
    assert drill_names()[:5] == names
    for name, spec in CATALOGUE.items():
        assert spec.name == name
        assert (spec.signal is None) == (spec.family is Family.EXECUTION)


def test_an_unknown_name_says_which_names_there_are() -> None:
    with pytest.raises(UnknownDrill) as caught:
        get_drill("fade-the-wall")
    message = str(caught.value)
    assert "fade-the-wall" in message and "exec-basic" in message and "ride-sweep" in message
    assert "\n" not in message


def test_the_pace_drill_allows_less_time_after_every_correct_answer_down_to_its_floor() -> None:
    spec = get_drill("exec-pace")
    limits = [spec.limit_after(streak) for streak in range(30)]
    assert limits[0] == spec.limit_ms
    assert all(b <= a for a, b in itertools.pairwise(limits))
    assert limits[3] < limits[0]
    assert limits[-1] == spec.min_limit_ms


def test_the_basic_drill_keeps_its_pace() -> None:
    spec = get_drill("exec-basic")
    assert {spec.limit_after(s) for s in range(20)} == {spec.limit_ms}
