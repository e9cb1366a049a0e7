"""One venue socket, kept alive and honest: connect with a timeout, subscribe, keep it alive the
venue's way, stamp every frame on arrival, hand frames over in batches, watch every stream for
silence, and reconnect with capped, jittered backoff.

Frames are stamped `<local receive ns> <frame>` the moment they are parsed off the socket — the
same line format as a recording, so the pipeline cannot tell live from replay. They are taken
from websockets as it parses them (`_SinkConnection`), not through `recv()`: at a burst's rates
the per-message queue, future, task step and UTF-8 decode and re-encode of `recv()` cost more
than the venue decoder. Frames read in one event-loop wake-up go to `on_lines` together, as one
batch, with the (monotonic) time the oldest of them was read: where the receive → pixel latency
starts.

Health is data, not a socket flag: a connection is LIVE only while data arrives; a stream that
sends nothing for `stale_after_s` makes it STALE (counted), and a socket that sends nothing at
all for `reconnect_after_s` is closed and reconnected, since a half-open TCP connection can look
connected for minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidHandshake, InvalidURI, WebSocketException
from websockets.frames import Frame, Opcode
from websockets.protocol import Event

from app.feeds.live.backoff import Backoff
from app.feeds.live.watchdog import StreamWatchdog
from app.venues.base import Subscription

_encode = msgspec.json.Encoder().encode


class ConnectionState(enum.Enum):
    CONNECTING = "connecting"
    OPEN = "open"  # handshake done, no data yet
    LIVE = "live"
    STALE = "stale"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"


@dataclass
class ConnectionStats:
    """What the status bar and the stats report show of one socket."""

    connects: int = 0  # handshakes completed
    failures: int = 0  # connects that failed or connections that dropped
    frames: int = 0
    stale_events: int = 0
    went_quiet_events: int = 0  # stale events of streams that had sent data on their connection
    forced_reconnects: int = 0  # closed by us: silent socket, or lifetime reached
    last_error: str = ""
    stale_streams: frozenset[str] = field(default_factory=frozenset)
    unheard_streams: frozenset[str] = field(default_factory=frozenset)  # nothing since connect


@dataclass(frozen=True, slots=True)
class ConnectionTiming:
    connect_timeout_s: float = 10.0
    stale_after_s: float = 10.0
    reconnect_after_s: float = 30.0
    check_every_s: float = 1.0
    lifetime_margin_s: float = 60.0  # reconnect this long before the venue's lifetime ends
    quiet_scale: float = 1.0  # multiplies the venue's per-stream quiet allowances (tests shrink them)


DEFAULT_BACKOFF = Backoff()
DEFAULT_TIMING = ConnectionTiming()
_TEXT, _BINARY, _CONT = Opcode.TEXT, Opcode.BINARY, Opcode.CONT


class _SinkConnection(ClientConnection):
    """websockets' client connection that hands every whole data message, as bytes, to `sink` the
    moment it is parsed, instead of queueing it for `recv()`. Control frames (ping, pong, close)
    and the handshake stay websockets' own; `recv()` then only ever reports the close."""

    def __init__(self, sink: Callable[[bytes], None], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sink = sink
        self._parts: list[bytes] | None = None  # a fragmented message so far

    def process_event(self, event: Event) -> None:
        if self.response is not None and type(event) is Frame:
            opcode = event.opcode
            if opcode is _TEXT or opcode is _BINARY:
                if event.fin:
                    self._sink(bytes(event.data))
                else:
                    self._parts = [bytes(event.data)]
                return
            if opcode is _CONT and self._parts is not None:
                self._parts.append(bytes(event.data))
                if event.fin:
                    whole, self._parts = b"".join(self._parts), None
                    self._sink(whole)
                return
        super().process_event(event)


class Connection:
    """One `Subscription`'s socket for as long as `run()` runs."""

    def __init__(
        self,
        subscription: Subscription,
        on_lines: Callable[[list[bytes], float], None],
        *,
        stream_of: Callable[[bytes], str | None] | None = None,
        on_expiring: Callable[[Connection], None] | None = None,
        timing: ConnectionTiming = DEFAULT_TIMING,
        backoff: Backoff = DEFAULT_BACKOFF,
        rng: random.Random | None = None,
        clock_ns: Callable[[], int] = time.time_ns,
        monotonic: Callable[[], float] = time.monotonic,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.subscription = subscription
        self._on_lines = on_lines
        self._on_expiring = on_expiring
        self.timing = timing
        self._backoff = backoff
        self._rng = rng or random.Random()
        self._clock_ns = clock_ns
        self._monotonic = monotonic
        self._ssl = ssl_context
        self.state = ConnectionState.CONNECTING
        self.stats = ConnectionStats()
        watched = tuple(s for s in subscription.streams if s not in subscription.sparse)
        # Without named streams (or a way to tell them apart) the socket is one stream, "*".
        self._stream_of = stream_of if watched else None
        streams = watched if self._stream_of is not None else ("*",)
        quiet = {name: s * timing.quiet_scale for name, s in subscription.quiet_s.items()}
        self._watchdog = StreamWatchdog(streams, timing.stale_after_s, monotonic(), quiet)
        self._pending: list[bytes] = []
        self._pending_since_s = 0.0  # when the oldest pending frame was read (monotonic)
        self._flush_scheduled = False
        self._ws: ClientConnection | None = None
        self._stopping = False
        self._closing: asyncio.Future[None] | None = None
        self._last_frame_s = monotonic()

    # -- control ----------------------------------------------------------------------------------

    def stop(self) -> None:
        self._stopping = True
        ws = self._ws
        if ws is not None:
            self._closing = asyncio.ensure_future(ws.close())

    def reconnect(self) -> None:
        """Close the socket now; `run()` connects and subscribes again (a venue resends its book)."""
        ws = self._ws
        if ws is not None:
            self.stats.forced_reconnects += 1
            self._closing = asyncio.ensure_future(ws.close())

    def stopping(self) -> bool:
        return self._stopping

    async def run(self) -> None:
        """Connect, read, reconnect; returns only after `stop()` (or when cancelled)."""
        failures = 0
        try:
            while not self.stopping():
                got_data = await self._one_connection()
                if self.stopping():
                    break
                failures = 1 if got_data else failures + 1
                self.stats.failures += 1
                self.state = ConnectionState.RECONNECTING
                await asyncio.sleep(self._backoff.delay_s(failures, self._rng))
        finally:
            self.state = ConnectionState.STOPPED
            self._flush()

    # -- one connection ---------------------------------------------------------------------------

    async def _one_connection(self) -> bool:
        """One socket from handshake to close. True if any data arrived on it."""
        sub = self.subscription
        self.state = ConnectionState.CONNECTING
        sink = functools.partial(_SinkConnection, self._on_frame)
        try:
            ws = await connect(
                sub.url,
                create_connection=cast(type[ClientConnection], sink),
                open_timeout=self.timing.connect_timeout_s,
                ping_interval=sub.keepalive.ws_ping_s,
                ping_timeout=sub.keepalive.ws_ping_s,
                close_timeout=2,
                max_size=2**24,
                max_queue=None,
                compression=None,
                ssl=self._ssl if sub.url.startswith("wss:") else None,
            )
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI, WebSocketException) as exc:
            self.stats.last_error = f"connect {sub.url}: {type(exc).__name__}: {exc}"[:200]
            return False
        self._ws = ws
        self.state = ConnectionState.OPEN
        self.stats.connects += 1
        now = self._monotonic()
        self._watchdog.restart(now)
        self._last_frame_s = now
        frames_before = self.stats.frames
        helpers = [asyncio.ensure_future(self._watch(ws, now))]
        if sub.keepalive.message is not None:
            helpers.append(asyncio.ensure_future(self._keep_alive(ws)))
        try:
            for message in sub.messages:
                await ws.send(_encode(message).decode())
            async for frame in ws:  # ends at the close: the frames went to `_on_frame`
                self._on_frame(frame if isinstance(frame, bytes) else frame.encode())
        except (OSError, WebSocketException) as exc:
            self.stats.last_error = f"{type(exc).__name__}: {exc}"[:200]
        except asyncio.CancelledError:
            await ws.close()  # a clean 1000, not websockets' 1011 on cancel
            raise
        finally:
            for helper in helpers:
                helper.cancel()
            self._ws = None
        if ws.close_code is not None and ws.close_code != 1000 and not self.stats.last_error:
            self.stats.last_error = f"closed by the venue: {ws.close_code} {ws.close_reason}"[:200]
        return self.stats.frames > frames_before

    def _on_frame(self, raw: bytes) -> None:
        now = self._monotonic()
        self._last_frame_s = now
        self._receive(raw, now)

    def _receive(self, raw: bytes, now_s: float) -> None:
        self.stats.frames += 1
        stream_of = self._stream_of
        try:
            stream = stream_of(raw) if stream_of is not None else "*"
        except ValueError:  # not UTF-8 where a stream is named: the pipeline counts it malformed
            stream = None
        revived = self._watchdog.saw(stream, now_s)
        state = self.state
        # STALE stays STALE until a stale stream speaks again: no check of every stream per frame.
        if (
            state is not ConnectionState.LIVE
            and (state is not ConnectionState.STALE or revived)
            and not self._watchdog.check(now_s)
        ):
            self.state = ConnectionState.LIVE
        if not self._pending:
            self._pending_since_s = now_s
        self._pending.append(b"%d %s" % (self._clock_ns(), raw))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._pending:
            lines, self._pending = self._pending, []
            self._on_lines(lines, self._pending_since_s)

    async def _watch(self, ws: ClientConnection, opened_s: float) -> None:
        """Stale streams, silent sockets and the venue's connection lifetime."""
        timing = self.timing
        lifetime = self.subscription.max_lifetime_s
        while True:
            await asyncio.sleep(timing.check_every_s)
            now = self._monotonic()
            stale = self._watchdog.check(now)
            self.stats.stale_events = self._watchdog.stale_events
            self.stats.went_quiet_events = self._watchdog.went_quiet_events
            self.stats.unheard_streams = self._watchdog.unheard()
            self.stats.stale_streams = stale
            if stale and self.state in (ConnectionState.LIVE, ConnectionState.OPEN):
                self.state = ConnectionState.STALE
            elif not stale and self.state is ConnectionState.STALE:
                self.state = ConnectionState.LIVE
            silent = self._watchdog.silent_s(now) > timing.reconnect_after_s
            expiring = lifetime is not None and now - opened_s > lifetime - timing.lifetime_margin_s
            if expiring and not silent and self._on_expiring is not None:
                self._on_expiring(self)  # a successor takes over; the owner stops this one
                lifetime = None
                continue
            if silent or expiring:
                self.stats.forced_reconnects += 1
                self.stats.last_error = (
                    f"no data for {timing.reconnect_after_s:g} s: reconnecting"
                    if silent
                    else "connection lifetime reached: reconnecting"
                )
                await ws.close()
                return

    async def _keep_alive(self, ws: ClientConnection) -> None:
        """The venue's own ping on a timer, or (OKX) only once the socket has been idle."""
        keepalive = self.subscription.keepalive
        assert keepalive.message is not None
        last_sent = self._monotonic()
        while True:
            quiet_since = max(self._last_frame_s, last_sent) if keepalive.idle_only else last_sent
            wait = keepalive.every_s - (self._monotonic() - quiet_since)
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            with contextlib.suppress(WebSocketException):
                await ws.send(keepalive.message)
            last_sent = self._monotonic()
