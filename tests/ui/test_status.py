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
