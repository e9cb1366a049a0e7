"""Synthetic-market lines -> core events, strict like every venue decoder.

A line of the wrong shape (not JSON, an unknown `sim` kind, a missing or mistyped field, a side
other than "b"/"s", a price off the tick grid) raises MalformedMessage, which the pipeline counts
and drops: the synthetic stream goes through the same checks as a real one, so a bug in the
simulation shows up as a counter, not as a quietly wrong market.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import msgspec

from app.core.events import (
    BookTicker,
    DepthDiff,
    DepthSnapshot,
    Level,
    Liquidation,
    MarketEvent,
    Side,
    Trade,
)
from app.core.instrument import Instrument
from app.venues.errors import MalformedMessage
from app.venues.synthetic.messages import (
    BBO_MARKER,
    BboMsg,
    BookMsg,
    DiffMsg,
    LiqMsg,
    TradesMsg,
    WireLevel,
    message_decoder,
)

_SIDES = {"b": int(Side.BUY), "s": int(Side.SELL)}
_NOTHING: tuple[()] = ()


class SyntheticDecoder:
    latest_value_marker: bytes | None = BBO_MARKER

    def __init__(self, instrument: Instrument) -> None:
        self._symbol = instrument.symbol
        self._ticks = instrument.price_ticks
        self._lots = instrument.qty_lots

    def decode(self, raw: bytes | str, receive_ns: int) -> Sequence[MarketEvent]:
        try:
            msg = message_decoder.decode(raw)
        except msgspec.MsgspecError as exc:
            raise MalformedMessage(f"synthetic line: {exc}") from exc
        except RecursionError as exc:
            raise MalformedMessage("JSON nested too deeply") from exc
        if msg.s != self._symbol:
            return _NOTHING
        try:
            return self._events(msg, receive_ns)
        except (ValueError, ArithmeticError) as exc:  # OffGridError is a ValueError
            raise MalformedMessage(f"{type(exc).__name__}: {exc}") from exc

    def _events(
        self, msg: BookMsg | DiffMsg | TradesMsg | LiqMsg | BboMsg, receive_ns: int
    ) -> Sequence[MarketEvent]:
        ticks = self._ticks
        lots = self._lots
        if isinstance(msg, DiffMsg):
            return (
                DepthDiff(msg.T, receive_ns, msg.U, msg.u, msg.pu, self._levels(msg.b), self._levels(msg.a)),
            )
        if isinstance(msg, TradesMsg):
            side = self._side(msg.S)
            return [Trade(msg.T, receive_ns, ticks[p], lots[q], side, i) for p, q, i in msg.p]
        if isinstance(msg, BboMsg):
            return (
                BookTicker(msg.T, receive_ns, msg.u, ticks[msg.b], lots[msg.B], ticks[msg.a], lots[msg.A]),
            )
        if isinstance(msg, BookMsg):
            return (DepthSnapshot(msg.T, receive_ns, msg.u, self._levels(msg.b), self._levels(msg.a)),)
        return (
            Liquidation(
                msg.T, receive_ns, self._side(msg.S), ticks[msg.p], lots[msg.q], Decimal(msg.ap), lots[msg.z]
            ),
        )

    @staticmethod
    def _side(text: str) -> int:
        side = _SIDES.get(text)
        if side is None:
            raise MalformedMessage(f"synthetic side {text!r} (expected 'b' or 's')")
        return side

    def _levels(self, raw: list[WireLevel]) -> list[Level]:
        ticks = self._ticks
        lots = self._lots
        return [(ticks[p], lots[q]) for p, q in raw]
