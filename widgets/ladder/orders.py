"""The user's own orders and open position on the DOM ladder, as plain data indexed by row price.

Orders are few and change only when the account does, so they are indexed by row once per
`Changed.ACCOUNT` (or grouping change), never per paint: a paint looks a row up in a dict.
Grouping follows the book: a buy order rests with the bids and rounds down, a sell order with the
asks and rounds up, so an order sits on the row whose size it joins.

The position column answers "what if I got out here": on every row, the P&L per lot in ticks of
closing the open position at that row's price, and the row of the average price marked "AVG".
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Side
from app.core.instrument import Instrument
from app.core.paper.orders import Order, OrderKind, OrderRole, OrderStatus
from app.core.paper.snapshot import PaperSnapshot
from widgets.base.cache import BoundedCache
from widgets.base.fmt import compact_qty

PENDING_MARK = "…"  # an order still travelling to the exchange: the key was taken, not yet working
_LABELS = {OrderRole.STOP_LOSS: "SL", OrderRole.TAKE_PROFIT: "TP"}
_PNL_CACHE_MAX = 4_000


@dataclass(frozen=True, slots=True)
class OrderGroup:
    """Own orders of one side and kind at one row, summed (what one coloured text in the cell says)."""

    side: Side
    label: str  # "" resting limit, "STP" entry stop, "SL" / "TP" bracket legs
    pending: bool  # every order of the group is still travelling to the exchange
    qty_lots: int  # remaining (unfilled) lots, summed
    queue_lots: int | None  # displayed size ahead of the first order in line (resting limits only)
    order_ids: tuple[int, ...]
    text: str  # "0.010", "SL 0.010", "0.010…"
    queue_text: str  # "q 1.234" or ""

    @property
    def full_text(self) -> str:
        return f"{self.text} {self.queue_text}" if self.queue_text else self.text


@dataclass(frozen=True, slots=True)
class RowOrders:
    price_ticks: int  # the row's price
    groups: tuple[OrderGroup, ...]

    @property
    def order_ids(self) -> tuple[int, ...]:
        return tuple(i for g in self.groups for i in g.order_ids)

    @property
    def text(self) -> str:
        """Every group's text, as a tooltip or a test reads it."""
        return "  ".join(g.full_text for g in self.groups)


@dataclass(frozen=True, slots=True)
class PositionCell:
    """The position column at one row."""

    price_ticks: int
    pnl_ticks: float  # per lot, if the whole position were closed at this row's price
    is_avg: bool  # the row of the average entry price
    text: str  # "AVG" on that row, else the signed P&L in ticks ("+6", "-2.5")


