"""The open orders as rows of text, one per order, exactly as the account view's table shows them.

Plain data (no Qt), built once per account change, so tests read the texts the table shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Side
from app.core.instrument import Instrument
from app.core.paper.orders import Order, OrderKind, OrderRole, OrderStatus
from widgets.base.fmt import DASH, qty_text

ORDER_COLUMNS = ("Side", "Kind", "Role", "Price", "Qty", "Filled", "Queue ahead", "Status", "")
CANCEL_COLUMN = len(ORDER_COLUMNS) - 1

_KIND = {OrderKind.MARKET: "Market", OrderKind.LIMIT: "Limit", OrderKind.STOP: "Stop"}
_ROLE = {OrderRole.ENTRY: "", OrderRole.STOP_LOSS: "SL", OrderRole.TAKE_PROFIT: "TP"}
STATUS_TEXT = {
    OrderStatus.PENDING: "sending…",
    OrderStatus.WORKING: "working",
    OrderStatus.FILLED: "filled",
    OrderStatus.CANCELLED: "cancelled",
    OrderStatus.REJECTED: "rejected",
}


@dataclass(frozen=True, slots=True)
class OrderRow:
    order_id: int
    side: Side
    texts: tuple[str, ...]  # one per column but the cancel column

    def text(self, column: str) -> str:
        return self.texts[ORDER_COLUMNS.index(column)]


def order_row(order: Order, instrument: Instrument | None) -> OrderRow:
    price = DASH if order.price_ticks is None else _price(instrument, order.price_ticks)
    if order.kind is OrderKind.MARKET:
        price = "MKT"
    queue = DASH if order.queue_ahead_lots is None else qty_text(instrument, order.queue_ahead_lots)
    filled = qty_text(instrument, order.filled_lots) if order.filled_lots else ""
    return OrderRow(
        order.order_id,
        order.side,
        (
            order.side.label,
            _KIND[order.kind],
            _ROLE[order.role],
            price,
            qty_text(instrument, order.qty_lots),
            filled,
            queue,
            STATUS_TEXT[order.status],
        ),
    )


def _price(instrument: Instrument | None, ticks: int) -> str:
    return str(ticks) if instrument is None else instrument.price_str(ticks)
