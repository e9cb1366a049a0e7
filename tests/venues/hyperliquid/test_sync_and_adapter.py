"""The image book sync (fast top over the deeper image), the adapter, and the real recording."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal

from app.core.events import DepthSnapshot
from app.feeds.replay import run_replay, summarize
from app.venues.base import GapAction, StreamId
from app.venues.hyperliquid import HYPERLIQUID
from app.venues.hyperliquid.sync import ImageBookSync
from app.venues.registry import identify


def image(t: int, bids: list[tuple[int, int]], asks: list[tuple[int, int]]) -> DepthSnapshot:
    return DepthSnapshot(t * 1_000_000, t * 1_000_000, t, bids, asks)


DEEP = image(1000, [(100 - i, 10) for i in range(20)], [(101 + i, 10) for i in range(20)])


def test_every_image_is_accepted_and_there_is_never_a_gap():
    sync = ImageBookSync()
    assert sync.needs_snapshot

    assert sync.on_snapshot(DEEP) == []
    assert sync.on_snapshot(image(2000, [(99, 1)] * 7, [(102, 1)] * 7)) == []  # deeper than fast: whole

    assert not sync.needs_snapshot
    assert (sync.applied, sync.gaps, sync.resyncs) == (2, 0, 0)


def test_a_fast_image_keeps_the_deep_levels_beyond_its_worst_prices():
    sync = ImageBookSync()
    sync.on_snapshot(DEEP)
    fast = image(
        1500,
        [(100, 3), (99, 3), (98, 3), (97, 3), (96, 3)],
        [(101, 4), (102, 4), (103, 4), (104, 4), (105, 4)],
    )

    (restore,) = sync.on_snapshot(fast)

    assert restore.bids == [(p, 10) for p in range(95, 80, -1)]
    assert restore.asks == [(p, 10) for p in range(106, 121)]
    assert sync.merged == 1


def test_deep_levels_too_old_are_not_shown_as_if_fresh():
    sync = ImageBookSync()
    sync.on_snapshot(DEEP)

    assert sync.on_snapshot(image(1000 + 11_000, [(100, 1)], [(101, 1)])) == []


def test_the_adapter_subscribes_trades_both_books_and_the_context_and_pings_every_50_s():
    (sub,) = HYPERLIQUID.subscriptions("BTC")

    assert sub.url == "wss://api.hyperliquid.xyz/ws"
    assert [m["subscription"] for m in sub.messages] == [
        {"type": "trades", "coin": "BTC"},
        {"type": "l2Book", "coin": "BTC"},
        {"type": "l2Book", "coin": "BTC", "fast": True},
        {"type": "activeAssetCtx", "coin": "BTC"},
    ]
    assert (sub.keepalive.message, sub.keepalive.every_s) == ('{"method":"ping"}', 50.0)
    assert HYPERLIQUID.gap_action is GapAction.NONE and HYPERLIQUID.snapshot_request("BTC") is None
    assert HYPERLIQUID.stream_of(b'{"channel":"l2Book","data":{}}') == "l2Book"
    assert HYPERLIQUID.stream_of(b'{"method":"pong"}') is None


def test_instruments_from_the_bundled_table_and_from_venue_metadata():
    btc = HYPERLIQUID.instrument("BTC")
    from_meta = HYPERLIQUID.instrument("DOGE", {"name": "DOGE", "szDecimals": 0, "maxLeverage": 10})

    assert (btc.tick_size, btc.lot_size) == (Decimal(1), Decimal("0.00001"))
    assert (from_meta.tick_size, from_meta.lot_size) == (Decimal("0.000001"), Decimal(1))


def test_a_recording_names_its_venue_and_coin_from_its_messages():
    assert identify({"channel": "trades", "data": [{"coin": "BTC"}]}) == StreamId("hyperliquid", "BTC")
    assert identify({"channel": "l2Book", "data": {"coin": "ETH"}}) == StreamId("hyperliquid", "ETH")


def test_the_real_recording_replays_to_the_figures_counted_from_its_lines(shared_data):
    path = shared_data / "hyperliquid" / "btcusd_20250126.gz"
    trades: dict[int, dict] = {}
    last_book = None
    with gzip.open(path) as fh:
        for line in fh:
            msg = json.loads(line.split(b" ", 1)[1])
            if msg["channel"] == "trades":
                for row in msg["data"]:
                    trades.setdefault(row["tid"], row)
            else:
                last_book = msg["data"]["levels"]
    buy = sum(Decimal(t["sz"]) for t in trades.values() if t["side"] == "B")
    sell = sum(Decimal(t["sz"]) for t in trades.values() if t["side"] == "A")

    summary = summarize(run_replay([path]))

    assert (summary["venue"], summary["symbol"], summary["trades"]) == (
        "hyperliquid",
        "BTC",
        len(trades) == 64 and 64,
    )
    assert (Decimal(summary["buy_volume"]), Decimal(summary["sell_volume"])) == (buy, sell)
    assert summary["malformed"] == 0 and summary["book"]["gaps"] == 0
    assert Decimal(summary["book"]["best_bid"]) == Decimal(last_book[0][0]["px"])
    assert Decimal(summary["book"]["best_ask"]) == Decimal(last_book[1][0]["px"])


def test_an_image_older_than_the_one_shown_is_not_applied():
    sync = ImageBookSync()
    sync.on_snapshot(image(2000, [(100, 1)] * 20, [(101, 1)] * 20))

    assert sync.on_snapshot(image(1999, [(99, 1)] * 20, [(102, 1)] * 20)) is None
    assert sync.stale == 1 and sync.applied == 1
