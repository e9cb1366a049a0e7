"""The position and P&L of the paper account, folded from fills.

Lots are matched first in, first out, so realised P&L and the open position's cost stay exact
integers (tick-lots) however the position was scaled; for a whole flat-to-flat trade the total is
the same as with average-cost accounting.
"""

from __future__ import annotations

from collections import deque

from app.core.paper.orders import Fill


class Ledger:
    def __init__(self) -> None:
        self.position_lots = 0  # signed
        self.cost_tick_lots = 0  # Σ price × signed lots of the open lots
        self.realised_tick_lots = 0
        self.fees_quote = 0.0
        self._lots: deque[list[int]] = deque()  # open lots, oldest first: [price_ticks, signed lots]

    def apply(self, fill: Fill) -> None:
        self.fees_quote += fill.fee_quote
        signed = fill.signed_lots
        if self.position_lots == 0 or (self.position_lots > 0) == (signed > 0):
            self._open(fill.price_ticks, signed)
            return
        rest = signed
        lots = self._lots
        while rest and lots:
            price, held = lots[0]
            take = min(abs(rest), abs(held)) * (1 if held > 0 else -1)  # signed like the held lots
            self.realised_tick_lots += (fill.price_ticks - price) * take
            self.cost_tick_lots -= price * take
            self.position_lots -= take
            rest += take
            if take == held:
                lots.popleft()
            else:
                lots[0][1] = held - take
        if rest:  # the fill crossed zero: the rest opens the other way
            self._open(fill.price_ticks, rest)

    def _open(self, price_ticks: int, signed_lots: int) -> None:
        self._lots.append([price_ticks, signed_lots])
        self.position_lots += signed_lots
        self.cost_tick_lots += price_ticks * signed_lots

    def opening_lots(self, side_sign: int, qty_lots: int) -> int:
        """How many of `qty_lots` on side `side_sign` would add to the position (not close it)."""
        if self.position_lots == 0 or (self.position_lots > 0) == (side_sign > 0):
            return qty_lots
        return max(0, qty_lots - abs(self.position_lots))
