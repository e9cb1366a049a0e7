"""Acceptance: the real Binance BTCUSDT recording through the live parsers, against an independent count.

The reference below is written straight from the raw JSON with `json` and `decimal.Decimal`; it
shares no code with the app. Doctored copies of the recording (a diff removed, lines reordered, a
line truncated or garbage inserted, the file split) are written to a temporary directory.
"""

from __future__ import annotations

import copy
import gzip
import json
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import pytest

from app.feeds.replay import run_replay, summarize

pytestmark = pytest.mark.slow  # every test here replays (or rests on a replay of) the whole file

TICK = Decimal("0.1")
LOT = Decimal("0.001")
MINUTE_MS = 60_000


# --- the independent reference ---------------------------------------------------------------------


@dataclass
class Reference:
    messages: int = 0
    trades: list[tuple[int, Decimal, Decimal, bool]] = field(default_factory=list)  # T, p, q, buyer maker
    diff_lines: list[int] = field(default_factory=list)  # line index of each depth diff
    diffs: list[tuple[int, int, int]] = field(default_factory=list)  # U, u, pu
    ticker_lines: list[int] = field(default_factory=list)
    trade_lines: list[int] = field(default_factory=list)
    snapshot_id: int | None = None
    dropped_before_sync: int = 0
    applied: int = 0
    chain_breaks: int = 0
    bbo_matches: int = 0
    tops: list[tuple[str, str]] = field(default_factory=list)  # rebuilt best bid/ask after each diff


def fmt(value: Decimal, step: Decimal) -> str:
    return format(value.quantize(step), "f")


def build_reference(lines: list[bytes]) -> Reference:
    ref = Reference(messages=len(lines))
    snapshot = None
    tickers: dict[int, tuple[str, str, str, str]] = {}
    depth = []  # (U, u, pu, bids, asks) in file order
    for i, line in enumerate(lines):
        msg = json.loads(line.split(b" ", 1)[1])
        data = msg.get("data", msg)
        kind = data.get("e")
        if kind == "trade":
            ref.trade_lines.append(i)
            ref.trades.append((data["T"], Decimal(data["p"]), Decimal(data["q"]), data["m"]))
        elif kind == "depthUpdate":
            ref.diff_lines.append(i)
            ref.diffs.append((data["U"], data["u"], data["pu"]))
            depth.append((data["U"], data["u"], data["pu"], data["b"], data["a"]))
        elif kind == "bookTicker":
            ref.ticker_lines.append(i)
            tickers[data["u"]] = (data["b"], data["B"], data["a"], data["A"])
        elif "lastUpdateId" in data:
            assert snapshot is None, "the reference handles exactly one snapshot"
            snapshot = data
    assert snapshot is not None
    ref.snapshot_id = last_id = snapshot["lastUpdateId"]

    # The book, rebuilt with Decimal from the snapshot and the diffs the official rules keep.
    bids = {Decimal(p): Decimal(q) for p, q in snapshot["bids"] if Decimal(q)}
    asks = {Decimal(p): Decimal(q) for p, q in snapshot["asks"] if Decimal(q)}
    best_bid, best_ask = max(bids), min(asks)
    ticker_ids = sorted(tickers)
    first = True
    for first_id, u, pu, b, a in depth:
        if u < last_id and first:
            ref.dropped_before_sync += 1
            continue
        if first:
            assert first_id <= last_id <= u, "the first kept diff must straddle the snapshot"
            first = False
        elif pu != last_id:
            ref.chain_breaks += 1
        last_id = u
        for p, q in b:
            price, qty = Decimal(p), Decimal(q)
            if qty:
                bids[price] = qty
                best_bid = max(best_bid, price)
            elif bids.pop(price, None) is not None and price == best_bid:
                best_bid = max(bids)
        for p, q in a:
            price, qty = Decimal(p), Decimal(q)
            if qty:
                asks[price] = qty
                best_ask = min(best_ask, price)
            elif asks.pop(price, None) is not None and price == best_ask:
                best_ask = min(asks)
        ref.applied += 1
        ref.tops.append((fmt(best_bid, TICK), fmt(best_ask, TICK)))
        j = bisect_right(ticker_ids, u)
        if j and tuple(map(Decimal, tickers[ticker_ids[j - 1]])) == (
            best_bid,
            bids[best_bid],
            best_ask,
            asks[best_ask],
        ):
            ref.bbo_matches += 1
    return ref


