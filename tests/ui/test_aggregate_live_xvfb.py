"""The app as a user starts it on three live venues at once (local Binance, Hyperliquid and OKX
servers quoting BTC, tests/ui/aggregate_live.py), as one market: `scalpdesk --live … --aggregate`
on Xvfb. Every feed delivers and stays live, the aggregate's tape holds prints of all three, and
the window is on screen with content."""

from __future__ import annotations

import json

import pytest
from PySide6 import QtGui

from .aggregate_live import Venues, run_app
from .test_app_under_xvfb import xserver  # noqa: F401 (fixture)


@pytest.mark.slow
def test_three_live_venues_show_as_one_market_under_x(xserver, tmp_path, shared_data, btcusdt_recording):  # noqa: F811
    shot, stats = tmp_path / "aggregate.png", tmp_path / "stats.json"
    with Venues(shared_data, btcusdt_recording, tmp_path) as venues:
        done = run_app(
            xserver, venues.markets, tmp_path, 12, "--screenshot", str(shot), "--stats-out", str(stats)
        )

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(stats.read_text())
    assert report["source"]["kind"] == "aggregate"
    assert report["source"]["title"] == "BTC aggregate · binance-usdm + hyperliquid + okx-swap"
    health = report["health"]
    for venue in ("binance-usdm", "hyperliquid", "okx-swap"):
        assert health[f"{venue} messages"] > 10, health
        assert health[f"{venue} stale_events"] == 0 and health[f"{venue} forced_reconnects"] == 0, health
    assert report["prints"] > 100 and report["malformed"] == 0 and report["gaps"] == 0
    image = QtGui.QImage(str(shot))
    assert image.width() >= 1200 and image.height() >= 700
    colours = {image.pixel(x, y) for x in range(0, image.width(), 13) for y in range(0, image.height(), 11)}
    assert len(colours) > 50, "the screenshot is nearly blank"
