"""BinanceDecoder on the payloads Binance documents, verbatim, and on hostile ones."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.events import (
    BookTicker,
    DepthDiff,
    DepthSnapshot,
    Liquidation,
    MarketEvent,
    MarkPrice,
    Side,
    Trade,
)
from app.core.instrument import Instrument
from app.venues.binance.decoder import BinanceDecoder
from app.venues.errors import MalformedMessage

MS = 1_000_000
RECEIVE_NS = 1_723_161_255_088_176_367


def enc(msg: object) -> bytes:
    """The wire form the decoder reads: JSON bytes, as they come off the socket or a recording."""
    return json.dumps(msg, separators=(",", ":")).encode()


def instrument(symbol: str, tick: str, lot: str) -> Instrument:
    return Instrument(venue="binance-usdm", symbol=symbol, tick_size=Decimal(tick), lot_size=Decimal(lot))


BTCUSDT = instrument("BTCUSDT", "0.1", "0.001")


def decode(decoder: BinanceDecoder, raw: bytes | str, receive_ns: int) -> MarketEvent | None:
    """The one event a Binance message carries, or None for a message with none."""
    events = decoder.decode(raw, receive_ns)
    assert len(events) <= 1, "a Binance message carries at most one event"
    return events[0] if events else None


# --- documented payloads (Binance's docs), verbatim ---------------------------------------------

TRADE = {
    "e": "trade",
    "E": 1723161256322,
    "T": 1723161256322,
    "s": "BTCUSDT",
    "t": 5266583935,
    "p": "61800.30",
    "q": "0.006",
    "X": "MARKET",
    "m": False,
}
AGG_TRADE = {
    "e": "aggTrade",
    "E": 123456789,
    "s": "BTCUSDT",
    "a": 5933014,
    "p": "0.001",
    "q": "100",
    "f": 100,
    "l": 105,
    "T": 123456785,
    "m": True,
}
DEPTH_UPDATE = {
    "e": "depthUpdate",
    "E": 123456789,
    "T": 123456788,
    "s": "BTCUSDT",
    "U": 157,
    "u": 160,
    "pu": 149,
    "b": [["0.0024", "10"]],
    "a": [["0.0026", "100"]],
}
BOOK_TICKER = {
    "e": "bookTicker",
    "u": 400900217,
    "E": 1568014460893,
    "T": 1568014460891,
    "s": "BNBUSDT",
    "b": "25.35190000",
    "B": "31.21000000",
    "a": "25.36520000",
    "A": "40.66000000",
}
FORCE_ORDER = {
    "e": "forceOrder",
    "E": 1568014460893,
    "o": {
        "s": "BTCUSDT",
        "S": "SELL",
        "o": "LIMIT",
        "f": "IOC",
        "q": "0.014",
        "p": "9910",
        "ap": "9910",
        "X": "FILLED",
        "l": "0.014",
        "z": "0.014",
        "T": 1568014460893,
    },
}
MARK_PRICE = {
    "e": "markPriceUpdate",
    "E": 1562305380000,
    "s": "BTCUSDT",
    "p": "11794.15000000",
    "i": "11784.62659091",
    "P": "11784.25641265",
    "r": "0.00038167",
    "T": 1562306400000,
}
REST_SNAPSHOT = {
    "lastUpdateId": 1027024,
    "E": 1589436922972,
    "T": 1589436922959,
    "bids": [["4.00000000", "431.00000000"]],
    "asks": [["4.00000200", "12.00000000"]],
}

# (stream name, instrument whose grid fits the documented numbers, payload, expected event)
DOCUMENTED = {
    "trade": (
        "btcusdt@trade",
        BTCUSDT,
        TRADE,
        Trade(1723161256322 * MS, RECEIVE_NS, 618003, 6, int(Side.BUY), 5266583935),
    ),
    "aggTrade": (
        "btcusdt@aggTrade",
        instrument("BTCUSDT", "0.001", "1"),
        AGG_TRADE,
        Trade(123456785 * MS, RECEIVE_NS, 1, 100, int(Side.SELL), 5933014),
    ),
    "depthUpdate": (
        "btcusdt@depth@0ms",
        instrument("BTCUSDT", "0.0001", "1"),
        DEPTH_UPDATE,
        DepthDiff(123456788 * MS, RECEIVE_NS, 157, 160, 149, [(24, 10)], [(26, 100)]),
    ),
    "bookTicker": (
        "bnbusdt@bookTicker",
        instrument("BNBUSDT", "0.0001", "0.01"),
        BOOK_TICKER,
        BookTicker(1568014460891 * MS, RECEIVE_NS, 400900217, 253519, 3121, 253652, 4066),
    ),
    "forceOrder": (
        "btcusdt@forceOrder",
        BTCUSDT,
        FORCE_ORDER,
        Liquidation(1568014460893 * MS, RECEIVE_NS, int(Side.SELL), 99100, 14, Decimal("9910"), 14),
    ),
    "markPriceUpdate": (
        "btcusdt@markPrice",
        BTCUSDT,
        MARK_PRICE,
        MarkPrice(
            1562305380000 * MS,
            RECEIVE_NS,
            Decimal("11794.15000000"),
            Decimal("11784.62659091"),
            Decimal("0.00038167"),
            1562306400000 * MS,
        ),
    ),
}


@pytest.mark.parametrize("kind", sorted(DOCUMENTED))
def test_documented_raw_payload_decodes_to_exact_event(kind):
    _, inst, payload, expected = DOCUMENTED[kind]

    event = decode(BinanceDecoder(inst), enc(payload), RECEIVE_NS)

    assert type(event) is type(expected)
    assert event == expected


@pytest.mark.parametrize("kind", sorted(DOCUMENTED))
def test_documented_payload_in_combined_stream_envelope_decodes_the_same(kind):
    stream, inst, payload, expected = DOCUMENTED[kind]

    event = decode(BinanceDecoder(inst), enc({"stream": stream, "data": payload}), RECEIVE_NS)

    assert type(event) is type(expected)
    assert event == expected


def test_rest_depth_snapshot_decodes_with_update_id_levels_and_transaction_time():
    inst = instrument("BTCUSDT", "0.000001", "1")

    event = decode(BinanceDecoder(inst), enc(REST_SNAPSHOT), RECEIVE_NS)

    assert type(event) is DepthSnapshot
    assert event == DepthSnapshot(1589436922959 * MS, RECEIVE_NS, 1027024, [(4000000, 431)], [(4000002, 12)])


def test_buyer_is_maker_true_means_the_aggressor_sold():
    event = decode(BinanceDecoder(BTCUSDT), enc({**TRADE, "m": True}), 0)

    assert event.side == -1
    assert event.side == Side.SELL


def test_buyer_is_maker_false_means_the_aggressor_bought():
    event = decode(BinanceDecoder(BTCUSDT), enc({**TRADE, "m": False}), 0)

    assert event.side == 1
    assert event.side == Side.BUY


def test_recorded_trade_has_exact_ticks_lots_and_nanosecond_times():
    event = decode(BinanceDecoder(BTCUSDT), enc(TRADE).decode(), 42)  # str is accepted as well as bytes

    assert event.price_ticks == 618003  # "61800.30" / 0.1
    assert event.qty_lots == 6  # "0.006" / 0.001
    assert event.exchange_ns == 1_723_161_256_322_000_000
    assert event.receive_ns == 42
    assert event.trade_id == 5266583935


def test_depth_zero_quantity_level_is_kept_as_zero_lots_to_remove_the_level():
    msg = {**DEPTH_UPDATE, "b": [["0.0024", "0"]], "a": []}

    event = decode(BinanceDecoder(instrument("BTCUSDT", "0.0001", "1")), enc(msg), 0)

    assert event.bids == [(24, 0)]
    assert event.asks == []


def test_mark_price_without_index_and_funding_defaults_them_to_zero():
    msg = {"e": "markPriceUpdate", "E": 1562305380000, "s": "BTCUSDT", "p": "11794.15"}

    event = decode(BinanceDecoder(BTCUSDT), enc(msg), 0)

    assert event == MarkPrice(1562305380000 * MS, 0, Decimal("11794.15"), Decimal(0), Decimal(0), 0)


def test_force_order_buy_side_is_a_short_liquidation():
    msg = {**FORCE_ORDER, "o": {**FORCE_ORDER["o"], "S": "BUY"}}

    event = decode(BinanceDecoder(BTCUSDT), enc(msg), 0)

    assert event.side == Side.BUY


# --- what the decoder ignores --------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(DOCUMENTED))
def test_message_for_another_symbol_is_ignored(kind):
    _, inst, payload, _ = DOCUMENTED[kind]
    other = instrument("ETHUSDT", str(inst.tick_size), str(inst.lot_size))

    assert decode(BinanceDecoder(other), enc(payload), 0) is None


def test_subscription_ack_is_ignored():
    assert decode(BinanceDecoder(BTCUSDT), b'{"result":null,"id":1}', 0) is None


def test_list_subscriptions_answer_is_ignored():
    assert decode(BinanceDecoder(BTCUSDT), b'{"result":["btcusdt@aggTrade"],"id":3}', 0) is None


def test_unknown_event_type_is_ignored():
    kline = {
        "stream": "btcusdt@kline_1m",
        "data": {"e": "kline", "E": 1, "s": "BTCUSDT", "k": {"t": 0, "o": "61800.30"}},
    }

    assert decode(BinanceDecoder(BTCUSDT), enc(kline), 0) is None


# --- malformed input -----------------------------------------------------------------------------


def _without(payload: dict, key: str) -> dict:
    return {k: v for k, v in payload.items() if k != key}


MALFORMED = {
    "trade missing price": _without(TRADE, "p"),
    "trade missing time": _without(TRADE, "T"),
    "trade missing maker flag": _without(TRADE, "m"),
    "trade price abc": {**TRADE, "p": "abc"},
    "trade price off the tick grid": {**TRADE, "p": "61800.35"},
    "trade quantity off the lot grid": {**TRADE, "q": "0.0065"},
    "trade price NaN": {**TRADE, "p": "NaN"},
    "trade price null": {**TRADE, "p": None},
    "trade price a list": {**TRADE, "p": ["61800.30"]},
    "trade time null": {**TRADE, "T": None},
    "depth missing pu": _without({**DEPTH_UPDATE, "b": [], "a": []}, "pu"),
    "depth level with one element": {**DEPTH_UPDATE, "b": [["61800.30"]], "a": []},
    "depth levels not a list": {**DEPTH_UPDATE, "b": 5, "a": []},
    "depth level price off grid": {**DEPTH_UPDATE, "b": [["61800.35", "1.000"]], "a": []},
    "book ticker missing ask size": _without({**BOOK_TICKER, "s": "BTCUSDT"}, "A"),
    "force order missing order": _without(FORCE_ORDER, "o"),
    "force order side neither BUY nor SELL": {**FORCE_ORDER, "o": {**FORCE_ORDER["o"], "S": "LONG"}},
    "force order average price abc": {**FORCE_ORDER, "o": {**FORCE_ORDER["o"], "ap": "abc"}},
    "mark price abc": {**MARK_PRICE, "p": "abc"},
    "snapshot without bids": _without(REST_SNAPSHOT, "bids"),
    "snapshot for another symbol": {**REST_SNAPSHOT, "symbol": "ETHUSDT", "bids": [], "asks": []},
    "envelope data is a list": {"stream": "btcusdt@trade", "data": [1, 2]},
    "envelope data is null": {"stream": "btcusdt@trade", "data": None},
    "message is a list": [TRADE],
    "message is a string": "hello",
    "message is a number": 123,
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_message_raises_malformed_message(name):
    with pytest.raises(MalformedMessage):
        decode(BinanceDecoder(BTCUSDT), enc(MALFORMED[name]), 0)


# Wrong JSON types in the id/time/flag fields. These must be refused at the edge: downstream they
# are compared with ints (book sync, BBO check) or packed into int64 columns (tape), where they
# either crash the feed or silently turn into nonsense (a "T" string times 1e6 is a 13-million
# character string; a "m" string "false" is truthy and flips the aggressor side).
WRONG_TYPES = {
    "trade time as string": {**TRADE, "T": "1723161256322"},
    "trade time as float": {**TRADE, "T": 1723161256322.5},
    "trade id as string": {**TRADE, "t": "x"},
    "trade maker flag as string": {**TRADE, "m": "false"},
    "trade maker flag null": {**TRADE, "m": None},
    "depth first id as string": {**DEPTH_UPDATE, "U": "157", "b": [], "a": []},
    "depth previous id as string": {**DEPTH_UPDATE, "pu": "149", "b": [], "a": []},
    "book ticker update id as string": {
        **BOOK_TICKER,
        "s": "BTCUSDT",
        "u": "400900217",
        "b": "25.3",
        "B": "31.210",
        "a": "25.4",
        "A": "40.660",
    },
    "snapshot update id as string": {**REST_SNAPSHOT, "lastUpdateId": "1027024", "bids": [], "asks": []},
    "agg trade maker flag as number": {**AGG_TRADE, "p": "61800.3", "q": "0.001", "m": 1},
}


@pytest.mark.parametrize("name", sorted(WRONG_TYPES))
def test_wrong_json_type_raises_malformed_message(name):
    with pytest.raises(MalformedMessage):
        decode(BinanceDecoder(BTCUSDT), enc(WRONG_TYPES[name]), 0)


@pytest.mark.parametrize(
    "raw", [b"hello", b"{not json", b"", b'{"stream":"btcusdt@trade","data":{"e":"trade"', "\ufffd"]
)
def test_bytes_that_are_not_json_raise_malformed_message(raw):
    with pytest.raises(MalformedMessage):
        decode(BinanceDecoder(BTCUSDT), raw, 0)


# A size is a count of lots: Binance never sends a negative one, and one that got through would
# subtract volume from the profile and resting size from the book.
NEGATIVE_SIZES = {
    "trade quantity": {**TRADE, "q": "-0.006"},
    "depth bid quantity": {**DEPTH_UPDATE, "b": [["61800.30", "-1.000"]], "a": []},
    "book ticker bid size": {
        **BOOK_TICKER,
        "s": "BTCUSDT",
        "b": "25.3",
        "B": "-31.210",
        "a": "25.4",
        "A": "4.000",
    },
}


@pytest.mark.parametrize("name", sorted(NEGATIVE_SIZES))
def test_negative_size_raises_malformed_message(name):
    with pytest.raises(MalformedMessage):
        decode(BinanceDecoder(BTCUSDT), enc(NEGATIVE_SIZES[name]), 0)


def test_malformed_message_does_not_poison_the_next_good_one():
    decoder = BinanceDecoder(BTCUSDT)
    with pytest.raises(MalformedMessage):
        decoder.decode(enc({**TRADE, "p": "61800.35"}), 0)

    assert decode(decoder, enc(TRADE), 0).price_ticks == 618003


# --- property: Binance's fixed-decimal strings convert exactly ------------------------------------

STEPS = ["0.1", "0.01", "0.001", "0.0001", "0.00000001", "0.5", "0.25", "1", "5", "10"]


@st.composite
def grid_values(draw):
    step = Decimal(draw(st.sampled_from(STEPS)))
    n = draw(st.integers(min_value=0, max_value=10**9))
    step_decimals = max(0, -step.as_tuple().exponent)
    decimals = draw(st.integers(min_value=step_decimals, max_value=step_decimals + 4))
    return step, n, f"{n * step:.{decimals}f}"


@given(price=grid_values(), qty=grid_values(), maker=st.booleans())
def test_on_grid_fixed_decimal_strings_decode_to_exact_ticks_and_lots(price, qty, maker):
    tick, n_ticks, price_text = price
    lot, n_lots, qty_text = qty
    inst = Instrument(venue="binance-usdm", symbol="BTCUSDT", tick_size=tick, lot_size=lot)

    event = decode(BinanceDecoder(inst), enc({**TRADE, "p": price_text, "q": qty_text, "m": maker}), 0)

    assert event.price_ticks == n_ticks
    assert event.qty_lots == n_lots
    assert event.price_ticks * tick == Decimal(price_text)
    assert event.qty_lots * lot == Decimal(qty_text)
    assert event.side == (Side.SELL if maker else Side.BUY)


@given(price=grid_values())
def test_off_grid_price_string_is_always_refused(price):
    tick, n_ticks, _ = price
    off = f"{n_ticks * tick + tick / 2:f}"  # half a tick past a grid price
    inst = Instrument(venue="binance-usdm", symbol="BTCUSDT", tick_size=tick, lot_size=Decimal("0.001"))

    with pytest.raises(MalformedMessage):
        decode(BinanceDecoder(inst), enc({**TRADE, "p": off}), 0)
