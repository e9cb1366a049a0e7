"""Open interest bars: close = the last report in the bar, change = close − previous bar's close."""

from __future__ import annotations

import pytest

from app.core.oi_bars import OpenInterestBars

S = 10**9
T0 = 1_723_161_600 * S  # a minute boundary


def test_close_and_change_per_bar_from_reports():
    bars = OpenInterestBars(60)
    for ts, lots in [(T0 + 1 * S, 1_000), (T0 + 20 * S, 1_040), (T0 + 61 * S, 1_030), (T0 + 179 * S, 1_100)]:
        bars.add(ts, lots)
    start, close, change = bars.arrays()
    assert start.tolist() == [T0, T0 + 60 * S, T0 + 120 * S]  # no filler bar: every bar has a report
    assert close.tolist() == [1_040, 1_030, 1_100]
    assert change.tolist() == [40, -10, 70]  # first bar: against its first report
    assert bars.latest_lots() == 1_100


def test_an_old_report_out_of_order_is_ignored_and_rebinning_keeps_the_history():
    bars = OpenInterestBars(60)
    bars.add(T0 + 70 * S, 500)
    bars.add(T0 + 10 * S, 999)  # late and older: not the level now
    bars.add(T0 + 130 * S, 520)
    assert bars.arrays()[1].tolist() == [500, 520]
    wide = bars.rebinned(300)
    assert wide.arrays()[0].tolist() == [T0] and wide.arrays()[2].tolist() == [20]


def test_bad_timeframe_is_refused():
    with pytest.raises(ValueError, match="timeframe_s"):
        OpenInterestBars(0)
