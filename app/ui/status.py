"""The status bar: feed state, feed latency, message rate, frame rate — and notices.

DESIGN.md: "A feed that stops delivering data is shown as stale, not as connected". For a
replay the state is what the player does (playing at a speed, paused, seeking, finished, or the
error that stopped it); feed latency is the recorded one (local receive minus exchange time of
the newest print), which is what the trader had on the day.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6 import QtWidgets

from app.feeds.replay_feed import ReplayFeed
from app.ui.frame_clock import FrameClock
from app.ui.transport import speed_label

NS_PER_MS = 1_000_000


def feed_state_text(feed: ReplayFeed) -> str:
    if feed.error is not None:
        return f"replay stopped: {feed.error}"
    if feed.finished:
        return "replay finished"
    if feed.seeking:
        return "seeking…"
    if feed.paused:
        return "paused"
    return f"replay ▶ {speed_label(feed.speed)}"


class StatusLine:
    """Owns the labels in the window's QStatusBar and updates them from feed and frame clock."""

    def __init__(
        self,
        bar: QtWidgets.QStatusBar,
        feed: ReplayFeed,
        frames: FrameClock,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bar = bar
        self.feed = feed
        self.frames = frames
        self._clock = clock
        self.notice = self._label("notice", "")
        self.notice.setVisible(False)
        self.state = self._label("feed_state", "")
        self.latency = self._label("feed_latency", "")
        self.rate = self._label("msg_rate", "")
        self.fps = self._label("frame_rate", "")
        self.errors = self._label("malformed", "")
        self._last_count = 0
        self._last_s = clock()
        self._last_pipeline: object = None

    def _label(self, name: str, text: str) -> QtWidgets.QLabel:
        label = QtWidgets.QLabel(text)
        label.setObjectName(name)
        self.bar.addPermanentWidget(label)
        return label

    def show_notice(self, text: str) -> None:
        """A problem the user must see (damaged layouts file, bad settings) until dismissed."""
        self.notice.setText(f"⚠ {text}")
        self.notice.setToolTip(text)
        self.notice.setVisible(True)
        self.bar.showMessage(text, 15_000)

    def update(self) -> None:
        feed = self.feed
        self.state.setText(feed_state_text(feed))
        session = feed.session
        market = session.market
        tape = market.tape
        if tape.total:
            last = tape.last(1)
            lag_ms = (int(last.receive_ns[0]) - int(last.exchange_ns[0])) / NS_PER_MS
            self.latency.setText(f"feed latency {lag_ms:.0f} ms")
            self.latency.setToolTip(
                "Local receive time minus exchange time of the newest print. Negative means the "
                "receiving machine's clock was behind the exchange's."
            )
        counters = session.pipeline.counters
        now_s = self._clock()
        if session.pipeline is not self._last_pipeline:  # a new session restarts the counters
            self._last_pipeline = session.pipeline
            self._last_count = counters.messages
            self._last_s = now_s
        elapsed = now_s - self._last_s
        if elapsed >= 0.5:
            rate = (counters.messages - self._last_count) / elapsed
            self.rate.setText(f"{rate:,.0f} msg/s")
            self._last_count = counters.messages
            self._last_s = now_s
        stats = self.frames.stats()
        self.fps.setText(f"{stats.fps:.0f} fps · frame p99 {stats.frame_p99_ms:.1f} ms")
        self.fps.setToolTip(
            f"frame p50 {stats.frame_p50_ms:.2f} ms, p99 {stats.frame_p99_ms:.2f} ms; "
            f"receive→pixel p50 {stats.latency_p50_ms:.1f} ms, p99 {stats.latency_p99_ms:.1f} ms"
        )
        bad = counters.malformed
        self.errors.setVisible(bad > 0)
        if bad:
            self.errors.setText(f"{bad} malformed")
            self.errors.setToolTip(counters.last_error)
