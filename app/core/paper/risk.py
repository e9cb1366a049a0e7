"""Risk limits that really lock: once one trips, no order that adds risk is accepted until the
next session (SessionSchedule of the market's time); closing, cancelling and flattening still work.

The session's numbers are kept from the fills and round trips the exchange applies, so they are
rebuilt with the account when the journal is replayed, and the lock itself is a journaled event.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.paper.config import RiskLimits
from app.core.paper.snapshot import RiskStatus, RoundTrip
from app.core.sessions import SessionSchedule


class RiskGuard:
    def __init__(self, limits: RiskLimits, sessions: SessionSchedule) -> None:
        self.limits = limits
        self.sessions = sessions
        self.session_id: int | None = None
        self.locked_session: int | None = None
        self.locked_reason: str | None = None
        self._base_net_quote = 0.0  # account realised − fees when the session began
        self._peak_quote = 0.0
        self.trades = 0  # round trips closed this session
        self.losing_streak = 0

    def roll(self, ts_ns: int, realised_net_quote: float) -> bool:
        """Start a new session's numbers when `ts_ns` is in another session than the last seen."""
        session = self.sessions.session_id(ts_ns)
        if self.session_id is not None and session <= self.session_id:
            return False  # a replay that starts over goes back in time: not a new session
        self.session_id = session
        self._base_net_quote = realised_net_quote
        self._peak_quote = 0.0
        self.trades = 0
        self.losing_streak = 0
        return True

    @property
    def locked(self) -> bool:
        return self.locked_reason is not None and self.locked_session == self.session_id

    def peak_step(self) -> float | None:
        """How far the equity peak must rise before it is journaled again (None: not journaled)."""
        limit = self.limits.max_drawdown_quote
        return None if limit is None else limit / 20

    @property
    def peak_quote(self) -> float:
        return self._peak_quote

    def restore_peak(self, session_id: int, peak_quote: float) -> None:
        if session_id == self.session_id:
            self._peak_quote = max(self._peak_quote, peak_quote)

    def lock(self, session_id: int, reason: str) -> None:
        self.locked_session = session_id
        self.locked_reason = reason

    def on_trip(self, trip: RoundTrip) -> None:
        self.trades += 1
        self.losing_streak = self.losing_streak + 1 if trip.net_quote < 0 else 0

    def session_net_quote(self, account_net_quote: float) -> float:
        return account_net_quote - self._base_net_quote

    def breach(self, account_net_quote: float) -> str | None:
        """Why a limit is breached now (None if none is); also tracks the session's equity peak.

        `account_net_quote` is realised − fees + unrealised of the whole account.
        """
        limits = self.limits
        net = self.session_net_quote(account_net_quote)
        self._peak_quote = max(self._peak_quote, net)
        if limits.daily_loss_quote is not None and net <= -limits.daily_loss_quote:
            return f"daily loss {-net:,.2f} ≥ {limits.daily_loss_quote:,.2f}"
        drawdown = self._peak_quote - net
        if limits.max_drawdown_quote is not None and drawdown >= limits.max_drawdown_quote:
            return f"drawdown {drawdown:,.2f} ≥ {limits.max_drawdown_quote:,.2f}"
        if limits.max_trades is not None and self.trades >= limits.max_trades:
            return f"{self.trades} trades ≥ max {limits.max_trades}"
        if limits.max_losing_streak is not None and self.losing_streak >= limits.max_losing_streak:
            return f"{self.losing_streak} losing trades in a row"
        return None

    def position_breach(self, exposure_lots: int, qty_str: Callable[[int], str]) -> str | None:
        """`exposure_lots`: |position + same-side open entry orders + the new order| if it all filled."""
        limit = self.limits.max_position_lots
        if limit is not None and exposure_lots > limit:
            return f"max position {qty_str(limit)}: this order could make it {qty_str(exposure_lots)}"
        return None

    def status(self, account_net_quote: float) -> RiskStatus:
        net = self.session_net_quote(account_net_quote)
        return RiskStatus(
            session_id=self.session_id or 0,
            locked_reason=self.locked_reason if self.locked else None,
            session_net_quote=net,
            session_peak_quote=max(self._peak_quote, net),
            trades=self.trades,
            losing_streak=self.losing_streak,
        )
