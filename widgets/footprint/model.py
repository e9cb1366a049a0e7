"""The footprint chart's model: its own bar series, per-bar analyses, zones, texts.

The view owns a `FootprintSeries` of its own (the user's bar type and grouping need not be the
market's), fed from the tape. Closed bars are analysed once and cached; the open bar is
re-analysed only when the series changed. The paint and the test accessors (`cells`,
`stats_rows`) read the same analyses and the same text function, so tests see what is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core.footprint import FootprintBar, FootprintSeries
from app.core.footprint_view_model import BarAnalysis, OpenBarLevels, Zone, ZoneTracker, analyse_bar
from app.core.instrument import Instrument
from app.core.sessions import SessionSchedule
from app.core.tape import TradeColumns
from widgets.base.cache import BoundedCache
from widgets.base.fmt import clock_text, compact_qty, hold_text
from widgets.footprint.settings import FootprintSettings

_TEXT_CACHE_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class FootprintCell:
    """One cell as drawn: bar number (x), group key (y), sizes and the text in the cell."""

    bar_index: int
    price_ticks: int
    buy_lots: int
    sell_lots: int
    text: str
    is_poc: bool
    in_value_area: bool
    buy_imbalance: bool
    sell_imbalance: bool


@dataclass(frozen=True, slots=True)
class StatsRow:
    """One statistics row: its label and one text per bar shown (with the raw values)."""

    label: str
    bar_indexes: tuple[int, ...]
    values: tuple[int | None, ...]
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ZoneSet:
    """The chart's zones: `final` ones no longer change (a closed bar retested them), `naked` ones
    change when a bar closes or the open bar's range grows (`version` counts those changes), and
    the open bar's `own` ones (its stacks and POC) change with its prints."""

    final: tuple[Zone, ...]
    naked: tuple[Zone, ...]
    own: tuple[Zone, ...]
    version: int

    @property
    def live(self) -> tuple[Zone, ...]:
        """The zones a frame of new prints can change: drawn over the closed bars' layer."""
        return (*self.naked, *self.own)


STATS_LABELS = ("Volume", "Delta", "Max Δ", "Min Δ", "Δ change", "Trades", "Duration")


