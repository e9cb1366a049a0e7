"""Hyperliquid websocket messages (docs/VENUES.md, Hyperliquid), as msgspec Structs.

Every message names its `channel`; that is the tag. Fields we do not use (`hash`, `users`, the
asset context's volumes) are ignored; unknown channels are not an error.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

Ms = Annotated[int, msgspec.Meta(ge=0, le=9_000_000_000_000)]
Id = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]


class WireLevel(msgspec.Struct):
    px: str
    sz: str
    n: int = 0


class Book(msgspec.Struct):
    coin: str
    time: Ms
    levels: tuple[list[WireLevel], list[WireLevel]]  # bids best first, asks best first


class L2BookMsg(msgspec.Struct, tag_field="channel", tag="l2Book"):
    data: Book


class TradeRow(msgspec.Struct):
    coin: str
    side: str  # "B": the taker bought, "A": the taker sold
    px: str
    sz: str
    tid: Id
    time: Ms


class TradesMsg(msgspec.Struct, tag_field="channel", tag="trades"):
    data: list[TradeRow]


class AssetCtx(msgspec.Struct):
    markPx: str  # noqa: N815 - Hyperliquid's field names
    oraclePx: str  # noqa: N815
    funding: str = "0"
    openInterest: str | None = None  # noqa: N815 - in coins


class AssetCtxData(msgspec.Struct):
    coin: str
    ctx: AssetCtx


class ActiveAssetCtxMsg(msgspec.Struct, tag_field="channel", tag="activeAssetCtx"):
    data: AssetCtxData


Message = L2BookMsg | TradesMsg | ActiveAssetCtxMsg

message_decoder = msgspec.json.Decoder(Message)
KNOWN_CHANNELS = frozenset({"l2Book", "trades", "activeAssetCtx"})
