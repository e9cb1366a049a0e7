"""Fills do not depend on how the market data was cut into batches, that is, on replay speed.

The same orders on the same REAL recording must give the same fills (time, price, size,
maker/taker) whether the lines reach the exchange in 1 ms, 50 ms or 2.5 s batches (1x to about
50x replay) or at random cuts: market, limit, stop and bracket orders, in both cancel models.
Recordings: the bundled BTCUSDT day (`depth@0ms`, `@trade`) and the 2021 SUSHIUSDT capture in
the shared data (`depth@100ms`, `aggTrade`, four symbols on one connection).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.events import Side
from app.core.market import MarketState
from app.core.paper.commands import CancelAll, Command, MoveOrder, PlaceOrder
from app.core.paper.config import DEFAULT_BRACKETS, CancelAhead, FillConfig
from app.core.paper.exchange import PaperExchange
from app.core.paper.orders import Liquidity, OrderKind
from app.core.sessions import SessionSchedule
from app.feeds.recording import split_line
from app.feeds.replay import open_replay

from .recorded import BUY, NO_LIMITS, SELL, read_lines

pytestmark = pytest.mark.slow

MS = 1_000_000
FillKey = tuple[int, int, Side, int, int, Liquidity]  # (ts, order id, side, price, lots, liquidity)


@dataclass(frozen=True, repr=False)
class Recording:
    path: Path
    lines: list[bytes]
    times: list[int]

    def __repr__(self) -> str:
        return f"Recording({self.path.name}, {len(self.lines)} lines)"


def _recording(path: Path) -> Recording:
    lines = read_lines(path)
    return Recording(path, lines, [split_line(line)[0] for line in lines])


@pytest.fixture(scope="module")
def btcusdt(btcusdt_recording: Path) -> Recording:
    return _recording(btcusdt_recording)


_FRAME = re.compile(r"^(\d+)\.(\d+): (\{.*\})$")
_HTTP = re.compile(r"^(\S+) -> (\d+)\.(\d+): (\{.*\})$")


def _ns(whole: str, frac: str) -> int:
    return int(whole) * 10**9 + int((frac + "0" * 9)[:9])


@pytest.fixture(scope="module")
def sushiusdt(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """The 2021 capture as `<ns> <json>` lines for SUSHIUSDT (its REST snapshot included), with a
    sidecar naming the market (the capture has no exchangeInfo: a 0.00001 / 0.001 grid)."""
    folder = shared_data / "binance_usdm_2021"
    ws = (folder / "BINANCE_FUTURES.ws.1.0").read_text(encoding="utf-8").splitlines()
    http = (folder / "BINANCE_FUTURES.http.0.0").read_text(encoding="utf-8").splitlines()
    rows = [(_ns(m[1], m[2]), m[3]) for line in ws if (m := _FRAME.match(line))]
    rows += [
        (_ns(m[2], m[3]), m[4]) for line in http if (m := _HTTP.match(line)) and "symbol=SUSHIUSDT&" in m[1]
    ]
    rows.sort(key=lambda row: row[0])
    path = tmp_path_factory.mktemp("sushi") / "sushiusdt_2021.txt"
    path.write_text("".join(f"{ns} {body}\n" for ns, body in rows), encoding="utf-8")
    grid = [
        {"filterType": "PRICE_FILTER", "tickSize": "0.00001"},
        {"filterType": "LOT_SIZE", "stepSize": "0.001"},
    ]
    sidecar = {
        "venue": "binance-usdm",
        "symbol": "SUSHIUSDT",
        "instrument": {"symbol": "SUSHIUSDT", "filters": grid},
    }
    path.with_suffix(".json").write_text(json.dumps(sidecar), encoding="utf-8")
    return _recording(path)


# -- the orders -------------------------------------------------------------------------------------

Plan = Callable[[int, MarketState, PaperExchange], list[Command]]  # (moment number, market, exchange)


def _touch(market: MarketState, side: Side) -> int:
    price = market.book.best_bid if side is BUY else market.book.best_ask
    assert price is not None
    return price


def market_plan(k: int, market: MarketState, ex: PaperExchange) -> list[Command]:
    return [PlaceOrder(BUY if k % 2 else SELL, OrderKind.MARKET, 250 + 37 * k)]


def limit_plan(k: int, market: MarketState, ex: PaperExchange) -> list[Command]:
    """At the touch, 2 ticks behind it, and 2 ticks through it (it takes, then rests); every third
    moment the oldest open limit is moved to the touch."""
    side = BUY if k % 2 else SELL
    touch = _touch(market, side)
    commands: list[Command] = [
        PlaceOrder(side, OrderKind.LIMIT, 40, touch),
        PlaceOrder(side, OrderKind.LIMIT, 40, touch - 2 * int(side)),
        PlaceOrder(side.opposite, OrderKind.LIMIT, 300, _touch(market, side) + 2 * int(side.opposite)),
    ]
    open_limits = [o for o in ex.snapshot().orders if o.kind is OrderKind.LIMIT]
    if k % 3 == 2 and open_limits:
        oldest = open_limits[0]
        commands.append(MoveOrder(oldest.order_id, _touch(market, oldest.side)))
    return commands


def stop_plan(k: int, market: MarketState, ex: PaperExchange) -> list[Command]:
    last = ex.last_ticks
    if last is None:
        return []
    return [
        PlaceOrder(BUY, OrderKind.STOP, 30, last + 3 + k),
        PlaceOrder(SELL, OrderKind.STOP, 30, last - 3 - k),
    ]


def bracket_plan(k: int, market: MarketState, ex: PaperExchange) -> list[Command]:
    side = BUY if k % 2 else SELL
    name = DEFAULT_BRACKETS[k % len(DEFAULT_BRACKETS)].name
    if k % 2:
        return [PlaceOrder(side, OrderKind.MARKET, 20, bracket=name)]
    return [PlaceOrder(side, OrderKind.LIMIT, 20, _touch(market, side), bracket=name)]


PLANS: dict[str, Plan] = {
    "market": market_plan,
    "limit": limit_plan,
    "stop": stop_plan,
    "bracket": bracket_plan,
}
MOMENTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def run(
    rec: Recording, cuts: list[int], tight_brackets: bool = False
) -> dict[tuple[str, CancelAhead], list[FillKey]]:
    """Feed the recording in batches starting at the line indices `cuts` (plus a cut after each
    moment's time, where commands are sent, and after the first line, where each exchange binds
    the market) to one exchange per plan and cancel model."""
    session, _ = open_replay([rec.path])
    market = session.market
    span = rec.times[-1] - rec.times[0]
    moment_ns = [rec.times[0] + int(span * f) for f in MOMENTS]
    at_moment = {bisect_right(rec.times, ns): n for n, ns in enumerate(moment_ns)}
    starts = sorted({0, 1, *cuts, *at_moment} - {len(rec.lines)})  # line 0 alone: the bind
    brackets = DEFAULT_BRACKETS
    exchanges = {
        (plan, model): PaperExchange(
            market.instrument,
            FillConfig(cancel_ahead=model, latency_ms=50),
            brackets,
            NO_LIMITS,
            SessionSchedule(),
        )
        for plan in PLANS
        for model in CancelAhead
    }
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rec.lines)
        session.pipeline.feed(rec.lines[start:end])
        now_ns = rec.times[end - 1]
        for key, ex in exchanges.items():
            ex.on_market(market, now_ns)
            if n == 0:
                ex.send(CancelAll(), now_ns)  # takes the first command's latency skip after binding
            if end in at_moment:
                k = at_moment[end]
                for command in PLANS[key[0]](k, market, ex):
                    ex.send(command, moment_ns[k])
    return {
        key: [(f.ts_ns, f.order_id, f.side, f.price_ticks, f.qty_lots, f.liquidity) for f in ex.fills]
        for key, ex in exchanges.items()
    }


def windows(rec: Recording, window_ns: int) -> list[int]:
    """Line indices where batches of at most `window_ns` of market time start."""
    cuts, start = [], None
    for i, t in enumerate(rec.times):
        if start is None or t > start + window_ns:
            cuts.append(i)
            start = t
    return cuts


_reference: dict[Path, dict[tuple[str, CancelAhead], list[FillKey]]] = {}


def reference(rec: Recording) -> dict[tuple[str, CancelAhead], list[FillKey]]:
    """The fills at 1 ms batches (about what a live feed gives), computed once per recording."""
    if rec.path not in _reference:
        _reference[rec.path] = run(rec, windows(rec, 1 * MS))
    return _reference[rec.path]


def _assert_same(rec: Recording, cuts: list[int]) -> None:
    expected = reference(rec)
    got = run(rec, cuts)
    for key in expected:
        assert got[key] == expected[key], key


cut_plans = st.one_of(
    st.sampled_from([50 * MS, 2_500 * MS]).map(lambda w: ("window", w)),
    st.integers(5 * MS, 5_000 * MS).map(lambda w: ("window", w)),
    st.lists(st.floats(0, 1), min_size=1, max_size=300).map(lambda fs: ("random", fs)),
)


def _cuts(rec: Recording, plan: tuple[str, object]) -> list[int]:
    kind, value = plan
    if kind == "window":
        return windows(rec, int(value))  # type: ignore[call-overload]
    return sorted({int(f * len(rec.lines)) for f in value})  # type: ignore[attr-defined]


def test_every_plan_fills_on_both_recordings(btcusdt: Recording, sushiusdt: Recording) -> None:
    """The property below is not vacuous: each plan fills, maker and taker, on the BTCUSDT day,
    and limits and brackets fill on the thin SUSHIUSDT capture too."""
    btc = reference(btcusdt)
    for plan in PLANS:
        for model in CancelAhead:
            assert btc[(plan, model)], (plan, model)
    assert any(f[5] is Liquidity.MAKER for f in btc[("limit", CancelAhead.PESSIMISTIC)])
    assert any(f[5] is Liquidity.MAKER for f in btc[("bracket", CancelAhead.PESSIMISTIC)])
    sushi = reference(sushiusdt)
    assert sushi[("market", CancelAhead.PESSIMISTIC)] and sushi[("limit", CancelAhead.PESSIMISTIC)]


@pytest.mark.parametrize("window_ms", [50, 2_500])
def test_fills_are_the_same_at_1x_and_50x_replay_on_both_recordings(
    btcusdt: Recording, sushiusdt: Recording, window_ms: int
) -> None:
    for rec in (btcusdt, sushiusdt):
        _assert_same(rec, windows(rec, window_ms * MS))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=cut_plans)
def test_fills_do_not_depend_on_the_batch_cuts_of_the_btcusdt_day(
    btcusdt: Recording, plan: tuple[str, object]
) -> None:
    _assert_same(btcusdt, _cuts(btcusdt, plan))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=cut_plans)
def test_fills_do_not_depend_on_the_batch_cuts_of_the_sushiusdt_capture(
    sushiusdt: Recording, plan: tuple[str, object]
) -> None:
    _assert_same(sushiusdt, _cuts(sushiusdt, plan))
