"""File → Open live market… in the running app: the window on the replay gives way to a window
on the chosen live market (a local Binance), and the market is remembered for next time."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fakes.binance import FakeBinance
from PySide6 import QtWidgets

from app.feeds.live.endpoints import Endpoints
from app.feeds.replay_feed import ReplayFeed
from app.storage.recent_markets import Market, RecentMarkets
from app.ui import run_app
from app.ui.main_window import MainWindow


def windows() -> list[MainWindow]:
    return [
        w for w in QtWidgets.QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def test_opening_a_live_market_replaces_the_replay_window(
    btcusdt_recording: Path, tmp_path: Path, qloop
) -> None:
    QtWidgets.QApplication.instance().setQuitOnLastWindowClosed(False)  # as run_gui does
    fake = FakeBinance(btcusdt_recording, frames_per_s=5_000)
    ws, rest = qloop.run_until_complete(fake.start())
    replay = ReplayFeed([btcusdt_recording], speed=10, scan_end=False)
    opening = run_app.Opening(Endpoints(ws, rest), record=False)
    titles: list[str] = []

    async def drive() -> None:
        await asyncio.sleep(1.0)
        (first,) = windows()
        titles.append(first.windowTitle())
        picker = first.pick_market()
        picker.venue.setCurrentText("binance-usdm")
        picker.symbol.setText("BTCUSDT")
        picker.accept()
        await asyncio.sleep(2.0)
        (second,) = windows()
        titles.append(second.windowTitle())
        titles.append(second.status.state.text())
        second.close()

    async def main() -> int:
        driver = asyncio.ensure_future(drive())
        status = await run_app._main(
            replay, run_app.default_views, None, None, 60, tmp_path, 0.0, opening, None
        )
        await driver
        return status

    try:
        status = qloop.run_until_complete(main())
    finally:
        QtWidgets.QApplication.instance().setQuitOnLastWindowClosed(True)
        qloop.run_until_complete(fake.stop())

    assert status == 0
    assert "replay" in titles[0] and "BTCUSDT live · binance-usdm" in titles[1]
    assert titles[2] in ("live", "resyncing the book…") or titles[2].startswith("stale")
    assert RecentMarkets(tmp_path).load() == [Market("binance-usdm", "BTCUSDT")]
    assert fake.connections == ["/public/stream", "/market/stream"]
