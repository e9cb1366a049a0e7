"""A live market as a `MarketSource`: one venue adapter, one symbol, the sockets it asks for.

Everything venue-specific comes from the adapter (app/venues/base.py): the sockets and what to
send on them, the keepalive, the parser, the book-sync rule and what to do when the book loses
a diff. This class does the I/O around it: it runs a `Connection` per subscription, feeds every
batch of stamped lines through the same `IngestPipeline` a replay uses, repairs the book as the
adapter says (a REST snapshot, or a resubscribe), renews connections before the venue's
lifetime ends without a hole (`Handover`), records what it received, and reports its health as
data: LIVE only while every stream delivers.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from app.core.market import MarketState
from app.feeds.live.connection import DEFAULT_TIMING, Connection, ConnectionState, ConnectionTiming
from app.feeds.live.handover import Handover
from app.feeds.live.recorder import Recorder
from app.feeds.live.rest import RestClient, RestError
from app.feeds.pipeline import IngestPipeline
from app.feeds.source import MarketBinding, SourceBase, SourceState, SourceStatus, print_latency_ns
from app.venues.base import GapAction, Poll, Subscription, VenueAdapter
from app.venues.errors import MalformedMessage

log = logging.getLogger(__name__)

MAX_FED_STAMPS = 4096
SNAPSHOT_MIN_INTERVAL_S = 1.0  # never ask the venue for a book more often than this
CLOCK_SAMPLES = 3
CLOCK_EVERY_S = 300.0


def _same_url(url: str) -> str:
    return url


class LiveFeed(SourceBase):
    def __init__(
        self,
        adapter: VenueAdapter,
        symbol: str,
        *,
        metadata: Mapping[str, Any] | None = None,
        rest: RestClient | None = None,
        rewrite_url: Callable[[str], str] = _same_url,
        timing: ConnectionTiming = DEFAULT_TIMING,
        recorder: Recorder | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.adapter = adapter
        instrument = adapter.instrument(symbol, metadata)
        self._metadata = metadata
        self.instrument = instrument
        self.market = MarketState(instrument)
        self.pipeline = IngestPipeline(
            adapter.decoder(instrument), adapter.book_sync(instrument), self.market
        )
        self.binding = MarketBinding(instrument, self.market, 1)
        self._rest = rest
        self._rewrite = rewrite_url
        self._timing = timing
        self.recorder = recorder
        self._monotonic = monotonic
        subscriptions = adapter.subscriptions(instrument.symbol)
        self.connections = [self._connection(self._rewritten(s)) for s in subscriptions]
        self._handovers: dict[int, tuple[Connection, Connection, Handover]] = {}
        self._retired: set[Connection] = set()
        self._market_ns: int | None = None
        self._fed_s: list[float] = []
        self._error: str | None = None
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._snapshot_wanted = asyncio.Event()
        self._last_snapshot_s = float("-inf")
        self.snapshots_fetched = 0
        self.handovers = 0
        self.clock_offset_ns: int | None = None  # this machine's clock minus the venue's

    def _rewritten(self, sub: Subscription) -> Subscription:
        return dataclasses.replace(sub, url=self._rewrite(sub.url))

    def _connection(self, sub: Subscription) -> Connection:
        conn: Connection

        def on_lines(lines: list[bytes], received_s: float) -> None:
            self._on_lines(conn, lines, received_s)

        conn = Connection(
            sub,
            on_lines,
            stream_of=self.adapter.stream_of,
            timing=self._timing,
            on_expiring=self._renew if sub.max_lifetime_s is not None else None,
            monotonic=self._monotonic,
        )
        return conn

    # -- the source seam --------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return f"{self.instrument.symbol} live · {self.adapter.name}"

    @property
    def market_ns(self) -> int | None:
        return self._market_ns

    def take_fed(self) -> list[float]:
        fed, self._fed_s = self._fed_s, []
        return fed

    def status(self) -> SourceStatus:
        counters = self.pipeline.counters
        sync = self.pipeline.sync
        return SourceStatus(
            state=self._state(),
            kind="live",
            error=self._error or self._connection_error(),
            latency_ns=self._latency_ns(),
            messages=counters.messages,
            malformed=counters.malformed,
            last_error=counters.last_error,
            gaps=sync.gaps,
            resyncs=sync.resyncs,
            session=self.binding.session,
            health=self._health(),
        )

    def _health(self) -> tuple[tuple[str, int], ...]:
        stats = [c.stats for c in self.connections]
        counters = self.pipeline.counters
        return (
            ("connects", sum(s.connects for s in stats)),
            ("connection_failures", sum(s.failures for s in stats)),
            ("stale_events", sum(s.stale_events for s in stats)),
            ("went_quiet_events", sum(s.went_quiet_events for s in stats)),
            ("forced_reconnects", sum(s.forced_reconnects for s in stats)),
            ("frames_received", sum(s.frames for s in stats)),
            ("snapshots_fetched", self.snapshots_fetched),
            ("handovers", self.handovers),
            ("ignored", counters.ignored),
            ("conflated", counters.conflated),
        )

    def _latency_ns(self) -> int | None:
        """Exchange -> local receive of the newest print, the machine's clock error taken out."""
        raw = print_latency_ns(self.market)
        if raw is None or self.clock_offset_ns is None:
            return raw
        return raw - self.clock_offset_ns

    def _connection_error(self) -> str | None:
        states = [c.state for c in self.connections]
        if all(s is ConnectionState.LIVE for s in states):
            return None
        errors = [c.stats.last_error for c in self.connections if c.stats.last_error]
        stale = sorted(set().union(*(c.stats.stale_streams for c in self.connections)))
        if stale:
            return "no data on " + ", ".join(stale)
        return errors[-1] if errors else None

    def _state(self) -> SourceState:
        if self._error is not None:
            return SourceState.FAILED
        states = [c.state for c in self.connections]
        if self._stopping or all(s is ConnectionState.STOPPED for s in states):
            return SourceState.FINISHED
        waiting = (ConnectionState.CONNECTING, ConnectionState.OPEN, ConnectionState.RECONNECTING)
        if any(s in waiting for s in states):
            return SourceState.RECONNECTING
        if any(s is ConnectionState.STALE for s in states):
            return SourceState.STALE
        if self.pipeline.sync.needs_snapshot:
            return SourceState.RESYNCING
        return SourceState.LIVE

    async def run(self) -> None:
        """Run every socket and the book repair until `stop()` or cancellation."""
        self._announce_session(self.binding)
        self._tasks = [asyncio.ensure_future(c.run()) for c in self.connections]
        repair = asyncio.ensure_future(self._repair_book())
        clock = asyncio.ensure_future(self._measure_clock())
        polls = [asyncio.ensure_future(self._poll(p)) for p in self.adapter.polls(self.instrument.symbol)]
        try:
            while not self._stopping and not all(t.done() for t in self._tasks):
                await asyncio.sleep(self._timing.check_every_s)
                self._check_handovers()
        finally:
            for conn in self._all_connections():
                conn.stop()
            repair.cancel()
            clock.cancel()
            for poll in polls:
                poll.cancel()
            pending = [*self._tasks, repair, clock, *polls]
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if self.recorder is not None:
                self.recorder.close()
            if self._rest is not None:
                await self._rest.aclose()

    def stop(self) -> None:
        self._stopping = True
        for conn in self._all_connections():
            conn.stop()

    def _all_connections(self) -> list[Connection]:
        extra = [new for _, new, _ in self._handovers.values()]
        return [*self.connections, *extra]

    # -- recording --------------------------------------------------------------------------------

    @property
    def recording(self) -> Path | None:
        return self.recorder.path if self.recorder is not None else None

    def start_recording(self, directory: Path) -> Path:
        if self.recorder is None:
            self.recorder = Recorder(directory, self.instrument, self._metadata)
        return self.recorder.path

    def stop_recording(self) -> None:
        if self.recorder is not None:
            self.recorder.close()
            self.recorder = None

    # -- data -------------------------------------------------------------------------------------

    def _on_lines(self, conn: Connection, lines: list[bytes], received_s: float) -> None:
        if conn in self._retired:
            return  # a renewed connection's last frames: its successor carries them
        for old, new, hand in self._handovers.values():
            if conn is old or conn is new:
                lines = self._through_handover(conn is new, hand, lines)
                break
        if lines:
            self._feed(lines, received_s)

    def _through_handover(self, is_new: bool, hand: Handover, lines: list[bytes]) -> list[bytes]:
        stream_of = self.adapter.stream_of
        out: list[bytes] = []
        for line in lines:
            frame = line.partition(b" ")[2]
            stream = stream_of(frame) or "*"
            out += (hand.from_new if is_new else hand.from_old)(stream, frame, line)
        return out

    def _feed(self, lines: list[bytes], received_s: float) -> None:
        pipeline = self.pipeline
        before = pipeline.sync.needs_snapshot
        pipeline.feed(lines)
        newest = int(lines[-1].partition(b" ")[0])
        if self._market_ns is None or newest > self._market_ns:  # sockets flush in turn: never back
            self._market_ns = newest
        if len(self._fed_s) < MAX_FED_STAMPS:  # nobody taking them (no window): stay bounded
            self._fed_s.append(received_s)
        if self.recorder is not None:
            self.recorder.write(lines)
        if pipeline.sync.needs_snapshot and not before:
            self._book_lost()
        elif pipeline.sync.needs_snapshot:
            self._snapshot_wanted.set()
        self._announce_batch(self.market, self._market_ns)

    # -- book repair ------------------------------------------------------------------------------

    def _book_lost(self) -> None:
        """The sync lost the chain (or has not started): repair it the venue's way."""
        action = self.adapter.gap_action
        if action is GapAction.REST_SNAPSHOT:
            self._snapshot_wanted.set()
        elif action is GapAction.RESUBSCRIBE:
            # Resubscribe-venues (Bybit, OKX) carry the book on their one socket; a new
            # subscription brings a fresh snapshot.
            self.connections[0].reconnect()

    async def _repair_book(self) -> None:
        """Fetch REST snapshots while the sync needs one (Binance-style venues)."""
        request = self.adapter.snapshot_request(self.instrument.symbol)
        if request is None or self.adapter.gap_action is not GapAction.REST_SNAPSHOT:
            return
        rest = self._rest_client()
        request = dataclasses.replace(request, url=self._rewrite(request.url))
        while True:
            await self._snapshot_wanted.wait()
            self._snapshot_wanted.clear()
            if not self.pipeline.sync.needs_snapshot:
                continue
            wait = self._last_snapshot_s + SNAPSHOT_MIN_INTERVAL_S - self._monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            await asyncio.sleep(self._timing.check_every_s / 4)  # let diffs buffer past the snapshot
            self._last_snapshot_s = self._monotonic()
            try:
                body = await rest.get(request)
            except RestError as exc:
                log.warning("%s: depth snapshot failed: %s", self.title, exc)
                self._snapshot_wanted.set()
                continue
            self.snapshots_fetched += 1
            self._feed([b"%d %s" % (time.time_ns(), body)], self._monotonic())
            if self.pipeline.sync.needs_snapshot:
                self._snapshot_wanted.set()  # too old for the buffered diffs: ask again

    def _rest_client(self) -> RestClient:
        if self._rest is None:
            self._rest = RestClient()
        return self._rest

    async def _poll(self, poll: Poll) -> None:
        """Data no socket carries (Binance's open interest): asked for now and then, and fed
        through the pipeline like any message, so a recording holds it too."""
        request = dataclasses.replace(poll.request, url=self._rewrite(poll.request.url))
        rest = self._rest_client()
        while True:
            try:
                body = await rest.get(request)
            except RestError as exc:
                log.info("%s: %s not fetched: %s", self.title, request.url, exc)
            else:
                self._feed([b"%d %s" % (time.time_ns(), body)], self._monotonic())
            await asyncio.sleep(poll.every_s)

    async def _measure_clock(self) -> None:
        """The venue's clock against ours, NTP-style: the best of a few round trips now and
        then, so the status bar shows network lag, not this machine's clock error."""
        request = self.adapter.time_request()
        if request is None:
            return
        request = dataclasses.replace(request, url=self._rewrite(request.url))
        rest = self._rest_client()
        while True:
            best: tuple[int, int] | None = None  # (round trip, offset)
            for _ in range(CLOCK_SAMPLES):
                try:
                    sent = time.time_ns()
                    body = await rest.get(request)
                    back = time.time_ns()
                    offset = (sent + back) // 2 - self.adapter.server_time_ns(body)
                except (RestError, MalformedMessage) as exc:
                    log.info("%s: venue clock not measured: %s", self.title, exc)
                    break
                if best is None or back - sent < best[0]:
                    best = (back - sent, offset)
            if best is not None:
                self.clock_offset_ns = best[1]
            await asyncio.sleep(CLOCK_EVERY_S)

    # -- connection renewal -----------------------------------------------------------------------

    def _renew(self, old: Connection) -> None:
        """The venue will close `old` soon: connect its successor now; hand over stream by stream."""
        index = self.connections.index(old)
        if index in self._handovers:
            return
        new = self._connection(old.subscription)
        streams = old.subscription.streams or ("*",)
        self._handovers[index] = (old, new, Handover(streams, self._monotonic()))
        self._tasks.append(asyncio.ensure_future(new.run()))
        self.handovers += 1

    def _check_handovers(self) -> None:
        for index, (old, new, hand) in list(self._handovers.items()):
            released = hand.check(self._monotonic())
            if released:
                self._feed(released, self._monotonic())
            if hand.done:
                if hand.unmatched:
                    log.warning("%s: handover without overlap on %s", self.title, ", ".join(hand.unmatched))
                self._retired.add(old)
                old.stop()
                self.connections[index] = new
                del self._handovers[index]