class FootprintModel:
    """Bars, analyses and texts for one market and one `FootprintSettings`."""

    def __init__(
        self, instrument: Instrument, settings: FootprintSettings, sessions: SessionSchedule | None = None
    ) -> None:
        self.instrument = instrument
        self.settings = settings
        self.series = FootprintSeries(settings.bar_spec(), sessions)
        self._analyses: dict[int, BarAnalysis] = {}
        self._open: tuple[int, BarAnalysis] | None = None  # (series version, analysis)
        self._open_levels = OpenBarLevels()
        self._tracker = ZoneTracker()
        self._tracked_through = -1  # last closed bar index fed to the tracker
        self._zones: tuple[int, ZoneSet] | None = None  # (series version, zones)
        # (what the naked zones depend on, the zones)
        self._zone_set: tuple[tuple[int, ...], ZoneSet] | None = None
        self._zone_version = 0
        self._qty_text: BoundedCache[int, str] = BoundedCache(_TEXT_CACHE_LIMIT)

    # -- data ----------------------------------------------------------------------------------

    def feed(self, cols: TradeColumns) -> None:
        if cols.size:
            self.series.add_trades(cols.exchange_ns, cols.price_ticks, cols.qty_lots, cols.side)
            self._open_levels.traded(cols.price_ticks, self.series.spec.group_ticks)

    def advance_to(self, now_ns: int) -> bool:
        return self.series.advance_to(now_ns)

    @property
    def version(self) -> int:
        return self.series.version

    @property
    def first_index(self) -> int:
        return self.series.dropped_count

    @property
    def last_index(self) -> int:
        """Number of the newest bar (first_index − 1 when there is none)."""
        return self.series.dropped_count + len(self.series.bars) - 1

    def prepare(self) -> None:
        """Analyse the open bar and update the zones now (the frame's refresh), so paint only draws."""
        self.analysis(self.last_index)
        self.zone_set()

    def bar(self, index: int) -> FootprintBar | None:
        i = index - self.series.dropped_count
        return self.series.bars[i] if 0 <= i < len(self.series.bars) else None

    def analysis(self, index: int) -> BarAnalysis | None:
        cached = self._analyses.get(index)
        if cached is not None:
            return cached
        bar = self.bar(index)
        if bar is None:
            return None
        if (
            not bar.closed
            and self._open is not None
            and self._open[0] == self.version
            and self._open[1].index == index
        ):
            return self._open[1]
        s = self.settings
        a = analyse_bar(
            bar,
            index,
            self.bar(index - 1),
            imbalance_ratio=s.imbalance_ratio,
            imbalance_min_lots=s.imbalance_min_lots,
            levels=None if bar.closed else self._open_levels.levels(bar),
        )
        if bar.closed:
            self._analyses[index] = a
            if len(self._analyses) > 2 * self.series.max_bars:
                for k in sorted(self._analyses)[: len(self._analyses) // 2]:
                    del self._analyses[k]
        else:
            self._open = (self.version, a)
        return a

    def zones(self) -> list[Zone]:
        """Stacked-imbalance zones and naked POCs, each extended until a later bar retests it."""
        z = self.zone_set()
        return [*z.final, *z.live]

    def zone_set(self) -> ZoneSet:
        """The zones split into final ones (retested by a closed bar) and live ones; the same object
        while nothing in it changed, which is most frames (a paint caches by its `version`)."""
        if self._zones is not None and self._zones[0] == self.version:
            return self._zones[1]
        bars = self.series.bars
        last_closed = self.last_index if bars and bars[-1].closed else self.last_index - 1
        start = max(self._tracked_through + 1, self.first_index, last_closed - 500)
        for k in range(start, last_closed + 1):
            a = self.analysis(k)
            assert a is not None
            self._tracker.close_bar(k, a.low_ticks, a.high_ticks, self._bar_zones(a))
        self._tracked_through = max(self._tracked_through, last_closed)
        open_a = self.analysis(self.last_index) if bars and not bars[-1].closed else None
        # the naked zones change only when a bar closes or the open bar's range grows
        key: tuple[int, ...] = (self._tracked_through,)
        own: tuple[Zone, ...] = ()
        if open_a is not None:
            key = (self._tracked_through, open_a.index, open_a.low_ticks, open_a.high_ticks)
            own = tuple(Zone(s, lo, hi, open_a.index, None) for s, lo, hi in self._bar_zones(open_a))
        old = self._zone_set
        if old is None or old[0] != key:
            if open_a is not None:
                naked = tuple(self._tracker.naked(open_a.index, open_a.low_ticks, open_a.high_ticks))
            else:
                naked = tuple(self._tracker.naked())
            self._zone_version += 1
            zs = ZoneSet(tuple(self._tracker.retested()), naked, own, self._zone_version)
        elif old[1].own != own:
            zs = replace(old[1], own=own)
        else:
            zs = old[1]
        self._zone_set = (key, zs)
        self._zones = (self.version, zs)
        return zs

    @staticmethod
    def _bar_zones(a: BarAnalysis) -> list[tuple[int, int, int]]:
        g = a.group_ticks
        out = [(st.side, st.low_ticks, st.high_ticks + g - 1) for st in a.stacks]
        if a.price_ticks.size:
            out.append((0, a.poc_ticks, a.poc_ticks + g - 1))
        return out

    # -- text ----------------------------------------------------------------------------------

    def qty_text(self, lots: int) -> str:
        text = self._qty_text.get(lots)
        if text is None:
            text = self._qty_text.put(lots, compact_qty(self.instrument, lots))
        return text

    def cell_text(self, buy_lots: int, sell_lots: int) -> tuple[str, str]:
        """(left, right) texts of a cell: sell × buy, or the delta / volume alone (left empty)."""
        mode = self.settings.cell_mode
        if mode == "bid_ask":
            return self.qty_text(sell_lots), self.qty_text(buy_lots)
        if mode == "delta":
            d = buy_lots - sell_lots
            return "", ("+" if d > 0 else "") + self.qty_text(d)
        return "", self.qty_text(buy_lots + sell_lots)

    def joined_text(self, buy_lots: int, sell_lots: int) -> str:
        left, right = self.cell_text(buy_lots, sell_lots)
        return f"{left} × {right}" if left else right

    def time_text(self, index: int) -> str:
        a = self.analysis(index)
        if a is None:
            return ""
        return clock_text(a.period_start_ns, millis=False)

    # -- what is on screen ---------------------------------------------------------------------

    def cells(self, first: int, last: int, low_ticks: int, high_ticks: int) -> list[FootprintCell]:
        """Cells of bars first..last whose group overlaps low_ticks..high_ticks, bar then price order."""
        out: list[FootprintCell] = []
        for k in range(max(first, self.first_index), min(last, self.last_index) + 1):
            a = self.analysis(k)
            assert a is not None
            g = a.group_ticks
            va_lo, va_hi = a.value_area
            for i, p in enumerate(a.price_ticks.tolist()):
                if p + g - 1 < low_ticks or p > high_ticks:
                    continue
                buy, sell = int(a.buy_lots[i]), int(a.sell_lots[i])
                out.append(
                    FootprintCell(
                        bar_index=k,
                        price_ticks=p,
                        buy_lots=buy,
                        sell_lots=sell,
                        text=self.joined_text(buy, sell),
                        is_poc=p == a.poc_ticks,
                        in_value_area=va_lo <= p <= va_hi,
                        buy_imbalance=bool(a.buy_imbalance[i]),
                        sell_imbalance=bool(a.sell_imbalance[i]),
                    )
                )
        return out

    def stats_rows(self, first: int, last: int) -> list[StatsRow]:
        idx = tuple(range(max(first, self.first_index), min(last, self.last_index) + 1))
        stats = []
        for k in idx:
            a = self.analysis(k)
            assert a is not None
            stats.append(a.stats)
        q = self.qty_text

        def signed(v: int | None) -> str:
            return "" if v is None else ("+" if v > 0 else "") + q(v)

        columns: list[tuple[tuple[int | None, ...], tuple[str, ...]]] = [
            (tuple(s.volume_lots for s in stats), tuple(q(s.volume_lots) for s in stats)),
            (tuple(s.delta_lots for s in stats), tuple(signed(s.delta_lots) for s in stats)),
            (tuple(s.max_delta_lots for s in stats), tuple(signed(s.max_delta_lots) for s in stats)),
            (tuple(s.min_delta_lots for s in stats), tuple(signed(s.min_delta_lots) for s in stats)),
            (tuple(s.delta_change_lots for s in stats), tuple(signed(s.delta_change_lots) for s in stats)),
            (tuple(s.trades for s in stats), tuple(str(s.trades) for s in stats)),
            (tuple(s.duration_ns for s in stats), tuple(hold_text(s.duration_ns) for s in stats)),
        ]
        return [
            StatsRow(label, idx, values, texts)
            for label, (values, texts) in zip(STATS_LABELS, columns, strict=True)
        ]
