"""The settings spec: layout JSON in and out, per-value fallback, and the menu choices it offers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from widgets.base.settings import Flag, IntIn, Matches, OneOf, Setting, SettingsSpec
from widgets.cvd.settings import CVD_SETTINGS, CvdSettings
from widgets.footprint.settings import FOOTPRINT_SETTINGS
from widgets.ladder.settings import LADDER_SETTINGS, LadderSettings


@dataclass(frozen=True, slots=True)
class Demo:
    size: int = 5
    mode: str = "a"
    on: bool = True


DEMO = SettingsSpec(
    Demo,
    (
        Setting("size", IntIn(1, 100), "Size", "{} lots".format, (5, 10, 50), "sorted"),
        Setting("mode", OneOf(("a", "b")), "Mode", str.upper),
        Setting("on", Flag(), "On"),
    ),
    not_mapping="demo: {!r} is not a mapping",
)


def test_valid_values_are_kept_and_round_trip() -> None:
    value, problems = DEMO.from_dict({"size": 42, "mode": "b", "on": False})

    assert value == Demo(42, "b", False)
    assert problems == []
    assert DEMO.from_dict(DEMO.to_dict(value)) == (value, [])


def test_each_bad_value_falls_back_alone_and_is_reported() -> None:
    value, problems = DEMO.from_dict({"size": 0, "mode": "b", "on": 1})

    assert value == Demo(5, "b", True)
    assert problems == ["size: 0 is not valid, using 5", "on: 1 is not valid, using True"]


def test_a_json_true_is_not_a_size() -> None:
    value, problems = DEMO.from_dict({"size": True})

    assert value.size == 5 and len(problems) == 1


def test_not_a_mapping_gives_defaults_and_one_problem() -> None:
    value, problems = DEMO.from_dict([1, 2])  # type: ignore[arg-type]

    assert value == Demo()
    assert problems == ["demo: [1, 2] is not a mapping"]


def test_unknown_keys_are_ignored() -> None:
    assert DEMO.from_dict({"colour": "red"}) == (Demo(), [])


def test_menu_choices_use_labels_and_place_a_custom_value() -> None:
    assert DEMO.menu_choices("mode", "a") == [("A", "a"), ("B", "b")]
    assert DEMO.menu_choices("size", 7) == [("5 lots", 5), ("7 lots", 7), ("10 lots", 10), ("50 lots", 50)]


def test_a_spec_must_name_every_field_in_order() -> None:
    with pytest.raises(ValueError):
        SettingsSpec(Demo, (Setting("size", IntIn(0, 1)),), not_mapping="")


def test_a_rule_may_depend_on_an_earlier_field() -> None:
    settings, problems = FOOTPRINT_SETTINGS.from_dict({"bar_kind": "ticks", "bar_size": 7200})
    timed, timed_problems = FOOTPRINT_SETTINGS.from_dict({"bar_kind": "time", "bar_size": 7200})

    assert (settings.bar_size, problems) == (7200, [])
    assert timed.bar_size == 60 and timed_problems == ["bar_size: 7200 is not valid, using 60"]


def test_the_ladder_menu_offers_the_current_recentre_distance() -> None:
    choices = LADDER_SETTINGS.menu_choices("recenter_ticks", 7)

    assert ("7 ticks", 7) in choices
    assert [v for _, v in choices] == sorted(v for _, v in choices)
    assert LADDER_SETTINGS.to_dict(LadderSettings())["centering"] == "static"


def test_a_custom_session_reset_comes_first_in_the_cvd_menu() -> None:
    assert CVD_SETTINGS.menu_choices("session_reset", "05:15")[0] == ("daily 05:15", "05:15")
    assert CVD_SETTINGS.from_dict({"session_reset": "25:00"})[0] == CvdSettings()


def test_matches_rule_uses_its_predicate() -> None:
    assert Matches(str.isdigit).accepts("12") and not Matches(str.isdigit).accepts("x")
