"""Live receive + parse on the event loop: is a worker thread needed? (issue 10, item 2)

A live feed on a local Binance (tests/fakes/binance.py) that sends the bundled recording as fast
as the loopback allows, on both URL paths at once. Measured: wall time and this process's CPU
time from the first frame to the last, hence messages per second the single thread absorbs and
CPU per message (websockets receive + stamp + batch + decode + book + tape), against the rate
the recording itself had (its busiest second) — the margin a live burst has before the UI
thread would fall behind. Run: `.venv/bin/python tests/benchmarks/bench_live.py`.
"""

from __future__ import annotations

import asyncio
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fakes.binance import FakeBinance  # noqa: E402

from app.feeds.live.connection import ConnectionTiming  # noqa: E402
from app.feeds.live.endpoints import Endpoints  # noqa: E402
from app.feeds.live.feed import LiveFeed  # noqa: E402
from app.feeds.recording import iter_line_batches  # noqa: E402
from app.venues.binance import USDM  # noqa: E402

RECORDING = ROOT / "resources" / "btcusdt_20240808.gz"


def busiest_second(path: Path) -> int:
    per_s: dict[int, int] = {}
    for batch in iter_line_batches(path):
        for line in batch:
            second = int(line.partition(b" ")[0]) // 1_000_000_000
            per_s[second] = per_s.get(second, 0) + 1
    return max(per_s.values())


async def run() -> tuple[int, float, float]:
    fake = FakeBinance(RECORDING, frames_per_s=10_000_000)
    ws, rest = await fake.start()
    feed = LiveFeed(
        USDM, "BTCUSDT", rewrite_url=Endpoints(ws, rest).rewrite, timing=ConnectionTiming(check_every_s=0.2)
    )
    first: list[tuple[float, float]] = []
    feed.subscribe_batches(lambda m, ns: first or first.append((time.perf_counter(), time.process_time())))
    task = asyncio.ensure_future(feed.run())
    await asyncio.wait_for(fake.done.wait(), 120)
    await asyncio.sleep(0.05)
    wall, cpu = time.perf_counter() - first[0][0], time.process_time() - first[0][1]
    messages = feed.pipeline.counters.messages
    feed.stop()
    await task
    await fake.stop()
    return messages, wall, cpu


def main() -> None:
    peak = busiest_second(RECORDING)
    messages, wall, cpu = asyncio.run(run())
    print(f"# live receive + parse — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}; server and client: one process\n"
    )
    head = [
        "messages",
        "wall s",
        "msg/s absorbed",
        "CPU µs / msg (client + server)",
        "busiest recorded second",
        "headroom",
    ]
    print("| " + " | ".join(head) + " |")
    print("|---:|---:|---:|---:|---:|---:|")
    rate = messages / wall
    row = [f"{messages:,}", f"{wall:.2f}", f"{rate:,.0f}", f"{cpu / messages * 1e6:.1f}", f"{peak:,} msg/s"]
    print("| " + " | ".join([*row, f"{rate / peak:.1f}×"]) + " |")


if __name__ == "__main__":
    main()
