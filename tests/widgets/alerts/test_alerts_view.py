"""The alert log's own settings (the kinds it hides), as a layout stores them: bad values fall back."""

from __future__ import annotations

from app.core.signals.kinds import SignalKind
from widgets.alerts import AlertsView


def test_hidden_kinds_round_trip_and_a_bad_value_falls_back_alone(qtbot) -> None:
    view = AlertsView()
    qtbot.addWidget(view)

    assert view.apply_settings({"hidden_kinds": ["sweep", "no_such_kind"]}) == [
        "hidden_kinds: unknown signal kind 'no_such_kind' ignored"
    ]
    assert view.shown_kinds == frozenset(SignalKind) - {SignalKind.SWEEP}
    assert not view.kind_actions[SignalKind.SWEEP].isChecked()
    assert view.settings() == {"hidden_kinds": ["sweep"]}

    problems = view.apply_settings({"hidden_kinds": "sweep"})
    assert len(problems) == 1 and "not a list" in problems[0]
    assert view.shown_kinds == frozenset(SignalKind)
    assert view.apply_settings({}) == [] and view.settings() == {"hidden_kinds": []}
