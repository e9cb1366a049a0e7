"""Binance USD-M and COIN-M futures market-data messages -> core events.

Facts (docs/VENUES.md, Binance): `m: true` means the buyer was the maker, so the aggressor SOLD;
exchange times are milliseconds; a depth diff carries U (first id), u (last id) and pu (the
previous diff's u); quantities are base asset for USD-M and contracts for COIN-M. Every Binance
message carries one event, so `decode` returns a 1-tuple (or an empty one).

Wire samples (combined-stream mode, from the bundled recording of 2024-08-08):
    {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,
     "s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}
    {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,"s":"BTCUSDT",
     "b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256313}}
The book-sync rules are in `sync.py`, instruments in `instruments.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import msgspec

from app.core.events import (
    BookTicker,
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
from app.venues.binance.messages import (
    KNOWN_EVENTS,
    AggTradeMsg,
    BookTickerMsg,
    DepthSnapshotMsg,
    DepthUpdateMsg,
    ForceOrderMsg,
    MarkPriceMsg,
    OpenInterestMsg,
    TradeMsg,
    envelope_decoder,
    open_interest_decoder,
    payload_decoder,
    snapshot_decoder,
    ticker_envelope_decoder,
)
from app.venues.errors import MalformedMessage
from app.venues.wire import json_object

MS = 1_000_000
_BUY = int(Side.BUY)
_new = tuple.__new__
generic_encoder = msgspec.json.Encoder()
_SELL = int(Side.SELL)
_NOTHING: tuple[()] = ()


class BinanceDecoder:
    """Raw Binance futures messages (bytes or str) -> core events for one instrument.

    Accepts combined-stream envelopes (`{"stream": …, "data": …}`), raw stream payloads and the
    REST depth snapshot. Messages for other symbols, events the app does not use and
    subscription acks give no events. A message that is not JSON, or that is one of the known events
    with fields of the wrong type or off the tick/lot grid, raises MalformedMessage.
    """

    # `…@bookTicker"` (stream name) or `"e":"bookTicker"` (raw payload) near the line start.
    latest_value_marker: bytes | None = b'bookTicker"'

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._symbol = instrument.symbol
        self._ticks = instrument.price_ticks
        self._lots = instrument.qty_lots

    def decode(self, raw: bytes | str, receive_ns: int) -> Sequence[MarketEvent]:
        # The three high-rate streams are converted inline (this runs ~1e5 times a minute).
        # Events are built with tuple.__new__, which skips the Python-level NamedTuple
        # constructor and halves the cost of an event.
        try:
            try:
                data: Any = envelope_decoder.decode(raw).data
            except msgspec.MsgspecError:
                data = self._decode_other(raw)
                if data is None:
                    return _NOTHING
        except RecursionError as exc:
            raise MalformedMessage("JSON nested too deeply") from exc
        try:
            kind = type(data)
            if kind is BookTickerMsg:
                if data.s != self._symbol:
                    return _NOTHING
                ticks = self._ticks
                lots = self._lots
                return (
                    _new(
                        BookTicker,
                        (
                            (data.T or data.E) * MS,
                            receive_ns,
                            data.u,
                            ticks[data.b],
                            lots[data.B],
                            ticks[data.a],
                            lots[data.A],
                        ),
                    ),
                )
            if kind is DepthUpdateMsg:
                if data.s != self._symbol:
                    return _NOTHING
                levels = self._levels
                return (
                    _new(
                        DepthDiff,
                        (
                            (data.T or data.E) * MS,
                            receive_ns,
                            data.U,
                            data.u,
                            data.pu,
                            levels(data.b),
                            levels(data.a),
                        ),
                    ),
                )
            if kind is TradeMsg or kind is AggTradeMsg:
                if data.s != self._symbol:
                    return _NOTHING
                return (
                    _new(
                        Trade,
                        (
                            data.T * MS,
                            receive_ns,
                            self._ticks[data.p],
                            self._lots[data.q],
                            _SELL if data.m else _BUY,
                            data.t if kind is TradeMsg else data.a,
                        ),
                    ),
                )
            if kind is DepthSnapshotMsg:
                return (self._snapshot(data, receive_ns),)
            if kind is ForceOrderMsg:
                return self._force_order(data, receive_ns)
            if kind is MarkPriceMsg:
                return self._mark_price(data, receive_ns)
            if kind is OpenInterestMsg:
                if data.symbol != self._symbol:
                    return _NOTHING
                return (OpenInterest(data.time * MS, receive_ns, Decimal(data.openInterest)),)
        except (ValueError, ArithmeticError) as exc:  # OffGridError is a ValueError
            raise MalformedMessage(f"{type(exc).__name__}: {exc}") from exc
        return _NOTHING

    def decode_top(self, line: bytes, out: list[int]) -> bool:
        """The ticker fast path (`TopDecoder`): one typed decode of a whole line, no event.

        Anything but a well-formed combined-stream bookTicker of this symbol with a plain digit
        stamp (another symbol, a raw payload, an off-grid price, a malformed line) says False
        and is left to `decode`, which gives the very events or errors it always gave.
        """
        stamp, _, payload = line.partition(b" ")
        try:
            data = ticker_envelope_decoder.decode(payload).data
        except (msgspec.MsgspecError, RecursionError):
            return False
        if data.s != self._symbol or not stamp.isdigit():
            return False
        ticks = self._ticks
        lots = self._lots
        try:
            out += (data.u, ticks[data.b], lots[data.B], ticks[data.a], lots[data.A])
        except ValueError:  # off the grid: `decode` says so
            return False
        return True

    def _decode_other(self, raw: bytes | str) -> Any:
        """The rare shapes: raw payloads, the REST snapshot, acks; or a malformed message."""
        try:
            return payload_decoder.decode(raw)
        except msgspec.MsgspecError:
            pass
        try:
            return snapshot_decoder.decode(raw)
        except msgspec.MsgspecError:
            pass
        try:
            return open_interest_decoder.decode(raw)
        except msgspec.MsgspecError:
            pass
        msg = json_object(raw)
        data = msg.get("data", msg)
        kind = data.get("e") if isinstance(data, dict) else None
        if kind in KNOWN_EVENTS or "lastUpdateId" in msg:
            # A known message with missing or mistyped fields: say which, from the strict decoder.
            decoder = snapshot_decoder if "lastUpdateId" in msg else payload_decoder
            try:
                decoder.decode(generic_encoder.encode(data))
            except msgspec.MsgspecError as exc:
                raise MalformedMessage(f"{kind or 'depth snapshot'}: {exc}") from exc
        if "data" in msg and not isinstance(data, dict):
            raise MalformedMessage("stream envelope without an object in 'data'")
        return None  # acks ({"result": null, "id": 1}), klines and other streams we do not use

    def _levels(self, raw: list[tuple[str, str]]) -> list[Level]:
        ticks = self._ticks
        lots = self._lots
        return [(ticks[p], lots[q]) for p, q in raw]

    def _snapshot(self, d: DepthSnapshotMsg, receive_ns: int) -> DepthSnapshot:
        if d.symbol is not None and d.symbol != self._symbol:
            raise MalformedMessage(f"depth snapshot for {d.symbol}, expected {self._symbol}")
        return DepthSnapshot(
            (d.T or d.E) * MS, receive_ns, d.lastUpdateId, self._levels(d.bids), self._levels(d.asks)
        )

    def _force_order(self, d: ForceOrderMsg, receive_ns: int) -> tuple[Liquidation] | tuple[()]:
        o = d.o
        if o.s != self._symbol:
            return _NOTHING
        if o.S not in ("BUY", "SELL"):
            raise MalformedMessage(f"forceOrder side {o.S!r}")
        return (
            Liquidation(
                o.T * MS,
                receive_ns,
                _BUY if o.S == "BUY" else _SELL,
                self._ticks[o.p],
                self._lots[o.q],
                Decimal(o.ap),
                self._lots[o.z],
            ),
        )

    def _mark_price(self, d: MarkPriceMsg, receive_ns: int) -> tuple[MarkPrice] | tuple[()]:
        if d.s != self._symbol:
            return _NOTHING
        return (MarkPrice(d.E * MS, receive_ns, Decimal(d.p), Decimal(d.i), Decimal(d.r), d.T * MS),)
