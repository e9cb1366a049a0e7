"""The market picker: symbols from the venue's own list as they arrive, favourites pinned first."""

from __future__ import annotations

import asyncio

from app.storage.recent_markets import Market, RecentMarkets
from app.ui.market_picker import MarketPicker


def test_the_venue_list_joins_the_bundled_symbols_once_it_arrives(qtbot, qloop) -> None:
    async def listed(venue: str) -> list[str]:
        await asyncio.sleep(0.01)
        return ["DOGEUSDT", "BTCUSDT"] if venue == "binance-usdm" else []

    picker = MarketPicker([], list_symbols=listed)
    qtbot.addWidget(picker)
    picker.venue.setCurrentText("binance-usdm")
    qloop.run_until_complete(asyncio.sleep(0.1))

    symbols = picker.symbol.completer().model().stringList()
    assert "DOGEUSDT" in symbols and symbols.count("BTCUSDT") == 1
    assert picker.source_note.text().endswith("instruments on binance-usdm")


def test_offline_the_picker_says_so_and_keeps_the_bundled_symbols(qtbot, qloop) -> None:
    async def unreachable(venue: str) -> list[str]:
        raise ConnectionError("no network")

    picker = MarketPicker([], list_symbols=unreachable)
    qtbot.addWidget(picker)
    picker.venue.setCurrentText("okx-swap")
    qloop.run_until_complete(asyncio.sleep(0.1))

    assert "not reachable" in picker.source_note.text()
    assert "BTC-USDT-SWAP" in picker.symbol.completer().model().stringList()


def test_a_pinned_market_stays_first_with_a_star(qtbot, tmp_path) -> None:
    store = RecentMarkets(tmp_path)
    store.add(Market("okx-swap", "BTC-USDT-SWAP"))
    store.add(Market("bybit-linear", "BTCUSDT"))
    picker = MarketPicker(store.load(), pin=store.pin)
    qtbot.addWidget(picker)

    picker.recent.setCurrentRow(1)  # BTC-USDT-SWAP, the older one
    picker.pin_button.click()
    store.add(Market("hyperliquid", "BTC"))

    assert picker.recent.item(0).text() == "★ BTC-USDT-SWAP  ·  okx-swap"
    assert store.load()[0] == Market(
        "okx-swap", "BTC-USDT-SWAP", pinned=True
    )  # still first after a newer one
