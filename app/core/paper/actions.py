"""The order-entry action set (docs/HOTKEYS.md) and the default scalping key map.

An action turns into at most one command, given the top of the book and the selected size; the
mapping is pure so that hotkeys, buttons and tests all get the same order for the same market.
"""

from __future__ import annotations

from enum import Enum

from app.core.events import Side
from app.core.paper.commands import (
    CancelAll,
    CancelSide,
    Command,
    Flatten,
    PlaceOrder,
    Reverse,
)
from app.core.paper.orders import OrderKind


class Action(Enum):
    BUY_MARKET = "buy_market"
    SELL_MARKET = "sell_market"
    JOIN_BID = "join_bid"  # buy limit at the best bid (passive)
    JOIN_ASK = "join_ask"  # sell limit at the best ask (passive)
    BUY_ASK = "buy_ask"  # buy limit at the best ask (takes what is there, rests the rest)
    SELL_BID = "sell_bid"  # sell limit at the best bid
    CANCEL_BIDS = "cancel_bids"
    CANCEL_ASKS = "cancel_asks"
    CANCEL_ALL = "cancel_all"
    FLATTEN = "flatten"
    REVERSE = "reverse"
    SIZE_1 = "size_1"
    SIZE_2 = "size_2"
    SIZE_3 = "size_3"
    SIZE_4 = "size_4"
    SIZE_5 = "size_5"
    NEXT_BRACKET = "next_bracket"  # cycle the bracket template (none, then each template)

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]

    @property
    def size_index(self) -> int | None:
        """0..4 for the preset-size actions, else None."""
        return _SIZE_ACTIONS.index(self) if self in _SIZE_ACTIONS else None


_SIZE_ACTIONS = (Action.SIZE_1, Action.SIZE_2, Action.SIZE_3, Action.SIZE_4, Action.SIZE_5)

ACTION_LABELS: dict[Action, str] = {
    Action.BUY_MARKET: "Buy market",
    Action.SELL_MARKET: "Sell market",
    Action.JOIN_BID: "Join bid (buy limit at best bid)",
    Action.JOIN_ASK: "Join ask (sell limit at best ask)",
    Action.BUY_ASK: "Buy ask (buy limit at best ask)",
    Action.SELL_BID: "Sell bid (sell limit at best bid)",
    Action.CANCEL_BIDS: "Cancel my buy orders",
    Action.CANCEL_ASKS: "Cancel my sell orders",
    Action.CANCEL_ALL: "Cancel all my orders",
    Action.FLATTEN: "Flatten (cancel all, close position at market)",
    Action.REVERSE: "Reverse position at market",
    Action.SIZE_1: "Select size preset 1",
    Action.SIZE_2: "Select size preset 2",
    Action.SIZE_3: "Select size preset 3",
    Action.SIZE_4: "Select size preset 4",
    Action.SIZE_5: "Select size preset 5",
    Action.NEXT_BRACKET: "Next bracket template",
}

# Left hand on the keyboard: the top row buys, the row below sells; left = passive (join),
# middle = market, right = aggressive limit. Escape cancels; Shift+Escape gets flat.
# Space, [, ], Home, C, F, T and Ctrl+J belong to the replay and the views.
DEFAULT_KEYMAP: dict[Action, str] = {
    Action.JOIN_BID: "Q",
    Action.BUY_MARKET: "W",
    Action.BUY_ASK: "E",
    Action.JOIN_ASK: "A",
    Action.SELL_MARKET: "S",
    Action.SELL_BID: "D",
    Action.CANCEL_BIDS: "Z",
    Action.CANCEL_ASKS: "X",
    Action.CANCEL_ALL: "Esc",
    Action.FLATTEN: "Shift+Esc",
    Action.REVERSE: "R",
    Action.SIZE_1: "1",
    Action.SIZE_2: "2",
    Action.SIZE_3: "3",
    Action.SIZE_4: "4",
    Action.SIZE_5: "5",
    Action.NEXT_BRACKET: "B",
}

# Base-asset quantities (decimal text), converted to lots of the instrument in use.
DEFAULT_PRESETS: tuple[str, ...] = ("0.001", "0.005", "0.01", "0.05", "0.1")


class NoPrice(Exception):
    """The action needs a side of the book that is empty."""


def command_for(
    action: Action,
    best_bid_ticks: int | None,
    best_ask_ticks: int | None,
    size_lots: int,
    bracket: str | None = None,
) -> Command | None:
    """The command an order action sends; None for actions that only change the UI (sizes, bracket).

    Raises NoPrice when the book side the action prices from is empty.
    """

    def price(ticks: int | None, what: str) -> int:
        if ticks is None:
            raise NoPrice(f"no {what} to price the order from")
        return ticks

    if action is Action.BUY_MARKET:
        return PlaceOrder(Side.BUY, OrderKind.MARKET, size_lots, None, bracket)
    if action is Action.SELL_MARKET:
        return PlaceOrder(Side.SELL, OrderKind.MARKET, size_lots, None, bracket)
    if action is Action.JOIN_BID:
        return PlaceOrder(Side.BUY, OrderKind.LIMIT, size_lots, price(best_bid_ticks, "bid"), bracket)
    if action is Action.JOIN_ASK:
        return PlaceOrder(Side.SELL, OrderKind.LIMIT, size_lots, price(best_ask_ticks, "ask"), bracket)
    if action is Action.BUY_ASK:
        return PlaceOrder(Side.BUY, OrderKind.LIMIT, size_lots, price(best_ask_ticks, "ask"), bracket)
    if action is Action.SELL_BID:
        return PlaceOrder(Side.SELL, OrderKind.LIMIT, size_lots, price(best_bid_ticks, "bid"), bracket)
    if action is Action.CANCEL_BIDS:
        return CancelSide(Side.BUY)
    if action is Action.CANCEL_ASKS:
        return CancelSide(Side.SELL)
    if action is Action.CANCEL_ALL:
        return CancelAll()
    if action is Action.FLATTEN:
        return Flatten()
    if action is Action.REVERSE:
        return Reverse(bracket)
    return None
