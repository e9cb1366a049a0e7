"""Binance USD-M as a local server, replaying a real recording (see docs/VENUES.md, Binance).

What it reproduces: the 2026 URL split — `/public/stream` carries depth and bookTicker,
`/market/stream` trades, markPrice and forceOrder, and a stream asked for on the wrong path is
acknowledged by the handshake and then never delivered; combined-stream envelopes; the REST
depth snapshot whose `lastUpdateId` sits inside the recorded diff chain. Faults to inject: drop
one diff (a `pu` gap), close a socket after N frames, stall.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from fakes.http import HttpServer

PUBLIC = ("depth", "bookTicker")  # stream kinds served on /public; everything else on /market


def _kind(stream: str) -> str:
    return stream.split("@", 2)[1]


def _mark(trade: dict[str, object]) -> bytes:
    """A markPriceUpdate at the trade's price and time (the recording has no mark price)."""
    t = trade["T"]
    price = trade["p"]
    data = {"e": "markPriceUpdate", "E": t, "s": trade["s"], "p": price, "i": price, "P": price,
            "r": "0.00010000", "T": 1723190400000}  # fmt: skip
    return json.dumps(
        {"stream": f"{str(trade['s']).lower()}@markPrice@1s", "data": data}, separators=(",", ":")
    ).encode()


def _symbol(symbol: str, base: str, tick: str, step: str) -> dict[str, object]:
    filters = [{"filterType": "PRICE_FILTER", "tickSize": tick}, {"filterType": "LOT_SIZE", "stepSize": step}]
    return {
        "symbol": symbol,
        "contractType": "PERPETUAL",
        "baseAsset": base,
        "quoteAsset": "USDT",
        "filters": filters,
    }


EXCHANGE_INFO = {
    "timezone": "UTC",
    "symbols": [_symbol("BTCUSDT", "BTC", "0.10", "0.001"), _symbol("DOGEUSDT", "DOGE", "0.000010", "1")],
}


@dataclass
class Faults:
    drop_diff_at: int | None = None  # the n-th depth diff of each connection is never sent
    close_after: int | None = None  # frames on a path's first socket before the server closes it (1011)
    stall_after: int | None = None  # frames on a path's first socket before it goes silent (socket up)
    rest_busy: int = 0  # the first N REST requests are answered 429 with a Retry-After


_TIMES = re.compile(rb'"([ET])":(\d{13})')


