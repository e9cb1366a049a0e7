"""Bybit's book rule as stories, the adapter, and the real recorded XRPUSDT book."""

from __future__ import annotations

import json
import zipfile
from decimal import Decimal

from app.core.events import DepthDiff, DepthSnapshot
from app.feeds.replay import run_replay, summarize
from app.venues.base import GapAction, StreamId
from app.venues.bybit import BYBIT_LINEAR
from app.venues.bybit.sync import BybitBookSync
from app.venues.registry import identify


def snap(u: int) -> DepthSnapshot:
    return DepthSnapshot(0, 0, u, [(100, 1)], [(101, 1)])


def delta(u: int) -> DepthDiff:
    return DepthDiff(0, 0, u, u, u - 1, [(100, 2)], [])


def test_deltas_before_the_first_snapshot_are_dropped():
    sync = BybitBookSync()

    assert sync.on_diff(delta(5)) == []
    assert sync.needs_snapshot and sync.dropped_before_sync == 1


def test_deltas_counting_up_by_one_apply_and_repeats_are_dropped():
    sync = BybitBookSync()
    sync.on_snapshot(snap(10))

    assert sync.on_diff(delta(11)) == [delta(11)]
    assert sync.on_diff(delta(11)) == []  # a repeat (depth 1 re-sends every 3 s)
    assert sync.on_diff(delta(12)) == [delta(12)]
    assert (sync.applied, sync.dropped_before_sync, sync.gaps) == (2, 1, 0)


def test_a_jump_in_u_is_a_gap_and_the_book_waits_for_a_snapshot():
    sync = BybitBookSync()
    sync.on_snapshot(snap(10))

    assert sync.on_diff(delta(12)) == []
    assert sync.needs_snapshot and (sync.gaps, sync.resyncs) == (1, 1)
    assert sync.on_diff(delta(13)) == []
    assert sync.on_snapshot(snap(40)) == []  # the resubscribe's snapshot
    assert sync.on_diff(delta(41)) == [delta(41)]


def test_every_snapshot_replaces_the_book_even_mid_stream_and_after_a_restart():
    sync = BybitBookSync()
    sync.on_snapshot(snap(10))
    sync.on_diff(delta(11))

    assert sync.on_snapshot(snap(1)) == []  # u == 1: the service restarted
    assert sync.on_diff(delta(2)) == [delta(2)]
    assert (sync.snapshots, sync.gaps) == (2, 0)


def test_the_adapter_subscribes_book_trades_liquidations_and_ticker_on_one_socket():
    (sub,) = BYBIT_LINEAR.subscriptions("BTCUSDT")

    assert sub.url == "wss://stream.bybit.com/v5/public/linear"
    assert sub.messages[0]["args"] == [
        "orderbook.200.BTCUSDT",
        "publicTrade.BTCUSDT",
        "allLiquidation.BTCUSDT",
        "tickers.BTCUSDT",
    ]
    assert sub.sparse == ("allLiquidation.BTCUSDT",)
    assert sub.keepalive.message == '{"op":"ping"}' and sub.keepalive.every_s == 20.0
    assert BYBIT_LINEAR.gap_action is GapAction.RESUBSCRIBE
    assert (
        BYBIT_LINEAR.stream_of(b'{"topic":"publicTrade.BTCUSDT","type":"snapshot"}') == "publicTrade.BTCUSDT"
    )
    assert identify({"topic": "orderbook.500.XRPUSDT", "data": {}}) == StreamId("bybit-linear", "XRPUSDT")


def test_the_recorded_book_replays_to_the_book_rebuilt_by_hand(shared_data):
    path = shared_data / "bybit" / "xrpusdt-ob500.data.zip"
    with zipfile.ZipFile(path) as archive:
        messages = [json.loads(line) for line in archive.read(archive.namelist()[0]).splitlines()]
    bids: dict[Decimal, Decimal] = {}
    asks: dict[Decimal, Decimal] = {}
    us = [m["data"]["u"] for m in messages]
    for m in messages:
        if m["type"] == "snapshot":
            bids.clear()
            asks.clear()
        for side, rows in ((bids, m["data"]["b"]), (asks, m["data"]["a"])):
            for price, qty in rows:
                if Decimal(qty) == 0:
                    side.pop(Decimal(price), None)
                else:
                    side[Decimal(price)] = Decimal(qty)

    session = run_replay([path])
    summary = summarize(session)

    assert us == list(range(us[0], us[0] + 50))  # the file's own chain: +1 each
    assert (summary["venue"], summary["symbol"], summary["messages"]) == ("bybit-linear", "XRPUSDT", 50)
    assert summary["book"]["applied"] == 49 and summary["book"]["gaps"] == 0
    assert Decimal(summary["book"]["best_bid"]) == max(bids)
    assert Decimal(summary["book"]["best_ask"]) == min(asks)
    inst = session.instrument
    assert {inst.price(p): inst.qty(q) for p, q in session.market.book.bids.items()} == bids
