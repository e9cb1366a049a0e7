"""Binance instrument metadata (exchangeInfo), the bundled table and recognising messages."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.core.instrument import ContractKind
from app.venues.base import StreamId
from app.venues.binance.decoder import BinanceDecoder
from app.venues.binance.instruments import (
    BinanceMarket,
    instrument_from_exchange_info,
    instruments_from_exchange_info,
    symbol_from_stream,
)
from app.venues.errors import MalformedMessage, UnknownInstrument
from app.venues.registry import identify, resolve_instrument

TRADE = {"e": "trade", "E": 1, "T": 1, "s": "BTCUSDT", "t": 5, "p": "61800.30", "q": "0.006", "m": False}
BOOK_TICKER = {"e": "bookTicker", "u": 1, "s": "BNBUSDT", "b": "25.35", "B": "31", "a": "25.36", "A": "40"}
REST_SNAPSHOT = {"lastUpdateId": 1027024, "E": 1, "T": 1, "bids": [], "asks": []}


# --- instrument metadata (exchangeInfo) ------------------------------------------------------------

USDM_ENTRY = {
    "symbol": "BTCUSDT",
    "pair": "BTCUSDT",
    "contractType": "PERPETUAL",
    "baseAsset": "BTC",
    "quoteAsset": "USDT",
    "filters": [
        {"filterType": "PRICE_FILTER", "minPrice": "556.80", "maxPrice": "4529764", "tickSize": "0.10"},
        {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "1000", "stepSize": "0.001"},
        {"filterType": "MIN_NOTIONAL", "notional": "100"},
    ],
}
COINM_ENTRY = {
    "symbol": "BTCUSD_PERP",
    "pair": "BTCUSD",
    "contractType": "PERPETUAL",
    "contractSize": 100,
    "baseAsset": "BTC",
    "quoteAsset": "USD",
    "filters": [
        {"filterType": "PRICE_FILTER", "tickSize": "0.1"},
        {"filterType": "LOT_SIZE", "stepSize": "1"},
    ],
}


def test_usdm_exchange_info_tick_010_becomes_tick_01_linear_in_base_units():
    inst = instrument_from_exchange_info(USDM_ENTRY, BinanceMarket.USDM)

    assert inst.tick_size == Decimal("0.1")
    assert str(inst.tick_size) == "0.1"
    assert inst.lot_size == Decimal("0.001")
    assert inst.venue == "binance-usdm"
    assert inst.symbol == "BTCUSDT"
    assert inst.kind is ContractKind.LINEAR
    assert inst.contract_multiplier == 1
    assert inst.quantity_unit == "BTC"


def test_coinm_exchange_info_with_contract_size_100_is_inverse_in_contracts():
    inst = instrument_from_exchange_info(COINM_ENTRY, BinanceMarket.COINM)

    assert inst.venue == "binance-coinm"
    assert inst.kind is ContractKind.INVERSE
    assert inst.contract_multiplier == Decimal(100)
    assert inst.quantity_unit == "contracts"
    assert inst.tick_size == Decimal("0.1")
    assert inst.lot_size == Decimal(1)


def test_exchange_info_document_is_keyed_by_symbol():
    found = instruments_from_exchange_info(
        {"symbols": [USDM_ENTRY, {**USDM_ENTRY, "symbol": "X"}]}, BinanceMarket.USDM
    )

    assert sorted(found) == ["BTCUSDT", "X"]
    assert found["BTCUSDT"].lot_size == Decimal("0.001")


def test_exchange_info_entry_without_lot_filter_is_malformed():
    entry = {**USDM_ENTRY, "filters": [{"filterType": "PRICE_FILTER", "tickSize": "0.10"}]}

    with pytest.raises(MalformedMessage):
        instrument_from_exchange_info(entry, BinanceMarket.USDM)


def test_exchange_info_without_symbols_is_malformed():
    with pytest.raises(MalformedMessage):
        instruments_from_exchange_info({"serverTime": 1}, BinanceMarket.USDM)


@pytest.mark.parametrize(
    ("symbol", "market"),
    [
        ("BTCUSD_PERP", BinanceMarket.COINM),
        ("ethusd_260925", BinanceMarket.COINM),
        ("BTCUSDT", BinanceMarket.USDM),
        ("BTCUSDC", BinanceMarket.USDM),
        ("BTCUSDT_240927", BinanceMarket.USDM),
    ],
)
def test_market_for_symbol(symbol, market):
    assert BinanceMarket.for_symbol(symbol) is market


def test_symbol_from_stream_is_upper_case_part_before_the_at():
    assert symbol_from_stream("btcusdt@depth@0ms") == "BTCUSDT"
    assert symbol_from_stream("btcusd_perp@trade") == "BTCUSD_PERP"


# --- registry ------------------------------------------------------------------------------------


def test_bundled_btcusdt_has_binance_tick_and_lot():
    inst = resolve_instrument("binance-usdm", "BTCUSDT")

    assert (inst.venue, inst.symbol) == ("binance-usdm", "BTCUSDT")
    assert (inst.tick_size, inst.lot_size) == (Decimal("0.1"), Decimal("0.001"))
    assert inst.kind is ContractKind.LINEAR


def test_bundled_coinm_perp_is_inverse_with_contract_size_100():
    inst = resolve_instrument("binance-coinm", "BTCUSD_PERP")

    assert inst.kind is ContractKind.INVERSE
    assert inst.contract_multiplier == 100
    assert inst.quantity_unit == "contracts"


def test_given_metadata_wins_over_the_bundled_table():
    entry = {
        **USDM_ENTRY,
        "filters": [{"filterType": "PRICE_FILTER", "tickSize": "0.5"}, USDM_ENTRY["filters"][1]],
    }

    inst = resolve_instrument("binance-usdm", "BTCUSDT", entry)

    assert inst.tick_size == Decimal("0.5")


def test_unknown_symbol_names_the_symbol():
    with pytest.raises(UnknownInstrument, match="DOGEUSDT"):
        resolve_instrument("binance-usdm", "DOGEUSDT")


def test_unknown_venue_is_refused():
    with pytest.raises(UnknownInstrument, match="kraken"):
        resolve_instrument("kraken", "BTCUSDT")


@pytest.mark.parametrize(
    ("msg", "expected"),
    [
        ({"stream": "btcusdt@depth@0ms", "data": {}}, StreamId("binance-usdm", "BTCUSDT")),
        ({"stream": "btcusd_perp@trade", "data": {}}, StreamId("binance-coinm", "BTCUSD_PERP")),
        (TRADE, StreamId("binance-usdm", "BTCUSDT")),
        (BOOK_TICKER, StreamId("binance-usdm", "BNBUSDT")),
        ({"result": None, "id": 1}, None),
        (REST_SNAPSHOT, None),
        ([TRADE], None),
        ("btcusdt@trade", None),
    ],
)
def test_identify_reads_venue_and_symbol_from_the_message(msg, expected):
    assert identify(msg) == expected


def test_coinm_trade_size_is_counted_in_whole_contracts():
    inst = instrument_from_exchange_info(COINM_ENTRY, BinanceMarket.COINM)
    msg = {**TRADE, "s": "BTCUSD_PERP", "p": "61800.3", "q": "25"}

    (event,) = BinanceDecoder(inst).decode(json.dumps({"stream": "btcusd_perp@trade", "data": msg}), 0)

    assert event.qty_lots == 25
    assert event.price_ticks == 618003
