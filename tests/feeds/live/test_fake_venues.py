"""The local venue servers serve a stream from its own subscribe on, as the venues do.

Hyperliquid takes one subscribe message per stream. The fake once played only the streams the
first message had asked for whenever it started playing before the others arrived, so on some
connections the book was never sent and the live burst benchmark counted a stale stream that
the app had no part in (1 connection in 25, with the servers in a process of their own)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from fakes.venue import FakeHyperliquid
from websockets.asyncio.client import connect


def _subscribe(kind: str) -> str:
    return json.dumps({"method": "subscribe", "subscription": {"type": kind, "coin": "BTC"}})


async def _channels_after_late_subscribe(recording: Path) -> set[str]:
    """Subscribe to trades, wait until they flow, then subscribe to the book: what arrives?"""
    fake = FakeHyperliquid(recording, frames_per_s=500, repeat=10**6)
    base = await fake.start()
    seen: set[str] = set()
    try:
        async with connect(base + "/ws") as ws:
            await ws.send(_subscribe("trades"))
            while "trades" not in seen:
                seen.add(json.loads(await ws.recv())["channel"])
            await ws.send(_subscribe("l2Book"))
            async with asyncio.timeout(5):
                while "l2Book" not in seen:
                    seen.add(json.loads(await ws.recv())["channel"])
    except TimeoutError:
        pass
    finally:
        await fake.stop()
    return seen


def test_a_stream_subscribed_after_play_began_is_sent_too(shared_data):
    recording = shared_data / "hyperliquid" / "btcusd_20250126.gz"

    seen = asyncio.run(_channels_after_late_subscribe(recording))

    assert {"trades", "l2Book"} <= seen
