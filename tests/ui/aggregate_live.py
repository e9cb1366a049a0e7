"""Three local venues quoting BTC at once, for the aggregated window live (issue 13).

Binance USD-M replays the bundled BTCUSDT day on its own clock (exchange times moved to now).
Hyperliquid loops its recorded BTC minute, and OKX its 2022 capture's BTC-USD inverse future,
served as BTC-USD-SWAP (the same contract: 100 USD, tick 0.1). Those two recordings are of other
days, at ~105,000 and ~30,200 USD: so that three venues of one market show as one, each frame
they send is stamped now (as a venue stamps it) and its prices are moved, by a whole number of
dollars, to where the Binance day trades at that moment (the Hyperliquid images one by one; OKX's
book at each snapshot, so its updates stay on the book they change). Sizes are as recorded.
Hyperliquid's trade ids (and OKX's) move on with each pass, since a client drops a trade id it
has seen.

Run as a script to take the README's screenshot:
`.venv/bin/python tests/ui/aggregate_live.py --display :74 --seconds 15 --screenshot docs/aggregate.png`.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fakes.binance import FakeBinance  # noqa: E402
from fakes.venue import FakeHyperliquid, FakeOkx  # noqa: E402
from websockets.asyncio.server import ServerConnection  # noqa: E402

HL_PRICE = Decimal(105_053)  # where the recordings trade
OKX_PRICE = Decimal(30_228)
PRICE_KEYS = frozenset(
    {"px", "last", "askPx", "bidPx", "markPx", "open24h", "high24h", "low24h", "sodUtc0", "sodUtc8"}
)
TIME_KEYS = frozenset({"time", "ts"})
ID_KEYS = frozenset({"tid", "tradeId"})


def _moved(value: Any, shift: Decimal) -> Any:
    if isinstance(value, str):
        return str(Decimal(value) + shift)
    return value


def retimed(obj: Any, shift: Decimal, time_of: Callable[[int], int], pass_no: int = 0) -> Any:
    """A decoded frame with its times (ms) mapped by `time_of`, its prices moved by `shift`, and
    its trade ids made new for pass `pass_no` of a looped recording."""
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if key in PRICE_KEYS and value not in ("", None):
                out[key] = _moved(value, shift)
            elif key in TIME_KEYS and isinstance(value, int | str) and str(value).isdigit():
                moved_ms = time_of(int(value))
                out[key] = str(moved_ms) if isinstance(value, str) else moved_ms
            elif key in ID_KEYS and pass_no:
                out[key] = int(value) + pass_no * 10**15 if isinstance(value, int) else f"{value}{pass_no}"
            elif key in ("bids", "asks"):  # OKX book rows: [px, sz, …]
                out[key] = [[_moved(row[0], shift), *row[1:]] for row in value]
            elif key == "levels":  # Hyperliquid: [[{px, sz, n}…], […]]
                out[key] = [[retimed(level, shift, time_of, pass_no) for level in side] for side in value]
            else:
                out[key] = retimed(value, shift, time_of, pass_no)
        return out
    if isinstance(obj, list):
        return [retimed(x, shift, time_of, pass_no) for x in obj]
    return obj


class BinancePrice:
    """The Binance fake's last trade price at this moment of its real-time replay."""

    def __init__(self, fake: FakeBinance) -> None:
        self._fake = fake
        self._at_s: list[float] = []
        self._price: list[Decimal] = []
        first_ns = fake.times_ns[0]
        for (stream, frame), at_ns in zip(fake.frames, fake.times_ns, strict=True):
            if stream.endswith("@trade"):
                self._at_s.append((at_ns - first_ns) / 1e9 / fake.speed)
                self._price.append(Decimal(json.loads(frame)["data"]["p"]))

    def now(self) -> Decimal:
        started = self._fake._market_start_s
        elapsed = 0.0 if started is None else time.monotonic() - started
        i = max(0, bisect.bisect_right(self._at_s, elapsed) - 1)
        return self._price[i]


