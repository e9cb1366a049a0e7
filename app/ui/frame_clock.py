"""The frame clock: one timer that repaints only the views whose market state changed.

docs/ARCHITECTURE.md "From socket to pixel": the feed applies batches whenever data arrives; once
per frame (60 Hz by default) the clock takes the market's change bits, hands every visible view the
bits gathered since that view last refreshed, and repaints, synchronously, only the views that say
they must. A view is only asked when its bits meet its `watches` or the market clock moved (time
alone rolls windows and bars); otherwise it keeps collecting bits, as a hidden view (a closed dock,
a tab at the back) does, and catches up with all of them when it is next refreshed.

Because the repaint is synchronous the clock can time it: per view, per frame, and from the
moment the oldest batch in the frame was fed (the local receive time) to the end of the paint
that shows it — the receive → pixel latency of the performance budget, one sample per batch.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6 import QtCore

from app.core.market import Changed, MarketState
from app.ui.frame_stats import Histogram
from app.ui.idle_gc import IdleCollector
from widgets.base import MarketView

DEFAULT_HZ = 60
SAMPLES = 4096  # rolling window of timings kept for the status bar and benchmarks


class FrameSource(Protocol):
    """What the clock reads of a source: the part of `MarketSource` (app/feeds/source.py) it needs."""

    @property
    def market_ns(self) -> int | None: ...

    def take_fed(self) -> list[float]: ...


@dataclass(frozen=True)
class FrameStats:
    """A summary of recent frames for the status bar (milliseconds)."""

    fps: float
    frame_p50_ms: float
    frame_p99_ms: float
    latency_p50_ms: float
    latency_p99_ms: float


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = math.ceil(q / 100 * len(ordered))
    return ordered[min(len(ordered), max(1, rank)) - 1]


class FrameClock(QtCore.QObject):
    """Drives `refresh` + `paint_now` of the views at `hz`; records frame and latency timings."""

    def __init__(
        self,
        views: Sequence[MarketView],
        source: FrameSource | None = None,
        hz: int = DEFAULT_HZ,
        clock: Callable[[], float] = time.monotonic,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.views = list(views)
        self.source = source
        self.market: MarketState | None = None
        self._clock = clock
        # what view and frame times are measured with: wall time, as the budget is; benchmarks may
        # take the UI thread's CPU time instead, which other load on a shared machine hardly moves
        self.timer: Callable[[], float] = time.perf_counter
        self._pending = {id(v): 0 for v in self.views}
        self._last_now_ns: int | None = None
        self.frame_ms: deque[float] = deque(maxlen=SAMPLES)  # frames that painted something
        self.latency_ms: deque[float] = deque(maxlen=SAMPLES)
        self.view_ms: dict[str, deque[float]] = {v.view_id: deque(maxlen=SAMPLES) for v in self.views}
        self._painted_at: deque[float] = deque(maxlen=512)
        # the whole run, for the exit report (app/ui/run_report.py)
        self.frame_hist = Histogram()
        self.latency_hist = Histogram()
        self.view_hist: dict[str, Histogram] = {v.view_id: Histogram() for v in self.views}
        self.frames = 0
        self.first_frame_s: float | None = None
        self.on_first_frame: Callable[[], object] | None = None
        self._timer = QtCore.QTimer(self)
        self._timer.setTimerType(QtCore.Qt.TimerType.PreciseTimer)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer)
        self._deadline_s = 0.0
        self._asked = False  # a frame for the trader's input is scheduled
        self.skipped = 0  # frame deadlines passed while a frame (or the feed) ran late: not queued
        self.idle_gc: IdleCollector | None = None  # collects garbage after frames (app/ui/idle_gc.py)
        self.set_rate(hz)

    def set_rate(self, hz: int) -> None:
        self.interval_s = 1.0 / max(1, hz)

    def start(self) -> None:
        self._deadline_s = time.perf_counter()
        self._arm()

    def stop(self) -> None:
        self._timer.stop()
        if self.idle_gc is not None:
            self.idle_gc.stop()
            self.idle_gc = None

    def use_idle_gc(self, collector: IdleCollector) -> None:
        """Collect garbage after each frame instead of wherever it falls (until `stop()`)."""
        if self.idle_gc is None:
            collector.start()
            self.idle_gc = collector

    def _arm(self) -> None:
        """Wake at the next deadline on an exact 1/hz grid.

        A QTimer counts whole milliseconds: a repeating 17 ms timer gives 58.8 frames a second
        and a 16 ms one drifts the other way. Deadlines at exact multiples of the interval, each
        waited for in whole milliseconds rounded up, keep the average rate exact and never fire
        early. A frame that would be late is coalesced: missed deadlines are skipped, not queued.
        """
        now = time.perf_counter()
        self._deadline_s += self.interval_s
        if self._deadline_s < now:  # late by more than a frame: the next deadline from now
            missed = int((now - self._deadline_s) / self.interval_s) + 1
            self.skipped += missed
            self._deadline_s += missed * self.interval_s
        self._timer.start(max(0, math.ceil((self._deadline_s - now) * 1000)))

    def request_frame(self) -> None:
        """A frame as soon as the event loop is free (the trader's own action: input is drawn at
        once, not up to a frame later), unless the next tick is due within a millisecond anyway."""
        if self._timer.isActive() and self._deadline_s - time.perf_counter() > 0.001 and not self._asked:
            self._asked = True
            QtCore.QTimer.singleShot(0, self._on_request)

    def _on_request(self) -> None:
        self._asked = False
        self.tick()

    def _on_timer(self) -> None:
        try:
            self.tick()
        finally:
            self._arm()
            if self.idle_gc is not None:
                self.idle_gc.step()  # after the frame and the re-arm: in the slack before the next

    def set_market(self, market: MarketState | None) -> None:
        """A new session: every view rebinds and repaints in full on the next tick."""
        self.market = market
        for view in self.views:
            view.set_market(market)
            self._pending[id(view)] = Changed.ALL
        self._last_now_ns = None

    def tick(self) -> None:
        """One frame. Public so tests and benchmarks can step frames without a timer."""
        market = self.market
        changed = market.take_changes() if market is not None else 0
        source = self.source
        fed = source.take_fed() if source is not None else []
        now_ns = source.market_ns if source is not None else None
        if now_ns is None and market is not None:
            now_ns = market.last_trade_ns
        moved = now_ns != self._last_now_ns
        self._last_now_ns = now_ns
        pending = self._pending
        timer = self.timer
        start = timer()
        painted = False
        for view in self.views:
            key = id(view)
            bits = pending[key] | changed
            pending[key] = bits
            if not view.isVisible() or not (moved or bits & view.watches):
                continue
            pending[key] = 0
            t0 = timer()
            if view.refresh(bits, now_ns or 0):
                view.paint_now()
                painted = True
                view_ms = (timer() - t0) * 1000
                self.view_ms[view.view_id].append(view_ms)
                self.view_hist[view.view_id].add(view_ms)
        if not painted:
            return
        end = timer()
        self.frames += 1
        now_s = self._clock()
        if self.frames == 1:
            self.first_frame_s = now_s
            if self.on_first_frame is not None:
                self.on_first_frame()
        frame_ms = (end - start) * 1000
        self.frame_ms.append(frame_ms)
        self.frame_hist.add(frame_ms)
        self._painted_at.append(now_s)
        for fed_s in fed:
            latency_ms = (now_s - fed_s) * 1000
            self.latency_ms.append(latency_ms)
            self.latency_hist.add(latency_ms)

    def stats(self) -> FrameStats:
        now_s = self._clock()
        recent = [t for t in self._painted_at if now_s - t <= 1.0]
        frames = list(self.frame_ms)[-240:]
        latency = list(self.latency_ms)[-240:]
        return FrameStats(
            fps=float(len(recent)),
            frame_p50_ms=percentile(frames, 50),
            frame_p99_ms=percentile(frames, 99),
            latency_p50_ms=percentile(latency, 50),
            latency_p99_ms=percentile(latency, 99),
        )
