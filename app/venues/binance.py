"""Binance USD-M and COIN-M futures: instrument metadata and market-data message parsing.

Facts (../shared/PROTOCOLS.md §1): `m: true` means the buyer was the maker, so the aggressor SOLD;
exchange times are milliseconds; a depth diff carries U (first id), u (last id) and pu (the
previous diff's u); quantities are base asset for USD-M and contracts for COIN-M.
The book-sync rules are in `binance_sync.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
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
    Side,
    Trade,
)
from app.core.instrument import ContractKind, Instrument
from app.venues.binance_messages import (
    KNOWN_EVENTS,
    AggTradeMsg,
    BookTickerMsg,
    DepthSnapshotMsg,
    DepthUpdateMsg,
    ForceOrderMsg,
    MarkPriceMsg,
    TradeMsg,
    envelope_decoder,
    generic_decoder,
    payload_decoder,
    snapshot_decoder,
)
from app.venues.errors import MalformedMessage

MS = 1_000_000
_BUY = int(Side.BUY)
_new = tuple.__new__
generic_encoder = msgspec.json.Encoder()
_SELL = int(Side.SELL)


class BinanceMarket(Enum):
    """Which Binance futures market; the value is the venue name used across the app."""

    USDM = "binance-usdm"
    COINM = "binance-coinm"

    @staticmethod
    def for_symbol(symbol: str) -> BinanceMarket:
        """COIN-M symbols carry a suffix (BTCUSD_PERP, BTCUSD_260925); USD-M perps do not."""
        upper = symbol.upper()
        if "_" in upper and upper.split("_", 1)[0].endswith("USD"):
            return BinanceMarket.COINM
        return BinanceMarket.USDM


def symbol_from_stream(stream: str) -> str:
    """`btcusdt@depth@0ms` -> `BTCUSDT`."""
    return stream.split("@", 1)[0].upper()


# ---------------------------------------------------------------------------------------------
# Instrument metadata (GET /fapi/v1/exchangeInfo, /dapi/v1/exchangeInfo)


def instrument_from_exchange_info(entry: Mapping[str, Any], market: BinanceMarket) -> Instrument:
    """One `symbols[]` entry of exchangeInfo -> Instrument (tick from PRICE_FILTER, lot from LOT_SIZE)."""
    try:
        filters = {f["filterType"]: f for f in entry["filters"]}
        tick = Decimal(filters["PRICE_FILTER"]["tickSize"]).normalize()
        lot = Decimal(filters["LOT_SIZE"]["stepSize"]).normalize()
        symbol = str(entry["symbol"])
        base = str(entry.get("baseAsset", ""))
        quote = str(entry.get("quoteAsset", ""))
    except (KeyError, TypeError, ArithmeticError) as exc:
        raise MalformedMessage(f"exchangeInfo entry without price/lot filters: {exc}") from exc
    if market is BinanceMarket.COINM:
        return Instrument(
            venue=market.value,
            symbol=symbol,
            tick_size=tick,
            lot_size=lot,
            kind=ContractKind.INVERSE,
            contract_multiplier=Decimal(str(entry.get("contractSize", 1))),
            base_asset=base,
            quote_asset=quote,
            quantity_unit="contracts",
        )
    return Instrument(
        venue=market.value,
        symbol=symbol,
        tick_size=tick,
        lot_size=lot,
        kind=ContractKind.LINEAR,
        base_asset=base,
        quote_asset=quote,
        quantity_unit=base,
    )


def instruments_from_exchange_info(doc: Mapping[str, Any], market: BinanceMarket) -> dict[str, Instrument]:
    """All symbols of an exchangeInfo response, keyed by symbol."""
    try:
        entries = doc["symbols"]
    except (KeyError, TypeError) as exc:
        raise MalformedMessage("exchangeInfo without 'symbols'") from exc
    return {i.symbol: i for i in (instrument_from_exchange_info(e, market) for e in entries)}


# ---------------------------------------------------------------------------------------------
# Market data messages


class BinanceDecoder:
    """Raw Binance futures messages (bytes or str) -> core events for one instrument.

    Accepts combined-stream envelopes (`{"stream": …, "data": …}`), raw stream payloads and the
    REST depth snapshot. Messages for other symbols, events the app does not use and
    subscription acks return None. A message that is not JSON, or that is one of the known events
    with fields of the wrong type or off the tick/lot grid, raises MalformedMessage.
    """

    # `…@bookTicker"` (stream name) or `"e":"bookTicker"` (raw payload) near the line start.
    latest_value_marker: bytes | None = b'bookTicker"'

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._symbol = instrument.symbol
        self._ticks = instrument.price_ticks
        self._lots = instrument.qty_lots

    def decode(self, raw: bytes | str, receive_ns: int) -> MarketEvent | None:
        # The three high-rate streams are converted inline (this runs ~1e5 times a minute).
        # Events are built with tuple.__new__, which skips the Python-level NamedTuple
        # constructor and halves the cost of an event.
        try:
            data: Any = envelope_decoder.decode(raw).data
        except msgspec.MsgspecError:
            data = self._decode_other(raw)
            if data is None:
                return None
        try:
            kind = type(data)
            if kind is BookTickerMsg:
                if data.s != self._symbol:
                    return None
                ticks = self._ticks
                lots = self._lots
                return _new(
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
                )
            if kind is DepthUpdateMsg:
                if data.s != self._symbol:
                    return None
                levels = self._levels
                return _new(
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
                )
            if kind is TradeMsg or kind is AggTradeMsg:
                if data.s != self._symbol:
                    return None
                return _new(
                    Trade,
                    (
                        data.T * MS,
                        receive_ns,
                        self._ticks[data.p],
                        self._lots[data.q],
                        _SELL if data.m else _BUY,
                        data.t if kind is TradeMsg else data.a,
                    ),
                )
            if kind is DepthSnapshotMsg:
                return self._snapshot(data, receive_ns)
            if kind is ForceOrderMsg:
                return self._force_order(data, receive_ns)
            if kind is MarkPriceMsg:
                return self._mark_price(data, receive_ns)
        except (ValueError, ArithmeticError) as exc:  # OffGridError is a ValueError
            raise MalformedMessage(f"{type(exc).__name__}: {exc}") from exc
        return None

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
            msg = generic_decoder.decode(raw)
        except msgspec.MsgspecError as exc:
            raise MalformedMessage(f"not JSON: {exc}") from exc
        if not isinstance(msg, dict):
            raise MalformedMessage(f"expected a JSON object, got {type(msg).__name__}")
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

    def _force_order(self, d: ForceOrderMsg, receive_ns: int) -> Liquidation | None:
        o = d.o
        if o.s != self._symbol:
            return None
        if o.S not in ("BUY", "SELL"):
            raise MalformedMessage(f"forceOrder side {o.S!r}")
        return Liquidation(
            o.T * MS,
            receive_ns,
            _BUY if o.S == "BUY" else _SELL,
            self._ticks[o.p],
            self._lots[o.q],
            Decimal(o.ap),
            self._lots[o.z],
        )

    def _mark_price(self, d: MarkPriceMsg, receive_ns: int) -> MarkPrice | None:
        if d.s != self._symbol:
            return None
        return MarkPrice(d.E * MS, receive_ns, Decimal(d.p), Decimal(d.i), Decimal(d.r), d.T * MS)
