"""The OKX adapter, and the real 2022 capture replayed against a book rebuilt by hand — whose
CRC32 checksums, recorded by OKX itself, prove the hand-built book right first."""

from __future__ import annotations

import json
import zlib
from decimal import Decimal

from app.feeds.recording import iter_line_batches
from app.feeds.replay import run_replay, summarize
from app.venues.base import GapAction, StreamId
from app.venues.okx import OKX_SWAP
from app.venues.registry import identify


def test_one_socket_with_book_trades_mark_funding_and_liquidations_by_type():
    (sub,) = OKX_SWAP.subscriptions("BTC-USDT-SWAP")

    assert sub.url == "wss://ws.okx.com:8443/ws/v5/public"
    assert sub.messages[0]["args"][-1] == {"channel": "liquidation-orders", "instType": "SWAP"}
    assert sub.streams[:2] == ("books:BTC-USDT-SWAP", "trades:BTC-USDT-SWAP")
    assert sub.sparse == ("liquidation-orders:SWAP", "funding-rate:BTC-USDT-SWAP")  # not watched
    assert sub.quiet_s["books:BTC-USDT-SWAP"] == 75.0  # an unchanged book's heartbeat comes every ~60 s
    assert (sub.keepalive.message, sub.keepalive.idle_only) == ("ping", True)
    assert OKX_SWAP.gap_action is GapAction.RESUBSCRIBE
    assert OKX_SWAP.snapshot_request("BTC-USDT-SWAP").params == {"instId": "BTC-USDT-SWAP", "sz": "400"}


def test_streams_are_named_by_channel_and_instrument():
    frame = b'{"arg":{"channel":"books","instId":"BTC-USDT-SWAP"},"action":"update","data":[]}'
    liq = b'{"arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[]}'

    assert OKX_SWAP.stream_of(frame) == "books:BTC-USDT-SWAP"
    assert OKX_SWAP.stream_of(liq) == "liquidation-orders:SWAP"
    assert OKX_SWAP.stream_of(b"pong") is None


def test_only_swaps_identify_a_recording():
    assert identify({"arg": {"channel": "books", "instId": "UNI-USD-SWAP"}, "data": []}) == StreamId(
        "okx-swap", "UNI-USD-SWAP"
    )
    assert identify({"arg": {"channel": "books", "instId": "BTC-USDT"}, "data": []}) is None
    assert identify({"event": "subscribe", "arg": {"channel": "books", "instId": "UNI-USD-SWAP"}}) is None


def test_inverse_swaps_count_contracts_of_usd():
    inst = OKX_SWAP.instrument("BTC-USD-SWAP")

    assert (inst.kind.value, inst.contract_multiplier, inst.lot_size) == ("inverse", Decimal(100), Decimal(1))


def checksum(bids: dict[str, str], asks: dict[str, str]) -> int:
    """OKX's historical CRC32 over the top 25 levels, with the original strings."""
    top_bids = sorted(bids.items(), key=lambda kv: -Decimal(kv[0]))[:25]
    top_asks = sorted(asks.items(), key=lambda kv: Decimal(kv[0]))[:25]
    parts: list[str] = []
    for i in range(25):
        if i < len(top_bids):
            parts += top_bids[i]
        if i < len(top_asks):
            parts += top_asks[i]
    value = zlib.crc32(":".join(parts).encode())
    return value - 2**32 if value >= 2**31 else value


def test_the_2022_capture_replays_to_the_book_whose_checksums_okx_recorded(shared_data):
    path = shared_data / "okx" / "OKX.ws.1.0"
    bids: dict[str, str] = {}
    asks: dict[str, str] = {}
    checked = 0
    for line in (x for batch in iter_line_batches(path) for x in batch):
        msg = json.loads(line.split(b" ", 1)[1])
        if (
            msg.get("arg", {}).get("instId") != "UNI-USD-SWAP"
            or msg["arg"]["channel"] != "books"
            or "data" not in msg
        ):
            continue
        row = msg["data"][0]
        if msg["action"] == "snapshot":
            bids.clear()
            asks.clear()
        for side, levels in ((bids, row["bids"]), (asks, row["asks"])):
            for price, size, *_ in levels:
                if Decimal(size) == 0:
                    side.pop(price, None)
                else:
                    side[price] = size
        assert checksum(bids, asks) == row["checksum"]
        checked += 1

    session = run_replay([path])
    summary = summarize(session)

    assert checked == 93  # the snapshot and 92 updates, every one confirmed by OKX's own CRC32
    assert (summary["venue"], summary["symbol"], summary["malformed"]) == ("okx-swap", "UNI-USD-SWAP", 0)
    assert summary["book"]["applied"] == 92 and summary["book"]["gaps"] == 0
    inst = session.instrument
    assert {inst.price(p): inst.qty(q) for p, q in session.market.book.bids.items()} == {
        Decimal(p): Decimal(q) for p, q in bids.items()
    }
    assert {inst.price(p): inst.qty(q) for p, q in session.market.book.asks.items()} == {
        Decimal(p): Decimal(q) for p, q in asks.items()
    }
