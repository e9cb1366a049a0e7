"""The four exchanges of the live burst benchmark, in a process of their own.

Exchanges do not share the app's process, GIL or event loop, so bench_live_burst.py runs them
here: Binance USD-M replaying the bundled BTCUSDT recording on its own clock at `--speed`
(exchange times moved to now), and Bybit, OKX and Hyperliquid each looping their real recordings
at the same rate, paced by the clock (`steady`), so that the four send `--combined` frames a
second together, plus the context streams their recordings lack, sent each second.

Protocol with the parent: one JSON line on stdout once every server listens (their URLs, the
Binance recording's span, its message rate at `--speed` and the others' rate); then, for every line the parent
writes to stdin, one JSON line with the frames each server has sent so far; when stdin closes (the
parent is done, or died) the servers stop.
Run by bench_live_burst.py; by hand: `.venv/bin/python tests/benchmarks/burst_servers.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fakes.binance import FakeBinance  # noqa: E402
from fakes.venue import FakeBybit, FakeHyperliquid, FakeOkx, FakeVenue  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
BINANCE_RECORDING = ROOT / "resources" / "btcusdt_20240808.gz"
OTHERS = 3  # Bybit, OKX and Hyperliquid share what Binance leaves of the combined rate


def others(rate: float) -> dict[str, tuple[str, FakeVenue]]:
    """Bybit, OKX and Hyperliquid looping their recordings (each pass opens with a snapshot):
    venue -> (symbol, server)."""
    pace = {"frames_per_s": rate, "repeat": 10**6, "pace_every": 5, "steady": True}
    return {
        "bybit-linear": ("XRPUSDT", FakeBybit(SHARED / "bybit/xrpusdt-ob500.data.zip", **pace)),
        "okx-swap": ("UNI-USD-SWAP", FakeOkx(SHARED / "okx/OKX.ws.1.0", **pace)),
        "hyperliquid": ("BTC", FakeHyperliquid(SHARED / "hyperliquid/btcusd_20250126.gz", **pace)),
    }


async def serve(args: argparse.Namespace) -> None:
    binance = FakeBinance(BINANCE_RECORDING, realtime=True, speed=args.speed, shift_to_now=True)
    recorded_s = (binance.times_ns[-1] - binance.times_ns[0]) / 1e9
    binance_per_s = len(binance.frames) / recorded_s * args.speed
    rate = (args.combined - binance_per_s) / OTHERS
    if rate <= 0:
        raise SystemExit(f"--combined {args.combined:g}: Binance alone sends {binance_per_s:,.0f}/s")
    venues = others(rate)
    ws, rest = await binance.start()
    urls = {name: (symbol, await fake.start()) for name, (symbol, fake) in venues.items()}
    ready = {
        "binance": {"ws": ws, "rest": rest},
        "venues": urls,
        "recorded_s": recorded_s,
        "binance_per_s": binance_per_s,
        "rate": rate,
    }
    print(json.dumps(ready), flush=True)
    loop = asyncio.get_running_loop()
    while await loop.run_in_executor(None, sys.stdin.readline):  # "" once the parent closes it
        sent = {"binance-usdm": binance.sent, **{name: fake.sent for name, (_, fake) in venues.items()}}
        print(json.dumps(sent), flush=True)
    for _, fake in venues.values():
        await fake.stop()
    await binance.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--speed", type=float, default=9.0, help="Binance replay speed")
    parser.add_argument("--combined", type=float, default=7000.0, help="frames/s of the four together")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
