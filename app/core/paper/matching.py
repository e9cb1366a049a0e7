"""The fill rules of docs/PAPER_TRADING.md as small pure functions over the displayed book and the prints.

- A market (or marketable) order walks the displayed opposite side level by level: the user pays
  the slippage the book shows. What an earlier simulated order took from a level stays taken until
  the exchange sends that level again, so two quick market orders cannot both take the same size.
- A resting limit order has `queue_ahead_lots` in front of it. Prints at its price by the other
  side's aggressors eat the queue ahead first, then fill the order. A print through its price
  (a lower price for a buy, higher for a sell) means the level was cleared: the order fills in full.
- A stop triggers when a print reaches its price, then walks the book like a market order.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.book import OrderBook
from app.core.events import Side


@dataclass(frozen=True, slots=True)
class QueueStep:
    """What one print at our price does to a resting order: new queue ahead, lots filled."""

    ahead_lots: int
    filled_lots: int


def queue_step(ahead_lots: int, remaining_lots: int, print_lots: int) -> QueueStep:
    """A print at the order's price by the other side: eats the queue ahead, then us."""
    if print_lots <= ahead_lots:
        return QueueStep(ahead_lots - print_lots, 0)
    return QueueStep(0, min(remaining_lots, print_lots - ahead_lots))


def prints_against(order_side: Side, print_side: int) -> bool:
    """A resting buy is hit by sell aggressors, a resting sell lifted by buy aggressors."""
    return print_side == -int(order_side)


def trades_through(order_side: Side, limit_ticks: int, print_ticks: int) -> bool:
    """A print beyond our price: every order at our price was filled first."""
    return print_ticks < limit_ticks if order_side is Side.BUY else print_ticks > limit_ticks


def stop_triggered(order_side: Side, stop_ticks: int, print_ticks: int) -> bool:
    """Buy stops trigger at or above their price, sell stops at or below."""
    return print_ticks >= stop_ticks if order_side is Side.BUY else print_ticks <= stop_ticks


def proportional_advance(ahead_lots: int, level_before_lots: int, cancelled_lots: int) -> int:
    """Lots of the queue ahead removed by `cancelled_lots` of cancels spread evenly over the level."""
    if level_before_lots <= 0 or cancelled_lots <= 0:
        return 0
    return min(ahead_lots, cancelled_lots * ahead_lots // level_before_lots)


def fee_quote(price_ticks: int, qty_lots: int, tick_value_quote: float, fee_bps: float) -> float:
    return price_ticks * qty_lots * tick_value_quote * fee_bps / 10_000


class BookTaker:
    """Walks the displayed book for market and marketable orders, remembering what it took."""

    def __init__(self) -> None:
        self._taken: dict[tuple[int, int], tuple[int, int]] = {}  # (side, price) -> (book size seen, taken)

    def walk(
        self, book: OrderBook, side: Side, qty_lots: int, limit_ticks: int | None
    ) -> list[tuple[int, int]]:
        """(price, lots) taken by a `side` order of `qty_lots`, best price first, up to `limit_ticks`.

        Buys take asks from the lowest up; sells take bids from the highest down. Stops when the
        quantity is done, the limit is reached, or the displayed side runs out.
        """
        levels = book.asks if side is Side.BUY else book.bids
        if not levels:
            return []
        best = book.best_ask if side is Side.BUY else book.best_bid
        if best is None:
            return []
        prices = sorted(levels) if side is Side.BUY else sorted(levels, reverse=True)
        start = prices.index(best) if best in levels else 0
        key_side = int(side)
        taken: list[tuple[int, int]] = []
        rest = qty_lots
        for price in prices[start:]:
            if rest == 0 or (limit_ticks is not None and trades_through(side.opposite, limit_ticks, price)):
                break
            size = levels[price]
            seen, used = self._taken.get((key_side, price), (size, 0))
            if seen != size:  # the exchange sent this level again: our earlier take is history
                used = 0
            free = size - used
            if free <= 0:
                continue
            lots = min(rest, free)
            taken.append((price, lots))
            self._taken[(key_side, price)] = (size, used + lots)
            rest -= lots
        if len(self._taken) > 4096:
            self._taken.clear()
        return taken
