"""Trade statistics against numbers worked out by hand."""

from __future__ import annotations

import pytest

from app.core.events import Side
from app.core.paper.snapshot import RoundTrip, TradeStats
from app.core.paper.trade_stats import max_drawdown_quote, trade_stats

TV = 0.5  # one tick-lot is worth 0.50


def trip(
    trip_id: int,
    pnl_tick_lots: int,
    fees: float,
    *,
    lots: int = 1,
    hold_ns: int = 1_000,
    risk: int | None = None,
) -> RoundTrip:
    return RoundTrip(trip_id, Side.BUY, lots, 0, hold_ns, 100.0, 100.0, pnl_tick_lots, fees, TV, risk)


def test_no_trips_no_numbers() -> None:
    assert trade_stats([]) == TradeStats()


def test_a_session_of_five_trades() -> None:
    trips = [
        trip(1, 20, 1.0, lots=2, hold_ns=4_000, risk=8),  # net 10 − 1 = +9;  R = 9 / (8 × 0.5) = 2.25
        trip(2, -10, 1.0, hold_ns=2_000, risk=10),  # net −5 − 1 = −6;  R = −6 / 5 = −1.2
        trip(3, 2, 1.0, hold_ns=1_000),  # net 1 − 1 = 0: a scratch counts as a loss
        trip(4, -6, 0.5, lots=3, hold_ns=3_000),  # net −3 − 0.5 = −3.5
        trip(5, 14, 1.0, hold_ns=5_000),  # net 7 − 1 = +6
    ]
    # cumulative net: 9, 3, 3, −0.5, 5.5 → peak 9, lowest after it −0.5: drawdown 9.5

    stats = trade_stats(trips)

    assert (stats.trades, stats.wins, stats.losses) == (5, 2, 3)
    assert stats.win_rate == pytest.approx(0.4)
    assert stats.net_quote == pytest.approx(5.5)
    assert stats.fees_quote == pytest.approx(4.5)
    assert stats.expectancy_quote == pytest.approx(5.5 / 5)
    assert stats.expectancy_r == pytest.approx((2.25 - 1.2) / 2)
    assert stats.profit_factor == pytest.approx(15 / 9.5)
    assert stats.avg_win_quote == pytest.approx(7.5)
    assert stats.avg_loss_quote == pytest.approx(-9.5 / 3)
    assert stats.avg_ticks == pytest.approx((10 - 10 + 2 - 2 + 14) / 5)  # per lot: 20/2, −10, 2, −6/3, 14
    assert stats.max_drawdown_quote == pytest.approx(9.5)
    assert stats.avg_hold_ns == pytest.approx(3_000)


def test_only_winners_have_no_profit_factor_and_no_loss_average() -> None:
    stats = trade_stats([trip(1, 10, 0.0), trip(2, 4, 0.0)])

    assert stats.win_rate == 1.0
    assert stats.profit_factor is None
    assert stats.avg_loss_quote is None
    assert stats.expectancy_r is None
    assert stats.max_drawdown_quote == 0.0


def test_drawdown_counts_from_zero_when_the_first_trade_loses() -> None:
    assert max_drawdown_quote([-2.0, -1.0, 4.0, -3.5]) == pytest.approx(3.5)
    assert max_drawdown_quote([-2.0, -1.0, 2.0]) == pytest.approx(3.0)
    assert max_drawdown_quote([1.0, 2.0]) == 0.0

    stats = trade_stats([trip(1, -4, 0.0), trip(2, -2, 0.0)])

    assert stats.max_drawdown_quote == pytest.approx(3.0)
    assert stats.wins == 0 and stats.win_rate == 0.0
    assert stats.avg_win_quote is None
    assert stats.profit_factor == 0.0
