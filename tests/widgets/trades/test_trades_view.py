"""Trades (SIM) view: the journal table newest first, statistics, CSV export request, selection."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from app.core.events import Side
from app.core.market import Changed, MarketState
from app.core.paper.entry import EntryState
from app.core.paper.snapshot import PaperSnapshot, RoundTrip, tick_value_quote
from widgets.base import palette
from widgets.trades import TradesView

SEC = 10**9
T0 = 1_723_161_600 * SEC  # 2024-08-09 00:00:00 UTC
P = 600_000


def trip(i, side, entry_ticks, exit_ticks, *, lots=5, fees=0.0, risk=None, hold_s=12.5, tv=0.0001):
    entry_ns = T0 + i * 60 * SEC
    pnl = int(side) * round((exit_ticks - entry_ticks) * lots)
    return RoundTrip(
        trip_id=i,
        side=side,
        qty_lots=lots,
        entry_ns=entry_ns,
        exit_ns=entry_ns + int(hold_s * SEC),
        entry_price_ticks=entry_ticks,
        exit_price_ticks=exit_ticks,
        pnl_tick_lots=pnl,
        fees_quote=fees,
        tick_value_quote=tv,
        risk_tick_lots=risk,
    )


def three_trips(btcusdt):
    tv = tick_value_quote(btcusdt)
    return (
        # long 0.5 BTC: +6 ticks, 0.30 USDT gross, 0.05 fees, 4 ticks of risk × 500 lots
        trip(1, Side.BUY, P, P + 6, lots=500, fees=0.05, risk=2000, hold_s=12.5, tv=tv),
        # short 0.5 BTC at 60001.05 average, out at 60002.0: −9.5 ticks
        trip(2, Side.SELL, P + 10.5, P + 20, lots=500, fees=0.06, hold_s=95, tv=tv),
        # long 1 BTC: +3 ticks
        trip(3, Side.BUY, P + 20, P + 23, lots=1000, fees=0.1, risk=4000, hold_s=0.4, tv=tv),
    )


@pytest.fixture
def view(qtbot, btcusdt):
    v = TradesView()
    qtbot.addWidget(v)
    v.resize(960, 420)
    v.show()
    v.set_market(MarketState(btcusdt))
    return v


def show(view, trips):
    view.set_paper(PaperSnapshot(version=len(trips), trips=tuple(trips)), EntryState())
    return view.refresh(Changed.ACCOUNT, T0)


def test_rows_are_the_trips_newest_first(view, btcusdt):
    assert show(view, three_trips(btcusdt))
    rows = view.rows()
    assert [r[0] for r in rows] == ["3", "2", "1"]
    newest, short, first = rows
    assert newest[1:6] == ("Long", "1.000", "00:03:00.000", "00:03:00.400", "0.4s")
    assert short[1] == "Short" and short[5] == "1m35s"
    assert short[6:9] == ("60001.05", "60002.0", "-9.5 t")
    assert short[9] == "-0.5350"  # −4750 tick-lots × 0.0001 − 0.06 fees
    assert short[10] == "-0.0600" and short[11] == "—"  # no stop: no R
    assert first[8:12] == ("+6 t", "+0.2500", "-0.0500", "+1.25 R")  # 0.25 / (2000 × 0.0001)


def test_statistics_strip(view, btcusdt):
    show(view, three_trips(btcusdt))
    s = view.stats()
    assert s.trades == 3 and s.wins == 2 and s.losses == 1
    assert view.stat("trades").value == "3  (2 W / 1 L)"
    assert view.stat("win_rate").value == "66.7 %"
    # nets: +0.25, −0.535, +0.2 → expectancy −0.085/3
    assert view.stat("expectancy").value == "-0.0283 USDT"
    assert view.stat("expectancy").tone.value == "loss"
    assert view.stat("expectancy_r").value == "+0.88 R"  # (1.25 + 0.5) / 2 trades with a stop
    assert view.stat("profit_factor").value == "0.84"  # 0.45 / 0.535
    assert view.stat("avg_win_loss").value == "+0.2250 / -0.5350"
    assert view.stat("max_drawdown").value == "-0.5350 USDT"
    assert view.stat("net").value == "-0.0850 USDT"
    assert view.stat("fees").value == "-0.2100 USDT"
    assert view.stat("avg_hold").value == "36.0s"


def test_empty_journal_shows_dashes_and_disables_export(view):
    assert not show(view, ())
    assert view.rows() == []
    assert view.stat("win_rate").value == "—"
    assert not view.export_button.isEnabled()


def test_new_trip_is_inserted_at_the_top_and_keeps_the_selection(view, btcusdt, qtbot):
    trips = three_trips(btcusdt)
    show(view, trips[:2])
    selected = []
    view.trade_selected.connect(selected.append)
    rect = view.table.visualRect(view.model.index(1, 3))  # trip 1 (the older one)
    qtbot.mouseClick(view.table.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    assert selected == [1]
    resets = []
    view.model.modelReset.connect(lambda: resets.append(1))
    assert show(view, trips)
    assert resets == []  # inserted, not rebuilt
    assert view.table.selectionModel().selectedRows()[0].row() == 2  # still trip 1
    assert selected == [1]  # a new trade is not a selection
    assert not view.refresh(Changed.ACCOUNT, T0)  # same trips: nothing to do
    assert not view.refresh(Changed.TAPE, T0)


def test_export_asks_for_a_path_and_emits_it(view, btcusdt, qtbot, monkeypatch, tmp_path):
    show(view, three_trips(btcusdt))
    asked = []

    def fake_dialog(parent, caption, name, filters):
        asked.append(name)
        return str(tmp_path / "my trades"), filters

    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    with qtbot.waitSignal(view.export_requested, timeout=1000) as signal:
        qtbot.mouseClick(view.export_button, QtCore.Qt.MouseButton.LeftButton)
    assert signal.args == [str(tmp_path / "my trades.csv")]
    assert asked == ["scalpdesk-sim-trades-BTCUSDT.csv"]
    # cancelled dialog: nothing emitted
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    emitted = []
    view.export_requested.connect(emitted.append)
    qtbot.mouseClick(view.export_button, QtCore.Qt.MouseButton.LeftButton)
    assert emitted == []
    assert view.export_button.focusPolicy() == QtCore.Qt.FocusPolicy.NoFocus


def test_five_thousand_trips_stay_responsive(view, btcusdt):
    tv = tick_value_quote(btcusdt)
    trips = [trip(i, Side.BUY if i % 2 else Side.SELL, P, P + (i % 7) - 3, tv=tv) for i in range(5000)]
    t = time.perf_counter()
    show(view, trips)
    view.grab()
    first_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    show(view, [*trips, trip(5000, Side.BUY, P, P + 2, tv=tv)])
    view.grab()
    next_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    assert not view.refresh(Changed.ACCOUNT, T0)
    same_ms = (time.perf_counter() - t) * 1000
    print(
        f"\ntrades view 5000 trips: first {first_ms:.1f} ms, one more {next_ms:.1f} ms, same {same_ms:.3f} ms"
    )
    assert view.model.rowCount() == 5001 and view.rows()[0][0] == "5000"
    assert first_ms < 300 and next_ms < 150 and same_ms < 1


def test_select_trip_and_grab(view, btcusdt):
    show(view, three_trips(btcusdt))
    assert view.select_trip(2)
    assert view.table.selectionModel().selectedRows()[0].row() == 1
    assert not view.select_trip(99)
    img = view.grab().toImage()
    img.save("/tmp/trades_view.png")
    arr = np.frombuffer(img.convertToFormat(QtGui.QImage.Format.Format_RGB32).constBits(), np.uint32)
    colours = arr & 0xFFFFFF
    assert (colours == (palette.BUY.rgb() & 0xFFFFFF)).sum() > 20  # gains and longs
    assert (colours == (palette.SELL.rgb() & 0xFFFFFF)).sum() > 20  # losses and shorts
