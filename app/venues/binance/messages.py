"""Binance futures wire schema (USD-M and COIN-M), as msgspec Structs.

Decoding straight into typed structs is the fastest way Python has to read this JSON: no dict is
built per message, field types are checked in C, and a message of the wrong shape is rejected
before any of our code runs. Field names are Binance's own one-letter keys (see docs/VENUES.md);
unknown fields (COIN-M's `ps`, new fields Binance adds) are ignored.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

PriceLevel = tuple[str, str]
# Bounds checked in C while decoding, so hostile numbers never reach int64 arrays:
# times are ms since the epoch that still fit in int64 once turned into ns; ids are int64.
Ms = Annotated[int, msgspec.Meta(ge=0, le=9_000_000_000_000)]
Id = Annotated[int, msgspec.Meta(ge=-1, le=2**63 - 1)]


class TradeMsg(msgspec.Struct, tag_field="e", tag="trade"):
    E: Ms
    T: Ms
    s: str
    t: Id
    p: str
    q: str
    m: bool  # buyer is the maker: the aggressor SOLD


class AggTradeMsg(msgspec.Struct, tag_field="e", tag="aggTrade"):
    E: Ms
    T: Ms
    s: str
    a: Id
    p: str
    q: str
    m: bool
    f: Id = 0
    l: Id = 0  # noqa: E741 - Binance's field name


class DepthUpdateMsg(msgspec.Struct, tag_field="e", tag="depthUpdate"):
    E: Ms
    s: str
    U: Id
    u: Id
    pu: Id
    b: list[PriceLevel]
    a: list[PriceLevel]
    T: Ms = 0


class BookTickerMsg(msgspec.Struct, tag_field="e", tag="bookTicker", gc=False):
    u: Id
    s: str
    b: str
    B: str
    a: str
    A: str
    E: Ms = 0
    T: Ms = 0


class ForceOrderBody(msgspec.Struct):
    s: str
    S: str
    q: str
    p: str
    ap: str
    z: str
    T: Ms
    o: str = ""
    f: str = ""
    X: str = ""
    l: str = ""  # noqa: E741 - Binance's field name


class ForceOrderMsg(msgspec.Struct, tag_field="e", tag="forceOrder"):
    E: Ms
    o: ForceOrderBody


class MarkPriceMsg(msgspec.Struct, tag_field="e", tag="markPriceUpdate"):
    E: Ms
    s: str
    p: str
    i: str = "0"
    P: str = "0"
    r: str = "0"
    T: Ms = 0


StreamData = TradeMsg | AggTradeMsg | DepthUpdateMsg | BookTickerMsg | ForceOrderMsg | MarkPriceMsg


class Envelope(msgspec.Struct):
    """Combined-stream wrapper: `/stream?streams=…` (the mode live feeds and recordings use)."""

    stream: str
    data: StreamData


class TickerEnvelope(msgspec.Struct, gc=False):
    """A combined-stream envelope holding a bookTicker: the ticker fast path's one typed decode
    (no union to dispatch, and no object the garbage collector must track)."""

    stream: str
    data: BookTickerMsg


class DepthSnapshotMsg(msgspec.Struct):
    """REST `GET /fapi/v1/depth` (and `/dapi/v1/depth`, which adds `symbol` and `pair`)."""

    lastUpdateId: Id  # noqa: N815 - Binance's field name
    bids: list[PriceLevel]
    asks: list[PriceLevel]
    E: Ms = 0
    T: Ms = 0
    symbol: str | None = None


class OpenInterestMsg(msgspec.Struct):
    """REST `GET /fapi/v1/openInterest` (no stream carries it)."""

    openInterest: str  # noqa: N815 - Binance's field name
    symbol: str
    time: Ms


envelope_decoder = msgspec.json.Decoder(Envelope)
ticker_envelope_decoder = msgspec.json.Decoder(TickerEnvelope)
open_interest_decoder = msgspec.json.Decoder(OpenInterestMsg)
payload_decoder = msgspec.json.Decoder(StreamData)
snapshot_decoder = msgspec.json.Decoder(DepthSnapshotMsg)

KNOWN_EVENTS = frozenset({"trade", "aggTrade", "depthUpdate", "bookTicker", "forceOrder", "markPriceUpdate"})
