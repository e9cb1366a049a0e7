"""What the window does when its market is not live: the views it feeds are greyed, the status
bar says why, and the SIM desk refuses new orders until the feed is live again (they would fill
on a book the market no longer has). A replay is always usable: its book is the recorded one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6 import QtWidgets

from app.feeds.source import SourceState, SourceStatus
from app.ui.status import state_text
from app.ui.trading_desk import TradingDesk

NOT_LIVE = frozenset({SourceState.STALE, SourceState.RECONNECTING, SourceState.RESYNCING, SourceState.FAILED})
GREYED_OPACITY = 0.35


def hold_reason(status: SourceStatus) -> str | None:
    """Why the market cannot be traded on now, in one line, or None when it can."""
    if status.state not in NOT_LIVE:
        return None
    return f"market data {state_text(status)}: new SIM orders refused until the feed is live"


class FeedHealth:
    def __init__(
        self,
        views: Sequence[QtWidgets.QWidget],
        desk: TradingDesk | None,
        notice: Callable[[str], None],
    ) -> None:
        self._views = views
        self._desk = desk
        self._notice = notice
        self.reason: str | None = None

    def update(self, status: SourceStatus) -> None:
        reason = hold_reason(status)
        if reason == self.reason:
            return
        was_live, self.reason = self.reason is None, reason
        if self._desk is not None:
            self._desk.exchange.hold_market(reason)  # the refusal names the reason of the moment
        if was_live == (reason is None):
            return  # stale -> reconnecting: still greyed, nothing new to announce
        for view in self._views:
            if reason is None:
                view.setGraphicsEffect(None)  # type: ignore[arg-type]
            else:
                effect = QtWidgets.QGraphicsOpacityEffect(view)
                effect.setOpacity(GREYED_OPACITY)
                view.setGraphicsEffect(effect)
        live_again = "market data live again" + (": SIM orders accepted" if self._desk is not None else "")
        self._notice(reason or live_again)
