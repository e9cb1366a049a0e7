"""OKX v5 public messages (docs/VENUES.md, OKX), as msgspec Structs.

Data pushes start with `{"arg":{"channel":…,"instId":…}`; events (`subscribe`, `error`,
`notice`) with `{"event":…`; the keepalive answer is the bare text `pong`. Numbers come as
strings except `checksum`, `seqId` and `prevSeqId`. Recordings from before 2023 have no
`seqId`/`prevSeqId`: `NO_SEQ` stands for them.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

NO_SEQ = -2  # the message has no sequence numbers (old recordings)
Seq = Annotated[int, msgspec.Meta(ge=-1, le=2**63 - 1)]


class Arg(msgspec.Struct):
    channel: str
    instId: str = ""  # noqa: N815 - OKX's field names
    instType: str = ""  # noqa: N815


class BookRow(msgspec.Struct):
    asks: list[list[str]]  # [price, size in contracts, "0" (deprecated), number of orders]
    bids: list[list[str]]
    ts: str
    checksum: int = 0  # always 0 since 2026-06-23: never validated
    prevSeqId: Seq | None = None  # noqa: N815
    seqId: Seq | None = None  # noqa: N815


class BooksMsg(msgspec.Struct):
    arg: Arg
    data: list[BookRow]
    action: str = "snapshot"  # books5 / bbo-tbt send whole books without an action


class TradeRow(msgspec.Struct):
    instId: str  # noqa: N815
    tradeId: str  # noqa: N815
    px: str
    sz: str
    side: str  # the taker's side: "buy" | "sell"
    ts: str


class TradesMsg(msgspec.Struct):
    arg: Arg
    data: list[TradeRow]


class LiquidationDetail(msgspec.Struct):
    bkPx: str  # noqa: N815 - bankruptcy price
    sz: str
    side: str  # the liquidation ORDER's side: "buy" closes a short
    ts: str


class LiquidationRow(msgspec.Struct):
    instId: str  # noqa: N815
    details: list[LiquidationDetail]


class LiquidationsMsg(msgspec.Struct):
    arg: Arg
    data: list[LiquidationRow]


class MarkRow(msgspec.Struct):
    instId: str  # noqa: N815
    markPx: str  # noqa: N815
    ts: str


class MarkMsg(msgspec.Struct):
    arg: Arg
    data: list[MarkRow]


class FundingRow(msgspec.Struct):
    instId: str  # noqa: N815
    fundingRate: str  # noqa: N815
    nextFundingTime: str = "0"  # noqa: N815
    fundingTime: str = "0"  # noqa: N815


class FundingMsg(msgspec.Struct):
    arg: Arg
    data: list[FundingRow]


class OpenInterestRow(msgspec.Struct):
    instId: str  # noqa: N815
    oi: str  # contracts
    ts: str


class OpenInterestMsg(msgspec.Struct):
    arg: Arg
    data: list[OpenInterestRow]


class RestBooks(msgspec.Struct):
    """`GET /api/v5/market/books`: the book for the snapshot-less bootstrap."""

    code: str
    data: list[BookRow]
    msg: str = ""


books_decoder = msgspec.json.Decoder(BooksMsg)
trades_decoder = msgspec.json.Decoder(TradesMsg)
liquidations_decoder = msgspec.json.Decoder(LiquidationsMsg)
mark_decoder = msgspec.json.Decoder(MarkMsg)
funding_decoder = msgspec.json.Decoder(FundingMsg)
rest_books_decoder = msgspec.json.Decoder(RestBooks)
open_interest_decoder = msgspec.json.Decoder(OpenInterestMsg)
