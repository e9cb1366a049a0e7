"""The footprint's cells and texts as plain data: no Qt, no QApplication."""

from __future__ import annotations

from dataclasses import replace

from app.core.instrument import Instrument
from app.core.market import MarketState
from app.core.tape import TradeColumns
from widgets.footprint.model import FootprintModel
from widgets.footprint.settings import FootprintSettings

T0 = 1_723_075_200 * 1_000_000_000


def model_with(instrument: Instrument, settings: FootprintSettings) -> FootprintModel:
    model = FootprintModel(instrument, settings)
    model.feed(
        TradeColumns.from_rows(
            [
                (T0, T0, 600_000, 5, 1, 1),
                (T0 + 1, T0 + 1, 600_000, 2, -1, 2),
                (T0 + 2, T0 + 2, 600_001, 9, 1, 3),
            ]
        )
    )
    return model


def test_cells_hold_the_bid_and_ask_volume_per_price(btcusdt: Instrument) -> None:
    model = model_with(btcusdt, FootprintSettings())

    cells = {c.price_ticks: c for c in model.cells(model.first_index, model.last_index, 599_990, 600_010)}

    assert (cells[600_000].buy_lots, cells[600_000].sell_lots) == (5, 2)
    assert cells[600_000].text == "0.002 × 0.005"
    assert cells[600_001].is_poc


def test_delta_mode_shows_the_signed_difference(btcusdt: Instrument) -> None:
    model = model_with(btcusdt, replace(FootprintSettings(), cell_mode="delta"))

    assert model.joined_text(5, 2) == "+0.003"
    assert model.joined_text(2, 5) == "-0.003"


def test_zone_set_equals_a_fresh_model_and_keeps_its_naked_zones_while_the_open_bar_grows_inside(
    btcusdt: Instrument, replayed_market: MarketState
) -> None:
    """Fed the real recording in small batches, the cached zones equal those of a model fed it all
    at once; the naked zones (and their version) change only when a bar closes or the open bar's
    range grows, so most batches reuse them."""
    cols = replayed_market.tape.all()
    model = FootprintModel(btcusdt, FootprintSettings())
    kept = changed = 0
    at, step = 0, 40
    while at < min(cols.size, 12_000):
        model.feed(TradeColumns(*(c[at : at + step] for c in cols)))
        at += step
        before = model._zone_set
        zs = model.zone_set()
        fresh = FootprintModel(btcusdt, FootprintSettings())
        fresh.feed(TradeColumns(*(c[:at] for c in cols)))
        assert model.zones() == fresh.zones()
        if before is not None and before[1].version == zs.version:
            kept += 1
            assert before[1].naked is zs.naked
        else:
            changed += 1
    assert kept > changed > 0
