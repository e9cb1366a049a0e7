"""A second real recording: four USD-M symbols multiplexed on one connection, `depth@100ms` diffs,
`aggTrade` prints and REST snapshots fetched while the stream was buffering (cryptofeed capture,
2021). The rebuilt books must sync without a gap and match `bookTicker` after every diff.

The capture does not carry the 2021 exchangeInfo, so each replay gets a sidecar with a 0.00001
price grid and 0.001 size grid: a common divisor of the real steps, which is all the book and the
BBO check depend on (a coarser real grid would only make more prices invalid, none valid).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.feeds.replay import run_replay, summarize

DATA = Path(__file__).resolve().parents[2] / "data"
SYMBOLS = ["SUSHIUSDT", "AKROUSDT", "KEEPUSDT", "CTKUSDT"]
AGG_TRADES = {"SUSHIUSDT": 40, "AKROUSDT": 8, "KEEPUSDT": 5, "CTKUSDT": 38}  # counted in the capture
_FRAME = re.compile(r"^(\d+\.\d+): (\{.*\})$")
_HTTP = re.compile(r"^(\S+) -> (\d+\.\d+): (\{.*\})$")


def _ns(seconds: str) -> int:
    whole, _, frac = seconds.partition(".")
    return int(whole) * 1_000_000_000 + int((frac + "000000000")[:9])


def convert_capture(symbol: str, out_dir: Path) -> Path:
    """The capture as `<ns> <json>` lines for one symbol: every websocket frame (other symbols are
    the decoder's to ignore) plus that symbol's REST snapshot at the time it was received."""
    rows: list[tuple[int, str]] = []
    for line in (DATA / "BINANCE_FUTURES.ws.1.0").read_text(encoding="utf-8").splitlines():
        match = _FRAME.match(line)
        if match:
            rows.append((_ns(match.group(1)), match.group(2)))
    for line in (DATA / "BINANCE_FUTURES.http.0.0").read_text(encoding="utf-8").splitlines():
        match = _HTTP.match(line)
        if match and f"symbol={symbol}&" in match.group(1):
            rows.append((_ns(match.group(2)), match.group(3)))
    rows.sort(key=lambda row: row[0])
    path = out_dir / f"{symbol.lower()}_2021.txt"
    path.write_text("".join(f"{ns} {body}\n" for ns, body in rows), encoding="utf-8")
    instrument = {
        "symbol": symbol,
        "filters": [
            {"filterType": "PRICE_FILTER", "tickSize": "0.00001"},
            {"filterType": "LOT_SIZE", "stepSize": "0.001"},
        ],
    }
    sidecar = {"venue": "binance-usdm", "symbol": symbol, "instrument": instrument}
    path.with_suffix(".json").write_text(json.dumps(sidecar), encoding="utf-8")
    return path


@pytest.mark.parametrize("symbol", SYMBOLS)
def test_depth_100ms_books_sync_without_gaps_and_match_book_ticker(symbol, tmp_path):
    recording = convert_capture(symbol, tmp_path)

    summary = summarize(run_replay([recording]))

    book = summary["book"]
    assert summary["symbol"] == symbol
    assert summary["malformed"] == 0
    assert (book["gaps"], book["resyncs"], book["bbo_mismatches"]) == (0, 0, 0)
    assert book["applied"] > 100
    assert book["bbo_checks"] >= book["applied"] - 10  # the first diffs precede any ticker
    assert float(book["best_bid"]) < float(book["best_ask"])


@pytest.mark.parametrize("symbol", SYMBOLS)
def test_agg_trades_of_one_symbol_are_picked_out_of_the_shared_stream(symbol, tmp_path):
    recording = convert_capture(symbol, tmp_path)

    summary = summarize(run_replay([recording]))

    assert summary["trades"] == AGG_TRADES[symbol]
