"""A venue socket against a real websockets server on 127.0.0.1: stamping, batching, keepalive,
stale streams, silent sockets, lifetime and reconnects."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable

from websockets.asyncio.server import ServerConnection, serve

from app.feeds.live.backoff import Backoff
from app.feeds.live.connection import Connection, ConnectionState, ConnectionTiming
from app.venues.base import Keepalive, Subscription

FAST = ConnectionTiming(
    connect_timeout_s=1.0, stale_after_s=0.3, reconnect_after_s=0.8, check_every_s=0.05, lifetime_margin_s=0.0
)
NO_WAIT = Backoff(initial_s=0.01, cap_s=0.05, jitter=0.0)


def stream_of(raw: bytes) -> str | None:
    return json.loads(raw).get("stream")


class Venue:
    """A tiny exchange: runs `handler` per connection and remembers what clients sent."""

    def __init__(self, handler: Callable[[ServerConnection, Venue], Awaitable[None]]) -> None:
        self.handler = handler
        self.received: list[str] = []
        self.connections = 0

    async def _serve(self, ws: ServerConnection) -> None:
        self.connections += 1
        await self.handler(ws, self)

    async def start(self) -> str:
        self._server = await serve(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}/ws"

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()


async def listen(ws: ServerConnection, venue: Venue) -> None:
    async for message in ws:
        venue.received.append(message if isinstance(message, str) else message.decode())


def run_for(seconds: float, venue: Venue, make: Callable[[str], Connection]) -> Connection:
    async def main() -> Connection:
        url = await venue.start()
        conn = make(url)
        task = asyncio.ensure_future(conn.run())
        await asyncio.sleep(seconds)
        conn.stop()
        await asyncio.wait_for(task, 5)
        await venue.stop()
        return conn

    return asyncio.run(main())


def test_frames_are_stamped_on_arrival_and_handed_over_in_batches_after_subscribing():
    async def handler(ws, venue):
        first = await ws.recv()
        venue.received.append(first)
        for i in range(5):
            await ws.send(json.dumps({"stream": "a", "i": i}))
        await listen(ws, venue)

    venue = Venue(handler)
    batches: list[list[bytes]] = []
    stamps = iter(range(100, 200))
    sub = Subscription("", messages=({"op": "subscribe", "args": ["a"]},), streams=("a",))

    conn = run_for(
        0.2,
        venue,
        lambda url: Connection(
            Subscription(url, sub.messages, sub.streams), lambda b, _: batches.append(b), stream_of=stream_of,
            timing=FAST, clock_ns=lambda: next(stamps),
        ),
    )  # fmt: skip

    lines = [line for batch in batches for line in batch]
    assert venue.received[0] == '{"op":"subscribe","args":["a"]}'
    assert lines == [b'%d {"stream": "a", "i": %d}' % (100 + i, i) for i in range(5)]
    assert len(batches) < 5  # frames read in one wake-up travel together
    assert conn.stats.connects == 1 and conn.stats.frames == 5
    assert conn.state is ConnectionState.STOPPED


def test_a_dropped_connection_is_reconnected_and_resubscribed():
    async def handler(ws, venue):
        await ws.recv()
        await ws.send(json.dumps({"stream": "a", "n": venue.connections}))
        if venue.connections == 1:
            await ws.close(1011, "maintenance")
            return
        await listen(ws, venue)

    venue = Venue(handler)
    lines: list[bytes] = []
    conn = run_for(
        0.4,
        venue,
        lambda url: Connection(
            Subscription(url, ({"op": "sub"},), ("a",)), lambda b, _: lines.extend(b), stream_of=stream_of,
            timing=FAST, backoff=NO_WAIT,
        ),
    )  # fmt: skip

    assert venue.connections == 2
    assert [json.loads(line.split(b" ", 1)[1])["n"] for line in lines] == [1, 2]
    assert conn.stats.connects == 2 and conn.stats.failures == 1


def test_a_stream_that_sends_nothing_makes_the_socket_stale_though_it_is_connected():
    async def handler(ws, venue):
        for _ in range(40):  # stream "a" flows, stream "b" never does
            await ws.send(json.dumps({"stream": "a"}))
            await asyncio.sleep(0.02)
        await listen(ws, venue)

    venue = Venue(handler)
    states: list[ConnectionState] = []

    async def main() -> Connection:
        url = await venue.start()
        conn = Connection(
            Subscription(url, streams=("a", "b")), lambda *_: None, stream_of=stream_of, timing=FAST
        )
        task = asyncio.ensure_future(conn.run())
        for _ in range(12):
            await asyncio.sleep(0.05)
            states.append(conn.state)
        conn.stop()
        await task
        await venue.stop()
        return conn

    conn = asyncio.run(main())

    assert ConnectionState.LIVE in states[:4]
    assert states[-1] is ConnectionState.STALE
    assert conn.stats.stale_streams == frozenset({"b"})
    assert conn.stats.stale_events == 1
    assert conn.stats.forced_reconnects == 0  # data still flows on the socket


def test_a_stale_socket_stays_stale_while_other_streams_flow_and_is_live_once_its_stream_speaks():
    async def handler(ws, venue):
        for i in range(50):  # "a" flows throughout; "b" is silent for 0.6 s (allowance 0.3), then speaks
            await ws.send(json.dumps({"stream": "a"}))
            if i >= 30:
                await ws.send(json.dumps({"stream": "b"}))
            await asyncio.sleep(0.02)
        await listen(ws, venue)

    venue = Venue(handler)
    states: list[ConnectionState] = []

    def on_lines(lines: list[bytes], _: float) -> None:
        states.append(conn.state)
        names.append({stream_of(line.partition(b" ")[2]) for line in lines})

    names: list[set[str | None]] = []
    conn: Connection

    async def main() -> None:
        nonlocal conn
        url = await venue.start()
        conn = Connection(Subscription(url, streams=("a", "b")), on_lines, stream_of=stream_of, timing=FAST)
        task = asyncio.ensure_future(conn.run())
        await asyncio.sleep(1.3)
        conn.stop()
        await task
        await venue.stop()

    asyncio.run(main())

    first_b = next(i for i, n in enumerate(names) if "b" in n)
    assert ConnectionState.STALE in states[:first_b]  # "a" alone never made it live again
    assert states[first_b - 1] is ConnectionState.STALE
    assert states[first_b] is ConnectionState.LIVE
    assert conn.stats.stale_events == 1


def test_a_socket_silent_for_too_long_is_closed_and_reconnected():
    async def handler(ws, venue):
        await ws.send(json.dumps({"stream": "a"}))
        await listen(ws, venue)  # then nothing: a half-open connection looks just like this

    venue = Venue(handler)
    conn = run_for(
        1.3,
        venue,
        lambda url: Connection(
            Subscription(url, streams=("a",)),
            lambda *_: None,
            stream_of=stream_of,
            timing=FAST,
            backoff=NO_WAIT,
        ),
    )

    assert conn.stats.forced_reconnects >= 1
    assert venue.connections >= 2
    assert "no data" in conn.stats.last_error


def test_the_venue_ping_goes_out_on_its_timer():
    venue = Venue(listen)
    keepalive = Keepalive(message='{"op":"ping"}', every_s=0.1)

    run_for(
        0.35,
        venue,
        lambda url: Connection(Subscription(url, keepalive=keepalive), lambda *_: None, timing=FAST),
    )

    assert 2 <= venue.received.count('{"op":"ping"}') <= 3  # 0.1, 0.2, 0.3 s; a busy machine may lag


def test_an_idle_only_ping_waits_while_data_flows_and_goes_out_once_it_stops():
    async def handler(ws, venue):
        for _ in range(10):  # 0.2 s of data, then silence
            await ws.send(json.dumps({"stream": "a"}))
            await asyncio.sleep(0.02)
        await listen(ws, venue)

    venue = Venue(handler)
    keepalive = Keepalive(message="ping", every_s=0.1, idle_only=True)
    sent_at: list[int] = []

    async def main() -> None:
        url = await venue.start()
        conn = Connection(Subscription(url, keepalive=keepalive), lambda *_: None, timing=FAST)
        task = asyncio.ensure_future(conn.run())
        for _ in range(9):
            await asyncio.sleep(0.05)
            sent_at.append(venue.received.count("ping"))
        conn.stop()
        await task
        await venue.stop()

    asyncio.run(main())

    assert sent_at[2] == 0  # at 0.15 s data still flows: no ping
    assert sent_at[-1] >= 1  # at 0.45 s the socket has been idle long enough


def test_a_refused_connection_is_retried_with_backoff_and_says_why():
    async def main() -> Connection:
        conn = Connection(Subscription("ws://127.0.0.1:9/ws"), lambda *_: None, timing=FAST, backoff=NO_WAIT)
        task = asyncio.ensure_future(conn.run())
        await asyncio.sleep(0.3)
        conn.stop()
        await task
        return conn

    conn = asyncio.run(main())

    assert conn.stats.connects == 0
    assert conn.stats.failures >= 3
    assert conn.stats.last_error.startswith("connect ws://127.0.0.1:9/ws")


def test_a_connection_is_renewed_before_the_venue_lifetime_ends():
    async def handler(ws, venue):
        while True:
            await ws.send(json.dumps({"stream": "a"}))
            await asyncio.sleep(0.02)

    venue = Venue(handler)
    conn = run_for(
        0.7,
        venue,
        lambda url: Connection(
            Subscription(url, streams=("a",), max_lifetime_s=0.25), lambda *_: None, stream_of=stream_of,
            timing=FAST, backoff=NO_WAIT,
        ),
    )  # fmt: skip

    assert venue.connections >= 2
    assert conn.stats.forced_reconnects >= 1
    assert "lifetime" in conn.stats.last_error


def test_backoff_grows_to_its_cap_with_jitter_inside_the_band():
    backoff = Backoff(initial_s=0.5, factor=2.0, cap_s=30.0, jitter=0.25)
    rng = random.Random(7)

    delays = [backoff.delay_s(n, rng) for n in range(1, 10)]

    nominal = [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert all(0.75 * n <= d <= 1.25 * n for d, n in zip(delays, nominal, strict=True))
