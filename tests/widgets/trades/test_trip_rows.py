"""A round trip's row texts and tones: plain data, no Qt."""

from __future__ import annotations

from app.core.events import Side
from app.core.instrument import Instrument
from app.core.paper.snapshot import RoundTrip
from app.core.sessions import DAY_NS
from app.core.units import NS_PER_S
from widgets.base.fmt import Tone
from widgets.trades.trip_rows import TRADE_COLUMNS, trip_texts, trip_tones

T0 = 19_000 * DAY_NS


def test_a_winning_long_reads_as_the_table_shows_it(btcusdt: Instrument) -> None:
    trip = RoundTrip(3, Side.BUY, 10, T0, T0 + 12 * NS_PER_S, 600_000.0, 600_004.5, 45, 0.01, 0.0001)

    texts = dict(zip(TRADE_COLUMNS, trip_texts(trip, btcusdt), strict=True))

    assert texts["Side"] == "Long"
    assert texts["Qty"] == "0.010"
    assert texts["Entry avg"] == "60000.0" and texts["Exit avg"] == "60000.45"
    assert texts["P&L t"] == "+4.5 t"
    assert texts["Hold"] == "12.0s"
    assert trip_tones(trip)[0] is Tone.GAIN
