"""Hyperliquid messages -> core events for one coin.

A `trades` message carries an array of prints (many per block), and the first one after
subscribing repeats recent prints, so prints are de-duplicated by `tid`. An `l2Book` message is
the whole book (20 levels a side, or 5 with `fast`) and becomes one `DepthSnapshot`; its
`update_id` is the image's time in ms. `activeAssetCtx` gives mark, oracle and the hourly funding
rate; its next funding time is the next whole hour (inferred: funding is hourly).

Wire samples (from the recording of 2025-01-26):
    {"channel":"trades","data":[{"coin":"BTC","hash":"0x0000…","px":"105056.0","side":"B",
     "sz":"0.02222","tid":917211710228416,"time":1737918847000,"users":["0x8a43…","0x6802…"]}]}
    {"channel":"l2Book","data":{"coin":"BTC","levels":[[{"n":5,"px":"105055.0","sz":"3.03622"},…],
     [{"n":13,"px":"105056.0","sz":"6.34472"},…]],"time":1737918843542}}
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from decimal import Decimal

import msgspec

from app.core.events import DepthSnapshot, Level, MarketEvent, MarkPrice, OpenInterest, Side, Trade
from app.core.instrument import Instrument
from app.core.units import NS_PER_HOUR, NS_PER_MS
from app.venues.errors import MalformedMessage
from app.venues.hyperliquid.messages import (
    KNOWN_CHANNELS,
    ActiveAssetCtxMsg,
    L2BookMsg,
    TradesMsg,
    WireLevel,
    message_decoder,
)
from app.venues.wire import json_object

_BUY, _SELL = int(Side.BUY), int(Side.SELL)
_SIDES = {"B": _BUY, "A": _SELL}
_NOTHING: tuple[()] = ()
RECENT_TIDS = 8192  # how many trade ids are remembered for de-duplication


class HyperliquidDecoder:
    latest_value_marker: bytes | None = None

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._coin = instrument.symbol
        self._ticks = instrument.price_ticks
        self._lots = instrument.qty_lots
        self._seen: set[int] = set()
        self._order: deque[int] = deque()
        self.duplicates = 0

    def decode(self, raw: bytes | str, receive_ns: int) -> Sequence[MarketEvent]:
        try:
            msg = message_decoder.decode(raw)
        except msgspec.MsgspecError:
            return self._other(raw)
        except RecursionError as exc:
            raise MalformedMessage("JSON nested too deeply") from exc
        try:
            if type(msg) is TradesMsg:
                return self._trades(msg, receive_ns)
            if type(msg) is L2BookMsg:
                book = msg.data
                if book.coin != self._coin:
                    return _NOTHING
                bids, asks = book.levels
                return (
                    DepthSnapshot(
                        book.time * NS_PER_MS, receive_ns, book.time, self._side(bids), self._side(asks)
                    ),
                )
            if type(msg) is ActiveAssetCtxMsg:
                if msg.data.coin != self._coin:
                    return _NOTHING
                ctx = msg.data.ctx
                next_hour = (receive_ns // NS_PER_HOUR + 1) * NS_PER_HOUR
                oi = (
                    ()
                    if ctx.openInterest is None
                    else (OpenInterest(receive_ns, receive_ns, Decimal(ctx.openInterest)),)
                )
                return (
                    *oi,
                    MarkPrice(
                        receive_ns,
                        receive_ns,
                        Decimal(ctx.markPx),
                        Decimal(ctx.oraclePx),
                        Decimal(ctx.funding),
                        next_hour,
                    ),
                )
        except (ValueError, ArithmeticError) as exc:  # OffGridError is a ValueError
            raise MalformedMessage(f"{type(exc).__name__}: {exc}") from exc
        return _NOTHING

    def _side(self, levels: list[WireLevel]) -> list[Level]:
        ticks, lots = self._ticks, self._lots
        return [(ticks[lv.px], lots[lv.sz]) for lv in levels]

    def _trades(self, msg: TradesMsg, receive_ns: int) -> list[MarketEvent]:
        out: list[MarketEvent] = []
        ticks, lots, seen = self._ticks, self._lots, self._seen
        for row in msg.data:
            if row.coin != self._coin:
                continue
            if row.tid in seen:
                self.duplicates += 1
                continue
            side = _SIDES.get(row.side)
            if side is None:
                raise MalformedMessage(f"trade side {row.side!r}")
            out.append(Trade(row.time * NS_PER_MS, receive_ns, ticks[row.px], lots[row.sz], side, row.tid))
            self._remember(row.tid)
        return out

    def _remember(self, tid: int) -> None:
        self._seen.add(tid)
        self._order.append(tid)
        if len(self._order) > RECENT_TIDS:
            self._seen.discard(self._order.popleft())

    def _other(self, raw: bytes | str) -> Sequence[MarketEvent]:
        """Acks, pongs, other channels: nothing. A known channel of the wrong shape: malformed."""
        msg = json_object(raw)
        channel = msg.get("channel")
        if channel in KNOWN_CHANNELS:
            try:
                message_decoder.decode(msgspec.json.encode(msg))
            except msgspec.MsgspecError as exc:
                raise MalformedMessage(f"{channel}: {exc}") from exc
        return _NOTHING
