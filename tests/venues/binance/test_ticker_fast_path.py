"""BinanceDecoder.decode_top: the ticker fast path gives exactly what `decode` gives, or declines."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.bbo_check import TOP_STRIDE
from app.core.events import BookTicker
from app.feeds.recording import iter_line_batches
from app.venues.binance.decoder import BinanceDecoder
from app.venues.registry import adapter

TICKER = (
    b'1723161256313000001 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,'
    b'"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,'
    b'"E":1723161256313}}'
)


@pytest.fixture(scope="module")
def decoder() -> BinanceDecoder:
    venue = adapter("binance-usdm")
    return venue.decoder(venue.instrument("BTCUSDT"))  # type: ignore[return-value]


def test_a_ticker_line_gives_its_update_id_and_top_as_plain_ints(decoder):
    out: list[int] = []

    assert decoder.decode_top(TICKER, out) is True

    assert out == [5123107839020, 618002, 2507, 618003, 2510]
    assert len(out) == TOP_STRIDE


@pytest.mark.slow
def test_every_recorded_ticker_gives_the_id_and_top_decode_gives(decoder, btcusdt_recording: Path):
    lines = [line for batch in iter_line_batches(btcusdt_recording) for line in batch]
    tickers = [line for line in lines if b"@bookTicker" in line[:96]]
    out: list[int] = []

    taken = [decoder.decode_top(line, out) for line in tickers]

    expected: list[int] = []
    for line in tickers:
        stamp, _, payload = line.partition(b" ")
        (event,) = decoder.decode(payload, int(stamp))
        assert type(event) is BookTicker
        expected += event[2:7]
    assert all(taken) and len(taken) == 66_089
    assert out == expected


@pytest.mark.parametrize(
    "line",
    [
        TICKER.replace(b"BTCUSDT", b"ETHUSDT"),  # another symbol: decode ignores it
        TICKER.replace(b'"61800.20"', b'"61800.25"'),  # off the tick grid: decode says malformed
        TICKER.replace(b'"2.507"', b'"2.5071"'),  # off the lot grid
        TICKER.replace(b'"2.507"', b"2.507"),  # a number where Binance sends a string
        TICKER.replace(b"1723161256313000001", b"+1723161256313000001"),  # a stamp int() must judge
        TICKER[:-1],  # cut short
        TICKER.split(b" ", 1)[0] + b' {"e":"bookTicker","u":1}',  # a raw payload, not an envelope
        b"1 " + b"[" * 100_000,  # hostile nesting
    ],
)
def test_anything_else_is_declined_and_left_to_decode(decoder, line):
    out = [7]

    assert decoder.decode_top(line, out) is False

    assert out == [7]
