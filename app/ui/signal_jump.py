"""Going to a signal from the alert log: on a replay, seek to just before it; live, centre the charts.

A replay (any `Transport`: the recording, the synthetic market) seeks to `LEAD_S` before the
signal and keeps its pause state: playing, the trader watches the set-up unfold into the signal;
paused, the market waits just before it. The seek goes back in time, so the replay builds a fresh
session and the signal list is found again up to there (app/ui/signal_wiring.py): the row clicked
comes back when the replay reaches it. A live market cannot go back: the footprint and CVD charts
are centred on the signal's time instead (they stop following; their follow keys bring them back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from app.core.market import MarketState
from app.core.signals.kinds import Signal
from app.core.units import NS_PER_S
from app.feeds.source import MarketSource, Transport
from widgets.alerts import AlertsView
from widgets.base import MarketView
from widgets.base.signal_style import KIND_STYLE, time_text
from widgets.cvd import CvdView
from widgets.footprint import FootprintView

log = logging.getLogger(__name__)

LEAD_S = 5


def receive_ns_of(market: MarketState, exchange_ns: int) -> int:
    """A replay seeks by local receive time, signals carry exchange time: the newest print's
    difference between the two (the feed's latency, ≈ 1.27 s on the bundled recording) converts."""
    newest = market.tape.last(1)
    offset_ns = int(newest.receive_ns[0] - newest.exchange_ns[0]) if newest.size else 0
    return exchange_ns + offset_ns


class SignalJump:
    """Connects the alert log's clicks to the source (replay) or to the charts (live)."""

    def __init__(
        self, source: MarketSource, views: Mapping[str, MarketView], notify: Callable[[str], None]
    ) -> None:
        self.source = source
        self.views = views
        self._notify = notify
        alerts = views.get("alerts")
        if isinstance(alerts, AlertsView):
            alerts.jump_requested.connect(self.go)

    def go(self, sig: Signal) -> None:
        what = f"{KIND_STYLE[sig.kind].name} at {time_text(sig.ts_ns)}"
        source = self.source
        if isinstance(source, Transport):
            target = receive_ns_of(source.binding.market, sig.ts_ns) - LEAD_S * NS_PER_S
            log.info("alert clicked: replay to %d ns, %d s before the %s", target, LEAD_S, what)
            source.jump_to(target)
            self._notify(f"replay: {LEAD_S} s before the {what}")
            return
        footprint, cvd = self.views.get("footprint"), self.views.get("cvd")
        if isinstance(footprint, FootprintView):
            footprint.centre_on(sig.ts_ns, sig.price_ticks)
        if isinstance(cvd, CvdView):
            cvd.centre_on(sig.ts_ns)
        self._notify(f"charts centred on the {what} (F / Shift+F follow again)")
