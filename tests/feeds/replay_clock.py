"""Virtual time, small recordings and a feed recorder for the paced-replay tests."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.feeds.replay import ReplaySession
from app.feeds.replay_feed import COALESCE_S, ReplayFeed
from app.resources import bundled_recording

BTCUSDT_RECORDING = bundled_recording()  # as in conftest; a Traversable: open() and read_bytes()
T0 = 1_723_161_255_000_000_000
MS = 1_000_000
SECOND = 1_000_000_000
EPS = 1e-6
EARLY = COALESCE_S + EPS  # a wake-up takes the lines due within the next millisecond too


# --- recordings -------------------------------------------------------------------------------------


@cache
def real_lines() -> tuple[bytes, ...]:
    with gzip.open(BTCUSDT_RECORDING.open("rb"), "rb") as fh:
        return tuple(line for line in fh.read().split(b"\n") if line)


@cache
def trade_payloads() -> tuple[bytes, ...]:
    return tuple(line.split(b" ", 1)[1] for line in real_lines() if b"@trade" in line[:80])


def write_recording(path: Path, stamps_ns: list[int]) -> Path:
    """Real trade messages with the given receive times: one trade per line, so tape.total counts lines."""
    payloads = trade_payloads()
    body = b"\n".join(b"%d %s" % (ns, payloads[i]) for i, ns in enumerate(stamps_ns))
    path.write_bytes(gzip.compress(body + b"\n"))
    return path


def every(step_ns: int, count: int, start_ns: int = T0) -> list[int]:
    return [start_ns + i * step_ns for i in range(count)]


# --- virtual time and a recording of what the pipeline was fed ---------------------------------------


class VirtualTime:
    """A clock and an `await sleep(s)` for the feed; `at(t, fn)` runs fn when the clock reaches t.

    A sleep that would pass a scheduled control ends at the control's time (the feed then simply
    looks at its state earlier than it asked to). `late_s` makes every sleep overshoot, like a
    busy event loop.
    """

    def __init__(self, late_s: float = 0.0) -> None:
        self.now_ns = 0  # integer nanoseconds: no drift from summing float sleeps
        self.late_s = late_s
        self.sleeps: list[float] = []
        self._controls: list[tuple[float, int, Callable[[], object]]] = []
        self._order = itertools.count()

    @property
    def now(self) -> float:
        return self.now_ns / SECOND

    @now.setter
    def now(self, seconds: float) -> None:
        self.now_ns = round(seconds * SECOND)

    def clock(self) -> float:
        return self.now

    def at(self, t: float, fn: Callable[[], object]) -> None:
        heapq.heappush(self._controls, (t, next(self._order), fn))

    async def sleep(self, delay_s: float) -> None:
        self.sleeps.append(delay_s)
        if len(self.sleeps) > 200_000:
            raise RuntimeError("runaway feed: far too many wake-ups")
        wake_ns = self.now_ns + round((delay_s + (self.late_s if delay_s > 0 else 0.0)) * SECOND)
        if self._controls and round(self._controls[0][0] * SECOND) <= wake_ns:
            t = self._controls[0][0]
            self.now_ns = max(self.now_ns, round(t * SECOND))
            while self._controls and self._controls[0][0] <= t:
                heapq.heappop(self._controls)[2]()
        else:
            self.now_ns = wake_ns
        await asyncio.sleep(0)


@dataclass
class Fed:
    session: int  # index into Recorder.sessions
    clock_s: float
    wake: int  # how many sleeps the feed had done: the wake-up this batch belongs to
    stamps_ns: list[int]


class Recorder:
    """Told of each session the feed starts: keeps it and wraps its pipeline.feed to log batches."""

    def __init__(self, vt: VirtualTime) -> None:
        self.vt = vt
        self.sessions: list[ReplaySession] = []
        self.fed: list[Fed] = []
        self.unsubscribe: Callable[[], None] = lambda: None

    def __call__(self, session: ReplaySession) -> None:
        index = len(self.sessions)
        self.sessions.append(session)
        inner = session.pipeline.feed

        def feed(lines: list[bytes]) -> None:
            stamps = [int(line.split(b" ", 1)[0]) for line in lines]
            self.fed.append(Fed(index, self.vt.now, len(self.vt.sleeps), stamps))
            inner(lines)

        session.pipeline.feed = feed  # type: ignore[method-assign]

    def stamps(self, session: int | None = None) -> list[int]:
        return [ns for f in self.fed if session in (None, f.session) for ns in f.stamps_ns]

    def fed_at(self) -> dict[int, float]:
        """Receive ns -> clock time it was fed (stamps are unique in the synthetic recordings)."""
        return {ns: f.clock_s for f in self.fed for ns in f.stamps_ns}


def make_feed(paths: list[Path], vt: VirtualTime, **kwargs: object) -> tuple[ReplayFeed, Recorder]:
    rec = Recorder(vt)
    kwargs.setdefault("scan_end", False)  # the scan thread would make end_ns timing-dependent
    feed = ReplayFeed(paths, clock=vt.clock, sleep=vt.sleep, **kwargs)  # type: ignore[arg-type]
    rec.unsubscribe = feed.subscribe_sessions(lambda _binding: rec(feed.session))
    return feed, rec


def drive(feed: ReplayFeed, vt: VirtualTime, stop_at_s: float | None = None) -> None:
    """Run the feed on a plain asyncio loop until it ends, or cancel it at clock time `stop_at_s`."""

    async def main() -> None:
        task = asyncio.create_task(feed.run())
        if stop_at_s is not None:
            vt.at(stop_at_s, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(main())
