"""Bybit v5 linear messages to core events, on the documented payloads and hostile ones."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.core.events import DepthDiff, DepthSnapshot, Liquidation, MarkPrice, Side, Trade
from app.venues.bybit import BYBIT_LINEAR
from app.venues.bybit.decoder import BybitDecoder, trade_id
from app.venues.errors import MalformedMessage

MS = 1_000_000
BTC = BYBIT_LINEAR.instrument("BTCUSDT")
TRADES = {
    "topic": "publicTrade.BTCUSDT",
    "type": "snapshot",
    "ts": 1672304486868,
    "data": [
        {
            "T": 1672304486865,
            "s": "BTCUSDT",
            "S": "Buy",
            "v": "0.001",
            "p": "16578.50",
            "L": "PlusTick",
            "i": "20f43950-d8dd-5b31-9112-a178eb6023af",
            "BT": False,
            "seq": 1783284617,
        },
        {
            "T": 1672304486866,
            "s": "BTCUSDT",
            "S": "Sell",
            "v": "0.250",
            "p": "16578.40",
            "L": "MinusTick",
            "i": "30f43950-d8dd-5b31-9112-a178eb6023af",
            "BT": False,
            "seq": 1783284618,
        },
    ],
}
SNAPSHOT = {
    "topic": "orderbook.50.BTCUSDT",
    "type": "snapshot",
    "ts": 1672304484978,
    "data": {
        "s": "BTCUSDT",
        "b": [["16493.50", "0.006"], ["16493.00", "0.100"]],
        "a": [["16611.00", "0.029"]],
        "u": 18521288,
        "seq": 7961638724,
    },
    "cts": 1672304484976,
}


def enc(msg: object) -> bytes:
    return json.dumps(msg, separators=(",", ":")).encode()


def decode(msg: object, receive_ns: int = 5) -> list:
    return list(BybitDecoder(BTC).decode(enc(msg), receive_ns))


def test_a_trade_array_gives_every_print_with_the_taker_side_in_order():
    assert decode(TRADES) == [
        Trade(
            1672304486865 * MS, 5, 165785, 1, int(Side.BUY), trade_id("20f43950-d8dd-5b31-9112-a178eb6023af")
        ),
        Trade(
            1672304486866 * MS,
            5,
            165784,
            250,
            int(Side.SELL),
            trade_id("30f43950-d8dd-5b31-9112-a178eb6023af"),
        ),
    ]


def test_uuid_trade_ids_map_to_stable_distinct_int64s():
    first = trade_id("20f43950-d8dd-5b31-9112-a178eb6023af")

    assert first == int("20f43950d8dd5b3", 16) and 0 <= first < 2**63
    assert trade_id("2100000000123") == 2100000000123


def test_a_book_snapshot_and_a_delta_chain_on_u():
    delta = {
        **SNAPSHOT,
        "type": "delta",
        "data": {**SNAPSHOT["data"], "u": 18521289, "b": [["16493.50", "0"]], "a": []},
    }

    assert decode(SNAPSHOT) == [
        DepthSnapshot(1672304484976 * MS, 5, 18521288, [(164935, 6), (164930, 100)], [(166110, 29)])
    ]
    assert decode(delta) == [
        DepthDiff(1672304484976 * MS, 5, 18521289, 18521289, 18521288, [(164935, 0)], [])
    ]


def test_u_equal_to_one_is_a_snapshot_whatever_its_type_says():
    restart = {**SNAPSHOT, "type": "delta", "data": {**SNAPSHOT["data"], "u": 1}}

    (event,) = decode(restart)

    assert type(event) is DepthSnapshot and event.update_id == 1


def test_a_liquidated_long_is_a_sell_order():
    msg = {
        "topic": "allLiquidation.BTCUSDT",
        "type": "snapshot",
        "ts": 1739502303204,
        "data": [{"T": 1739502302929, "s": "BTCUSDT", "S": "Buy", "v": "0.500", "p": "16000.00"}],
    }

    (event,) = decode(msg)

    assert event == Liquidation(1739502302929 * MS, 5, int(Side.SELL), 160000, 500, Decimal("16000.00"), 500)


def test_ticker_deltas_are_merged_into_the_last_known_mark_and_funding():
    decoder = BybitDecoder(BTC)
    first = {
        "topic": "tickers.BTCUSDT",
        "type": "snapshot",
        "ts": 1,
        "data": {
            "symbol": "BTCUSDT",
            "markPrice": "16600.5",
            "indexPrice": "16601",
            "fundingRate": "0.0001",
            "nextFundingTime": "1672329600000",
        },
    }
    change = {
        "topic": "tickers.BTCUSDT",
        "type": "delta",
        "ts": 2,
        "data": {"symbol": "BTCUSDT", "markPrice": "16610"},
    }

    decoder.decode(enc(first), 0)
    (event,) = decoder.decode(enc(change), 0)

    assert event == MarkPrice(
        2 * MS, 0, Decimal(16610), Decimal(16601), Decimal("0.0001"), 1672329600000 * MS
    )


@pytest.mark.parametrize(
    "raw",
    [
        b'{"success":true,"ret_msg":"pong","conn_id":"465772b1","req_id":"","op":"ping"}',
        b'{"success":true,"ret_msg":"","conn_id":"3cd84cb1","req_id":"","op":"subscribe"}',
        enc({**TRADES, "topic": "publicTrade.ETHUSDT", "data": [{**TRADES["data"][0], "s": "ETHUSDT"}]}),
        enc({"topic": "kline.1.BTCUSDT", "type": "snapshot", "ts": 1, "data": []}),
    ],
)
def test_acks_pongs_other_symbols_and_other_topics_carry_nothing(raw):
    assert list(BybitDecoder(BTC).decode(raw, 0)) == []


@pytest.mark.parametrize(
    "msg",
    [
        {**TRADES, "data": [{**TRADES["data"][0], "S": "Up"}]},
        {**TRADES, "data": [{**TRADES["data"][0], "p": "16578.55"}]},  # off the 0.10 grid
        {**TRADES, "data": [{"T": 1}]},
        {**SNAPSHOT, "type": "partial"},
        {**SNAPSHOT, "data": {**SNAPSHOT["data"], "u": -4}},
        {"topic": "orderbook.50.BTCUSDT"},
    ],
)
def test_malformed_messages_raise_malformed_message_only(msg):
    with pytest.raises(MalformedMessage):
        BybitDecoder(BTC).decode(enc(msg), 0)


def test_bytes_that_are_not_json_are_malformed():
    with pytest.raises(MalformedMessage):
        BybitDecoder(BTC).decode(b"\x00garbage", 0)
