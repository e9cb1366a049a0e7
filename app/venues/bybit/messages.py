"""Bybit v5 public linear messages (docs/VENUES.md, Bybit), as msgspec Structs.

Every data message starts with its `topic` (`orderbook.200.BTCUSDT`, `publicTrade.BTCUSDT`, …), so
the decoder picks the schema from the first bytes and parses once. Unknown fields are ignored.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

Ms = Annotated[int, msgspec.Meta(ge=0, le=9_000_000_000_000)]
Id = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
PriceLevel = tuple[str, str]


class BookData(msgspec.Struct):
    s: str
    b: list[PriceLevel]
    a: list[PriceLevel]
    u: Id
    seq: int = 0


class BookMsg(msgspec.Struct):
    topic: str
    type: str  # "snapshot" | "delta"
    ts: Ms
    data: BookData
    cts: Ms = 0


class TradeRow(msgspec.Struct):
    T: Ms
    s: str
    S: str  # the taker's side: "Buy" | "Sell"
    v: str
    p: str
    i: str  # trade id, a UUID string


class TradesMsg(msgspec.Struct):
    topic: str
    ts: Ms
    data: list[TradeRow]
    type: str = "snapshot"


class LiquidationRow(msgspec.Struct):
    T: Ms
    s: str
    S: str  # the POSITION's side: "Buy" = a long was liquidated
    v: str
    p: str  # bankruptcy price


class LiquidationsMsg(msgspec.Struct):
    topic: str
    ts: Ms
    data: list[LiquidationRow]
    type: str = "snapshot"


class TickerData(msgspec.Struct):
    symbol: str
    markPrice: str | None = None  # noqa: N815 - Bybit's field names
    indexPrice: str | None = None  # noqa: N815
    fundingRate: str | None = None  # noqa: N815
    nextFundingTime: str | None = None  # noqa: N815
    openInterest: str | None = None  # noqa: N815 - base coin, both sides


class TickersMsg(msgspec.Struct):
    topic: str
    type: str
    ts: Ms
    data: TickerData


book_decoder = msgspec.json.Decoder(BookMsg)
trades_decoder = msgspec.json.Decoder(TradesMsg)
liquidations_decoder = msgspec.json.Decoder(LiquidationsMsg)
tickers_decoder = msgspec.json.Decoder(TickersMsg)
