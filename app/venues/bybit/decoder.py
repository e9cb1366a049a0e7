"""Bybit v5 linear messages -> core events for one symbol.

A book `snapshot` (and a message with `u == 1`, Bybit's "the service restarted, overwrite your
book") becomes a `DepthSnapshot`; a `delta` a `DepthDiff` with first = last = `u` and previous
`u - 1`, so the sync's chain rule is "+1". `publicTrade` carries up to 1024 prints, `S` the taker
side; trade ids are UUID strings, mapped to int64 by their first 15 hex digits (60 bits: unique
in practice, and the same on every run). `allLiquidation` names the position's side, so a `Buy`
row is a long liquidated by a sell. `tickers` deltas carry only changed fields: the decoder
keeps the last of each and emits the merged mark price.

Wire sample (the recorded XRPUSDT book of 2024-12-01, levels shortened):
    {"topic":"orderbook.500.XRPUSDT","type":"delta","ts":1733011200693,"data":{"s":"XRPUSDT",
     "b":[["1.9531","6198"],["1.9529","2080"]],"a":[["1.9535","8415"]],"u":20254870,
     "seq":130020239261},"cts":1733011200691}
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import msgspec

from app.core.events import (
    DepthDiff,
    DepthSnapshot,
    Level,
    Liquidation,
    MarketEvent,
    MarkPrice,
    OpenInterest,
    Side,
    Trade,
)
from app.core.instrument import Instrument
from app.core.units import NS_PER_MS
from app.venues.bybit.messages import (
    BookMsg,
    PriceLevel,
    book_decoder,
    liquidations_decoder,
    tickers_decoder,
    trades_decoder,
)
from app.venues.errors import MalformedMessage
from app.venues.wire import json_object

_BUY, _SELL = int(Side.BUY), int(Side.SELL)
_TAKER = {"Buy": _BUY, "Sell": _SELL}
_LIQUIDATION_ORDER = {"Buy": _SELL, "Sell": _BUY}  # a long (Buy) is closed by selling
_NOTHING: tuple[()] = ()
_TOPIC = b'{"topic":"'
KINDS = ("orderbook", "publicTrade", "allLiquidation", "tickers")


def trade_id(text: str) -> int:
    """A Bybit trade id (UUID, or digits on some markets) as a non-negative int64."""
    if text.isdigit():
        return int(text) & (2**63 - 1)
    try:
        return int(text.replace("-", "")[:15], 16)
    except ValueError as exc:
        raise MalformedMessage(f"trade id {text!r}") from exc


def topic_kind(raw: bytes | str) -> str | None:
    """`orderbook` for `{"topic":"orderbook.200.BTCUSDT",…`, None for acks and pongs."""
    head = raw[:64].encode() if isinstance(raw, str) else raw[:64]
    if not head.startswith(_TOPIC):
        return None
    end = head.find(b".", len(_TOPIC))
    return head[len(_TOPIC) : end].decode() if end > 0 else None


class BybitDecoder:
    latest_value_marker: bytes | None = None

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._symbol = instrument.symbol
        self._ticks = instrument.price_ticks
        self._lots = instrument.qty_lots
        self._ticker: dict[str, str] = {}

    def decode(self, raw: bytes | str, receive_ns: int) -> Sequence[MarketEvent]:
        kind = topic_kind(raw)
        try:
            if kind == "orderbook":
                return self._book(book_decoder.decode(raw), receive_ns)
            if kind == "publicTrade":
                return self._trades(raw, receive_ns)
            if kind == "allLiquidation":
                return self._liquidations(raw, receive_ns)
            if kind == "tickers":
                return self._tickers(raw, receive_ns)
        except msgspec.MsgspecError as exc:
            raise MalformedMessage(f"{kind}: {exc}") from exc
        except RecursionError as exc:
            raise MalformedMessage("JSON nested too deeply") from exc
        except (ValueError, ArithmeticError) as exc:  # OffGridError is a ValueError
            raise MalformedMessage(f"{type(exc).__name__}: {exc}") from exc
        return self._other(raw)

    def _levels(self, raw: list[PriceLevel]) -> list[Level]:
        ticks, lots = self._ticks, self._lots
        return [(ticks[p], lots[q]) for p, q in raw]

    def _book(self, msg: BookMsg, receive_ns: int) -> Sequence[MarketEvent]:
        data = msg.data
        if data.s != self._symbol:
            return _NOTHING
        exchange_ns = (msg.cts or msg.ts) * NS_PER_MS
        if msg.type == "snapshot" or data.u == 1:
            return (
                DepthSnapshot(exchange_ns, receive_ns, data.u, self._levels(data.b), self._levels(data.a)),
            )
        if msg.type != "delta":
            raise MalformedMessage(f"orderbook type {msg.type!r}")
        return (
            DepthDiff(
                exchange_ns,
                receive_ns,
                data.u,
                data.u,
                data.u - 1,
                self._levels(data.b),
                self._levels(data.a),
            ),
        )

    def _trades(self, raw: bytes | str, receive_ns: int) -> list[MarketEvent]:
        out: list[MarketEvent] = []
        ticks, lots = self._ticks, self._lots
        for row in trades_decoder.decode(raw).data:
            if row.s != self._symbol:
                continue
            side = _TAKER.get(row.S)
            if side is None:
                raise MalformedMessage(f"trade side {row.S!r}")
            out.append(Trade(row.T * NS_PER_MS, receive_ns, ticks[row.p], lots[row.v], side, trade_id(row.i)))
        return out

    def _liquidations(self, raw: bytes | str, receive_ns: int) -> list[MarketEvent]:
        out: list[MarketEvent] = []
        for row in liquidations_decoder.decode(raw).data:
            if row.s != self._symbol:
                continue
            side = _LIQUIDATION_ORDER.get(row.S)
            if side is None:
                raise MalformedMessage(f"liquidation side {row.S!r}")
            lots = self._lots[row.v]
            out.append(
                Liquidation(
                    row.T * NS_PER_MS, receive_ns, side, self._ticks[row.p], lots, Decimal(row.p), lots
                )
            )
        return out

    def _tickers(self, raw: bytes | str, receive_ns: int) -> Sequence[MarketEvent]:
        msg = tickers_decoder.decode(raw)
        data = msg.data
        if data.symbol != self._symbol:
            return _NOTHING
        known = self._ticker
        for key in ("markPrice", "indexPrice", "fundingRate", "nextFundingTime"):
            value = getattr(data, key)
            if value is not None:
                known[key] = value
        events: list[MarketEvent] = []
        if data.openInterest is not None:
            try:
                events.append(OpenInterest(msg.ts * NS_PER_MS, receive_ns, Decimal(data.openInterest)))
            except InvalidOperation as exc:
                raise MalformedMessage(f"tickers openInterest: {exc}") from exc
        if "markPrice" not in known:
            return events
        try:
            return (
                *events,
                MarkPrice(
                    msg.ts * NS_PER_MS,
                    receive_ns,
                    Decimal(known["markPrice"]),
                    Decimal(known.get("indexPrice", "0")),
                    Decimal(known.get("fundingRate", "0")),
                    int(known.get("nextFundingTime", "0")) * NS_PER_MS,
                ),
            )
        except (InvalidOperation, ValueError) as exc:
            raise MalformedMessage(f"tickers: {exc}") from exc

    def _other(self, raw: bytes | str) -> Sequence[MarketEvent]:
        """Acks and pongs (`{"success":true,"op":"ping",…}`) carry nothing; non-JSON is malformed."""
        msg = json_object(raw)
        topic = msg.get("topic")
        if isinstance(topic, str) and topic.split(".", 1)[0] in KINDS:
            raise MalformedMessage(f"{topic}: fields out of the documented order or shape")
        return _NOTHING
