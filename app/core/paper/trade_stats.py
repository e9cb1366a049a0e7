"""Statistics over closed round trips: what a scalper reviews at the end of a session.

Everything is net of fees (a trade that made its fees back only is not a win: a scratch counts
as a loss, as in TradeStats). Averages are None when there is nothing to average, so a view can
show a dash instead of a misleading zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

from app.core.paper.snapshot import RoundTrip, TradeStats


def _mean_or_none(values: Sequence[float]) -> float | None:
    return fmean(values) if values else None


def max_drawdown_quote(nets: Sequence[float]) -> float:
    """Largest fall of the cumulative net P&L from its running peak; the peak starts at 0 (flat)."""
    equity = peak = worst = 0.0
    for net in nets:
        equity += net
        peak = max(peak, equity)
        worst = max(worst, peak - equity)
    return worst


def trade_stats(trips: Sequence[RoundTrip]) -> TradeStats:
    if not trips:
        return TradeStats()
    nets = [trip.net_quote for trip in trips]
    wins = [net for net in nets if net > 0]
    losses = [net for net in nets if net <= 0]
    gross_loss = -sum(losses)
    r_multiples = [r for r in (trip.r_multiple for trip in trips) if r is not None]
    return TradeStats(
        trades=len(trips),
        wins=len(wins),
        losses=len(losses),
        win_rate=len(wins) / len(trips),
        expectancy_quote=fmean(nets),
        expectancy_r=_mean_or_none(r_multiples),
        profit_factor=sum(wins) / gross_loss if gross_loss > 0 else None,
        avg_win_quote=_mean_or_none(wins),
        avg_loss_quote=_mean_or_none(losses),  # ≤ 0: a loss reads as a negative amount
        avg_ticks=fmean([trip.pnl_ticks for trip in trips]),
        max_drawdown_quote=max_drawdown_quote(nets),
        avg_hold_ns=fmean([trip.hold_ns for trip in trips]),
        net_quote=sum(nets),
        fees_quote=sum(trip.fees_quote for trip in trips),
    )
