"""The Binance adapters: what a live feed subscribes to and fetches, and which messages are theirs."""

from __future__ import annotations

import pytest

from app.venues.base import GapAction, StreamId
from app.venues.binance import COINM, USDM
from app.venues.errors import UnknownInstrument


def test_usdm_book_and_trades_go_to_their_own_url_paths():
    subs = USDM.subscriptions("BTCUSDT")

    assert [s.url for s in subs] == [
        "wss://fstream.binance.com/public/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker",
        "wss://fstream.binance.com/market/stream?streams=btcusdt@trade/btcusdt@markPrice@1s/btcusdt@forceOrder",
    ]
    assert subs[1].streams == ("btcusdt@trade", "btcusdt@markPrice@1s", "btcusdt@forceOrder")


def test_coinm_streams_share_one_socket():
    (sub,) = COINM.subscriptions("BTCUSD_PERP")

    assert sub.url.startswith("wss://dstream.binance.com/stream?streams=btcusd_perp@depth@0ms/")
    assert "btcusd_perp@trade" in sub.streams


def test_a_gap_is_repaired_from_the_rest_snapshot():
    request = USDM.snapshot_request("btcusdt")

    assert USDM.gap_action is GapAction.REST_SNAPSHOT
    assert request.url == "https://fapi.binance.com/fapi/v1/depth"
    assert request.params == {"symbol": "BTCUSDT", "limit": "1000"}
    assert COINM.snapshot_request("BTCUSD_PERP").url == "https://dapi.binance.com/dapi/v1/depth"


@pytest.mark.parametrize(
    ("message", "usdm", "coinm"),
    [
        ({"stream": "btcusdt@trade", "data": {}}, StreamId("binance-usdm", "BTCUSDT"), None),
        ({"stream": "btcusd_perp@trade", "data": {}}, None, StreamId("binance-coinm", "BTCUSD_PERP")),
        ({"e": "trade", "s": "ETHUSDT"}, StreamId("binance-usdm", "ETHUSDT"), None),
        ({"result": None, "id": 1}, None, None),
    ],
)
def test_each_market_recognises_only_its_own_symbols(message, usdm, coinm):
    assert (USDM.identify(message), COINM.identify(message)) == (usdm, coinm)


def test_adapter_builds_decoder_and_sync_for_its_instrument():
    inst = USDM.instrument("BTCUSDT")

    events = USDM.decoder(inst).decode(
        b'{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":2,"s":"BTCUSDT","t":7,'
        b'"p":"61800.30","q":"0.006","m":false}}',
        5,
    )

    assert [(e.price_ticks, e.qty_lots, e.trade_id) for e in events] == [(618003, 6, 7)]
    assert USDM.book_sync(inst).needs_snapshot


def test_unknown_symbol_names_the_bundled_ones_and_the_sidecar_fix():
    with pytest.raises(UnknownInstrument, match=r"DOGEUSDT.*bundled: .*BTCUSDT.*sidecar"):
        USDM.instrument("DOGEUSDT")
