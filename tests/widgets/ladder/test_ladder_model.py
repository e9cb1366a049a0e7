"""The ladder's rows, centring and volume as plain data: no Qt, no QApplication."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.events import DepthSnapshot
from app.core.instrument import Instrument
from app.core.market import Changed, MarketState
from app.core.sessions import DAY_NS
from app.core.tape import TradeColumns
from app.core.units import NS_PER_S
from widgets.ladder.model import LadderModel
from widgets.ladder.settings import LadderSettings

T0 = 19_000 * DAY_NS + 3_600 * NS_PER_S
P = 600_000


def inside_at(market: MarketState, bid: int, update_id: int = 1) -> None:
    """Bid at `bid`, ask one tick above, 40 levels a side of 1..40 lots."""
    levels = range(40)
    market.load_snapshot(
        DepthSnapshot(
            T0, T0, update_id, [(bid - i, i + 1) for i in levels], [(bid + 1 + i, i + 1) for i in levels]
        )
    )


@pytest.fixture
def model(btcusdt: Instrument) -> LadderModel:
    market = MarketState(btcusdt)
    inside_at(market, P)
    m = LadderModel()
    m.set_row_count(21)
    m.set_market(market)
    m.update(Changed.ALL, T0)
    return m


def centre_price(model: LadderModel) -> int:
    return model.rows[len(model.rows) // 2].price_ticks


def test_rows_are_the_book_around_the_inside_market(model: LadderModel) -> None:
    best_bid = next(r for r in model.rows if r.is_best_bid)

    assert len(model.rows) == 21
    assert (best_bid.price_ticks, best_bid.bid_lots) == (P, 1)
    assert [r.price_ticks for r in model.rows] == sorted((r.price_ticks for r in model.rows), reverse=True)


def test_continuous_centring_follows_the_inside_market(model: LadderModel) -> None:
    model.set_settings(replace(model.settings, centering="continuous"))
    assert model.market is not None

    inside_at(model.market, P + 2, update_id=5)
    model.update(Changed.BOOK, T0)

    assert centre_price(model) == P + 2


def test_hovered_ladder_holds_still(model: LadderModel) -> None:
    model.set_settings(replace(model.settings, centering="continuous"))
    assert model.market is not None
    before = [r.price_ticks for r in model.rows]

    model.set_hovered(True)
    inside_at(model.market, P + 3, update_id=5)
    model.update(Changed.BOOK, T0)

    assert [r.price_ticks for r in model.rows] == before


def test_prints_add_recent_volume_on_their_row(model: LadderModel) -> None:
    assert model.market is not None

    model.market.apply_trades(TradeColumns.from_rows([(T0, T0, P + 1, 7, 1, 1)]))
    model.update(Changed.TAPE, T0)

    row = next(r for r in model.rows if r.price_ticks == P + 1)
    assert row.buy_recent_lots == 7
    assert model.last_trade_ticks == P + 1


def test_a_new_market_starts_volume_afresh(model: LadderModel, btcusdt: Instrument) -> None:
    assert model.market is not None
    model.market.apply_trades(TradeColumns.from_rows([(T0, T0, P, 5, -1, 1)]))
    model.update(Changed.TAPE, T0)
    other = MarketState(btcusdt)
    inside_at(other, P)

    model.set_market(other)
    model.update(Changed.ALL, T0)

    assert all(r.sell_recent_lots == 0 for r in model.rows)
    assert model.settings == LadderSettings()
