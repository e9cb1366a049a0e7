"""The window on three venues' BTC recordings as one market (replays through compose): the
footprint cells are their venues' sums, the CVD lines add up to the summed CVD, the tape names
each row's venue and filters by venue, the ladder shows the summed or one venue's book and names
the best venues, and the status bar shows every feed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from reference.recordings import btc_recordings

from app.core.aggregate.book import load_summed
from app.core.book import OrderBook
from app.feeds.aggregate_open import open_aggregate_replay, parse_live_leg
from app.storage.layouts import LayoutStore
from app.ui.aggregate_app import aggregate_views
from app.ui.compose import compose

VENUES = ("binance-usdm", "hyperliquid", "okx-swap")


@pytest.fixture
def shown(shared_data, btcusdt_recording, tmp_path: Path, qtbot, qloop):
    source = open_aggregate_replay(
        btc_recordings(shared_data, btcusdt_recording, tmp_path), speed=100, loop=False
    )
    built = compose(source, aggregate_views(), LayoutStore(tmp_path))
    window = built.window
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()

    async def play() -> None:
        task = asyncio.ensure_future(source.run())
        for _ in range(20):
            await asyncio.sleep(0.1)
            window.frames.request_frame()
        window._update_status()
        source.stop()
        await task
        await asyncio.sleep(0.1)  # a last frame after the end

    qloop.run_until_complete(play())
    yield source, window
    built.close()


def test_the_window_is_one_market_of_three_venues_with_each_feed_in_the_status_bar(shown):
    source, window = shown

    assert window.windowTitle().startswith(
        "Scalpdesk — BTC aggregate · binance-usdm + hyperliquid + okx-swap"
    )
    text = window.status.state.text()
    assert all(name in text for name in VENUES)
    assert window.desk is None  # paper orders are placed on one venue's window
    assert window.views["ladder"].entry_bar.isHidden()  # so no SIM buttons that would send orders nowhere
    assert source.aggregate.state.tape.total == sum(leg.binding.market.tape.total for leg in source.legs)


def test_footprint_cells_are_the_sums_of_their_venues_and_the_tooltip_names_them(shown):
    _source, window = shown
    view = window.views["footprint"]
    cells = [
        c
        for i in range(view.model.first_index, view.model.last_index + 1)
        for c in view.model.cells(i, i, -(10**9), 10**9)
    ]

    assert len(cells) > 100
    venues_seen = set()
    for cell in cells:
        parts = view.cell_venues(cell.bar_index, cell.price_ticks)
        assert sum(b for _, b, _ in parts) == cell.buy_lots and sum(s for _, _, s in parts) == cell.sell_lots
        venues_seen |= {name for name, _, _ in parts}
    assert venues_seen == set(VENUES)
    hl = next(
        c
        for c in cells
        if any(n == "hyperliquid" for n, _, _ in view.cell_venues(c.bar_index, c.price_ticks))
    )
    tip = view.cell_tooltip(hl.bar_index, hl.price_ticks).splitlines()
    assert tip[0].startswith(f"{hl.price_ticks} · sell × buy by venue") and tip[1].startswith("hyperliquid: ")


def test_the_cvd_lines_of_the_venues_add_up_to_the_summed_cvd(shown):
    _source, window = shown
    view = window.views["cvd"]

    assert sum(view.venue_cvd_lots()) == view.cvd_lots()
    assert len(view.venue_cvd_lots()) == 3 and any(view.venue_cvd_lots())
    assert "binance-usdm" in view.legend.text() and view.legend.isVisible()


def test_the_tape_names_the_venue_of_each_row_and_filters_by_venue(shown, qtbot):
    source, window = shown
    view = window.views["tape"]
    names = {row.venue_text for row in view.model.visible_rows(5000)}

    assert names <= {"BIN", "HL", "OKX"} and "BIN" in names
    view.show_venues(frozenset({1}))
    rows = view.model.visible_rows(5000)
    assert rows and {row.venue_text for row in rows} == {"HL"}
    assert sum(r.prints for r in rows) == source.legs[1].binding.market.tape.total
    view.show_venues(None)
    assert view.model.log.total >= len(rows)


def test_the_ladder_shows_the_summed_book_or_one_venue_and_names_the_best_venues(shown, qloop):
    source, window = shown
    ladder = window.views["ladder"]
    agg = source.aggregate
    books = [leg.binding.market.book for leg in source.legs]
    summed, alone = OrderBook(), OrderBook()
    load_summed(summed, agg.agg, books, range(3))
    load_summed(alone, agg.agg, books, (0,))

    assert (agg.state.book.bids, agg.state.book.asks) == (summed.bids, summed.asks)
    assert "best bid hyperliquid" in ladder.best_label.text().replace(
        '<span style="color:#9fd0ff">', ""
    ).replace("</span>", "")
    ladder.show_book(0)
    window.frames.request_frame()
    qloop.run_until_complete(asyncio.sleep(0.1))
    assert (agg.state.book.bids, agg.state.book.asks) == (alone.bids, alone.asks)
    assert {row.price_ticks for row in ladder.rows() if row.bid_lots} <= set(alone.bids)


def test_a_live_market_is_venue_symbol_and_maybe_its_servers():
    leg = parse_live_leg("okx:BTC-USDT-SWAP@ws://127.0.0.1:9001@http://127.0.0.1:9002")

    assert (leg.venue, leg.symbol) == ("okx", "BTC-USDT-SWAP")
    assert leg.endpoints.rewrite("wss://ws.okx.com:8443/ws/v5/public").startswith("ws://127.0.0.1:9001")
    with pytest.raises(ValueError, match="VENUE:SYMBOL"):
        parse_live_leg("BTCUSDT")
