"""Click trading on the DOM ladder: which intent a click or a drag means, kept apart from Qt events.

The professional DOM convention: a left click in the Bid column buys, in the Ask column sells, at
that row's price — as a resting LIMIT on the passive side of the market, or as a STOP when the
price is on the other side (a buy above the offer cannot rest as a limit: it would fill at once,
so the trader means "buy if it trades up there"). A click on own orders cancels them; a drag from
them moves them to the row where the button is released.

A press only becomes a drag once the mouse has moved the platform's drag distance (10 px by
default, more than half a row) AND reached another row, so a one-pixel jitter across a row edge
is still a click on the row that was pressed.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Side
from app.core.paper.commands import CancelOrder, Command, MoveOrder, PlaceOrder
from app.core.paper.orders import OrderKind
from widgets.ladder.orders import RowOrders


def click_commands(
    column: str,
    price_ticks: int,
    *,
    own: RowOrders | None,
    best_bid_ticks: int | None,
    best_ask_ticks: int | None,
    size_lots: int,
    bracket: str | None,
) -> list[Command]:
    """The commands a left click on (`column`, row `price_ticks`) sends; empty where a click means nothing."""
    if column == "bid":
        stop = best_ask_ticks is not None and price_ticks >= best_ask_ticks
        kind = OrderKind.STOP if stop else OrderKind.LIMIT
        return [PlaceOrder(Side.BUY, kind, size_lots, price_ticks, bracket)]
    if column == "ask":
        stop = best_bid_ticks is not None and price_ticks <= best_bid_ticks
        kind = OrderKind.STOP if stop else OrderKind.LIMIT
        return [PlaceOrder(Side.SELL, kind, size_lots, price_ticks, bracket)]
    if column == "orders" and own is not None:
        return [CancelOrder(i) for i in own.order_ids]
    return []


def move_commands(own: RowOrders, target_price_ticks: int) -> list[Command]:
    """Every order of the dragged row (entries and bracket legs alike) to the target row's price."""
    if target_price_ticks == own.price_ticks:
        return []
    return [MoveOrder(i, target_price_ticks) for i in own.order_ids]


@dataclass(slots=True)
class Press:
    """A left button held down on the ladder."""

    x: float
    y: float
    column: str
    price_ticks: int
    own: RowOrders | None  # own orders of the pressed row if pressed in the Orders column
    dragging: bool = False
    target_ticks: int | None = None  # row under the mouse while dragging (None: off the rows)

    def moved_far(self, x: float, y: float, drag_distance_px: int) -> bool:
        return abs(x - self.x) + abs(y - self.y) >= drag_distance_px

    def follow(self, x: float, y: float, row_ticks: int | None, drag_distance_px: int) -> bool:
        """The mouse moved with the button held; True if the drag target changed (repaint the ghost)."""
        if self.own is None:
            return False
        if not self.dragging:
            if row_ticks is None or row_ticks == self.price_ticks:
                return False
            if not self.moved_far(x, y, drag_distance_px):
                return False
            self.dragging = True
        changed = row_ticks != self.target_ticks
        self.target_ticks = row_ticks
        return changed
