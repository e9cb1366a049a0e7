"""Hyperliquid messages to core events: arrays of prints, de-duplicated; whole-book images."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.core.events import DepthSnapshot, MarkPrice, Side, Trade
from app.venues.errors import MalformedMessage
from app.venues.hyperliquid import HYPERLIQUID
from app.venues.hyperliquid.decoder import HyperliquidDecoder

BTC = HYPERLIQUID.instrument("BTC")
MS = 1_000_000


def enc(msg: object) -> bytes:
    return json.dumps(msg, separators=(",", ":")).encode()


def trade(tid: int, side: str = "B", px: str = "105056.0", sz: str = "0.00219", coin: str = "BTC") -> dict:
    return {"coin": coin, "hash": "0x0", "px": px, "side": side, "sz": sz, "tid": tid, "time": 1737918794873,
            "users": ["0xa", "0xb"]}  # fmt: skip


def test_every_print_of_an_array_becomes_a_trade_in_order_with_the_taker_side():
    events = HyperliquidDecoder(BTC).decode(
        enc({"channel": "trades", "data": [trade(1), trade(2, "A", sz="0.5")]}), 7
    )

    assert events == [
        Trade(1737918794873 * MS, 7, 105056, 219, int(Side.BUY), 1),
        Trade(1737918794873 * MS, 7, 105056, 50000, int(Side.SELL), 2),
    ]


def test_prints_repeated_after_a_resubscribe_are_dropped_by_trade_id():
    decoder = HyperliquidDecoder(BTC)
    decoder.decode(enc({"channel": "trades", "data": [trade(1), trade(2)]}), 0)

    again = decoder.decode(enc({"channel": "trades", "data": [trade(2), trade(3)]}), 0)

    assert [e.trade_id for e in again] == [3]
    assert decoder.duplicates == 1


def test_an_l2book_image_is_a_whole_snapshot_stamped_with_its_time():
    msg = {"channel": "l2Book", "data": {"coin": "BTC", "time": 1737918843542, "levels": [
        [{"px": "105055.0", "sz": "3.03622", "n": 5}, {"px": "105054.0", "sz": "0.1428", "n": 1}],
        [{"px": "105056.0", "sz": "6.34472", "n": 13}]]}}  # fmt: skip

    (event,) = HyperliquidDecoder(BTC).decode(enc(msg), 9)

    assert event == DepthSnapshot(
        1737918843542 * MS, 9, 1737918843542, [(105055, 303622), (105054, 14280)], [(105056, 634472)]
    )


def test_the_asset_context_gives_mark_oracle_and_funding_due_at_the_next_hour():
    ctx = {"markPx": "105050.5", "oraclePx": "105049", "funding": "0.0000125", "openInterest": "1"}
    msg = {"channel": "activeAssetCtx", "data": {"coin": "BTC", "ctx": ctx}}
    receive_ns = 1737918843_000_000_000

    open_interest, event = HyperliquidDecoder(BTC).decode(enc(msg), receive_ns)

    assert open_interest.open_interest == Decimal(1)  # in coins
    assert isinstance(event, MarkPrice)
    assert (event.mark_price, event.index_price, event.funding_rate) == (
        Decimal("105050.5"),
        Decimal(105049),
        Decimal("0.0000125"),
    )
    assert event.next_funding_ns == 1737921600_000_000_000  # 20:00 UTC


@pytest.mark.parametrize(
    "raw",
    [
        b'{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"trades","coin":"BTC"}}}',
        b'{"channel":"pong"}',
        enc({"channel": "trades", "data": [trade(1, coin="ETH")]}),
        enc({"channel": "l2Book", "data": {"coin": "ETH", "time": 1, "levels": [[], []]}}),
    ],
)
def test_acks_pongs_and_other_coins_carry_nothing(raw):
    assert HyperliquidDecoder(BTC).decode(raw, 0) in ((), [])


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1,2]",
        enc({"channel": "trades", "data": [{"coin": "BTC", "px": "1"}]}),
        enc({"channel": "trades", "data": [trade(1, side="X")]}),
        enc({"channel": "trades", "data": [trade(1, px="105056.5")]}),  # off BTC's 1-dollar grid
        enc({"channel": "l2Book", "data": {"coin": "BTC", "time": -1, "levels": [[], []]}}),
    ],
)
def test_malformed_messages_raise_malformed_message_only(raw):
    with pytest.raises(MalformedMessage):
        HyperliquidDecoder(BTC).decode(raw, 0)
