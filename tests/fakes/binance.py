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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from fakes.http import HttpServer

PUBLIC = ("depth", "bookTicker")  # stream kinds served on /public; everything else on /market


def _kind(stream: str) -> str:
    return stream.split("@", 2)[1]


@dataclass
class Faults:
    drop_diff_at: int | None = None  # the n-th depth diff of each connection is never sent
    close_after: int | None = None  # frames per connection before the server closes it (1011)
    stall_after: int | None = None  # frames per connection before it goes silent (socket stays up)


@dataclass
class FakeBinance:
    recording: Path
    frames_per_s: float = 20_000.0
    faults: Faults = field(default_factory=Faults)

    def __post_init__(self) -> None:
        self.frames: list[tuple[str, bytes]] = []  # (stream, frame) in recorded order
        self.snapshot = b""
        with gzip.open(self.recording, "rb") as fh:
            for line in fh:
                payload = line.rstrip(b"\n").partition(b" ")[2]
                if payload.startswith(b'{"lastUpdateId"'):
                    self.snapshot = payload
                else:
                    stream = json.loads(payload)["stream"]
                    self.frames.append((stream, payload))
        self.connections: list[str] = []  # the paths clients opened
        self.http = HttpServer(self._rest)
        self.done = asyncio.Event()  # every connection has sent all it had
        self.finished = 0
        self._sent_diffs: list[bytes] = []  # the depth diffs of the newest /public connection

    def _rest(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path == "/fapi/v1/depth" and params.get("symbol") == "BTCUSDT":
            return 200, {"Content-Type": "application/json"}, self._book_now()
        return 400, {}, b'{"code":-1121,"msg":"Invalid symbol."}'

    def _book_now(self) -> bytes:
        """The exchange's book as of the newest diff sent (the recorded snapshot before it)."""
        snap = json.loads(self.snapshot)
        last = snap["lastUpdateId"]
        bids = {p: q for p, q in snap["bids"]}
        asks = {p: q for p, q in snap["asks"]}
        for frame in self._sent_diffs:
            diff = json.loads(frame)["data"]
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
        if path_kinds_public:
            self._sent_diffs = []
        for stream, frame in self.frames:
            if stream not in served:
                continue
            if _kind(stream) == "depth":
                diffs += 1
                self._sent_diffs.append(frame)  # the exchange's book moves even if a diff is lost
                if diffs == faults.drop_diff_at:
                    continue
            if faults.stall_after is not None and sent >= faults.stall_after:
                await ws.wait_closed()
                return
            if faults.close_after is not None and sent >= faults.close_after:
                await ws.close(1011, "fake: closing as told")
                return
            await ws.send(frame.decode())
            sent += 1
            if sent % 50 == 0:
                await asyncio.sleep(pause * 50)
        self.finished += 1
        if self.finished >= len(self.connections):
            self.done.set()
        await ws.wait_closed()
