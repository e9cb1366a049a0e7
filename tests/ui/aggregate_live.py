"""Three local venues quoting BTC at once, for the aggregated window live (issue 13).

Binance USD-M replays the bundled BTCUSDT day on its own clock (exchange times moved to now).
Hyperliquid loops its recorded BTC minute, and OKX its 2022 capture's BTC-USD inverse future,
served as BTC-USD-SWAP (the same contract: 100 USD, tick 0.1). Those two recordings are of other
days, at ~105,000 and ~30,200 USD: so that three venues of one market show as one, each frame they
send is stamped now (as a venue stamps it) and its prices are moved onto the Binance day's level
(by a whole number of ticks; sizes as recorded). Hyperliquid's trade ids (and OKX's) move on with
each pass, since a client drops a trade id it has seen.

Run as a script to take the README's screenshot:
`.venv/bin/python tests/ui/aggregate_live.py --display :74 --seconds 15 --screenshot docs/aggregate.png`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fakes.binance import FakeBinance  # noqa: E402
from fakes.venue import FakeHyperliquid, FakeOkx  # noqa: E402

HL_SHIFT = Decimal(-43_240)  # 105,05x -> 61,81x, where the Binance day opens
OKX_SHIFT = Decimal(31_580)  # 30,22x -> 61,81x
PRICE_KEYS = frozenset(
    {"px", "last", "askPx", "bidPx", "markPx", "open24h", "high24h", "low24h", "sodUtc0", "sodUtc8"}
)
TIME_KEYS = frozenset({"time", "ts"})
ID_KEYS = frozenset({"tid", "tradeId"})


def _moved(value: Any, shift: Decimal) -> Any:
    if isinstance(value, str):
        return str(Decimal(value) + shift)
    return value


def retimed(obj: Any, shift: Decimal, now_ms: int, pass_no: int) -> Any:
    """A decoded frame with its times now, its prices moved by `shift`, its trade ids per pass."""
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if key in PRICE_KEYS and value not in ("", None):
                out[key] = _moved(value, shift)
            elif key in TIME_KEYS and isinstance(value, int | str) and str(value).isdigit():
                out[key] = str(now_ms) if isinstance(value, str) else now_ms
            elif key in ID_KEYS and pass_no:
                out[key] = int(value) + pass_no * 10**15 if isinstance(value, int) else f"{value}{pass_no}"
            elif key in ("bids", "asks"):  # OKX book rows: [px, sz, …]
                out[key] = [[_moved(row[0], shift), *row[1:]] for row in value]
            elif key == "levels":  # Hyperliquid: [[{px, sz, n}…], […]]
                out[key] = [[retimed(level, shift, now_ms, pass_no) for level in side] for side in value]
            else:
                out[key] = retimed(value, shift, now_ms, pass_no)
        return out
    if isinstance(obj, list):
        return [retimed(x, shift, now_ms, pass_no) for x in obj]
    return obj


class _Now:
    """Mixin for a FakeVenue: every frame sent is stamped now, its prices moved by `shift`."""

    shift = Decimal(0)
    frames: list[tuple[str, bytes]]

    def on_connection(self, frame: bytes, connection: int) -> bytes:
        sent = getattr(self, "_sent", {})
        self._sent = sent
        n = sent.get(connection, 0)
        sent[connection] = n + 1
        msg = json.loads(frame)
        moved = retimed(msg, self.shift, time.time_ns() // 1_000_000, n // max(1, len(self.frames)))
        return json.dumps(moved, separators=(",", ":")).encode()


class NowHyperliquid(_Now, FakeHyperliquid):
    shift = HL_SHIFT


class NowOkx(_Now, FakeOkx):
    shift = OKX_SHIFT

    def __init__(self, capture: Path, **kwargs: Any) -> None:
        super().__init__(capture, **kwargs)
        for row in self._context_rows.values():
            row["px"] = str(Decimal(row["px"]) + self.shift)


def okx_swap_capture(shared: Path, directory: Path) -> Path:
    """The OKX capture with its BTC-USD future named as the BTC-USD swap."""
    out = directory / "okx_btc_usd_swap.ws"
    out.write_bytes((shared / "okx" / "OKX.ws.1.0").read_bytes().replace(b"BTC-USD-220527", b"BTC-USD-SWAP"))
    return out


class Venues:
    """The three servers on a loop of their own (in a thread), and the `--live` markets for them."""

    def __init__(self, shared: Path, bundled: Path, directory: Path) -> None:
        self.binance = FakeBinance(bundled, realtime=True, speed=1.0, shift_to_now=True)
        self.hyperliquid = NowHyperliquid(
            shared / "hyperliquid" / "btcusd_20250126.gz", frames_per_s=2.5, repeat=10**6
        )
        self.okx = NowOkx(okx_swap_capture(shared, directory), frames_per_s=12.0, repeat=10**6)
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
        )
    print(done.returncode, done.stderr[-2000:])


if __name__ == "__main__":
    main()
