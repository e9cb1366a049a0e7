"""Iceberg / refill: a level that trades for more than it ever showed and keeps coming back.

Crypto feeds carry no order ids, so the hidden size is inferred, per level, from what was
executed there against what was displayed before and after each book update that changed it
(the Flowdepth formulas, docs/SIGNALS.md):

    expected   = max(displayed_before − executed, 0)
    refilled   = max(displayed_after − expected, 0)

An episode at a level adds up executed, refilled and the largest size displayed; it fires once
when there were ≥ `min_refills` refills, executed ≥ `exec_ratio` × displayed, refilled ≥
`refill_ratio` × executed, and executed ≥ `min_exec_multiple` × the typical order size. It ends
when the level empties without a refill, when price trades more than `max_adverse_ticks`
through it, after `idle_ns` without trades there, and on any snapshot (a resync). Trades wait as
"pending" until a book update changes their level: the trade and depth streams arrive separately,
so the update reflecting a trade may come a little after it; a level counts as updated when
the update names it (a refill to the same size changes nothing in the book, but is named).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.instrument import Instrument
from app.core.signals.book_mirror import BookMirror
from app.core.signals.emit import BEFORE, Emitted, clamp01, price, qty
from app.core.signals.kinds import Signal, SignalKind
from app.core.units import NS_PER_S


@dataclass(frozen=True, slots=True)
class IcebergSettings:
    min_refills: int = 3
    exec_ratio: float = 2.5  # executed ≥ this × the largest displayed size
    refill_ratio: float = 0.5  # refilled ≥ this × executed
    min_exec_multiple: float = 5.0  # executed ≥ this × the typical order size
    max_adverse_ticks: int = 1
    idle_ns: int = 30 * NS_PER_S


@dataclass(slots=True)
class _Episode:
    start_ns: int
    last_ns: int
    displayed: int = 0
    executed: int = 0
    refilled: int = 0
    refills: int = 0
    fired: bool = False


Key = tuple[int, int]  # (book side +1 bids / -1 asks, price_ticks)
_MAX_WAIT = 8  # book updates a level's trades wait for the update that shows them


class IcebergDetector:
    kind = SignalKind.ICEBERG
    needs_book = True

    def __init__(self, settings: IcebergSettings, instrument: Instrument | None = None) -> None:
        self.settings = settings
        self.instrument = instrument
        self.pending: dict[Key, int] = {}  # lots executed at a level since its last update
        self._waits: dict[Key, int] = {}  # updates a pending level has waited through
        self._episodes: dict[Key, _Episode] = {}
        self._changes = 0

    def executed(self, key: Key, lots: int) -> None:
        self.pending[key] = self.pending.get(key, 0) + lots
        self._waits.pop(key, None)

    def reset(self) -> None:
        """A snapshot: the book was rebuilt, every open episode is void."""
        self.pending.clear()
        self._waits.clear()
        self._episodes.clear()

    def on_change(
        self,
        named_bids: dict[int, int],
        named_asks: dict[int, int],
        book: BookMirror,
        *,
        ts_ns: int,
        last_ticks: int | None,
        typical: float,
        pos: int,
        out: Emitted,
    ) -> None:
        """One book update naming these levels (`named_*`), with `book` as it was just before it.

        One pass over the pending levels: the size shown before is read from `book`, the size
        after is the update's own (a level it names is set to what it names). Trades at a price
        the book does not show (its update came first) cannot be judged and are dropped, as are
        trades whose level is not updated within `_MAX_WAIT` updates; before the first trade
        (`last_ticks` None) nothing is judged and nothing waits."""
        bids, asks = book.bids, book.asks
        waits = self._waits
        episodes = self._episodes
        kept: dict[Key, int] = {}
        for key, executed in self.pending.items():
            buy_side = key[0] > 0
            shown = (bids if buy_side else asks).get(key[1], 0)
            if not shown:
                continue
            if last_ticks is None:
                kept[key] = executed
                continue
            named = named_bids if buy_side else named_asks
            if key[1] not in named:  # this update did not name the level: the trades stay pending
                waited = waits.get(key, 0) + 1
                if waited > _MAX_WAIT:
                    del waits[key]
                else:
                    waits[key] = waited
                    kept[key] = executed
                continue
            waits.pop(key, None)
            now = named[key[1]]
            if now:
                self._update(key, executed, shown, now, ts_ns, last_ticks, typical, pos, out)
            else:  # emptied, so no refill: whatever the episode was, it ends
                episodes.pop(key, None)
        self.pending = kept
        if last_ticks is None:
            return
        self._changes += 1
        if self._changes % 256 == 0:
            idle = ts_ns - self.settings.idle_ns
            self._episodes = {k: e for k, e in self._episodes.items() if e.last_ns >= idle}

    def _update(  # noqa: PLR0917 (one level's figures, named at the one call)
        self,
        key: Key,
        executed: int,
        shown: int,
        now: int,
        ts_ns: int,
        last_ticks: int,
        typical: float,
        pos: int,
        out: Emitted,
    ) -> None:
        """`now` is not zero (an emptied level ends its episode without coming here)."""
        expected = shown - executed if shown > executed else 0
        refill = now - expected if now > expected else 0
        s = self.settings
        book_side, at = key
        through = (at - last_ticks if book_side > 0 else last_ticks - at) > s.max_adverse_ticks
        ep = self._episodes.get(key)
        if ep is None or through or ts_ns - ep.last_ns > s.idle_ns:
            ep = self._episodes[key] = _Episode(ts_ns, ts_ns)
        ep.last_ns = ts_ns
        ep.displayed = max(ep.displayed, shown)
        ep.executed += executed
        if refill:
            ep.refills += 1
            ep.refilled += refill
        if ep.fired or ep.refills < s.min_refills or not ep.displayed:
            return
        if ep.executed < s.exec_ratio * ep.displayed or ep.refilled < s.refill_ratio * ep.executed:
            return
        if s.min_exec_multiple and not ep.executed >= s.min_exec_multiple * typical:  # nan: never
            return
        ep.fired = True
        inst = self.instrument
        sig = Signal(
            SignalKind.ICEBERG,
            ts_ns,
            at,
            book_side,
            clamp01((ep.executed / ep.displayed) / (4.0 * s.exec_ratio) + ep.refills / (4.0 * s.min_refills)),
            None,
            f"{'bid' if book_side > 0 else 'ask'} {price(inst, at)}: {qty(inst, ep.executed)} executed, "
            f"{qty(inst, ep.displayed)} shown, {ep.refills} refills",
        )
        out.append((pos, BEFORE, sig))
