"""The synthetic venue's line format, read and written through the seam: encoder -> decoder round
trips, strictness (every malformed line raises MalformedMessage), and its place in the registry."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.events import BookTicker, DepthDiff, DepthSnapshot, Liquidation, Side, Trade
from app.venues.base import StreamId
from app.venues.errors import MalformedMessage
from app.venues.registry import adapter, identify, venues
from app.venues.synthetic import SYNTHETIC
from app.venues.synthetic.encoder import SyntheticEncoder

T = 1_767_621_600_000_000_000
INSTRUMENT = SYNTHETIC.instrument("BTC-SIM")


def decode(line: bytes, receive_ns: int = T + 5):
    return list(SYNTHETIC.decoder(INSTRUMENT).decode(line, receive_ns))


def test_every_message_kind_round_trips_through_encoder_and_decoder():
    enc = SyntheticEncoder(INSTRUMENT)
    snap = DepthSnapshot(T, 0, 41, [(599_999, 1250), (599_998, 7)], [(600_000, 300)])
    diff = DepthDiff(T + 1, 0, 42, 57, 41, [(599_999, 0)], [(600_001, 12)])
    top = BookTicker(T + 2, 0, 57, 599_998, 7, 600_000, 300)
    liq = Liquidation(T + 3, 0, -1, 599_990, 500, Decimal("59995.20"), 500)

    assert decode(enc.book(snap)) == [snap._replace(receive_ns=T + 5)]
    assert decode(enc.diff(diff)) == [diff._replace(receive_ns=T + 5)]
    assert decode(enc.bbo(top)) == [top._replace(receive_ns=T + 5)]
    assert decode(enc.liquidation(liq)) == [liq._replace(receive_ns=T + 5)]
    assert decode(enc.trades(T + 4, 1, [(600_000, 300, 9), (600_001, 12, 10)])) == [
        Trade(T + 4, T + 5, 600_000, 300, Side.BUY, 9),
        Trade(T + 4, T + 5, 600_001, 12, Side.BUY, 10),
    ]


def test_the_tag_comes_first_so_the_bbo_line_is_known_by_its_first_bytes():
    line = SyntheticEncoder(INSTRUMENT).bbo(BookTicker(T, 0, 1, 1, 1, 2, 1))

    assert line.startswith(b'{"sim":"bbo"')
    assert SYNTHETIC.decoder(INSTRUMENT).latest_value_marker in line[:20]
    assert SYNTHETIC.stream_of(line) == "bbo"


@pytest.mark.parametrize(
    "line",
    [
        b"not json",
        b'{"sim":"hello","s":"BTC-SIM"}',  # an unknown kind
        b'{"x":1}',  # no tag at all
        b'{"sim":"trades","s":"BTC-SIM","T":1,"S":"x","p":[["60000.0","0.001",1]]}',  # a side
        b'{"sim":"trades","s":"BTC-SIM","T":1,"S":"b","p":[["60000.05","0.001",1]]}',  # off the grid
        b'{"sim":"diff","s":"BTC-SIM","T":1,"U":1,"u":2,"b":[],"a":[]}',  # no pu
        b'{"sim":"bbo","s":"BTC-SIM","T":"soon","u":1,"b":"1.0","B":"1","a":"1.1","A":"1"}',
    ],
    ids=["not-json", "unknown-kind", "untagged", "bad-side", "off-grid", "missing-field", "mistyped"],
)
def test_a_malformed_line_raises_malformed_message(line):
    with pytest.raises(MalformedMessage):
        decode(line)


def test_another_symbols_line_gives_no_events():
    assert decode(b'{"sim":"trades","s":"ETH-SIM","T":1,"S":"b","p":[["1.0","0.001",1]]}') == []


def test_registered_for_replays_but_not_offered_as_a_live_venue():
    assert adapter("synthetic") is SYNTHETIC
    assert identify({"sim": "book", "s": "BTC-SIM"}) == StreamId("synthetic", "BTC-SIM")
    assert identify({"stream": "btcusdt@trade", "data": {}}) != StreamId("synthetic", "BTC-SIM")
    assert "synthetic" not in venues()
    assert SYNTHETIC.subscriptions("BTC-SIM") == ()


def test_an_instrument_is_rebuilt_exactly_from_its_metadata():
    from app.venues.synthetic.instruments import metadata_of

    eth = SYNTHETIC.instrument("ETH-SIM", {"symbol": "ETH-SIM", "tick_size": "0.01", "lot_size": "0.01"})

    assert (eth.tick_size, eth.lot_size, eth.venue) == (Decimal("0.01"), Decimal("0.01"), "synthetic")
    assert SYNTHETIC.instrument(eth.symbol, metadata_of(eth)) == eth
    with pytest.raises(MalformedMessage):
        SYNTHETIC.instrument("X", {"symbol": "X"})
