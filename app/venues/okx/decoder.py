"""OKX v5 SWAP messages -> core events for one instrument.

Sizes are contracts and stay contracts (the instrument's lot is the contract step, and `ctVal`
its contract multiplier). A `books` snapshot becomes a `DepthSnapshot` (update id `seqId`), an
update a `DepthDiff` with last id `seqId` and previous id `prevSeqId` — the chain the sync checks;
`checksum` is ignored (always 0 since 2026-06). `trades` and `liquidation-orders` come as arrays;
`side` is the taker's side for trades and the liquidation order's side for liquidations.
`mark-price` and `funding-rate` arrive apart and are merged into one `MarkPrice`. An `error`
event is raised as malformed, so the venue's complaint is counted and shown, not swallowed.

Wire sample (the recorded UNI-USD-SWAP book of 2022-05-13, from before OKX added `seqId`):
    {"arg":{"channel":"books","instId":"UNI-USD-SWAP"},"action":"update","data":[{"asks":
     [["5.158","129","0","2"],["5.233","240","0","1"]],"bids":[["5.14","427","0","4"],
     ["5.117","0","0","0"]],"ts":"1652459225464","checksum":1361161687}]}
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

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
from app.core.instrument import Instrument, OffGridError
from app.core.units import NS_PER_MS
from app.venues.errors import MalformedMessage
from app.venues.okx.messages import (
    NO_SEQ,
    BookRow,
    books_decoder,
    funding_decoder,
    liquidations_decoder,
    mark_decoder,
    open_interest_decoder,
    rest_books_decoder,
    trades_decoder,
)
from app.venues.wire import json_object, quoted_after

_SIDES = {"buy": int(Side.BUY), "sell": int(Side.SELL)}
_NOTHING: tuple[()] = ()
_CHANNEL = b'{"arg":{"channel":"'


class OkxDecoder:
    latest_value_marker: bytes | None = None

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self._inst = instrument.symbol
        self._ticks = instrument.price_ticks
        self._lots = instrument.qty_lots
        self._mark: tuple[int, Decimal] | None = None  # (ts ns, mark)
        self._funding: tuple[Decimal, int] = (Decimal(0), 0)  # (rate, next funding ns)

    def decode(self, raw: bytes | str, receive_ns: int) -> Sequence[MarketEvent]:
        frame = raw.encode() if isinstance(raw, str) else raw
        channel = quoted_after(frame[:48], _CHANNEL)
        try:
            if channel == "books":
                return self._books(frame, receive_ns)
            if channel == "trades":
                return self._trades(frame, receive_ns)
            if channel == "liquidation-orders":
                return self._liquidations(frame, receive_ns)
            if channel == "mark-price":
                return self._mark_price(frame, receive_ns)
            if channel == "funding-rate":
                return self._funding_rate(frame, receive_ns)
            if channel == "open-interest":
                rows = [r for r in open_interest_decoder.decode(frame).data if r.instId == self._inst]
                return [OpenInterest(int(r.ts) * NS_PER_MS, receive_ns, Decimal(r.oi)) for r in rows]
            return self._other(frame, receive_ns)
        except msgspec.MsgspecError as exc:
            raise MalformedMessage(f"{channel}: {exc}") from exc
        except RecursionError as exc:
            raise MalformedMessage("JSON nested too deeply") from exc
        except (ValueError, ArithmeticError) as exc:  # OffGridError is a ValueError
            raise MalformedMessage(f"{type(exc).__name__}: {exc}") from exc

    def _levels(self, rows: list[list[str]]) -> list[Level]:
        ticks, lots = self._ticks, self._lots
        try:
            return [(ticks[row[0]], lots[row[1]]) for row in rows]
        except IndexError as exc:
            raise MalformedMessage("book level without price and size") from exc

    def _book_event(self, row: BookRow, snapshot: bool, receive_ns: int) -> MarketEvent:
        exchange_ns = int(row.ts) * NS_PER_MS
        seq = NO_SEQ if row.seqId is None else row.seqId
        bids, asks = self._levels(row.bids), self._levels(row.asks)
        if snapshot:
            return DepthSnapshot(exchange_ns, receive_ns, seq, bids, asks)
        prev = NO_SEQ if row.prevSeqId is None else row.prevSeqId
        return DepthDiff(exchange_ns, receive_ns, seq, seq, prev, bids, asks)

    def _books(self, frame: bytes, receive_ns: int) -> Sequence[MarketEvent]:
        msg = books_decoder.decode(frame)
        if msg.arg.instId != self._inst:
            return _NOTHING
        if msg.action not in ("snapshot", "update"):
            raise MalformedMessage(f"books action {msg.action!r}")
        return [self._book_event(row, msg.action == "snapshot", receive_ns) for row in msg.data]

    def _trades(self, frame: bytes, receive_ns: int) -> list[MarketEvent]:
        out: list[MarketEvent] = []
        ticks, lots = self._ticks, self._lots
        for row in trades_decoder.decode(frame).data:
            if row.instId != self._inst:
                continue
            side = _SIDES.get(row.side)
            if side is None:
                raise MalformedMessage(f"trade side {row.side!r}")
            out.append(
                Trade(
                    int(row.ts) * NS_PER_MS, receive_ns, ticks[row.px], lots[row.sz], side, int(row.tradeId)
                )
            )
        return out

    def _liquidations(self, frame: bytes, receive_ns: int) -> list[MarketEvent]:
        out: list[MarketEvent] = []
        for row in liquidations_decoder.decode(frame).data:
            if row.instId != self._inst:
                continue
            for d in row.details:
                side = _SIDES.get(d.side)
                if side is None:
                    raise MalformedMessage(f"liquidation side {d.side!r}")
                lots = self._lots[d.sz]
                price = Decimal(d.bkPx)
                out.append(
                    Liquidation(
                        int(d.ts) * NS_PER_MS, receive_ns, side, self._nearest_tick(price), lots, price, lots
                    )
                )
        return out

    def _nearest_tick(self, price: Decimal) -> int:
        """A bankruptcy price need not sit on the tick grid: the nearest tick stands for it."""
        try:
            return self._ticks[str(price)]
        except OffGridError:
            return int((price / self.instrument.tick_size).quantize(Decimal(1), ROUND_HALF_EVEN))

    def _mark_price(self, frame: bytes, receive_ns: int) -> Sequence[MarketEvent]:
        rows = [r for r in mark_decoder.decode(frame).data if r.instId == self._inst]
        if not rows:
            return _NOTHING
        row = rows[-1]
        self._mark = (int(row.ts) * NS_PER_MS, Decimal(row.markPx))
        return self._merged(receive_ns)

    def _funding_rate(self, frame: bytes, receive_ns: int) -> Sequence[MarketEvent]:
        rows = [r for r in funding_decoder.decode(frame).data if r.instId == self._inst]
        if not rows:
            return _NOTHING
        row = rows[-1]
        try:
            self._funding = (
                Decimal(row.fundingRate),
                int(row.nextFundingTime or row.fundingTime) * NS_PER_MS,
            )
        except InvalidOperation as exc:
            raise MalformedMessage(f"funding-rate: {exc}") from exc
        return self._merged(receive_ns)

    def _merged(self, receive_ns: int) -> Sequence[MarketEvent]:
        if self._mark is None:
            return _NOTHING
        ts, mark = self._mark
        rate, next_ns = self._funding
        return (MarkPrice(ts, receive_ns, mark, Decimal(0), rate, next_ns),)

    def _other(self, frame: bytes, receive_ns: int) -> Sequence[MarketEvent]:
        """`pong`, events, other channels, and the REST book of the snapshot-less bootstrap."""
        if frame.strip() == b"pong":
            return _NOTHING
        msg = json_object(frame)
        event = msg.get("event")
        if event == "error":
            raise MalformedMessage(f"okx error {msg.get('code')}: {msg.get('msg', '')}"[:200])
        if "code" in msg and "data" in msg:  # GET /api/v5/market/books
            rest = rest_books_decoder.decode(frame)
            if rest.code != "0" or not rest.data:
                raise MalformedMessage(f"okx REST books: code {rest.code} {rest.msg}"[:200])
            return (self._book_event(rest.data[0], True, receive_ns),)
        return _NOTHING
