"""Market events in integer ticks and lots, each stamped with exchange and local receive time (ns).

Events are NamedTuples rather than frozen dataclasses: they are just as immutable and typed, but
cost a third as much to build, and the venue parsers build one per message at tens of thousands
of messages a second.
"""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum
from typing import NamedTuple

Level = tuple[int, int]
"""One book level: (price_ticks, qty_lots). qty_lots == 0 removes the level."""


class Side(IntEnum):
    """Aggressor (taker) side of a trade, or the side of an order. The value is the delta sign."""

    BUY = 1
    SELL = -1

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY

    @property
    def label(self) -> str:
        return "Buy" if self is Side.BUY else "Sell"


class Trade(NamedTuple):
    """One print. `side` is the aggressor: BUY lifted the ask (positive delta)."""

    exchange_ns: int
    receive_ns: int
    price_ticks: int
    qty_lots: int
    side: int
    trade_id: int


class DepthSnapshot(NamedTuple):
    """A full (or top-N) book image; `update_id` places it on the venue's update sequence."""

    exchange_ns: int
    receive_ns: int
    update_id: int
    bids: list[Level]
    asks: list[Level]


class DepthDiff(NamedTuple):
    """Absolute level quantities covering update ids first_id..last_id.

    `prev_last_id` is the last id of the previous diff on the stream (Binance `pu`), or -1 where
    the venue does not send one.
    """

    exchange_ns: int
    receive_ns: int
    first_id: int
    last_id: int
    prev_last_id: int
    bids: list[Level]
    asks: list[Level]


class BookTicker(NamedTuple):
    """Best bid and offer as the exchange itself reports them (for checking the rebuilt book)."""

    exchange_ns: int
    receive_ns: int
    update_id: int
    bid_ticks: int
    bid_lots: int
    ask_ticks: int
    ask_lots: int


class Liquidation(NamedTuple):
    """A forced order. `side` is the liquidation order's side: SELL means a long was liquidated."""

    exchange_ns: int
    receive_ns: int
    side: int
    price_ticks: int
    qty_lots: int
    avg_price: Decimal
    filled_lots: int


class MarkPrice(NamedTuple):
    """Mark/index price and funding. Mark and index are not on the tick grid, so they stay Decimal."""

    exchange_ns: int
    receive_ns: int
    mark_price: Decimal
    index_price: Decimal
    funding_rate: Decimal
    next_funding_ns: int


class OpenInterest(NamedTuple):
    """Open interest as the venue reports it: in the instrument's quantity unit (base asset, or
    contracts for contract-sized markets), exact."""

    exchange_ns: int
    receive_ns: int
    open_interest: Decimal


MarketEvent = Trade | DepthSnapshot | DepthDiff | BookTicker | Liquidation | MarkPrice | OpenInterest
