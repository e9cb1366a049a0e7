"""The tape's rows, filter and pause as plain data: no Qt, no QApplication."""

from __future__ import annotations

from dataclasses import replace

from app.core.instrument import Instrument
from app.core.tape import Tape, TradeColumns
from widgets.tape.model import TapeModel
from widgets.tape.settings import TapeSettings

T0 = 1_723_075_200 * 1_000_000_000  # 2024-08-08 00:00 UTC


def tape_of(rows: list[tuple[int, int, int, int]]) -> Tape:
    """(ms after T0, price_ticks, qty_lots, side) prints, trade ids in order."""
    tape = Tape(capacity=64)
    tape.extend(
        TradeColumns.from_rows([(T0 + ms * 1_000_000, 0, p, q, s, i) for i, (ms, p, q, s) in enumerate(rows)])
    )
    return tape


def test_one_row_per_aggressor_order_newest_first(btcusdt: Instrument) -> None:
    tape = tape_of([(0, 600_000, 5, 1), (0, 600_001, 5, 1), (7, 599_990, 2, -1)])
    model = TapeModel()

    model.reset(btcusdt, tape)
    rows = model.visible_rows(10)

    assert [(r.side_text, r.price_text, r.prints) for r in rows] == [
        ("SELL", "59999.0", 1),
        ("BUY", "60000.1", 2),
    ]
    assert rows[1].sweep_ticks == 1  # the order swept one tick: the row shows its worst price
    assert rows[1].size_text == "0.010" and rows[0].time_text == "00:00:00.007"


def test_raw_mode_shows_every_print(btcusdt: Instrument) -> None:
    tape = tape_of([(0, 600_000, 5, 1), (0, 600_001, 5, 1)])
    model = TapeModel()
    model.reset(btcusdt, tape)

    model.apply(replace(TapeSettings(), mode="raw"), tape)

    assert len(model.visible_rows(10)) == 2


def test_pull_takes_only_new_prints_and_a_new_tape_starts_over(btcusdt: Instrument) -> None:
    tape = tape_of([(0, 600_000, 5, 1)])
    model = TapeModel()
    model.reset(btcusdt, tape)

    assert not model.pull(tape)
    other = tape_of([(0, 610_000, 1, -1), (5, 610_000, 1, 1)])
    assert model.pull(other)

    assert [r.price_text for r in model.visible_rows(10)] == ["61000.0", "61000.0"]


def test_size_filter_hides_small_orders(btcusdt: Instrument) -> None:
    tape = tape_of([(0, 600_000, 5, 1), (3, 600_000, 500, -1)])
    model = TapeModel()
    model.reset(btcusdt, tape)

    model.apply(replace(TapeSettings(), min_size_lots=100), tape)

    assert [r.qty_lots for r in model.visible_rows(10)] == [500]