class _Now:
    """Mixin for a FakeVenue: every frame sent is stamped now, its prices moved to Binance's."""

    recorded_price = Decimal(0)
    binance: BinancePrice
    frames: list[tuple[str, bytes]]
    _shift: Decimal | None = None

    def new_shift(self, msg: dict[str, Any]) -> bool:
        """Whether this frame may move the prices to where Binance is now."""
        return True

    async def _play(self, ws: ServerConnection, subscribed: set[str], first: bool) -> None:
        # The fake starts playing at the first subscription; a client sends one request per
        # stream, and on a server loop of its own (this thread) the rest may not be in yet.
        await asyncio.sleep(0.3)
        await super()._play(ws, subscribed, first)  # type: ignore[misc]

    def on_connection(self, frame: bytes, connection: int) -> bytes:
        sent = getattr(self, "_sent", {})
        self._sent = sent
        n = sent.get(connection, 0)
        sent[connection] = n + 1
        msg = json.loads(frame)
        if self._shift is None or self.new_shift(msg):
            self._shift = (self.binance.now() - self.recorded_price).to_integral_value()
        now_ms = time.time_ns() // 1_000_000
        moved = retimed(msg, self._shift, lambda _: now_ms, n // max(1, len(self.frames)))
        return json.dumps(moved, separators=(",", ":")).encode()


class NowHyperliquid(_Now, FakeHyperliquid):
    recorded_price = HL_PRICE

    def new_shift(self, msg: dict[str, Any]) -> bool:
        return bool(msg.get("channel") == "l2Book")  # a whole image: the trades after it follow it


class NowOkx(_Now, FakeOkx):
    recorded_price = OKX_PRICE

    def new_shift(self, msg: dict[str, Any]) -> bool:
        return bool(msg.get("action") == "snapshot")


def okx_swap_capture(shared: Path, directory: Path) -> Path:
    """The OKX capture with its BTC-USD future named as the BTC-USD swap."""
    out = directory / "okx_btc_usd_swap.ws"
    out.write_bytes((shared / "okx" / "OKX.ws.1.0").read_bytes().replace(b"BTC-USD-220527", b"BTC-USD-SWAP"))
    return out


class Venues:
    """The three servers on a loop of their own (in a thread), and the `--live` markets for them."""

    def __init__(self, shared: Path, bundled: Path, directory: Path) -> None:
        self.binance = FakeBinance(bundled, realtime=True, speed=1.0, shift_to_now=True)
        price = BinancePrice(self.binance)
        self.hyperliquid = NowHyperliquid(
            shared / "hyperliquid" / "btcusd_20250126.gz", frames_per_s=2.5, repeat=10**6
        )
        self.okx = NowOkx(okx_swap_capture(shared, directory), frames_per_s=12.0, repeat=10**6)
        self.hyperliquid.binance = self.okx.binance = price
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.markets: list[str] = []

    def __enter__(self) -> Venues:
        self._thread.start()
        ws, rest = asyncio.run_coroutine_threadsafe(self.binance.start(), self._loop).result(10)
        hl = asyncio.run_coroutine_threadsafe(self.hyperliquid.start(), self._loop).result(10)
        okx = asyncio.run_coroutine_threadsafe(self.okx.start(), self._loop).result(10)
        self.markets = [
            f"binance-usdm:BTCUSDT@{ws}@{rest}",
            f"hyperliquid:BTC@{hl}",
            f"okx-swap:BTC-USD-SWAP@{okx}",
        ]
        return self

    def __exit__(self, *_: object) -> None:
        for fake in (self.binance, self.hyperliquid, self.okx):
            asyncio.run_coroutine_threadsafe(fake.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def run_app(
    display: str, markets: list[str], home: Path, seconds: float, *extra: str
) -> subprocess.CompletedProcess[str]:
    """`scalpdesk --live MARKET… --aggregate` on `display` for `seconds`, as a user starts it."""
    env = {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "SCALPDESK_CONFIG_DIR": str(home / "config"),
        "SCALPDESK_DATA_DIR": str(home / "data"),
    }
    return subprocess.run(
        [sys.executable, "-m", "app", "--live", *markets, "--aggregate", "--no-record",
         "--exit-after", str(seconds), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--display", required=True)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--screenshot", type=Path, required=True)
    parser.add_argument("-v", "--verbose", action="store_true", help="the app logs its feed events")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        Venues(
            ROOT.parent / "shared" / "data", ROOT / "resources" / "btcusdt_20240808.gz", Path(tmp)
        ) as venues,
    ):
        done = run_app(
            args.display,
            venues.markets,
            Path(tmp),
            args.seconds,
            "--screenshot",
            str(args.screenshot.resolve()),
            *(["-v"] if args.verbose else []),
        )
    print(done.returncode, done.stderr[-4000:])


if __name__ == "__main__":
    main()