def row_price(price_ticks: int, side: Side, group_ticks: int) -> int:
    """The row an order at `price_ticks` sits on: buys round down (with the bids), sells up (asks)."""
    g = group_ticks
    return (price_ticks // g) * g if side is Side.BUY else -(-price_ticks // g) * g


def order_label(order: Order) -> str:
    label = _LABELS.get(order.role)
    if label is not None:
        return label
    return "STP" if order.kind is OrderKind.STOP else ""


def pnl_text(pnl_ticks: float, whole: bool) -> str:
    """Signed ticks, one decimal unless the average is a whole tick; thousands as K on far rows."""
    if abs(pnl_ticks) >= 10_000:
        return f"{pnl_ticks / 1_000:+.0f}K"
    if whole:
        return f"{round(pnl_ticks):+d}" if round(pnl_ticks) else "0"
    text = f"{pnl_ticks:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


class LadderOrders:
    """Row index of the open orders and the position numbers; rebuilt only when the account changes."""

    def __init__(self) -> None:
        self.rows: dict[int, RowOrders] = {}
        self.position_lots = 0
        self.avg_price_ticks: float | None = None
        self.avg_row_ticks: int | None = None
        self._whole = True
        self._paper: PaperSnapshot | None = None
        self._group = 0
        self._instrument: Instrument | None = None
        self._pos_cache: BoundedCache[int, PositionCell] = BoundedCache(_PNL_CACHE_MAX)

    def update(
        self, paper: PaperSnapshot, group_ticks: int, instrument: Instrument | None
    ) -> frozenset[int] | None:
        """Index `paper` for `group_ticks`; the row prices whose orders changed, or None if every
        row did (the position moved, or the grid changed). An unchanged account costs nothing."""
        if paper is self._paper and group_ticks == self._group and instrument is self._instrument:
            return frozenset()
        old_rows = self.rows
        same_grid = group_ticks == self._group and instrument is self._instrument
        # a new snapshot often only moved the mark price: same orders, nothing to index
        same_orders = same_grid and self._paper is not None and paper.orders == self._paper.orders
        self._paper, self._group, self._instrument = paper, group_ticks, instrument
        if not same_orders:
            self.rows = index_orders(paper.orders, group_ticks, instrument) if instrument is not None else {}
        avg = paper.avg_price_ticks
        position_same = paper.position_lots == self.position_lots and avg == self.avg_price_ticks
        self.position_lots = paper.position_lots
        self.avg_price_ticks = avg
        self._whole = not paper.position_lots or paper.cost_tick_lots % paper.position_lots == 0
        side = Side.BUY if paper.position_lots > 0 else Side.SELL
        self.avg_row_ticks = None if avg is None else row_price(int(avg + 0.5), side, group_ticks)
        if not (same_grid and position_same):
            self._pos_cache.clear()
            return None
        changed = {p for p in old_rows.keys() | self.rows.keys() if old_rows.get(p) != self.rows.get(p)}
        return frozenset(changed)

    def orders_at(self, price_ticks: int) -> RowOrders | None:
        return self.rows.get(price_ticks)

    def position_at(self, price_ticks: int) -> PositionCell | None:
        """The position column at a row (None when flat); cached per row until the position changes."""
        avg = self.avg_price_ticks
        if avg is None:
            return None
        cell = self._pos_cache.get(price_ticks)
        if cell is None:
            sign = 1 if self.position_lots > 0 else -1
            pnl = (price_ticks - avg) * sign
            is_avg = price_ticks == self.avg_row_ticks
            text = "AVG" if is_avg else pnl_text(pnl, self._whole)
            cell = self._pos_cache.put(price_ticks, PositionCell(price_ticks, pnl, is_avg, text))
        return cell


def index_orders(orders: tuple[Order, ...], group_ticks: int, instrument: Instrument) -> dict[int, RowOrders]:
    """Open priced orders summed per (row, side, label, pending); market orders have no row."""
    sums: dict[tuple[int, Side, str, bool], list[Order]] = {}
    for o in orders:
        if o.price_ticks is None or not o.is_open or o.remaining_lots <= 0:
            continue
        pending = o.status is OrderStatus.PENDING
        key = (row_price(o.price_ticks, o.side, group_ticks), o.side, order_label(o), pending)
        sums.setdefault(key, []).append(o)
    by_row: dict[int, list[OrderGroup]] = {}
    # buys before sells, then plain limits, stops and legs in a fixed order, working before pending
    for key in sorted(sums, key=lambda k: (k[0], -int(k[1]), k[2], k[3])):
        price, side, label, pending = key
        members = sums[key]
        qty = sum(o.remaining_lots for o in members)
        queues = [o.queue_ahead_lots for o in members if o.queue_ahead_lots is not None]
        queue = min(queues) if queues else None
        text = instrument.qty_str(qty)
        if label:
            text = f"{label} {text}"
        if pending:
            text += PENDING_MARK
        by_row.setdefault(price, []).append(
            OrderGroup(
                side=side,
                label=label,
                pending=pending,
                qty_lots=qty,
                queue_lots=queue,
                order_ids=tuple(o.order_id for o in members),
                text=text,
                queue_text="" if queue is None else f"q {compact_qty(instrument, queue)}",
            )
        )
    return {price: RowOrders(price, tuple(groups)) for price, groups in by_row.items()}
