"""Bybit, OKX and Hyperliquid as local servers replaying their real recordings.

Each speaks its venue's protocol as docs/VENUES.md describes it: subscribe requests answered
with the venue's acks, the venue's own ping answered with its pong, and only the subscribed
streams delivered, in recorded order, from the start of the recording on every connection (so
a reconnect gets a fresh book snapshot, as it would from the venue). Faults to inject: close a
connection after N frames, stall with the socket open, drop one frame (a sequence gap), and
slip in hostile frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from app.feeds.recording import iter_line_batches

_SEQ = re.compile(rb'"(prevSeqId|seqId)":(-?\d+)')
HOSTILE = (
    b"\x00\xff not json",
    b"[" * 50_000 + b"]" * 50_000,
    b'{"topic":"orderbook.200.XRPUSDT","type":"delta","ts":1,"data":{"s":"XRPUSDT","b":[["NaN","1"]],"a":[],"u":1e400}}',
    b'{"arg":{"channel":"books","instId":"UNI-USD-SWAP"},"action":"update","data":[{"asks":[["-1","-5"]],"bids":[],"ts":"x"}]}',
    b'{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"1e999","sz":"-1","tid":-3,"time":"now"}]}',
    b'{"topic":"' + b"x" * 10_000_000 + b'"}',  # a 10 MB frame
)


@dataclass
class VenueFaults:
    close_after: int | None = None  # frames on the FIRST connection before the server closes it
    stall_after: int | None = None  # frames on the first connection before it goes silent
    drop_frame: int | None = None  # this frame (by index among those sent) is never sent
    hostile_every: int | None = None  # send one of HOSTILE after every N frames
    duplicate_frame: int | None = None  # this frame is sent twice
    swap_frame: int | None = None  # this frame and the next go out in the wrong order
    restart_at: int | None = None  # Bybit: the service restarts here: a u=1 snapshot, then u counts on
    seq_reset_at: int | None = None  # OKX: after maintenance the books' seqId drops here (chain kept)


@dataclass
class FakeVenue:
    frames: list[tuple[str, bytes]]  # (stream key, frame) in recorded order
    path: str
    frames_per_s: float = 2_000.0
    faults: VenueFaults = field(default_factory=VenueFaults)
    repeat: int = 1  # play the recording this many times per connection (each pass opens with its snapshot)
    pace_every: int = 1  # frames sent between pauses: asyncio sleeps a millisecond or two at best
    context_every_s: float = 1.0  # how often the context streams the recording lacks are sent
    # Pace by the clock: frame n of a connection is due n / frames_per_s after it starts, so the rate
    # holds however long a sleep overshoots (a benchmark's load); otherwise each pause is a sleep.
    steady: bool = False

    def __post_init__(self) -> None:
        self.connections = 0
        self.sent = 0  # stream frames sent (recorded and context), over every connection; no acks or pongs
        self.received: list[str] = []
        self.done = asyncio.Event()

    # -- what each venue says -----------------------------------------------------------------

    def keys_of(self, request: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def acks(self, request: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def pong(self, text: str) -> str | None:
        raise NotImplementedError

    def on_connection(self, frame: bytes, connection: int) -> bytes:
        """The frame as this connection sends it (a venue's sequence moves on between them)."""
        return frame

    def context(self, key: str) -> bytes | None:
        """A frame for a subscribed context stream (ticker, mark price, open interest…) that the
        recording does not carry, sent every `context_every_s` as the venue would; None: not one."""
        return None

    # -- the server ---------------------------------------------------------------------------

    async def start(self) -> str:
        self._server = await serve(self._serve, "127.0.0.1", 0, compression=None, max_size=2**24)
        return f"ws://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, ws: ServerConnection) -> None:
        self.connections += 1
        first = self.connections == 1
        if ws.request is None or ws.request.path.split("?")[0] != self.path:
            await ws.close(1008, "wrong path")
            return
        subscribed: set[str] = set()
        ready = asyncio.Event()
        reader = asyncio.ensure_future(self._read(ws, subscribed, ready))
        context: asyncio.Future[None] | None = None
        with contextlib.suppress(ConnectionClosed):
            await ready.wait()
            context = asyncio.ensure_future(self._send_context(ws, subscribed))
            await self._play(ws, subscribed, first)
            await ws.wait_closed()
        reader.cancel()
        if context is not None:
            context.cancel()

    async def _send_context(self, ws: ServerConnection, subscribed: set[str]) -> None:
        recorded = {k for k, _ in self.frames}
        with contextlib.suppress(ConnectionClosed):
            while True:
                for key in sorted(subscribed - recorded):
                    frame = self.context(key)
                    if frame is not None:
                        await ws.send(frame.decode())
                        self.sent += 1
                await asyncio.sleep(self.context_every_s)

    async def _read(self, ws: ServerConnection, subscribed: set[str], ready: asyncio.Event) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for message in ws:
                text = message if isinstance(message, str) else message.decode()
                self.received.append(text)
                answer = self.pong(text)
                if answer is not None:
                    await ws.send(answer)
                    continue
                with contextlib.suppress(ValueError):
                    request = json.loads(text)
                    subscribed.update(self.keys_of(request))
                    for ack in self.acks(request):
                        await ws.send(ack)
                    ready.set()

    def _subscribed_frames(self, subscribed: set[str], first: bool) -> Iterator[tuple[str, bytes]]:
        """The recording's frames of the streams subscribed by the time each is due, `repeat`
        times, with the first connection's swapped or duplicated frame (an index among these).

        Read lazily, as a venue serves a stream from its own subscribe on: a client sends one
        subscribe message per stream (Hyperliquid), and playing only what the first had asked for
        left a stream unsent on some connections, which then went stale."""
        faults = self.faults
        swap = faults.swap_frame if first else None
        duplicate = faults.duplicate_frame if first else None
        index = 0
        held: tuple[str, bytes] | None = None  # the swapped frame, sent after the next one
        for _ in range(max(1, self.repeat)):
            for item in self.frames:
                if item[0] not in subscribed:
                    continue
                at, index = index, index + 1
                if at == swap:
                    held = item
                    continue
                yield item
                if at == duplicate:
                    yield item
                if held is not None:
                    yield held
                    held = None
        if held is not None:
            yield held

    async def _play(self, ws: ServerConnection, subscribed: set[str], first: bool) -> None:
        faults = self.faults
        connection = self.connections
        sent = 0
        passes = self._subscribed_frames(subscribed, first)
        chunk = max(1, self.pace_every)
        loop = asyncio.get_running_loop()
        started_s = loop.time()
        for _key, frame in passes:
            if first and faults.close_after is not None and sent >= faults.close_after:
                await ws.close(1011, "fake: closing as told")
                return
            if first and faults.stall_after is not None and sent >= faults.stall_after:
                await ws.wait_closed()
                return
            index = sent
            sent += 1
            if index == faults.drop_frame and first:
                continue
            await ws.send(self.on_connection(frame, connection).decode())
            self.sent += 1
            if faults.hostile_every and sent % faults.hostile_every == 0:
                await ws.send(HOSTILE[(sent // faults.hostile_every) % len(HOSTILE)].decode("latin-1"))
            if sent % chunk == 0:
                if self.steady:
                    await asyncio.sleep(max(0.0, started_s + sent / self.frames_per_s - loop.time()))
                else:
                    await asyncio.sleep(chunk / self.frames_per_s)
        self.done.set()


def _replay_book(frames: list[tuple[str, bytes]]) -> tuple[dict[str, str], dict[str, str]]:
    """The Bybit book after these frames (snapshot resets, size 0 deletes), as price -> size."""
    bids: dict[str, str] = {}
    asks: dict[str, str] = {}
    for _, frame in frames:
        msg = json.loads(frame)
        if msg["type"] == "snapshot":
            bids.clear()
            asks.clear()
        for side, rows in ((bids, msg["data"]["b"]), (asks, msg["data"]["a"])):
            for price, size in rows:
                if float(size) == 0:
                    side.pop(price, None)
                else:
                    side[price] = size
    return bids, asks


def _lines(path: Path) -> Iterable[bytes]:
    for batch in iter_line_batches(path):
        for line in batch:
            yield line.partition(b" ")[2]


class FakeBybit(FakeVenue):
    """`/v5/public/linear`; the recorded `orderbook.500` book is served as the depth asked for.
    `restart_at` plays Bybit's service restart: the book goes out again as a snapshot with
    `u = 1`, and the deltas after it are numbered on from there."""

    def on_connection(self, frame: bytes, connection: int) -> bytes:
        return frame

    async def _play(self, ws: ServerConnection, subscribed: set[str], first: bool) -> None:
        at = self.faults.restart_at
        if at is None:
            return await super()._play(ws, subscribed, first)
        frames = self.frames
        original = list(frames)
        book = _replay_book(original[: at + 1])
        restart = json.loads(original[0][1])
        restart["data"].update(b=sorted(book[0].items(), key=lambda kv: -float(kv[0])),
                               a=sorted(book[1].items(), key=lambda kv: float(kv[0])), u=1)  # fmt: skip
        renumbered = [(original[0][0], json.dumps(restart, separators=(",", ":")).encode())]
        for offset, (key, frame) in enumerate(original[at + 1 :], start=2):
            msg = json.loads(frame)
            msg["data"]["u"] = offset
            renumbered.append((key, json.dumps(msg, separators=(",", ":")).encode()))
        self.frames = original[: at + 1] + renumbered
        try:
            await super()._play(ws, subscribed, first)
        finally:
            self.frames = original

    def __init__(self, recording: Path, depth: int = 200, **kwargs: Any) -> None:
        with zipfile.ZipFile(recording) as archive:
            raw = archive.read(archive.namelist()[0]).splitlines()
        renamed = [frame.replace(b"orderbook.500.", b"orderbook.%d." % depth) for frame in raw]
        super().__init__([(json.loads(f)["topic"], f) for f in renamed], "/v5/public/linear", **kwargs)
        first = json.loads(renamed[0])
        self._ts_ms, self._price = first["ts"], first["data"]["b"][0][0]

    def context(self, key: str) -> bytes | None:
        if not key.startswith("tickers."):
            return None
        data = {"symbol": key.removeprefix("tickers."), "markPrice": self._price, "indexPrice": self._price,
                "fundingRate": "0.0001", "nextFundingTime": str(self._ts_ms + 3_600_000),
                "openInterest": "1000"}  # fmt: skip
        msg = {"topic": key, "type": "snapshot", "ts": self._ts_ms, "data": data}
        return json.dumps(msg, separators=(",", ":")).encode()

    def keys_of(self, request: dict[str, Any]) -> list[str]:
        return list(request.get("args", [])) if request.get("op") == "subscribe" else []

    def acks(self, request: dict[str, Any]) -> list[str]:
        if request.get("op") != "subscribe":
            return []
        ack = {
            "success": True,
            "ret_msg": "",
            "conn_id": "fake",
            "req_id": request.get("req_id", ""),
            "op": "subscribe",
        }
        return [json.dumps(ack)]

    def pong(self, text: str) -> str | None:
        if '"op":"ping"' not in text.replace(" ", ""):
            return None
        return json.dumps({"success": True, "ret_msg": "pong", "conn_id": "fake", "req_id": "", "op": "ping"})


class FakeOkx(FakeVenue):
    """`/ws/v5/public`, replaying the 2022 capture (only the data frames the client asks for).

    The capture predates OKX's sequence numbers; the server numbers its books as OKX does today
    (snapshot `prevSeqId` -1, irregular steps, every update chained to the one before), so a
    dropped frame is a gap the client can see."""

    def __init__(self, capture: Path, **kwargs: Any) -> None:
        frames = []
        seq = {}
        for recorded in _lines(capture):
            msg = json.loads(recorded)
            arg = msg.get("arg", {})
            if "data" not in msg or "event" in msg:
                continue
            frame = recorded
            key = f"{arg.get('channel')}:{arg.get('instId') or arg.get('instType')}"
            if arg.get("channel") == "books":
                prev = -1 if msg["action"] == "snapshot" else seq[key]
                seq[key] = (prev if prev > 0 else 1000) + 7 + len(frames) % 13  # irregular steps
                if len(frames) == kwargs.get("faults", VenueFaults()).seq_reset_at:
                    seq[key] = 3  # maintenance: seqId < prevSeqId, and the chain goes on from it
                msg["data"][0].update(prevSeqId=prev, seqId=seq[key], checksum=0)
                frame = json.dumps(msg, separators=(",", ":")).encode()
            frames.append((key, frame))
        super().__init__(frames, "/ws/v5/public", **kwargs)
        self._context_rows: dict[str, dict[str, str]] = {}  # instId -> a recent book row's price, time
        for key, frame in frames:
            channel, _, inst = key.partition(":")
            if channel == "books" and inst not in self._context_rows:
                row = json.loads(frame)["data"][0]
                self._context_rows[inst] = {"px": row["bids"][0][0], "ts": row["ts"]}

    def context(self, key: str) -> bytes | None:
        channel, _, inst = key.partition(":")
        seen = self._context_rows.get(inst)
        if seen is None:
            return None
        if channel == "mark-price":
            row = {"instType": "SWAP", "instId": inst, "markPx": seen["px"], "ts": seen["ts"]}
        elif channel == "open-interest":
            row = {"instType": "SWAP", "instId": inst, "oi": "100000", "oiCcy": "1000", "ts": seen["ts"]}
        else:
            return None
        msg = {"arg": {"channel": channel, "instId": inst}, "data": [row]}
        return json.dumps(msg, separators=(",", ":")).encode()

    def keys_of(self, request: dict[str, Any]) -> list[str]:
        if request.get("op") != "subscribe":
            return []
        return [f"{a['channel']}:{a.get('instId') or a.get('instType')}" for a in request.get("args", [])]

    def acks(self, request: dict[str, Any]) -> list[str]:
        if request.get("op") != "subscribe":
            return []
        return [
            json.dumps({"event": "subscribe", "arg": a, "connId": "fake"}) for a in request.get("args", [])
        ]

    def pong(self, text: str) -> str | None:
        return "pong" if text == "ping" else None

    def on_connection(self, frame: bytes, connection: int) -> bytes:
        """Each connection's book numbers start where the venue's sequence is by then."""
        offset = (connection - 1) * 10_000_000
        if not offset or b'"seqId":' not in frame:
            return frame
        return _SEQ.sub(lambda m: b'"%s":%d' % (m[1], int(m[2]) + offset if int(m[2]) >= 0 else -1), frame)


class FakeHyperliquid(FakeVenue):
    """`/ws`, replaying the recorded BTC trades and 20-level images."""

    def __init__(self, recording: Path, **kwargs: Any) -> None:
        frames = []
        for frame in _lines(recording):
            msg = json.loads(frame)
            data = msg["data"][0] if isinstance(msg["data"], list) else msg["data"]
            frames.append((f"{msg['channel']}:{data['coin']}", frame))
        super().__init__(frames, "/ws", **kwargs)
        self._mid: dict[str, str] = {}  # coin -> a recorded best bid
        for key, frame in frames:
            channel, _, coin = key.partition(":")
            if channel == "l2Book" and coin not in self._mid:
                self._mid[coin] = json.loads(frame)["data"]["levels"][0][0]["px"]

    def context(self, key: str) -> bytes | None:
        channel, _, coin = key.partition(":")
        if channel != "activeAssetCtx" or coin not in self._mid:
            return None
        px = self._mid[coin]
        ctx = {"markPx": px, "oraclePx": px, "funding": "0.0000125", "openInterest": "1000.0"}
        msg = {"channel": "activeAssetCtx", "data": {"coin": coin, "ctx": ctx}}
        return json.dumps(msg, separators=(",", ":")).encode()

    def keys_of(self, request: dict[str, Any]) -> list[str]:
        sub = request.get("subscription", {})
        return [f"{sub.get('type')}:{sub.get('coin')}"] if request.get("method") == "subscribe" else []

    def acks(self, request: dict[str, Any]) -> list[str]:
        if request.get("method") != "subscribe":
            return []
        return [json.dumps({"channel": "subscriptionResponse", "data": request})]

    def pong(self, text: str) -> str | None:
        return '{"channel":"pong"}' if text.replace(" ", "") == '{"method":"ping"}' else None
