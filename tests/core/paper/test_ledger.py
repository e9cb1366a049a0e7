"""The account ledger: first-in-first-out lots keep realised P&L and cost exact in tick-lots."""

from app.core.events import Side
from app.core.paper.account import Ledger
from app.core.paper.orders import Fill, Liquidity

BUY, SELL = Side.BUY, Side.SELL


def trade(ledger, side, price, lots, fee=0.0):
    ledger.apply(Fill(0, 1, side, price, lots, Liquidity.TAKER, fee))


def test_scaling_in_then_out_realises_against_the_oldest_lots_first():
    ledger = Ledger()
    trade(ledger, BUY, 100, 2)
    trade(ledger, BUY, 110, 2)

    trade(ledger, SELL, 120, 3)

    assert ledger.realised_tick_lots == 2 * 20 + 1 * 10
    assert (ledger.position_lots, ledger.cost_tick_lots) == (1, 110)


def test_a_fill_that_crosses_zero_opens_the_rest_the_other_way():
    ledger = Ledger()
    trade(ledger, BUY, 100, 2)

    trade(ledger, SELL, 105, 5)

    assert ledger.realised_tick_lots == 10
    assert (ledger.position_lots, ledger.cost_tick_lots) == (-3, -315)


def test_fees_add_up_whichever_way_the_fill_goes():
    ledger = Ledger()
    trade(ledger, BUY, 100, 1, fee=0.5)
    trade(ledger, SELL, 100, 1, fee=0.25)

    assert ledger.fees_quote == 0.75
    assert ledger.position_lots == 0


def test_only_the_part_that_adds_to_the_position_counts_as_opening():
    ledger = Ledger()
    trade(ledger, BUY, 100, 3)

    assert ledger.opening_lots(int(SELL), 2) == 0
    assert ledger.opening_lots(int(SELL), 5) == 2
    assert ledger.opening_lots(int(BUY), 4) == 4
