"""The status bar: source state, feed latency, message rate, frame rate — and notices.

"A feed that stops delivering data is shown as stale, not as connected" (docs/ARCHITECTURE.md). The bar
reads one `SourceStatus` (app/feeds/source.py) per update, whatever the source: for a replay the
state is what the player does (playing at a speed, paused, seeking, finished, or the error that
stopped it) and the feed latency is the recorded one (local receive minus exchange time of the
newest print), which is what the trader had on the day; a live source says live, stale,
reconnecting or resyncing. The message rate is derived here from successive counts, and
restarts with each new session of the source.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6 import QtWidgets

from app.core.units import NS_PER_MS
from app.feeds.aggregate_source import AggregateSource
from app.feeds.source import MarketSource, SourceState, SourceStatus
from app.ui.frame_clock import FrameClock
from app.ui.run_report import peak_rss_mb
from app.ui.transport import speed_label

MAX_NOTICES = 200

_STATE_WORDS = {
    SourceState.LIVE: "live",
    SourceState.STALE: "stale: no data",
    SourceState.RECONNECTING: "reconnecting…",
    SourceState.RESYNCING: "resyncing the book…",
    SourceState.SEEKING: "seeking…",
    SourceState.PAUSED: "paused",
}


def state_text(status: SourceStatus) -> str:
    """The source's state in a few words: what it does, or the error that stopped it."""
    state = status.state
    if state is SourceState.FAILED:
        return f"{status.kind} stopped: {status.error}"
    if state is SourceState.FINISHED:
        return f"{status.kind} finished"
    if state is SourceState.PLAYING:
        speed = f" {speed_label(status.speed)}" if status.speed is not None else ""
        return f"{status.kind} ▶{speed}"
    if state in (SourceState.STALE, SourceState.RECONNECTING) and status.error:
        return f"{state.value}: {status.error}"  # which stream is silent, or why the socket fails
    return _STATE_WORDS[state]


class StatusLine:
    """Owns the labels in the window's QStatusBar and updates them from source and frame clock."""

    def __init__(
        self,
        bar: QtWidgets.QStatusBar,
        source: MarketSource,
        frames: FrameClock,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bar = bar
        self.source = source
        self.frames = frames
        self._clock = clock
        self.notices: list[tuple[str, str]] = []  # (local time, text), oldest first
        self.notice = self._label("notice", "")
        self.notice.setVisible(False)
        self.state = self._label("feed_state", "")
        self.latency = self._label("feed_latency", "")
        self.rate = self._label("msg_rate", "")
        self.fps = self._label("frame_rate", "")
        self.errors = self._label("malformed", "")
        self._last_count = 0
        self._last_s = clock()
        self._last_session: int | None = None

    def _label(self, name: str, text: str) -> QtWidgets.QLabel:
        label = QtWidgets.QLabel(text)
        label.setObjectName(name)
        self.bar.addPermanentWidget(label)
        return label

    def show_notice(self, text: str) -> None:
        """A problem the user must see (damaged layouts file, bad settings) until dismissed.
        Every notice is kept (Help → Notices… lists them): three at start must not leave only
        the last one to be seen."""
        self.notices.append((time.strftime("%H:%M:%S"), text))
        del self.notices[:-MAX_NOTICES]
        self.notice.setText(f"⚠ {text}")
        more = f" ({len(self.notices)} notices: Help → Notices…)" if len(self.notices) > 1 else ""
        self.notice.setToolTip(text + more)
        self.notice.setVisible(True)
        self.bar.showMessage(text, 15_000)

    def update(self) -> None:
        status = self.source.status()
        if isinstance(self.source, AggregateSource):  # each feed's health, not only the best
            self.state.setText(" · ".join(f"{n} {state_text(s)}" for n, s in self.source.leg_statuses()))
        else:
            self.state.setText(state_text(status))
        if status.latency_ns is not None:
            lag_ms = status.latency_ns / NS_PER_MS
            live = status.kind == "live"
            # a replay's latency is the recorder's (its clock may have been off): say so
            recorded = status.kind == "replay"
            self.latency.setText(f"{'recorded' if recorded else 'feed'} latency {lag_ms:.0f} ms")
            self.latency.setToolTip(
                "Exchange time of the newest print to its local receive, with this machine's clock "
                "error measured against the venue's clock and taken out."
                if live
                else "Local receive time minus exchange time of the newest print, as recorded. "
                "Negative means the receiving machine's clock was behind the exchange's."
                if recorded
                else "The simulated delay between the synthetic exchange and this machine."
            )
        now_s = self._clock()
        if status.session != self._last_session:  # a new session restarts the counters
            self._last_session = status.session
            self._last_count = status.messages
            self._last_s = now_s
        elapsed = now_s - self._last_s
        if elapsed >= 0.5:
            rate = (status.messages - self._last_count) / elapsed
            self.rate.setText(f"{rate:,.0f} msg/s")
            self._last_count = status.messages
            self._last_s = now_s
        stats = self.frames.stats()
        self.fps.setText(
            f"{stats.fps:.0f} fps · frame p99 {stats.frame_p99_ms:.1f} ms"
            f" · receive→pixel p99 {stats.latency_p99_ms:.0f} ms"
        )
        self.fps.setToolTip(
            f"Last 240 frames: frame p50 {stats.frame_p50_ms:.2f} ms, p99 {stats.frame_p99_ms:.2f} ms; "
            f"receive→pixel p50 {stats.latency_p50_ms:.1f} ms, p99 {stats.latency_p99_ms:.1f} ms. "
            f"{status.messages:,} messages, {self.source.binding.market.tape.total:,} prints this session; "
            f"peak memory {peak_rss_mb():.0f} MB. The whole run's figures: --stats-out FILE.json."
        )
        bad = status.malformed
        self.errors.setVisible(bad > 0 or status.gaps > 0)
        parts = [f"{bad} malformed"] if bad else []
        if status.gaps:
            parts.append(f"{status.gaps} gap{'s' if status.gaps != 1 else ''} · {status.resyncs} resynced")
        if parts:
            self.errors.setText(" · ".join(parts))
            self.errors.setToolTip(status.last_error)
