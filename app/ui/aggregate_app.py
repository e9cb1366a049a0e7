"""The views that show an aggregate of several venues (issue 13).

`scalpdesk --replay a.gz b.gz c.gz --aggregate` (recordings of different venues) and
`scalpdesk --live binance-usdm:BTCUSDT bybit:BTCUSDT okx:BTC-USDT-SWAP --aggregate` open one
source per venue and an `AggregateSource` over them (app/feeds/aggregate_open.py); the window then
shows the aggregate's footprint, CVD (with per-venue lines), tape (with a venue column) and ladder
(summed or one venue's book), and each feed's health in the status bar. There is no SIM desk on
an aggregate: paper orders fill against one venue's book, so they are placed in that venue's own
window.
"""

from __future__ import annotations

from widgets.base import MarketView
from widgets.cvd.venues import VenueCvdView
from widgets.footprint.venues import VenueFootprintView
from widgets.ladder.venues import VenueLadderView
from widgets.tape.venues import VenueTapeView


def aggregate_views() -> list[MarketView]:
    """The four order-flow views, each showing an aggregate's venues."""
    return [VenueLadderView(), VenueFootprintView(), VenueTapeView(), VenueCvdView()]