@dataclass
class FakeBinance:
    """`shift_to_now` moves the recorded exchange times to the moment each connection opens, as
    a live market's would be; `mark_every_s` adds the `markPrice@1s` stream the recording lacks."""

    recording: Path
    frames_per_s: float = 20_000.0
    faults: Faults = field(default_factory=Faults)
    shift_to_now: bool = False
    mark_every_s: float = 1.0
    realtime: bool = False
    speed: float = 1.0
    clock_ahead_ms: int = 0  # how far the venue's clock is ahead of this machine's

    def __post_init__(self) -> None:
        self.frames: list[tuple[str, bytes]] = []  # (stream, frame) in recorded order
        self.times_ns: list[int] = []  # the recorded receive time of each frame
        self.snapshot = b""
        next_mark_ms = 0
        with gzip.open(self.recording, "rb") as fh:
            for line in fh:
                stamp, _, payload = line.rstrip(b"\n").partition(b" ")
                if payload.startswith(b'{"lastUpdateId"'):
                    self.snapshot = payload
                    continue
                msg = json.loads(payload)
                stream, data = msg["stream"], msg["data"]
                self.frames.append((stream, payload))
                self.times_ns.append(int(stamp))
                if data["e"] == "trade" and data["T"] >= next_mark_ms:
                    next_mark_ms = data["T"] + int(self.mark_every_s * 1000)
                    self.frames.append((f"{data['s'].lower()}@markPrice@1s", _mark(data)))
                    self.times_ns.append(int(stamp))
        self.first_ms = int(json.loads(self.frames[0][1])["data"]["E"])
        self.connections: list[str] = []  # the paths clients opened
        self.http = HttpServer(self._rest)
        self.done = asyncio.Event()  # every connection has sent all it had
        self.finished = 0
        self.sent = 0  # frames sent over every connection
        self._market_start_s: float | None = None
        self.rest_refused = 0
        self._finished_paths: set[str] = set()
        self._paths_started: set[str] = set()
        self._sent_diffs: list[bytes] = []  # the depth diffs of the newest /public connection

    def _rest(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if self.faults.rest_busy > self.rest_refused:
            self.rest_refused += 1
            return 429, {"Retry-After": "0.2"}, b'{"code":-1003,"msg":"Too many requests"}'
        if path == "/fapi/v1/depth" and params.get("symbol") == "BTCUSDT":
            return 200, {"Content-Type": "application/json"}, self._book_now()
        if path == "/fapi/v1/openInterest" and params.get("symbol") == "BTCUSDT":
            body = {"openInterest": "10659.509", "symbol": "BTCUSDT", "time": int(time.time() * 1000)}
            return 200, {}, json.dumps(body).encode()
        if path == "/fapi/v1/time":
            return 200, {}, json.dumps({"serverTime": int(time.time() * 1000) + self.clock_ahead_ms}).encode()
        if path == "/fapi/v1/exchangeInfo":
            return 200, {"Content-Type": "application/json"}, json.dumps(EXCHANGE_INFO).encode()
        return 400, {}, b'{"code":-1121,"msg":"Invalid symbol."}'

    def _book_now(self) -> bytes:
        """The exchange's book as of the newest diff sent (the recorded snapshot before it)."""
        snap = json.loads(self.snapshot)
        last = snap["lastUpdateId"]
        bids = {p: q for p, q in snap["bids"]}
        asks = {p: q for p, q in snap["asks"]}
        for diff in sorted((json.loads(f)["data"] for f in self._sent_diffs), key=lambda d: d["u"]):
            if diff["u"] <= last:
                continue
            for side, levels in ((bids, diff["b"]), (asks, diff["a"])):
                for price, qty in levels:
                    if float(qty) == 0:
                        side.pop(price, None)
                    else:
                        side[price] = qty
            last = diff["u"]
        return json.dumps(
            {
                "lastUpdateId": last,
                "E": snap["E"],
                "T": snap["T"],
                "bids": sorted(bids.items(), key=lambda kv: -float(kv[0]))[:1000],
                "asks": sorted(asks.items(), key=lambda kv: float(kv[0]))[:1000],
            }
        ).encode()

    async def start(self) -> tuple[str, str]:
        """Starts both servers; returns (ws base, REST base) to stand in for the real hosts."""
        self._ws = await serve(self._serve, "127.0.0.1", 0, compression=None)
        ws_base = f"ws://127.0.0.1:{self._ws.sockets[0].getsockname()[1]}"
        return ws_base, await self.http.start()

    async def stop(self) -> None:
        self._ws.close()
        await self._ws.wait_closed()
        await self.http.stop()

    @staticmethod
    def _shifted(frame: bytes, shift_ms: int) -> bytes:
        if not shift_ms:
            return frame
        return _TIMES.sub(lambda m: b'"%s":%d' % (m[1], int(m[2]) + shift_ms), frame)

    async def _serve(self, ws: ServerConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self._play(ws)

    async def _play(self, ws: ServerConnection) -> None:
        target = urlsplit(ws.request.path if ws.request else "/")
        self.connections.append(target.path)
        asked = set(parse_qs(target.query).get("streams", [""])[0].split("/")) - {""}
        path_kinds_public = target.path.startswith("/public")
        served = {s for s in asked if (_kind(s) in PUBLIC) == path_kinds_public}  # wrong path: silence
        faults = self.faults
        sent = diffs = 0
        pause = 1.0 / self.frames_per_s
        shift_ms = int(time.time() * 1000) - self.first_ms if self.shift_to_now else 0
        if path_kinds_public and not self.realtime:
            self._sent_diffs = []  # each socket replays the market from its start
        # In realtime mode the market has one clock, started by the first connection: a later
        # connection joins the market where it is by then, as on the venue.
        joined_late = target.path in self._paths_started  # a renewal, not the first socket on it
        self._paths_started.add(target.path)
        if self._market_start_s is None:
            self._market_start_s = time.monotonic()
        started_s, first_ns = self._market_start_s, self.times_ns[0]
        joined_at_s = time.monotonic() - started_s
        for (stream, recorded), at_ns in zip(self.frames, self.times_ns, strict=True):
            if stream not in served:
                continue
            if self.realtime:
                offset_s = (at_ns - first_ns) / 1e9 / self.speed
                if joined_late and offset_s < joined_at_s:
                    continue  # joined later: this part of the market is past
                due = started_s + offset_s - time.monotonic()
                if due > 0.002:
                    await asyncio.sleep(due)
            if _kind(stream) == "depth":
                diffs += 1
                self._sent_diffs.append(recorded)  # the exchange's book moves even if a diff is lost
                if diffs == faults.drop_diff_at:
                    continue
            if faults.stall_after is not None and sent >= faults.stall_after and not joined_late:
                await ws.wait_closed()
                return
            if faults.close_after is not None and sent >= faults.close_after and not joined_late:
                await ws.close(1011, "fake: closing as told")
                return
            await ws.send(self._shifted(recorded, shift_ms).decode())
            sent += 1
            self.sent += 1
            if not self.realtime and sent % 50 == 0:
                await asyncio.sleep(pause * 50)
        self.finished += 1
        self._finished_paths.add(target.path)
        if self._finished_paths >= set(self.connections):  # every path played to the end once
            self.done.set()
        await ws.wait_closed()
