"""The ingest pipeline: batching and conflation must never change what the market state says."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.feeds.recording import iter_line_batches
from app.feeds.replay import open_replay, summarize

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lines(btcusdt_recording: Path) -> list[bytes]:
    return [line for batch in iter_line_batches(btcusdt_recording) for line in batch]


def _replay(path: Path, lines: list[bytes], batch: int, check: bool, conflate: bool = True) -> dict:
    session, _ = open_replay([path])
    session.pipeline.conflate = conflate
    if not check:
        session.pipeline.bbo_check = None
    for i in range(0, len(lines), batch):
        session.pipeline.feed(lines[i : i + batch])
    session.bbo_check.finish()
    out = summarize(session)
    out["ticker"] = session.market.ticker
    out["conflated"] = session.pipeline.counters.conflated
    out["bars_detail"] = [
        (b.start_ns, b.open_ticks, b.high_ticks, b.low_ticks, b.close_ticks, b.volume_lots, b.delta_lots)
        for b in session.market.bars.bars
    ]
    return out


def _market_view(summary: dict) -> dict:
    """Everything but the counters that only say how the work was done."""
    book = {k: v for k, v in summary["book"].items() if not k.startswith("bbo_")}
    rest = {k: v for k, v in summary.items() if k not in ("book", "conflated")}
    return {**rest, "book": book}


def test_conflated_tickers_leave_the_market_state_exactly_as_decoding_every_one(btcusdt_recording, lines):
    every = _replay(btcusdt_recording, lines, 500, check=False, conflate=False)
    conflated = _replay(btcusdt_recording, lines, 500, check=False, conflate=True)

    assert every["conflated"] == 0
    assert conflated["conflated"] > 60_000  # 66,089 tickers, one kept per batch
    assert _market_view(conflated) == _market_view(every)
    assert conflated["ticker"] == every["ticker"]  # the newest exchange BBO is the same


def test_with_a_bbo_check_every_ticker_is_decoded_and_checked(btcusdt_recording, lines):
    checked = _replay(btcusdt_recording, lines, 500, check=True)

    assert checked["conflated"] == 0
    assert checked["book"]["bbo_checks"] == checked["book"]["applied"] == 6547
    assert checked["book"]["bbo_mismatches"] == 0


@pytest.mark.parametrize("batch", [1, 7, 100])
def test_live_sized_batches_give_the_same_market_as_one_big_batch(btcusdt_recording, lines, batch):
    big = _replay(btcusdt_recording, lines, len(lines), check=False)
    small = _replay(btcusdt_recording, lines, batch, check=False)

    assert _market_view(small) == _market_view(big)


def test_malformed_lines_are_counted_with_the_reason_and_the_feed_goes_on():
    from app.core.bbo_check import BboCheck
    from app.core.market import MarketState
    from app.feeds.pipeline import IngestPipeline
    from app.venues.registry import adapter

    venue = adapter("binance-usdm")
    inst = venue.instrument("BTCUSDT")
    market = MarketState(inst, tape_capacity=16, summary=True)
    pipeline = IngestPipeline(venue.decoder(inst), venue.book_sync(inst), market, BboCheck())
    good = (
        b'7 {"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1723161256322,"s":"BTCUSDT",'
        b'"t":5,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}'
    )

    pipeline.feed([b"1 hello", good, b"notanumber {}", good.replace(b'"61800.30"', b'"61800.35"')])

    assert pipeline.counters.messages == 4
    assert pipeline.counters.malformed == 3
    assert "61800.35" in pipeline.counters.last_error
    assert market.tape.total == 1
    assert market.profile.buy_lots == 6


def test_pathologically_nested_json_is_counted_malformed_not_a_crash(btcusdt_recording, tmp_path):
    from app.feeds.replay import run_replay

    head = [line for batch in iter_line_batches(btcusdt_recording) for line in batch][:500]
    deep = b"1 " + b"[" * 100_000 + b"]" * 100_000
    deep_in_envelope = b'1 {"stream":"btcusdt@trade","data":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    path = tmp_path / "hostile.txt"
    path.write_bytes(b"\n".join([*head, deep, deep_in_envelope, *head[-5:]]) + b"\n")

    session = run_replay([path])

    assert session.pipeline.counters.malformed == 2
    assert session.pipeline.counters.messages == 507
    assert session.pipeline.counters.last_error == "JSON nested too deeply"


def _ticker_line(update_id: int, bid: bytes, symbol: bytes = b"BTCUSDT", envelope: bool = True) -> bytes:
    data = (
        b'{"e":"bookTicker","u":%d,"s":"%s","b":"%s","B":"2.507","a":"61800.30","A":"2.510",'
        b'"T":1723161256313,"E":1723161256313}' % (update_id, symbol, bid)
    )
    return b"5 " + (b'{"stream":"btcusdt@bookTicker","data":' + data + b"}" if envelope else data)


def _checked_pipeline():
    from app.core.bbo_check import BboCheck
    from app.core.market import MarketState
    from app.feeds.pipeline import IngestPipeline
    from app.venues.registry import adapter

    venue = adapter("binance-usdm")
    inst = venue.instrument("BTCUSDT")
    market = MarketState(inst, tape_capacity=16)
    return IngestPipeline(venue.decoder(inst), venue.book_sync(inst), market, BboCheck()), market


def test_checked_tickers_off_the_grid_are_malformed_and_other_symbols_ignored():
    pipeline, market = _checked_pipeline()

    pipeline.feed(
        [
            _ticker_line(1, b"61800.20"),
            _ticker_line(2, b"61800.25"),
            _ticker_line(3, b"61800.10", symbol=b"ETHUSDT"),
        ]
    )

    assert (pipeline.counters.malformed, pipeline.counters.ignored) == (1, 1)
    assert "61800.25" in pipeline.counters.last_error
    assert market.ticker is not None
    assert (market.ticker.update_id, market.ticker.bid_ticks, market.ticker.receive_ns) == (1, 618002, 5)


@pytest.mark.parametrize("raw_last", [True, False])
def test_the_newest_ticker_stands_whichever_path_decoded_it(raw_last):
    pipeline, market = _checked_pipeline()
    enveloped = _ticker_line(10, b"61800.20")
    raw = _ticker_line(11, b"61800.10", envelope=False)  # a raw payload: decoded as an event

    pipeline.feed([enveloped, raw] if raw_last else [raw, enveloped])

    assert market.ticker is not None
    assert market.ticker.update_id == (11 if raw_last else 10)
