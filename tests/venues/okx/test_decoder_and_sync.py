"""OKX v5 SWAP messages to core events, and the `prevSeqId` chain as stories."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.core.events import DepthDiff, DepthSnapshot, Liquidation, MarkPrice, Side, Trade
from app.venues.errors import MalformedMessage
from app.venues.okx import OKX_SWAP
from app.venues.okx.decoder import OkxDecoder
from app.venues.okx.messages import NO_SEQ
from app.venues.okx.sync import OkxBookSync

MS = 1_000_000
ETH = OKX_SWAP.instrument("ETH-USDT-SWAP")
ARG = {"channel": "books", "instId": "ETH-USDT-SWAP"}


def enc(msg: object) -> bytes:
    return json.dumps(msg, separators=(",", ":")).encode()


def decode(msg: object, receive_ns: int = 3) -> list:
    return list(OkxDecoder(ETH).decode(enc(msg) if not isinstance(msg, bytes) else msg, receive_ns))


def book(action: str, seq: int, prev: int, bids=(("2000.01", "5", "0", "1"),), asks=()) -> dict:
    row = {
        "asks": [list(a) for a in asks],
        "bids": [list(b) for b in bids],
        "ts": "1597026383085",
        "checksum": 0,
        "prevSeqId": prev,
        "seqId": seq,
    }
    return {"arg": ARG, "action": action, "data": [row]}


def test_trades_are_in_contracts_with_the_taker_side():
    msg = {
        "arg": {"channel": "trades", "instId": "ETH-USDT-SWAP"},
        "data": [
            {
                "instId": "ETH-USDT-SWAP",
                "tradeId": "130639474",
                "px": "2000.01",
                "sz": "1.5",
                "side": "buy",
                "ts": "1630048897897",
                "count": "3",
                "source": "0",
                "seqId": 1234,
            }
        ],
    }

    assert decode(msg) == [Trade(1630048897897 * MS, 3, 200001, 150, int(Side.BUY), 130639474)]
    assert ETH.contract_multiplier == Decimal("0.1") and ETH.quantity_unit == "contracts"


def test_a_snapshot_and_an_update_carry_seq_ids_and_the_checksum_is_ignored():
    snap = book("snapshot", 10, -1)
    update = book("update", 15, 10)
    update["data"][0]["checksum"] = 123456  # never validated

    assert decode(snap) == [DepthSnapshot(1597026383085 * MS, 3, 10, [(200001, 500)], [])]
    assert decode(update) == [DepthDiff(1597026383085 * MS, 3, 15, 15, 10, [(200001, 500)], [])]


def test_old_recordings_without_seq_ids_decode_with_no_seq():
    msg = book("update", 0, 0)
    del msg["data"][0]["seqId"], msg["data"][0]["prevSeqId"]

    (event,) = decode(msg)

    assert (event.last_id, event.prev_last_id) == (NO_SEQ, NO_SEQ)


def test_mark_price_and_funding_rate_are_merged():
    decoder = OkxDecoder(ETH)
    funding = {
        "arg": {"channel": "funding-rate", "instId": "ETH-USDT-SWAP"},
        "data": [
            {
                "instId": "ETH-USDT-SWAP",
                "fundingRate": "0.0001",
                "fundingTime": "1700000000000",
                "nextFundingTime": "1700028800000",
            }
        ],
    }
    mark = {
        "arg": {"channel": "mark-price", "instId": "ETH-USDT-SWAP"},
        "data": [{"instType": "SWAP", "instId": "ETH-USDT-SWAP", "markPx": "2001.5", "ts": "1699999999000"}],
    }

    assert decoder.decode(enc(funding), 0) == ()  # no mark price yet
    (event,) = decoder.decode(enc(mark), 0)

    assert event == MarkPrice(
        1699999999000 * MS, 0, Decimal("2001.5"), Decimal(0), Decimal("0.0001"), 1700028800000 * MS
    )


def test_a_liquidation_buy_order_closes_a_short():
    msg = {
        "arg": {"channel": "liquidation-orders", "instType": "SWAP"},
        "data": [
            {
                "details": [
                    {
                        "bkLoss": "0",
                        "bkPx": "2000.013",
                        "ccy": "",
                        "posSide": "short",
                        "side": "buy",
                        "sz": "13",
                        "ts": "1692266434010",
                    }
                ],
                "instFamily": "ETH-USDT",
                "instId": "ETH-USDT-SWAP",
                "instType": "SWAP",
            }
        ],
    }

    (event,) = decode(msg)

    assert event == Liquidation(1692266434010 * MS, 3, int(Side.BUY), 200001, 1300, Decimal("2000.013"), 1300)


def test_the_rest_book_of_the_snapshot_less_mode_is_a_snapshot():
    rest = {
        "code": "0",
        "msg": "",
        "data": [{"asks": [["2000.02", "1", "0", "1"]], "bids": [], "ts": "1", "seqId": 77}],
    }

    assert decode(rest) == [DepthSnapshot(MS, 3, 77, [], [(200002, 100)])]


@pytest.mark.parametrize(
    "raw",
    [
        b"pong",
        enc({"event": "subscribe", "arg": ARG, "connId": "a4d3ae55"}),
        enc({**book("update", 2, 1), "arg": {"channel": "books", "instId": "BTC-USDT-SWAP"}}),
        enc({"event": "notice", "code": "64008", "msg": "upgrade"}),
    ],
)
def test_pongs_acks_other_instruments_and_notices_carry_nothing(raw):
    assert decode(raw) == []


@pytest.mark.parametrize(
    "raw",
    [
        enc({"event": "error", "code": "60012", "msg": "Invalid request"}),
        enc(book("partial", 1, 0)),
        enc(book("update", 1, 0, bids=(("2000.015", "1", "0", "1"),))),  # off the 0.01 grid
        enc({"arg": {"channel": "trades", "instId": "ETH-USDT-SWAP"}, "data": [{"instId": "ETH-USDT-SWAP"}]}),
        b"[1]",
        b"{not json",
    ],
)
def test_errors_and_malformed_messages_raise_malformed_message(raw):
    with pytest.raises(MalformedMessage):
        OkxDecoder(ETH).decode(raw, 0)


def diff(seq: int, prev: int) -> DepthDiff:
    return DepthDiff(0, 0, seq, seq, prev, [(1, 1)], [])


def test_updates_chain_on_prev_seq_id_with_irregular_steps_heartbeats_and_a_reset():
    sync = OkxBookSync()
    sync.on_snapshot(DepthSnapshot(0, 0, 10, [], []))

    assert sync.on_diff(diff(15, 10)) == [diff(15, 10)]
    assert sync.on_diff(diff(15, 15)) == [diff(15, 15)]  # heartbeat: seqId == prevSeqId
    assert sync.on_diff(diff(3, 15)) == [diff(3, 15)]  # maintenance reset: seqId < prevSeqId
    assert sync.on_diff(diff(5, 3)) == [diff(5, 3)]
    assert (sync.applied, sync.gaps) == (4, 0)


def test_a_broken_chain_is_a_gap_until_the_next_snapshot():
    sync = OkxBookSync()
    sync.on_snapshot(DepthSnapshot(0, 0, 10, [], []))

    assert sync.on_diff(diff(20, 12)) == []
    assert sync.needs_snapshot and (sync.gaps, sync.resyncs) == (1, 1)
    assert sync.on_snapshot(DepthSnapshot(0, 0, 90, [], [])) == []  # the older buffered update is dropped
    assert sync.on_diff(diff(95, 90)) == [diff(95, 90)]


def test_a_rest_snapshot_bridges_the_buffered_updates():
    sync = OkxBookSync()
    for update in (diff(5, 1), diff(9, 5), diff(14, 9), diff(20, 14)):
        sync.on_diff(update)

    ready = sync.on_snapshot(DepthSnapshot(0, 0, 10, [], []))  # prevSeqId 9 <= 10 < 14

    assert ready == [diff(14, 9), diff(20, 14)]
    assert sync.dropped_before_sync == 2 and not sync.needs_snapshot


def test_updates_without_seq_ids_apply_in_order_and_are_counted_unchecked():
    sync = OkxBookSync()
    sync.on_snapshot(DepthSnapshot(0, 0, NO_SEQ, [], []))

    assert sync.on_diff(diff(NO_SEQ, NO_SEQ)) == [diff(NO_SEQ, NO_SEQ)]
    assert sync.unchecked == 1 and sync.gaps == 0


def test_the_update_just_applied_sent_again_is_a_duplicate_not_a_gap():
    sync = OkxBookSync()
    sync.on_snapshot(DepthSnapshot(0, 0, 10, [], []))
    sync.on_diff(diff(15, 10))

    assert sync.on_diff(diff(15, 10)) == []
    assert sync.gaps == 0 and sync.dropped_before_sync == 1
    assert sync.on_diff(diff(21, 15)) == [diff(21, 15)]
