"""Recordings of three venues (Binance, Hyperliquid, OKX: all BTC) replayed together: the merged
replay's aggregate against a brute force from the decoded prints (tests/reference), per-venue
summaries equal to each venue replayed alone, and the command as a user runs it."""

from __future__ import annotations

import heapq
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from reference.aggregate import Print, aggregate, common_unit, decimal_str
from reference.recordings import btc_recordings

from app.core.aggregate.book import load_summed
from app.core.book import OrderBook
from app.core.events import Trade
from app.core.footprint import BarSpec
from app.core.sessions import SessionSchedule
from app.feeds.merged_replay import market_files, run_merged_replay, summarize_merged
from app.feeds.recording import iter_line_batches, read_sidecar
from app.feeds.replay import ReplayError, run_replay, summarize
from app.venues.registry import adapter

ROOT = Path(__file__).resolve().parents[2]
VENUES = [("binance-usdm", "BTCUSDT"), ("hyperliquid", "BTC"), ("okx-swap", "BTC-USD-220527")]


@pytest.fixture(scope="module")
def recordings(shared_data, btcusdt_recording, tmp_path_factory) -> list[Path]:
    return btc_recordings(shared_data, btcusdt_recording, tmp_path_factory.mktemp("btc"))


def decoded_prints(recordings: list[Path]):
    """Every venue's prints straight from its decoder, merged by receive time (stable), then cut
    into runs of one venue: the updates the aggregate takes in."""
    streams = []
    instruments = []
    for leg, (path, (venue, symbol)) in enumerate(zip(recordings, VENUES, strict=True)):
        inst = adapter(venue).instrument(symbol, read_sidecar(path).instrument)
        instruments.append(inst)
        decoder = adapter(venue).decoder(inst)
        prints = []
        for batch in iter_line_batches(path):
            for line in batch:
                stamp, _, payload = line.partition(b" ")
                trades = [e for e in decoder.decode(payload, int(stamp)) if isinstance(e, Trade)]
                prints += [(int(stamp), leg, Print(leg, t.exchange_ns, t.price_ticks, t.qty_lots, t.side))
                           for t in trades]  # fmt: skip
        streams.append(prints)
    merged = list(heapq.merge(*streams, key=lambda x: (x[0], x[1])))
    runs: list[list[Print]] = []
    for _, leg, p in merged:
        if runs and runs[-1][0].leg == leg:
            runs[-1].append(p)
        else:
            runs.append([p])
    return instruments, runs


def test_the_recordings_are_three_markets_of_one_base_asset(recordings):
    groups = market_files(recordings)

    assert [(g.market.venue, g.market.symbol) for g in groups] == VENUES


@pytest.mark.parametrize("daily", [True, False], ids=["daily sessions", "one session"])
def test_aggregated_cvd_and_footprint_cells_are_the_sums_over_venues_of_the_raw_prints(recordings, daily):
    sessions = SessionSchedule() if daily else SessionSchedule.never()
    merged = run_merged_replay(market_files(recordings), BarSpec.time(60), sessions, keep_book=True)
    instruments, runs = decoded_prints(recordings)
    ref = aggregate(runs, instruments, daily_sessions=daily)
    agg = merged.aggregate

    assert agg.state.tape.total == ref.trades == sum(s.market.tape.total for s in merged.sessions)
    assert agg.cvd_units == ref.cvd == sum(ref.venue_cvd)
    assert list(agg.venue_cvd_units()) == ref.venue_cvd
    assert agg.cvd_units == sum(agg.venue_cvd_units())
    cells = {}
    venue_cells = {}
    bars = agg.state.bars
    for i, bar in enumerate(bars.bars):
        lv = bar.levels()
        rows = zip(lv.price_ticks.tolist(), lv.buy_lots.tolist(), lv.sell_lots.tolist(), strict=True)
        for key, buy, sell in rows:
            cells[(bar.period_start_ns, key)] = [buy, sell]
            for leg, (vb, vs) in enumerate(agg.breakdown.cell(bars.dropped_count + i, key)):
                if vb or vs:
                    venue_cells[(bar.period_start_ns, key, leg)] = [vb, vs]
    assert len(cells) > 300 and len({leg for _, _, leg in venue_cells}) == 3
    assert cells == dict(ref.cells)
    assert venue_cells == {k: v for k, v in ref.venue_cells.items() if v != [0, 0]}
    whole = OrderBook()  # the book kept diff by diff equals the sum of the venues' whole books
    load_summed(whole, agg.agg, [s.market.book for s in merged.sessions], range(3))
    assert (agg.state.book.bids, agg.state.book.asks) == (whole.bids, whole.asks)
    assert len(whole.bids) > 1000


def test_the_summary_has_each_venue_alone_and_the_aggregate_of_an_independent_computation(recordings):
    out = summarize_merged(run_merged_replay(market_files(recordings)))
    instruments, runs = decoded_prints(recordings)
    ref = aggregate(runs, instruments)
    unit = common_unit(instruments)
    alone = [summarize(run_replay([path])) for path in recordings]

    assert {k: v for k, v in out.items() if k not in ("venues", "aggregate")} == alone[0]
    assert out["venues"] == dict(zip(["binance-usdm", "hyperliquid", "okx-swap"], alone, strict=True))
    volume = sum(ref.buy) + sum(ref.sell)
    assert out["aggregate"] == {
        "base": "BTC",
        "base_unit": "0.00000001",
        "trades": ref.trades,
        "buy_volume": decimal_str(sum(ref.buy) * unit, 8),
        "sell_volume": decimal_str(sum(ref.sell) * unit, 8),
        "cvd": decimal_str(ref.cvd * unit, 8),
        "vwap": decimal_str(ref.value / volume, 4),
        "high": decimal_str(ref.high, 0),  # Hyperliquid's, on its tick of 1
        "low": decimal_str(ref.low, 1),  # OKX's, on its tick of 0.1
    }
    # the OKX future's 35 contracts of 100 USD at ~30,228 are ~0.1158 BTC of buying
    assert Fraction(out["aggregate"]["buy_volume"]) - Fraction(alone[0]["buy_volume"]) - Fraction(
        alone[1]["buy_volume"]
    ) == pytest.approx(3500 / 30227.94, abs=1e-6)


def scalpdesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_prints_the_merged_summary_as_one_json_line(recordings):
    result = scalpdesk("replay", *recordings, "--summary")

    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    doc = json.loads(line)
    assert doc["venue"] == "binance-usdm" and set(doc["venues"]) == {
        "binance-usdm",
        "hyperliquid",
        "okx-swap",
    }
    assert doc["aggregate"]["trades"] == 21_313 + 64 + 4


def test_one_market_in_two_files_is_still_the_single_venue_summary(btcusdt_recording):
    result = scalpdesk("replay", btcusdt_recording, btcusdt_recording, "--summary")

    doc = json.loads(result.stdout)
    assert "venues" not in doc and doc["trades"] == 2 * 21_313


def test_two_base_assets_are_one_line_naming_them(recordings, shared_data):
    result = scalpdesk("replay", recordings[0], shared_data / "bybit" / "xrpusdt-ob500.data.zip", "--summary")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "scalpdesk: an aggregate is one base asset; these legs have BTC, XRP"
    ]


def test_a_market_that_cannot_be_told_is_an_error_before_any_work(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_text("1 {}\n")

    with pytest.raises(ReplayError, match="cannot tell venue and symbol"):
        market_files([path, path])
