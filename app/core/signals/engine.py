"""One engine that runs every enabled detector over a market, batch by batch, inside the ingest
budget, with the same signals however the stream was cut into batches.

Fed from the market state after each batch (`on_batch(market)`), it reads:
- the prints appended since its last call (the columnar tape), grouped into aggressor orders
  (`flow.py`; the last order is held back until it is known to be complete);
- the depth changes the market applied, from its depth log (`MarketState.watch_depth_with`, a
  compact copy kept only while a book detector is on), replayed on the engine's mirror book in
  their place among the prints, so the book detectors (sweep void, iceberg, pulled wall) see the
  book as it was, whatever the batch cuts;
- the new liquidations, placed among the prints by receive time;
- the market's closed footprint bars (stacked imbalances).
Every signal carries its place in that timeline and each call returns its signals in timeline
order; events at the held-back order's position wait with it. Detectors are pure and read time
only from event timestamps, so a replay and a live feed of the same lines give the same list.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

from app.core.events import Liquidation
from app.core.market import MarketState
from app.core.print_groups import group_starts
from app.core.signals.absorption import AbsorptionDetector, AbsorptionSettings
from app.core.signals.book_mirror import BookMirror, Compact, CompactDepthLog
from app.core.signals.cvd_divergence import CvdDivergenceDetector, CvdDivergenceSettings
from app.core.signals.emit import Emitted
from app.core.signals.exhaustion import ExhaustionDetector, ExhaustionSettings
from app.core.signals.flow import Orders, ScaleSettings, SizeScale, orders_of, split_last_order
from app.core.signals.iceberg import IcebergDetector, IcebergSettings
from app.core.signals.kinds import Signal, SignalKind
from app.core.signals.large_print import LargePrintDetector, LargePrintSettings
from app.core.signals.liquidation_cascade import LiquidationCascadeDetector, LiquidationCascadeSettings
from app.core.signals.pulled_wall import PulledWallDetector, PulledWallSettings
from app.core.signals.stacked_imbalance import StackedImbalanceDetector, StackedImbalanceSettings
from app.core.signals.sweep import SweepDetector, SweepSettings
from app.core.tape import TradeColumns

_BOOK_KINDS = frozenset({SignalKind.SWEEP, SignalKind.ICEBERG, SignalKind.PULLED_WALL})
_BEFORE = itemgetter(0)  # a logged change's position among the prints


@dataclass(frozen=True, slots=True)
class SignalSettings:
    """Which detectors run, and every threshold (docs/SIGNALS.md justifies each default)."""

    enabled: frozenset[SignalKind] = frozenset(SignalKind)
    scale: ScaleSettings = field(default_factory=ScaleSettings)
    absorption: AbsorptionSettings = field(default_factory=AbsorptionSettings)
    exhaustion: ExhaustionSettings = field(default_factory=ExhaustionSettings)
    stacked_imbalance: StackedImbalanceSettings = field(default_factory=StackedImbalanceSettings)
    sweep: SweepSettings = field(default_factory=SweepSettings)
    iceberg: IcebergSettings = field(default_factory=IcebergSettings)
    pulled_wall: PulledWallSettings = field(default_factory=PulledWallSettings)
    cvd_divergence: CvdDivergenceSettings = field(default_factory=CvdDivergenceSettings)
    large_print: LargePrintSettings = field(default_factory=LargePrintSettings)
    liquidation_cascade: LiquidationCascadeSettings = field(default_factory=LiquidationCascadeSettings)


class SignalEngine:
    """Runs the enabled detectors over one market; call `on_batch` after every applied batch,
    `flush` at the end of a recording, `close` when done (stops the depth log)."""

    def __init__(self, market: MarketState, settings: SignalSettings | None = None) -> None:
        self.settings = s = settings or SignalSettings()
        self.market = market
        inst = market.instrument
        on = s.enabled
        self.scale = SizeScale(s.scale)
        self.large = LargePrintDetector(s.large_print, inst) if SignalKind.LARGE_PRINT in on else None
        self.absorption = AbsorptionDetector(s.absorption, inst) if SignalKind.ABSORPTION in on else None
        self.exhaustion = ExhaustionDetector(s.exhaustion, inst) if SignalKind.EXHAUSTION in on else None
        self.divergence = (
            CvdDivergenceDetector(s.cvd_divergence, inst) if SignalKind.CVD_DIVERGENCE in on else None
        )
        self.stacked = (
            StackedImbalanceDetector(s.stacked_imbalance, inst)
            if SignalKind.STACKED_IMBALANCE in on
            else None
        )
        self.cascade = (
            LiquidationCascadeDetector(s.liquidation_cascade, inst)
            if SignalKind.LIQUIDATION_CASCADE in on
            else None
        )
        self.sweep = SweepDetector(s.sweep, inst) if SignalKind.SWEEP in on else None
        self.iceberg = IcebergDetector(s.iceberg, inst) if SignalKind.ICEBERG in on else None
        self.wall = PulledWallDetector(s.pulled_wall, inst) if SignalKind.PULLED_WALL in on else None
        self._log: CompactDepthLog | None = None
        if on & _BOOK_KINDS:
            self._log = CompactDepthLog()
            market.watch_depth_with(self._log)
        self._mirror = BookMirror(market.book)
        self._changes: list[Compact] = []  # logged, not yet reached
        self._cursor = market.tape.total  # the first print not yet in a complete order
        self._last_ticks: int | None = None
        self._typical = float("nan")
        self._liq_seen = len(market.liquidations)
        self._liq_last: Liquidation | None = market.liquidations[-1] if market.liquidations else None
        self._liqs: list[tuple[int, Liquidation]] = []  # (position, liquidation) not yet reached
        bars = market.bars
        held = 1 if bars.open_bar is not None else 0
        self._bar_no = bars.dropped_count + len(bars.bars) - held  # the next footprint bar to read
        self._bar_pos = market.tape.total - (bars.open_bar.trades if bars.open_bar is not None else 0)

    def close(self) -> None:
        if self._log is not None:
            self.market.unwatch_depth(self._log)
            self._log = None

    def on_batch(self, market: MarketState | None = None) -> list[Signal]:
        """The signals made true by what the market applied since the last call, in order."""
        if market is not None and market is not self.market:
            raise ValueError("a SignalEngine follows one market; build a new one for another")
        return self._run(final=False)

    def flush(self) -> list[Signal]:
        """The end of the stream: the held-back order and everything waiting are judged."""
        return self._run(final=True)

    def zone_end_ns(self, signal: Signal) -> int | None:
        """When a stacked-imbalance zone was retested (None while it holds)."""
        return None if self.stacked is None else self.stacked.zone_end_ns.get(signal)

    # -- the timeline ----------------------------------------------------------------------------

    def _run(self, final: bool) -> list[Signal]:
        market = self.market
        tape = market.tape
        prints = tape.since(self._cursor)
        start = tape.total - prints.size
        if final:
            cut, starts = prints.size, group_starts(prints)
        else:
            cut, starts = split_last_order(prints)
        limit = 2**62 if final else start + cut  # events placed before this are reached
        complete = TradeColumns(
            prints.exchange_ns[:cut],
            prints.receive_ns[:cut],
            prints.price_ticks[:cut],
            prints.qty_lots[:cut],
            prints.side[:cut],
            prints.trade_id[:cut],
        )
        orders = orders_of(complete, start, self.scale, starts)
        out: Emitted = []
        for det in (self.large, self.absorption, self.exhaustion, self.divergence):
            if det is not None:
                det.on_orders(orders, out)
        if self.stacked is not None:
            self._bars(limit, orders, out)
            self.stacked.on_orders(orders)
        self._liquidations(prints, start, limit, out)
        if self._log is not None:
            self._changes.extend(self._log.items)
            self._log.items.clear()
            reached = bisect_left(self._changes, limit, key=_BEFORE)  # positions never go back
            ready = self._changes[:reached]
            del self._changes[:reached]
            self._book(ready, complete, start, orders, out)
        if cut:
            self._last_ticks = int(complete.price_ticks[cut - 1])
        if orders.size:
            self._typical = orders.typical[-1]
        self._cursor = start + cut
        out.sort(key=lambda e: (e[0], e[1]))
        return [sig for _, _, sig in out]

    def _bars(self, limit: int, orders: Orders, out: Emitted) -> None:
        assert self.stacked is not None
        series = self.market.bars
        while True:
            i = self._bar_no - series.dropped_count
            if i < 0:  # dropped before we read it (over max_bars in one batch): skip
                self._bar_no = series.dropped_count
                continue
            if i >= len(series.bars) or not series.bars[i].closed:
                return
            bar = series.bars[i]
            pos = self._bar_pos + bar.trades
            if pos >= limit:
                return
            k = bisect_left(orders.pos, pos)  # the closing order: its typical size
            typical = orders.typical[k] if k < orders.size else self._typical
            self.stacked.on_bar(bar, pos, typical, out)
            self._bar_no += 1
            self._bar_pos = pos

    def _liquidations(self, prints: TradeColumns, start: int, limit: int, out: Emitted) -> None:
        liqs = self.market.liquidations
        if self._liq_last is not None and (
            self._liq_seen > len(liqs) or liqs[self._liq_seen - 1] is not self._liq_last
        ):  # the market trimmed its list: find where we were
            self._liq_seen = next((k + 1 for k, x in enumerate(liqs) if x is self._liq_last), 0)
        if len(liqs) > self._liq_seen:
            recv = prints.receive_ns
            for liq in liqs[self._liq_seen :]:
                self._liqs.append((start + int(np.searchsorted(recv, liq.receive_ns, "left")), liq))
            self._liq_seen = len(liqs)
            self._liq_last = liqs[-1]
        if not self._liqs:
            return
        reached = 0
        while reached < len(self._liqs) and self._liqs[reached][0] < limit:
            if self.cascade is not None:
                pos, liq = self._liqs[reached]
                self.cascade.on_liquidation(liq, pos, out)
            reached += 1
        del self._liqs[:reached]

    def _book(
        self, ready: list[Compact], prints: TradeColumns, start: int, orders: Orders, out: Emitted
    ) -> None:
        """Depth changes and the orders between them, in the order the market applied them."""
        mirror = self._mirror
        iceberg, wall, sweep = self.iceberg, self.wall, self.sweep
        befores = np.fromiter(map(_BEFORE, ready), np.int64, len(ready))
        # lots executed per (segment between changes, book side, price), in order
        n = prints.size
        if n and (iceberg is not None or wall is not None):
            seg = np.searchsorted(befores, np.arange(start, start + n), "right")
            book_side = -prints.side.astype(np.int64)
            order = np.lexsort((prints.price_ticks, book_side, seg))
            k_seg, k_side, k_price = seg[order], book_side[order], prints.price_ticks[order]
            new = np.ones(n, bool)
            new[1:] = (np.diff(k_seg) != 0) | (np.diff(k_side) != 0) | (np.diff(k_price) != 0)
            heads = np.flatnonzero(new)
            e_seg = k_seg[heads].tolist()
            e_key = list(zip(k_side[heads].tolist(), k_price[heads].tolist(), strict=True))
            e_lots = np.add.reduceat(prints.qty_lots[order], heads).tolist()
        else:
            e_seg, e_key, e_lots = [], [], []
        sweeps = sweep.candidates(orders) if sweep is not None else []
        s_seg = np.searchsorted(
            befores, np.asarray([orders.pos[i] for i in sweeps], np.int64), "right"
        ).tolist()
        last_rel = (befores - 1 - start).tolist()
        prices = prints.price_ticks.tolist()  # read at a few changes each: a list, not numpy scalars
        typ_idx = (np.searchsorted(np.asarray(orders.pos, np.int64), befores, "left") - 1).tolist()
        last = self._last_ticks
        typical = self._typical
        ei = si = 0
        n_e, n_s = len(e_seg), len(sweeps)
        e_next = e_seg[0] if n_e else 2**62
        s_next = s_seg[0] if n_s else 2**62
        bids_update, asks_update = mirror.bids.update, mirror.asks.update
        for j, change in enumerate(ready):
            before, ts_ns, snapshot, bids, asks = change
            while e_next <= j:
                if iceberg is not None:
                    iceberg.executed(e_key[ei], e_lots[ei])
                if wall is not None:
                    wall.traded(e_key[ei], e_lots[ei])
                ei += 1
                e_next = e_seg[ei] if ei < n_e else 2**62
            while s_next <= j:
                assert sweep is not None
                sweep.judge(orders, sweeps[si], mirror, out)
                si += 1
                s_next = s_seg[si] if si < n_s else 2**62
            if snapshot:
                if iceberg is not None:
                    iceberg.reset()
                if wall is not None:
                    wall.reset()
                mirror.apply(change)
                bids_update, asks_update = mirror.bids.update, mirror.asks.update
                continue
            busy = iceberg is not None and iceberg.pending
            watch = wall is not None and ts_ns >= wall.next_scan_ns
            if not (busy or watch):
                bids_update(bids)
                asks_update(asks)
                continue
            if last_rel[j] >= 0:
                last = prices[last_rel[j]]
            if typ_idx[j] >= 0:
                typical = orders.typical[typ_idx[j]]
            if busy:  # judged on the book before the change, with the sizes the change names
                assert iceberg is not None
                iceberg.on_change(
                    bids, asks, mirror, ts_ns=ts_ns, last_ticks=last, typical=typical, pos=before, out=out
                )
            bids_update(bids)
            asks_update(asks)
            if watch:
                assert wall is not None
                wall.after_change(mirror, ts_ns, last, before, out)
        mirror.prune()
        for k in range(ei, n_e):
            if iceberg is not None:
                iceberg.executed(e_key[k], e_lots[k])
            if wall is not None:
                wall.traded(e_key[k], e_lots[k])
        for k in range(si, n_s):
            assert sweep is not None
            sweep.judge(orders, sweeps[k], mirror, out)
