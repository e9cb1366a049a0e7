"""The status bar's words for a source's state: the replay's as they always were, and the live ones."""

from __future__ import annotations

import pytest

from app.feeds.source import SourceState, SourceStatus
from app.ui.status import state_text


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (SourceStatus(SourceState.PLAYING, "replay", speed=10.0), "replay ▶ 10×"),
        (SourceStatus(SourceState.PLAYING, "replay", speed=0.25), "replay ▶ 0.25×"),
        (SourceStatus(SourceState.PAUSED, "replay", speed=1.0), "paused"),
        (SourceStatus(SourceState.SEEKING, "replay", speed=1.0), "seeking…"),
        (SourceStatus(SourceState.FINISHED, "replay"), "replay finished"),
        (
            SourceStatus(SourceState.FAILED, "replay", error="r.gz: truncated"),
            "replay stopped: r.gz: truncated",
        ),
        (SourceStatus(SourceState.LIVE, "live"), "live"),
        (SourceStatus(SourceState.STALE, "live"), "stale: no data"),
        (SourceStatus(SourceState.RECONNECTING, "live"), "reconnecting…"),
        (SourceStatus(SourceState.RESYNCING, "live"), "resyncing the book…"),
        (SourceStatus(SourceState.FAILED, "live", error="HTTP 451"), "live stopped: HTTP 451"),
    ],
    ids=lambda v: v.state.name if isinstance(v, SourceStatus) else "",
)
def test_each_state_has_its_words(status: SourceStatus, text: str) -> None:
    assert state_text(status) == text


def test_every_state_has_words() -> None:
    for state in SourceState:
        assert state_text(SourceStatus(state, "live", error="x", speed=1.0))


class _Source:
    """Just what the status line reads of a source: its status and its market's tape."""

    def __init__(self, status: SourceStatus) -> None:
        from types import SimpleNamespace

        from app.core.tape import Tape

        self._status = status
        self.binding = SimpleNamespace(market=SimpleNamespace(tape=Tape(4)))

    def status(self) -> SourceStatus:
        return self._status


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("live", "feed latency -1268 ms"),
        ("replay", "recorded latency -1268 ms"),
        ("synthetic", "feed latency -1268 ms"),  # the simulated stamps, not a recorder's clock
    ],
)
def test_a_replay_names_its_latency_as_recorded(qtbot, kind: str, text: str) -> None:
    from PySide6 import QtWidgets

    from app.ui.frame_clock import FrameClock
    from app.ui.status import StatusLine

    window = QtWidgets.QMainWindow()
    qtbot.addWidget(window)
    status = SourceStatus(SourceState.PLAYING if kind == "replay" else SourceState.LIVE, kind)
    source = _Source(SourceStatus(status.state, kind, latency_ns=-1_268_000_000, speed=1.0))
    line = StatusLine(window.statusBar(), source, FrameClock([]))  # type: ignore[arg-type]
    line.update()
    assert line.latency.text() == text