def ref_value_area(
    volume: dict[Decimal, Decimal], fraction: Decimal = Decimal("0.7")
) -> tuple[Decimal, Decimal]:
    """app/core/profile.py's rule, from its docstring: POC first, then the larger neighbour group
    (above vs below) one group per step, both on a tie, over the contiguous tick grid."""
    lo, hi = min(volume), max(volume)
    grid = [lo + k * TICK for k in range(int((hi - lo) / TICK) + 1)]
    vol = [volume.get(p, Decimal(0)) for p in grid]
    total = sum(vol)
    top = max(vol)
    a = b = min(k for k, v in enumerate(vol) if v == top)
    area = vol[a]
    while area < fraction * total:
        up = vol[b + 1] if b + 1 < len(vol) else None
        down = vol[a - 1] if a > 0 else None
        if down is None or (up is not None and up > down):
            b += 1
            area += up
        elif up is None or down > up:
            a -= 1
            area += down
        else:
            a -= 1
            b += 1
            area += up + down
    return grid[a], grid[b]


def expected_trade_stats(ref: Reference) -> dict[str, object]:
    buy = sum((q for _, _, q, maker in ref.trades if not maker), Decimal(0))
    sell = sum((q for _, _, q, maker in ref.trades if maker), Decimal(0))
    volume: dict[Decimal, Decimal] = {}
    for _, p, q, _ in ref.trades:
        volume[p] = volume.get(p, Decimal(0)) + q
    with localcontext() as ctx:
        ctx.prec = 80
        vwap = sum(p * q for _, p, q, _ in ref.trades) / (buy + sell)
        vwap = vwap.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
    top = max(volume.values())
    va_low, va_high = ref_value_area(volume)
    return {
        "trades": len(ref.trades),
        "buy_volume": fmt(buy, LOT),
        "sell_volume": fmt(sell, LOT),
        "cvd": fmt(buy - sell, LOT),
        "vwap": format(vwap, "f"),
        "high": fmt(max(p for _, p, _, _ in ref.trades), TICK),
        "low": fmt(min(p for _, p, _, _ in ref.trades), TICK),
        "poc": fmt(min(p for p, v in volume.items() if v == top), TICK),
        "value_area": [fmt(va_low, TICK), fmt(va_high, TICK)],
        "first_trade_ms": ref.trades[0][0],
        "last_trade_ms": ref.trades[-1][0],
        "bars": {"timeframe": "1m", "count": len({t // MINUTE_MS for t, _, _, _ in ref.trades})},
    }


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw_lines(btcusdt_recording) -> list[bytes]:
    with gzip.open(btcusdt_recording, "rb") as fh:
        return [line for line in fh.read().split(b"\n") if line.strip()]


@pytest.fixture(scope="module")
def reference(raw_lines) -> Reference:
    return build_reference(raw_lines)


@pytest.fixture(scope="module")
def summary(btcusdt_recording) -> dict:
    return summarize(run_replay([btcusdt_recording]))


@pytest.fixture
def replay_doctored(tmp_path):
    """Write lines (or several files' worth of lines) as gzip recordings and replay them."""

    def run(*files: list[bytes]) -> dict:
        paths = []
        for n, lines in enumerate(files):
            path = tmp_path / f"doctored_{n}.gz"
            with gzip.open(path, "wb", compresslevel=1) as fh:
                fh.write(b"\n".join(lines) + b"\n")
            paths.append(path)
        return summarize(run_replay(paths))

    return run


def changed(base: dict, **book_and_counters) -> dict:
    """`base` with some top-level or `book` fields replaced."""
    out = copy.deepcopy(base)
    for key, value in book_and_counters.items():
        if key in out["book"]:
            out["book"][key] = value
        else:
            out[key] = value
    return out


# --- (a) the book ---------------------------------------------------------------------------------


def test_reference_sees_the_documented_recording(reference):
    assert reference.messages == 93_954
    assert len(reference.trades) == 21_313
    assert len(reference.diffs) == 6_551
    assert reference.dropped_before_sync == 4
    assert reference.applied == 6_547
    assert reference.chain_breaks == 0
    assert reference.bbo_matches == 6_547  # the Decimal-rebuilt book equals bookTicker every time


def test_book_is_rebuilt_without_gaps_and_matches_book_ticker_after_every_diff(summary):
    book = summary["book"]

    assert book["gaps"] == 0
    assert book["resyncs"] == 0
    assert book["bbo_mismatches"] == 0
    assert book["bbo_checks"] == book["applied"] == 6_547
    assert book["dropped_before_sync"] == 4


def test_every_line_is_a_message_and_none_is_malformed(summary, reference):
    assert summary["messages"] == reference.messages == 93_954
    assert summary["malformed"] == 0


def test_book_counters_equal_the_reference(summary, reference):
    assert summary["book"]["applied"] == reference.applied
    assert summary["book"]["dropped_before_sync"] == reference.dropped_before_sync


def test_final_best_bid_and_ask_equal_the_independently_rebuilt_book(summary, reference):
    assert (summary["book"]["best_bid"], summary["book"]["best_ask"]) == reference.tops[-1]


def test_instrument_is_binance_usdm_btcusdt(summary):
    assert (summary["venue"], summary["symbol"]) == ("binance-usdm", "BTCUSDT")
    assert (summary["tick_size"], summary["lot_size"]) == ("0.1", "0.001")


# --- (b) trade statistics against the Decimal reference --------------------------------------------

STAT_FIELDS = [
    "trades",
    "buy_volume",
    "sell_volume",
    "cvd",
    "vwap",
    "high",
    "low",
    "poc",
    "first_trade_ms",
    "last_trade_ms",
    "bars",
]


@pytest.mark.parametrize("name", STAT_FIELDS)
def test_trade_statistic_equals_the_independent_decimal_computation(summary, reference, name):
    assert summary[name] == expected_trade_stats(reference)[name]


def test_value_area_follows_the_documented_rule(summary, reference):
    assert summary["value_area"] == expected_trade_stats(reference)["value_area"]


def test_trade_count_and_span_are_the_known_ones(summary):
    assert summary["trades"] == 21_313
    assert summary["first_trade_ms"] <= summary["last_trade_ms"]
    assert summary["bars"]["count"] == 6  # 23:54 .. 23:59 UTC


# --- (c) doctored copies ---------------------------------------------------------------------------


def test_one_depth_diff_removed_is_one_gap_and_later_diffs_wait_for_a_snapshot(
    raw_lines, reference, summary, replay_doctored
):
    k = len(reference.diff_lines) // 2
    lines = raw_lines[: reference.diff_lines[k]] + raw_lines[reference.diff_lines[k] + 1 :]

    got = replay_doctored(lines)

    applied = k - reference.dropped_before_sync  # the diffs before the removed one
    assert got["book"]["gaps"] == 1
    assert got["book"]["resyncs"] == 1
    assert got["book"]["applied"] == applied < 6_547
    assert got["book"]["bbo_checks"] == applied
    assert got["book"]["bbo_mismatches"] == 0
    assert (got["book"]["best_bid"], got["book"]["best_ask"]) == reference.tops[applied - 1]
    expected = changed(summary, messages=summary["messages"] - 1)
    for key in ("book",):
        got.pop(key), expected.pop(key)
    assert got == expected  # the trades are untouched


def test_two_adjacent_depth_diffs_swapped_is_a_gap(raw_lines, reference, summary, replay_doctored):
    k = len(reference.diff_lines) // 3
    i, j = reference.diff_lines[k], reference.diff_lines[k + 1]
    lines = list(raw_lines)
    lines[i], lines[j] = lines[j], lines[i]

    got = replay_doctored(lines)

    assert got["book"]["gaps"] >= 1
    assert got["book"]["gaps"] == got["book"]["resyncs"] == 1  # no later snapshot to recover with
    assert got["book"]["applied"] == k - reference.dropped_before_sync
    assert got["book"]["bbo_mismatches"] == 0
    assert got["trades"] == summary["trades"]
    assert got["messages"] == summary["messages"]


def _moved(lines: list[bytes], shifts: dict[int, float]) -> list[bytes]:
    """Line i moved `shifts[i]` places (0 if absent); lines moved alike keep their order."""
    order = sorted(range(len(lines)), key=lambda i: i + shifts.get(i, 0))
    return [lines[i] for i in order]


@pytest.mark.parametrize(
    ("ticker_shift", "trade_shift"),
    [(3.5, -2.5), (-3.5, 2.5)],
    ids=["tickers-late-trades-early", "tickers-early-trades-late"],
)
def test_book_ticker_and_trade_lines_moved_against_depth_change_nothing(
    raw_lines, reference, summary, replay_doctored, *, ticker_shift, trade_shift
):
    shifts = dict.fromkeys(reference.ticker_lines, ticker_shift)
    shifts.update(dict.fromkeys(reference.trade_lines, trade_shift))
    lines = _moved(raw_lines, shifts)
    assert lines != raw_lines
    assert sorted(lines) == sorted(raw_lines)

    got = replay_doctored(lines)

    assert got["book"]["bbo_mismatches"] == 0
    assert got == summary


def test_last_line_truncated_mid_json_is_one_malformed_message(
    raw_lines, reference, summary, replay_doctored
):
    last = raw_lines[-1]
    lines = [*raw_lines[:-1], last[: len(last) // 2]]
    assert reference.diff_lines[-1] == len(raw_lines) - 1  # the last line is a depth diff

    got = replay_doctored(lines)

    # That diff is lost with its line, so the book has one diff (and one check) fewer; the rest
    # of the summary is what the whole file gives.
    assert got["malformed"] == 1
    assert got["book"]["applied"] == summary["book"]["applied"] - 1
    assert got["book"]["bbo_checks"] == summary["book"]["bbo_checks"] - 1
    expected = changed(
        summary,
        malformed=1,
        applied=summary["book"]["applied"] - 1,
        bbo_checks=summary["book"]["bbo_checks"] - 1,
        best_bid=reference.tops[-2][0],
        best_ask=reference.tops[-2][1],
    )
    assert got == expected


GARBAGE = [
    b"hello",
    b"123 {not json",
    b"123 [1,2]",
    b'123 {"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT"}}',
]


@pytest.mark.parametrize(
    "garbage", GARBAGE, ids=["not-json", "broken-json", "json-array", "trade-without-fields"]
)
def test_inserted_garbage_line_is_counted_malformed_and_changes_nothing_else(
    raw_lines, summary, replay_doctored, garbage
):
    middle = len(raw_lines) // 2
    lines = [*raw_lines[:middle], garbage, *raw_lines[middle:]]

    got = replay_doctored(lines)

    assert got == changed(summary, messages=summary["messages"] + 1, malformed=1)


def test_file_split_in_two_replays_as_one_session(raw_lines, summary, replay_doctored):
    middle = len(raw_lines) // 2

    got = replay_doctored(raw_lines[:middle], raw_lines[middle:])

    assert got == summary
