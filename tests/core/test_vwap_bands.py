"""Session VWAP and σ per bar: exact sums against a brute force over the bundled recording."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from app.core.market import MarketState
from app.core.profile import VolumeProfile
from app.core.sessions import SessionSchedule
from app.core.units import NS_PER_MIN, NS_PER_S
from app.core.vwap_bands import SessionVwapSeries, VwapSums
from app.feeds.replay import run_replay


@pytest.fixture(scope="module")
def market(btcusdt_recording) -> MarketState:
    return run_replay([btcusdt_recording]).market


def brute_vwap_sigma(prices: list[int], qtys: list[int]) -> tuple[Fraction, Fraction]:
    total = sum(qtys)
    vwap = Fraction(sum(p * q for p, q in zip(prices, qtys, strict=True)), total)
    var = sum(q * (p - vwap) ** 2 for p, q in zip(prices, qtys, strict=True)) / total
    return vwap, var


def test_sums_are_the_brute_force_vwap_and_variance_of_the_recording(market):
    prints = market.tape.all()
    sums = VwapSums()
    for k in range(0, prints.size, 997):  # uneven batches, as the pipeline cuts them
        sums.add_arrays(prints.price_ticks[k : k + 997], prints.qty_lots[k : k + 997])
    vwap, var = brute_vwap_sigma(prints.price_ticks.tolist(), prints.qty_lots.tolist())
    assert sums.vwap_ticks() == vwap
    assert sums.variance_ticks2() == var
    assert sums.sigma_ticks() == pytest.approx(math.sqrt(var), rel=1e-12)


def test_the_profile_keeps_the_same_exact_variance(market):
    prints = market.tape.all()
    profile = VolumeProfile()
    profile.add_trades(prints.price_ticks, prints.qty_lots, prints.side)
    _, var = brute_vwap_sigma(prints.price_ticks.tolist(), prints.qty_lots.tolist())
    assert profile.variance_ticks2() == var


def test_each_bar_point_is_the_session_vwap_as_of_that_bars_last_print(market):
    prints = market.tape.all()
    # a session boundary inside the recording, so the reset is exercised
    first_ns = int(prints.exchange_ns[0])
    mid_ns = int(prints.exchange_ns[prints.size // 2])
    offset_ns = (mid_ns - mid_ns % NS_PER_MIN) % (24 * 60 * NS_PER_MIN)
    schedule = SessionSchedule(offset_ns)
    series = SessionVwapSeries(60, schedule)
    for k in range(0, prints.size, 5000):
        sl = slice(k, k + 5000)
        series.add_trades(prints.exchange_ns[sl], prints.price_ticks[sl], prints.qty_lots[sl])
    starts, vwaps, sigmas = series.points()
    ts, p, q = prints.exchange_ns.tolist(), prints.price_ticks.tolist(), prints.qty_lots.tolist()
    assert schedule.session_id(first_ns) != schedule.session_id(int(prints.exchange_ns[-1]))
    # brute force: walk the prints, recompute from the session's prints at each bar's last print
    expected: dict[int, tuple[float, float]] = {}
    session_p: list[int] = []
    session_q: list[int] = []
    sid = None
    for i, t in enumerate(ts):
        if schedule.session_id(t) != sid:
            sid, session_p, session_q = schedule.session_id(t), [], []
        session_p.append(p[i])
        session_q.append(q[i])
        last_of_bar = (
            i + 1 == len(ts)
            or ts[i + 1] // (60 * NS_PER_S) != t // (60 * NS_PER_S)
            or schedule.session_id(ts[i + 1]) != sid
        )
        if last_of_bar:
            start = max(t - t % (60 * NS_PER_S), schedule.session_start_ns(t))
            vwap, var = brute_vwap_sigma(session_p, session_q)
            expected[start] = (float(vwap), math.sqrt(var))
    got = {int(s): (float(v), float(g)) for s, v, g in zip(starts, vwaps, sigmas, strict=True)}
    assert len(expected) == len(got) > 3
    for start, (vwap, sigma) in expected.items():
        assert got[start][0] == pytest.approx(vwap, rel=1e-12)
        assert got[start][1] == pytest.approx(sigma, rel=1e-9, abs=1e-9)
    # the reset: the first point of the new session is that bar's own prints only
    boundary = schedule.session_start_ns(int(prints.exchange_ns[-1]))
    assert boundary in got
    after = np.asarray(ts) >= boundary
    in_bar = after & (np.asarray(ts) < boundary - boundary % (60 * NS_PER_S) + 60 * NS_PER_S)
    vwap, _ = brute_vwap_sigma(np.asarray(p)[in_bar].tolist(), np.asarray(q)[in_bar].tolist())
    assert got[boundary][0] == pytest.approx(float(vwap), rel=1e-12)


def test_a_lone_price_has_no_spread_and_an_empty_session_no_vwap():
    sums = VwapSums()
    assert sums.vwap_ticks() is None and sums.sigma_ticks() is None
    sums.add_arrays(np.array([600_000, 600_000]), np.array([3, 5]))
    assert sums.vwap_ticks() == 600_000 and sums.sigma_ticks() == 0.0
