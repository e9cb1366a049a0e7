"""Core-shaped simulation output -> the synthetic wire format (messages.py), one line each.

The write side of the format lives beside its read side so that the two cannot drift apart: the
simulation hands over ticks and lots, and this turns them into the decimal strings a venue sends.
Price and size strings repeat endlessly, so each is formatted once and then looked up.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.events import BookTicker, DepthDiff, DepthSnapshot, Level, Liquidation
from app.core.instrument import Instrument, format_decimal
from app.venues.synthetic.messages import (
    BboMsg,
    BookMsg,
    DiffMsg,
    LiqMsg,
    TradesMsg,
    WireLevel,
    message_encoder,
)

_SIDE = {1: "b", -1: "s"}


class _Strings(dict[int, str]):
    def __init__(self, fmt: Instrument, price: bool) -> None:
        super().__init__()
        self._fmt = fmt.price_str if price else fmt.qty_str

    def __missing__(self, steps: int) -> str:
        text = self._fmt(steps)
        if len(self) > 200_000:
            self.clear()
        self[steps] = text
        return text


class SyntheticEncoder:
    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._symbol = instrument.symbol
        self._p = _Strings(instrument, price=True)
        self._q = _Strings(instrument, price=False)

    def _levels(self, levels: Iterable[Level]) -> list[WireLevel]:
        p, q = self._p, self._q
        return [(p[price], q[lots]) for price, lots in levels]

    def book(self, snap: DepthSnapshot) -> bytes:
        return message_encoder.encode(
            BookMsg(
                self._symbol,
                snap.exchange_ns,
                snap.update_id,
                self._levels(snap.bids),
                self._levels(snap.asks),
            )
        )

    def diff(self, diff: DepthDiff) -> bytes:
        return message_encoder.encode(
            DiffMsg(
                self._symbol,
                diff.exchange_ns,
                diff.first_id,
                diff.last_id,
                diff.prev_last_id,
                self._levels(diff.bids),
                self._levels(diff.asks),
            )
        )

    def trades(self, exchange_ns: int, side: int, fills: Iterable[tuple[int, int, int]]) -> bytes:
        p, q = self._p, self._q
        prints = [(p[price], q[lots], trade_id) for price, lots, trade_id in fills]
        return message_encoder.encode(TradesMsg(self._symbol, exchange_ns, _SIDE[side], prints))

    def bbo(self, top: BookTicker) -> bytes:
        p, q = self._p, self._q
        return message_encoder.encode(
            BboMsg(
                self._symbol,
                top.exchange_ns,
                top.update_id,
                p[top.bid_ticks],
                q[top.bid_lots],
                p[top.ask_ticks],
                q[top.ask_lots],
            )
        )

    def liquidation(self, liq: Liquidation) -> bytes:
        p, q = self._p, self._q
        avg = format_decimal(liq.avg_price)
        return message_encoder.encode(
            LiqMsg(
                self._symbol,
                liq.exchange_ns,
                _SIDE[liq.side],
                p[liq.price_ticks],
                q[liq.qty_lots],
                avg,
                q[liq.filled_lots],
            )
        )
