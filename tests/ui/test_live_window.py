"""The real window on a live feed (a local Binance replaying the real recording) through compose:
no transport, the status bar says live, the views fill — and, once a stream goes quiet, says which."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fakes.binance import FakeBinance

from app.core.events import Side
from app.core.paper.commands import PlaceOrder
from app.core.paper.orders import OrderKind
from app.feeds.live.connection import ConnectionTiming
from app.feeds.live.feed import LiveFeed
from app.feeds.replay import run_replay
from app.storage.journal import Journal
from app.storage.layouts import LayoutStore
from app.storage.settings import SettingsStore
from app.ui.compose import DeskStores, compose
from app.ui.run_app import default_views
from app.venues.binance import USDM

TIMING = ConnectionTiming(connect_timeout_s=2, stale_after_s=0.6, reconnect_after_s=30, check_every_s=0.05)


def test_the_window_on_a_live_feed_shows_the_market_and_its_health(
    btcusdt_recording, tmp_path: Path, qtbot, qloop
):
    fake = FakeBinance(btcusdt_recording, frames_per_s=4_000, shift_to_now=True)
    ws_base, rest_base = qloop.run_until_complete(fake.start())
    feed = LiveFeed(
        USDM,
        "BTCUSDT",
        rewrite_url=lambda u: u.replace("wss://fstream.binance.com", ws_base).replace(
            "https://fapi.binance.com", rest_base
        ),
        timing=TIMING,
    )
    stores = DeskStores(
        Journal(tmp_path / "journal.sqlite3", checkpoint_interval_s=None), SettingsStore(tmp_path)
    )
    built = compose(feed, default_views(), LayoutStore(tmp_path), stores=stores)
    qtbot.addWidget(built.window)
    window = built.window
    window.resize(1600, 900)
    window.show()
    seen: list[str] = []
    recorded: list = []

    async def watch() -> None:
        task = asyncio.create_task(feed.run())
        for i in range(25):
            await asyncio.sleep(0.1)
            window._update_status()
            seen.append(window.status.state.text())
            if i == 15:  # the market is live by now: a SIM market buy fills on the live book
                built.desk.send(PlaceOrder(Side.BUY, OrderKind.MARKET, 1))
        window.grab().save(str(tmp_path / "live.png"))
        window.record_action.setChecked(True)  # Feed → Record this feed
        recorded.append(feed.recording)
        await asyncio.sleep(0.3)
        window.record_action.setChecked(False)
        feed.stop()
        await task

    qloop.run_until_complete(watch())

    assert window.transport is None
    assert window.windowTitle().startswith("Scalpdesk — BTCUSDT live · binance-usdm")
    assert "live" in seen
    assert window.frames.frames > 0
    assert window.views["ladder"].rows()  # type: ignore[attr-defined]
    assert built.desk is not None and built.desk.market is feed.market
    assert built.desk.exchange.ledger.position_lots == 1  # the paper broker filled on live data
    assert feed.market.tape.total > 0 and feed.pipeline.sync.gaps == 0
    assert (tmp_path / "live.png").stat().st_size > 10_000
    (path,) = recorded
    assert path is not None and path.exists() and feed.recording is None
    assert run_replay([path]).market.tape.total > 0  # what arrived while recording replays
    assert built.window.trading is not None
    built.window.trading.hotkeys.uninstall()
    built.close()
    qloop.run_until_complete(fake.stop())
