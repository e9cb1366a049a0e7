"""Paced replay: recordings played at `speed` × real time, the replay source the GUI runs.

`run_replay` (app/feeds/replay.py) plays a recording as fast as possible for a summary; the
workstation instead needs the market to unfold as it did, so that a scalper can practise against
it. `ReplayFeed.run()` is an asyncio task (on the Qt thread through qasync, docs/ARCHITECTURE.md) that
paces the recorded local receive timestamps against a clock and pushes the lines through the same
`IngestPipeline` a live feed uses, so the rest of the app cannot tell replay from live.

Pacing. A replay clock maps clock time to market time: `anchor_ns + (now_s - anchor_s) × speed`.
Every change to the pacing (pause, resume, speed, seek, restart, start or end of `run()`)
first re-anchors the mapping at the current market time, so the replay clock never jumps. On each
wake-up every line whose receive time has come is fed as ONE batch (one batch per event-loop
wake-up, the frame clock repaints at its own pace: docs/ARCHITECTURE.md), then the task sleeps until
the next line is due, at most MAX_SLEEP_S so that controls take effect promptly. A wake-up also
takes the lines due within the next COALESCE_S (1 ms of clock): a recorded burst, whose lines are
microseconds apart, then goes in one batch instead of its first line alone and the rest a wake-up
later. So the first line of a batch is fed when due (plus the event loop's wake-up latency, ~1 ms
on qasync, docs/ARCHITECTURE.md), the others up to COALESCE_S early; `market_ns` may run up to
COALESCE_S × speed ahead of the replay clock, never more.

Bursts. A batch is capped (`max_batch_lines`) so that a 100× burst cannot freeze the UI thread.
When a wake-up finds more due lines than the cap, the replay clock is re-anchored at the newest
line fed and the task yields (sleep 0) before the next batch: the backlog never exceeds one
wake-up, and a machine that cannot keep up plays slower than asked instead of falling ever
further behind (which would make pause and speed changes feel broken).

Receive times are paced as their running maximum: a line stamped earlier than its predecessor
(or with no readable stamp) is due together with the line before it; the pipeline still counts a
stampless line as malformed.

Seeking. A book needs its snapshot, so a seek backwards (and any seek after a read error)
builds a fresh session and fast-forwards from the start of the recording. A seek forwards
continues in the current session: feeding the lines in between reaches exactly the state a
fresh session would (the pipeline is batching-invariant; the tests check it), and a skip ahead
in a day-long recording must not replay the whole day. Fast-forwarding goes in capped batches
with a yield between them, so the UI keeps painting during a long seek (`seeking` is True).

End of the recording. `end_ns` is None until known. `run()` starts a scan in a worker thread that
reads the files through and takes the stamp of the last line (gzip has no index to seek to the
end), so that a seek bar gets its range long before playback reaches the end: ~0.1 s for the
bundled 6-minute BTCUSDT recording, most of it inside zlib, which releases the GIL. The end of the
first full pass then sets it exactly. The scan stops when `run()` ends.

Errors. A recording that becomes unreadable mid-replay (a truncated gzip, a file gone when a
seek reopens it) stops the feed: the lines before the damage have been played, `error` holds the
one-line reason, `finished` is True and `run()` returns normally; the reason is logged as a
warning. `restart()` or `jump_to()` clear it and try again. Bad input at construction (missing
file, unknown venue) raises ReplayError at once, as `open_replay` does.

All controls are plain methods for the thread that runs the event loop (the Qt thread under
qasync); they take effect at the feed's next wake-up. No Qt here (docs/ARCHITECTURE.md, "Layers").
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from app.core.footprint import BarSpec
from app.core.sessions import SessionSchedule
from app.feeds.line_cursor import LineCursor, as_generator, scan_end_ns
from app.feeds.recording import RecordingError
from app.feeds.replay import ReplayError, ReplaySession, open_replay
from app.feeds.source import (
    MarketBinding,
    SourceBase,
    SourceState,
    SourceStatus,
    print_latency_ns,
)

__all__ = ["MAX_SPEED", "MIN_SPEED", "ReplayFeed", "clamp_speed", "scan_end_ns"]

log = logging.getLogger(__name__)

MIN_SPEED = 0.25
MAX_SPEED = 100.0
MAX_SLEEP_S = 0.05  # the longest the feed sleeps between looks at its controls
MIN_SLEEP_S = 0.001  # no busy wake-ups: dense flow is coalesced into batches
COALESCE_S = 0.001  # a wake-up also takes the lines due within this much clock time
MAX_FED_STAMPS = 10_000
MAX_BATCH_LINES = 5_000  # ~30 ms of pipeline work (docs/BENCHMARKS.md: ~6 µs a message with BBO check)

Clock = Callable[[], float]
"""Seconds, monotonic (time.monotonic); injectable so tests can drive virtual time."""
Sleep = Callable[[float], Awaitable[object]]
"""`await sleep(seconds)` (asyncio.sleep); injectable together with the clock."""


def clamp_speed(speed: float) -> float:
    """Speed limited to MIN_SPEED..MAX_SPEED; NaN is a programming error, not a speed."""
    if math.isnan(speed):
        raise ValueError("replay speed is NaN")
    return min(MAX_SPEED, max(MIN_SPEED, float(speed)))


class ReplayFeed(SourceBase):
    """Plays recordings through the ingest pipeline at `speed` × real time (see the module doc).

    A `MarketSource` and a `Transport` (app/feeds/source.py). `session` is the current
    ReplaySession (instrument, market, pipeline); it is replaced on restart, on a backward seek
    and when `loop=True` starts over, and every session the feed plays, the first included, is
    announced to the session subscribers from inside `run()` (with `feed.session` already the
    new one) so that the UI rebinds its views to the new market state.
    """

    kind = "replay"  # what the status bar calls this source

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        speed: float = 1.0,
        loop: bool = False,
        bar_spec: BarSpec | None = None,
        sessions: SessionSchedule | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        max_batch_lines: int = MAX_BATCH_LINES,
        scan_end: bool = True,
        summary: bool = False,
    ) -> None:
        if max_batch_lines < 1:
            raise ValueError("max_batch_lines must be at least 1")
        super().__init__()
        self.paths = tuple(Path(p) for p in paths)
        self.loop = loop
        self._bar_spec = bar_spec
        self._sessions = sessions
        self._summary = summary  # the aggregates only `replay --summary` reads: off for a window
        self._clock = clock
        self._sleep = sleep
        self._max_batch_lines = max_batch_lines
        self._scan_end = scan_end
        self._speed = clamp_speed(speed)

        # The first session is opened here so that bad input fails at once, with a message.
        self.session, self._cursor = self._open()
        try:
            start_ns = self._cursor.first_stamp_ns()
        except RecordingError as exc:
            raise ReplayError(str(exc)) from exc
        if start_ns is None:
            raise ReplayError(f"{self.paths[0]}: no line with a receive timestamp")
        self._start_ns: int = start_ns
        self._end_ns: int | None = None
        self.sessions_started = 1
        self._announced = False  # the first session is announced from run()

        self._market_ns: int | None = None
        self._anchor_ns = start_ns  # replay clock = anchor_ns + (now - anchor_s) × speed
        self._anchor_s = 0.0
        self._running = False
        self._paused = False
        self._finished = False
        self._broken = False  # the current session's reader failed: any seek must reopen
        self._error: str | None = None
        self._seek_ns: int | None = None
        self._restart_requested = False
        self._fed_s: list[float] = []  # clock time of each batch fed and not yet taken
        self._stop_requested = False
        self.binding = self._bind()

    # -- the source seam ---------------------------------------------------------------------

    @property
    def title(self) -> str:
        return f"{self.session.instrument.symbol} replay · {self.paths[0].name}"

    def status(self) -> SourceStatus:
        counters = self.session.pipeline.counters
        sync = self.session.pipeline.sync
        return SourceStatus(
            state=self._state(),
            kind=self.kind,
            error=self._error,
            speed=self._speed,
            latency_ns=print_latency_ns(self.session.market),
            messages=counters.messages,
            malformed=counters.malformed,
            last_error=counters.last_error,
            gaps=sync.gaps,
            resyncs=sync.resyncs,
            session=self.sessions_started,
            health=(("ignored", counters.ignored), ("conflated", counters.conflated)),
        )

    def _state(self) -> SourceState:
        if self._error is not None:
            return SourceState.FAILED
        if self._finished:
            return SourceState.FINISHED
        if self.seeking:
            return SourceState.SEEKING
        if self._paused:
            return SourceState.PAUSED
        return SourceState.PLAYING

    def stop(self) -> None:
        """Make `run()` return at its next wake-up (cancelling the task does the same, at once)."""
        self._stop_requested = True

    # -- state -------------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def market_ns(self) -> int | None:
        """Receive time of the newest line fed: the replay time the UI shows (None before any)."""
        return self._market_ns

    @property
    def start_ns(self) -> int:
        """Receive time of the recording's first line."""
        return self._start_ns

    @property
    def end_ns(self) -> int | None:
        """Receive time of the last line: from the background scan, exact after the first pass."""
        return self._end_ns

    @property
    def scanning_end(self) -> bool:
        return self._scan_end and self._end_ns is None and not self.finished

    @property
    def finished(self) -> bool:
        """Nothing more to play: the end was reached with loop=False, or an error stopped the feed."""
        return self._finished

    @property
    def error(self) -> str | None:
        """Why the feed stopped early (one line for the user), else None."""
        return self._error

    @property
    def running(self) -> bool:
        return self._running

    @property
    def seeking(self) -> bool:
        """A seek is fast-forwarding (the market state is still catching up with the target)."""
        return self._seek_ns is not None

    def take_fed(self) -> list[float]:
        """Clock times (s) of the batches fed since the last call, oldest first; then forget them.

        The frame clock calls this once per frame: a batch's feed time is this source's local
        receive time, the start of the receive → pixel latency it measures for each batch.
        """
        fed, self._fed_s = self._fed_s, []
        return fed

    # -- controls ----------------------------------------------------------------------------

    def pause(self) -> None:
        if not self._paused:
            self._rebase()
            self._paused = True

    def resume(self) -> None:
        if self._paused:
            self._rebase()
            self._paused = False

    def toggle_pause(self) -> bool:
        """Pause or resume; returns the new `paused`."""
        if self._paused:
            self.resume()
        else:
            self.pause()
        return self._paused

    def set_speed(self, speed: float) -> float:
        """Change the speed (clamped to MIN_SPEED..MAX_SPEED) without moving the replay clock."""
        new = clamp_speed(speed)
        if new != self._speed:
            self._rebase()
            self._speed = new
        return new

    def restart(self) -> None:
        """Play again from the first line with a fresh session; the pause state is kept.

        Clears `finished` and `error`; after a finished `run()` has returned, start `run()` again.
        """
        self._restart_requested = True
        self._seek_ns = None
        self._finished = False
        self._error = None

    def jump_to(self, market_ns: int) -> None:
        """Seek to a receive time (clamped to the recording); the pause state is kept.

        Every line stamped at or before the target is applied, none after it; playback then
        continues from the target. Clears `finished` and `error` like `restart()`.
        """
        target = max(int(market_ns), self._start_ns)
        if self._end_ns is not None:
            target = min(target, self._end_ns)
        self._seek_ns = target
        self._finished = False
        self._error = None

    # -- the task ----------------------------------------------------------------------------

    async def run(self) -> None:
        """Play until cancelled, or until the end (loop=False) or an error (see `error`).

        Cancellation is clean: the current batch is always complete (feeding happens between
        awaits), the replay clock is frozen, the end scan is stopped.
        """
        if self._running:
            raise RuntimeError("ReplayFeed.run() is already running")
        self._rebase()
        self._running = True
        scan = self._start_scan()
        try:
            while not self._stop_requested:
                delay_s = self._step()
                if delay_s is None:
                    return
                await self._sleep(delay_s)
        finally:
            self._rebase()
            self._running = False
            self._stop_requested = False
            if scan is not None:
                scan[1].set()
                scan[0].cancel()

    def _step(self) -> float | None:
        """One wake-up's work; returns how long to sleep, or None when there is nothing left."""
        try:
            if self._restart_requested:
                self._restart_requested = False
                self._new_session()
                self._set_anchor(self._start_ns, self._clock())
            if not self._announced:
                self._announce()
            if self._seek_ns is not None:
                return self._seek_step(self._seek_ns)
            if self._finished:
                return None
            if self._paused:
                return MAX_SLEEP_S
            return self._play_step()
        except (RecordingError, ReplayError) as exc:
            self._fail(exc)
            return None

    def _play_step(self) -> float | None:
        now_s = self._clock()
        due_ns = self._replay_ns(now_s + COALESCE_S)
        lines = self._cursor.take_due(due_ns, self._max_batch_lines)
        if lines:
            self._feed(lines)
        next_ns = self._cursor.peek_ns()
        if next_ns is None:
            return self._at_end()
        if next_ns <= due_ns:
            # More was due than one batch may carry: hold the replay clock at the newest line fed
            # (as of this wake-up) and let the UI breathe before the next batch.
            self._set_anchor(self._cursor.last_ns or due_ns, now_s)
            return 0.0
        wait_s = (next_ns - self._replay_ns(self._clock())) / (self._speed * 1e9)
        return min(max(wait_s, MIN_SLEEP_S), MAX_SLEEP_S)

    def _seek_step(self, target_ns: int) -> float:
        if self._broken or (self._market_ns is not None and target_ns < self._market_ns):
            self._new_session()
        lines = self._cursor.take_due(target_ns, self._max_batch_lines)
        if lines:
            self._feed(lines)
        next_ns = self._cursor.peek_ns()
        if next_ns is not None and next_ns <= target_ns:
            return 0.0  # more to fast-forward: yield to the UI between batches
        self._seek_ns = None
        self._set_anchor(target_ns, self._clock())
        return 0.0

    def _at_end(self) -> float | None:
        self._end_ns = self._cursor.max_ns
        self.session.bbo_check.finish()
        if self.loop:
            self._new_session()
            self._set_anchor(self._start_ns, self._clock())
            return 0.0
        self._finished = True
        return None

    # -- helpers -----------------------------------------------------------------------------

    def _open(self) -> tuple[ReplaySession, LineCursor]:
        """A fresh session and its lines from the first one: the one place the lines come from.

        The synthetic market (app/feeds/synthetic/source.py) overrides this with generated lines
        and keeps all the pacing, controls and sessions here, rather than a second pacing loop.
        """
        session, batches = open_replay(self.paths, self._bar_spec, self._sessions, summary=self._summary)
        return session, LineCursor(as_generator(batches))

    def _new_session(self) -> None:
        """A fresh market state from the first line: time goes back, so no state may carry over."""
        self._cursor.close()
        self.session, self._cursor = self._open()
        self._market_ns = None
        self._broken = False
        self.sessions_started += 1
        self.binding = self._bind()
        self._announce()

    def _announce(self) -> None:
        self._announced = True
        self._announce_session(self.binding)

    def _bind(self) -> MarketBinding:
        return MarketBinding(self.session.instrument, self.session.market, self.sessions_started)

    def _feed(self, lines: list[bytes]) -> None:
        if len(self._fed_s) < MAX_FED_STAMPS:  # nobody taking them (no window): stay bounded
            self._fed_s.append(self._clock())
        self.session.pipeline.feed(lines)
        self._market_ns = self._cursor.last_ns
        # the paper exchange sees each batch as it is applied, whether or not a frame is painted
        self._announce_batch(self.session.market, self._market_ns)

    def _fail(self, exc: Exception) -> None:
        self._error = str(exc)
        self._finished = True
        self._broken = True
        self._seek_ns = None
        self._restart_requested = False
        log.warning("replay stopped: %s", exc)

    def _replay_ns(self, now_s: float) -> int:
        """The replay clock: market time that is due at clock time `now_s`."""
        if self._running and not self._paused:
            return self._anchor_ns + round((now_s - self._anchor_s) * self._speed * 1e9)
        return self._anchor_ns

    def _set_anchor(self, market_ns: int, now_s: float) -> None:
        self._anchor_ns = market_ns
        self._anchor_s = now_s

    def _rebase(self) -> None:
        """Freeze the replay clock where it is now; call before changing speed, pause or running."""
        now_s = self._clock()
        self._set_anchor(self._replay_ns(now_s), now_s)

    def _start_scan(self) -> tuple[asyncio.Future[int | None], threading.Event] | None:
        if not self._scan_end or self._end_ns is not None:
            return None
        stop = threading.Event()
        future = asyncio.ensure_future(asyncio.to_thread(scan_end_ns, self.paths, stop))

        def done(fut: asyncio.Future[int | None]) -> None:
            if fut.cancelled() or fut.exception() is not None:
                return
            found = fut.result()
            if self._end_ns is None and found is not None:
                self._end_ns = found

        future.add_done_callback(done)
        return future, stop
