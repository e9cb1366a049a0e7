"""Hover texts of the ladder's trading cells: what a click there will do, and the money behind a tick.

The ticks on the Pos column are what a scalper counts; the money of closing at a row is one hover
away (its own column would cost width on every row).
"""

from __future__ import annotations

from typing import Protocol

from app.core.events import Side
from app.core.market import MarketState
from app.core.paper.entry import EntryState
from app.core.paper.snapshot import PaperSnapshot
from widgets.base.fmt import avg_price_text, money_text
from widgets.ladder.orders import LadderOrders


class TipSource(Protocol):
    """What a tip reads of the ladder (widgets.ladder.view.LadderView): the state it shows."""

    market: MarketState | None
    entry: EntryState
    paper: PaperSnapshot
    orders: LadderOrders


_KIND = {"": "limit", "STP": "stop", "SL": "stop loss", "TP": "take profit"}


def cell_tip(view: TipSource, column: str, price_ticks: int | None) -> str:
    """The tooltip of a column (header: `price_ticks` None) or of one cell; "" for none."""
    market = view.market
    inst = None if market is None else market.instrument
    size = "" if inst is None else f" {inst.qty_str(view.entry.size_lots)}"
    price = "" if inst is None or price_ticks is None else f" at {inst.price_str(price_ticks)}"
    if column == "bid":
        return (
            f"Click: buy{size} LIMIT{price or ' at that price'}. At or above the best ask the "
            "click places a buy STOP there instead (the usual DOM convention)."
        )
    if column == "ask":
        return (
            f"Click: sell{size} LIMIT{price or ' at that price'}. At or below the best bid the "
            "click places a sell STOP there instead (the usual DOM convention)."
        )
    if column == "orders":
        own = None if price_ticks is None else view.orders.orders_at(price_ticks)
        if own is None or inst is None:
            return "Your orders (SL / TP: bracket legs; … = still travelling). Click cancels, drag moves."
        lines = []
        for g in own.groups:
            what = f"{g.side.label} {_KIND.get(g.label, g.label)} {inst.qty_str(g.qty_lots)}"
            if g.queue_lots is not None:
                what += f", {inst.qty_str(g.queue_lots)} ahead in the queue (estimate)"
            if g.pending:
                what += ", on its way to the exchange"
            lines.append(what)
        return "\n".join([*lines, "Click: cancel these. Drag: move them to another price."])
    if column == "position":
        cell = None if price_ticks is None else view.orders.position_at(price_ticks)
        paper = view.paper
        if cell is None or inst is None:
            return "P&L per lot in ticks if the open position were closed at that row's price; AVG = entry."
        side = Side.BUY if paper.position_lots > 0 else Side.SELL
        lots = abs(paper.position_lots)
        money = cell.pnl_ticks * lots * paper.tick_value_quote
        quote = inst.quote_asset or "quote"
        head = (
            f"{side.label} {inst.qty_str(lots)} at an average {avg_price_text(inst, paper.avg_price_ticks)}"
        )
        return (
            f"{head}\nClosed at {inst.price_str(cell.price_ticks)}: {cell.pnl_ticks:+.1f} ticks a lot, "
            f"{money_text(money, quote)} before fees (simulated)"
        )
    return ""
