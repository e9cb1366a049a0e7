"""What the DOM ladder shows, as plain data: rows of price, sizes, traded volume and pulling/stacking.

Kept apart from drawing so that tests read exactly the text the user sees, and the paint item
only draws `rows`/`totals`. Centring lives here too: it is a rule about which prices are on
screen, not about pixels.

Grouping follows the book (docs/ARCHITECTURE.md, "Numbers"): a row at price P of group g holds bids
P..P+g-1 (round down) and asks P-g+1..P (round up). Traded volume and pulling/stacking follow the
liquidity they touch: sell-aggressor prints and bid P/S round down with the bids, buy-aggressor
prints and ask P/S round up with the asks, so a print lands on the row of the size it hit. Session
volume is buy + sell of the session with the same rule."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.core.instrument import Instrument
from app.core.level_flow import PeriodVolume, PullStack
from app.core.market import Changed, MarketState
from app.core.tape import TapeCursor
from app.core.units import NS_PER_S
from widgets.base.cache import BoundedCache
from widgets.base.fmt import compact_qty
from widgets.ladder.row_sums import row_sums
from widgets.ladder.scale import CalmScale
from widgets.ladder.settings import LadderSettings

EDGE_ROWS = 3  # static mode re-centres when the inside market comes this close to an edge...
EDGE_FRACTION = 5  # ...or within 1/5 of the rows, so the thin side always shows enough levels to read
_TEXT_CACHE_MAX = 20_000
# The ladder columns each field of a row key (see `_set_rows`) is drawn in: a row whose bid size alone
# changed repaints the bid cell and its P/S, not the whole row (most dirty rows change one or two
# numbers of ten). The price field changes only with the grid, and then the whole row is new.
_FIELD_COLUMNS: tuple[frozenset[str], ...] = tuple(
    frozenset(cols)
    for cols in (
        ("price",),
        ("bid",),
        ("ask",),
        ("buy",),
        ("sell",),
        ("session",),
        ("ps_bid",),
        ("ps_ask",),
        ("bid", "price"),  # is_best_bid: the bid's bold text and the price cell's colour
        ("ask", "price"),
        ("price",),  # is_last_trade: the price cell's frame
    )
)
_BAR_COLUMNS = frozenset(("bid", "ask"))
_SESSION_COLUMNS = frozenset(("session",))


# price, bid, ask, buys, sells, session, P/S bid, P/S ask; is it the best bid, the best ask, the last trade
_RowKey = tuple[int, int, int, int, int, int, int, int, bool, bool, bool]
# (its key), recent buys, recent sells, session volume, lots traded against bids and against asks
_TradedRows = tuple[tuple[int, int, int, int, int], list[int], list[int], list[int], list[int], list[int]]


@dataclass(frozen=True, slots=True)
class LadderRow:
    """One price row exactly as shown (texts are empty where the ladder shows nothing)."""

    price_ticks: int
    price_text: str
    bid_lots: int
    ask_lots: int
    buy_recent_lots: int
    sell_recent_lots: int
    session_lots: int
    pull_stack_bid_lots: int
    pull_stack_ask_lots: int
    is_best_bid: bool
    is_best_ask: bool
    is_last_trade: bool
    bid_text: str
    ask_text: str
    buy_recent_text: str
    sell_recent_text: str
    session_text: str
    pull_stack_bid_text: str
    pull_stack_ask_text: str


@dataclass(frozen=True, slots=True)
class LadderTotals:
    """The footer: sums over the visible rows (per-level P/S moves too fast to read alone)."""

    pull_stack_bid_lots: int = 0
    pull_stack_ask_lots: int = 0
    buy_recent_lots: int = 0
    sell_recent_lots: int = 0
    pull_stack_bid_text: str = ""
    pull_stack_ask_text: str = ""
    buy_recent_text: str = ""
    sell_recent_text: str = ""


class LadderModel:
    """Accumulators fed incrementally from the market, the centring state, and the visible rows."""

    def __init__(self) -> None:
        self.settings = LadderSettings()
        self.market: MarketState | None = None
        self.row_count = 40
        self.centre_ticks: int | None = None  # price of row `row_count // 2`
        self.hovered = False
        self.scrolled = False  # the user scrolled: hold still until recenter() (see _centre)
        self._recenter_requested = False
        self.rows: tuple[LadderRow, ...] = ()
        self.totals = LadderTotals()
        self.dirty_rows: frozenset[int] = frozenset()  # indices of rows changed by the last update
        # per dirty row, the columns whose cells changed (None: the whole row, a new row)
        self.dirty_cells: dict[int, frozenset[str] | None] = {}
        self.totals_dirty = False
        self.totals_cells: frozenset[str] = frozenset()  # the footer's columns whose sums changed
        self.shift_rows = 0  # the last update moved the prices by this many rows (see _set_rows)
        self._bar_scale = CalmScale()
        self._session_scale = CalmScale()
        self._now_ns = 0
        self._row_keys: list[_RowKey] = []
        self._totals_lots = LadderTotals()
        self.last_trade_ticks: int | None = None
        self._last_trade_side = 0
        self._cursor = TapeCursor()
        self.recent = PeriodVolume.every(self.settings.recent_reset_s * NS_PER_S)
        self.session: PeriodVolume | None = None
        self.flow = PullStack()
        self._flow_period: int | None = None
        self._base_cache: tuple[tuple[int, int, int, int], list[int], list[int]] | None = None
        self._flow_generation = 0
        self._traded_cache: _TradedRows | None = None
        self._volume_generation = 0  # moves whenever recent or session volume may have changed
        self._qty_text: BoundedCache[int, str] = BoundedCache(_TEXT_CACHE_MAX)
        self._price_text: BoundedCache[int, str] = BoundedCache(_TEXT_CACHE_MAX)
        self._dirty = True

    # -- inputs ---------------------------------------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        self.market = market
        self.centre_ticks = None
        self.scrolled = False
        self.rows = ()
        self.totals = LadderTotals()
        self._row_keys = []
        self._totals_lots = LadderTotals()
        self._bar_scale = CalmScale()
        self._session_scale = CalmScale()
        self.last_trade_ticks = None
        self._last_trade_side = 0
        self._qty_text.clear()
        self._price_text.clear()
        self.flow = PullStack()
        self._flow_period = None
        self._base_cache = None
        self._rebuild_volume()
        self._dirty = True

    def _rebuild_volume(self) -> None:
        """Recent and session volume from the whole tape (a new market or a new reset window)."""
        self._volume_generation += 1
        self.recent = PeriodVolume.every(self.settings.recent_reset_s * NS_PER_S)
        market = self.market
        if market is None:
            self.session = None
            self._cursor.reset()
            return
        self.session = PeriodVolume.per_session(market.sessions)
        prints = market.tape.all()
        self.recent.add(prints.exchange_ns, prints.price_ticks, prints.qty_lots, prints.side)
        self.session.add(prints.exchange_ns, prints.price_ticks, prints.qty_lots, prints.side)
        if prints.size:
            self.last_trade_ticks = int(prints.price_ticks[-1])
            self._last_trade_side = int(prints.side[-1])
        self._cursor.skip(market.tape)

    def set_settings(self, settings: LadderSettings) -> None:
        old, self.settings = self.settings, settings
        if settings.group_ticks != old.group_ticks:
            self.centre_ticks = None  # the grid changed: centre it afresh
            self.scrolled = False
            self._bar_scale = CalmScale()  # grouped sizes are larger
            self._session_scale = CalmScale()
        if settings.recent_reset_s != old.recent_reset_s:
            self._rebuild_volume()
            self._flow_period = None
        self._dirty = True

    def set_row_count(self, rows: int) -> None:
        rows = max(1, rows)
        if rows != self.row_count:
            self.row_count = rows
            self._dirty = True

    def set_hovered(self, hovered: bool) -> None:
        """Mis-click protection: while the mouse is over the ladder its prices never move by themselves."""
        self.hovered = hovered
        self._dirty = True

    def scroll(self, rows: int) -> None:
        """Move the window `rows` rows up (toward higher prices; negative: down) and hold it there."""
        if self.centre_ticks is None or rows == 0:
            return
        self.centre_ticks += rows * self.settings.group_ticks
        self.scrolled = True
        self._dirty = True

    def recenter(self) -> None:
        """Centre on the inside market at the next update, even while hovered (an explicit request)."""
        self._recenter_requested = True
        self.scrolled = False
        self._dirty = True

    def clear_recent(self) -> None:
        """The "clear" action: recent volume and pulling/stacking start again from now."""
        self.recent.clear()
        self._volume_generation += 1
        if self.market is not None:
            self.flow.start(self.market.book)
            self._flow_generation += 1
        self._dirty = True

    # -- the update (once per frame) ------------------------------------------------------------

    def update(self, changed: int, now_ns: int) -> bool:
        """Pull new prints, roll windows, centre and rebuild the rows; True if what is shown changed."""
        market = self.market
        self._now_ns = now_ns
        if market is None:
            changed_rows = bool(self.rows)
            self._set_rows([], LadderTotals())
            return changed_rows
        prints = None
        if changed & Changed.TAPE or self._cursor.pending(market.tape):
            prints = self._cursor.take(market.tape)
        rolled = self.recent.advance(now_ns)
        if self.session is not None:
            rolled |= self.session.advance(now_ns)
        if rolled:
            self._volume_generation += 1
        if prints is not None and prints.size:
            self._volume_generation += 1
            ns, price, qty, side = prints.exchange_ns, prints.price_ticks, prints.qty_lots, prints.side
            self.recent.add(ns, price, qty, side)
            if self.session is not None:
                self.session.add(ns, price, qty, side)
            self.last_trade_ticks = int(price[-1])
            self._last_trade_side = int(side[-1])
        book = market.book
        if self.flow.stale(book) or self.recent.period != self._flow_period:
            self.flow.start(book)
            self._flow_period = self.recent.period
            self._flow_generation += 1
        elif prints is not None and prints.size:
            self.flow.on_trades(prints.price_ticks, prints.qty_lots, prints.side)
        moved = self._centre()
        if not (self._dirty or moved or rolled or changed or prints is not None):
            return False
        self._dirty = False
        self._build_rows()
        return bool(self.dirty_rows) or self.totals_dirty

    def _inside_rows(self) -> tuple[int | None, int | None, float | None]:
        """Row prices of the best bid and ask, and the mid price in ticks (None where a side is empty)."""
        assert self.market is not None
        g = self.settings.group_ticks
        bb = self.market.book.best_bid
        ba = self.market.book.best_ask
        bid_row = None if bb is None else (bb // g) * g
        ask_row = None if ba is None else -(-ba // g) * g
        if bb is not None and ba is not None:
            mid: float | None = (bb + ba) / 2
        else:
            mid = bb if bb is not None else ba
        return bid_row, ask_row, mid

    def _row_index(self, price_ticks: int) -> int:
        assert self.centre_ticks is not None
        return self.row_count // 2 - (price_ticks - self.centre_ticks) // self.settings.group_ticks

    def _near_edge(self, bid_row: int | None, ask_row: int | None) -> bool:
        edge = min(max(EDGE_ROWS, self.row_count // EDGE_FRACTION), self.row_count // 4)
        top = ask_row if ask_row is not None else bid_row
        bottom = bid_row if bid_row is not None else ask_row
        assert top is not None and bottom is not None
        return self._row_index(top) < edge or self._row_index(bottom) > self.row_count - 1 - edge

    def _visible(self, price_ticks: int) -> bool:
        return 0 <= self._row_index(price_ticks) < self.row_count

    def _centre(self) -> bool:
        """Apply the centring rule; True if the centre moved.

        Order of precedence: an explicit recenter() always wins; then nothing moves while the
        mouse is over the ladder; after a wheel scroll the ladder acts as static-until-edge, but
        only while the inside market is on screen (a trader who scrolled it away to read far
        levels is not yanked back); otherwise the centring setting decides.
        """
        bid_row, ask_row, mid = self._inside_rows()
        if mid is None:
            return False
        g = self.settings.group_ticks
        target = (int(mid // 1) // g) * g
        if self.centre_ticks is None or self._recenter_requested:
            self._recenter_requested = False
            self.scrolled = False
            return self._move_to(target)
        if self.hovered:
            return False
        mode = self.settings.centering
        if self.scrolled:
            inside = [p for p in (bid_row, ask_row) if p is not None]
            if all(self._visible(p) for p in inside) and self._near_edge(bid_row, ask_row):
                self.scrolled = False
                return self._move_to(target)
            return False
        if mode == "continuous":
            return self._move_to(target)
        if self._near_edge(bid_row, ask_row):
            return self._move_to(target)
        if mode == "ticks" and abs(mid - self.centre_ticks) >= self.settings.recenter_ticks:
            return self._move_to(target)
        return False

    def _move_to(self, centre_ticks: int) -> bool:
        moved = centre_ticks != self.centre_ticks
        self.centre_ticks = centre_ticks
        return moved

    # -- rows -----------------------------------------------------------------------------------

    @property
    def bar_scale_lots(self) -> int:
        """The bid/ask size that fills a bar (larger sizes are clamped to a full bar)."""
        return self._bar_scale.lots

    @property
    def session_scale_lots(self) -> int:
        return self._session_scale.lots

    @property
    def lowest_row_ticks(self) -> int:
        assert self.centre_ticks is not None
        n = self.row_count
        return self.centre_ticks - (n - 1 - n // 2) * self.settings.group_ticks

    def _qty(self, instrument: Instrument, lots: int, signed: bool = False) -> str:
        if lots == 0:
            return ""
        cache = self._qty_text
        text = cache.get(lots)
        if text is None:
            text = cache.put(lots, compact_qty(instrument, lots))
        return "+" + text if signed and lots > 0 else text

    def _price(self, instrument: Instrument, ticks: int) -> str:
        cache = self._price_text
        text = cache.get(ticks)
        if text is None:
            text = cache.put(ticks, instrument.price_str(ticks))
        return text

    def _flow_rows(self, lo: int, n: int, now_b: list[int], now_a: list[int]) -> tuple[list[int], list[int]]:
        """Pulling/stacking per row from the grouped book now; the baseline grouping is cached."""
        g = self.settings.group_ticks
        flow = self.flow
        key = (g, lo, n, self._flow_generation)
        cache = self._base_cache
        if cache is None or cache[0] != key:
            base_b = row_sums(flow.base_bids, g, lo, n, round_up=False)
            base_a = row_sums(flow.base_asks, g, lo, n, round_up=True)
            cache = self._base_cache = (key, base_b, base_a)
        _, base_b, base_a = cache
        _, _, _, _, used_b, used_a = self._traded_rows(lo, n)
        bid = [a - b + c for a, b, c in zip(now_b, base_b, used_b, strict=True)]
        ask = [a - b + c for a, b, c in zip(now_a, base_a, used_a, strict=True)]
        return bid, ask

    def _traded_rows(self, lo: int, n: int) -> _TradedRows:
        """Per row: recent buys and sells, session volume, and the lots traded against bids and asks
        since the P/S window began. Only prints, a new period or another grid change them, so a
        frame of depth updates alone reuses them."""
        g = self.settings.group_ticks
        key = (g, lo, n, self._volume_generation, self._flow_generation)
        cache = self._traded_cache
        if cache is not None and cache[0] == key:
            return cache
        buys = row_sums(self.recent.buy, g, lo, n, round_up=True)
        sells = row_sums(self.recent.sell, g, lo, n, round_up=False)
        if self.session is not None:
            s_buy = row_sums(self.session.buy, g, lo, n, round_up=True)
            s_sell = row_sums(self.session.sell, g, lo, n, round_up=False)
            session = [a + b for a, b in zip(s_buy, s_sell, strict=True)]
        else:
            session = [0] * n
        used_b = row_sums(self.flow.consumed_bids, g, lo, n, round_up=False)
        used_a = row_sums(self.flow.consumed_asks, g, lo, n, round_up=True)
        cache = self._traded_cache = (key, buys, sells, session, used_b, used_a)
        return cache

    def _build_rows(self) -> None:
        """The visible rows; a row whose numbers did not change keeps its LadderRow (and is not dirty)."""
        market = self.market
        assert market is not None
        if self.centre_ticks is None:
            self._set_rows([], LadderTotals())
            return
        inst = market.instrument
        book = market.book
        g = self.settings.group_ticks
        n = self.row_count
        lo = self.lowest_row_ticks
        bids = row_sums(book.bids, g, lo, n, round_up=False)
        asks = row_sums(book.asks, g, lo, n, round_up=True)
        _, buys, sells, session, _, _ = self._traded_rows(lo, n)
        ps_bid, ps_ask = self._flow_rows(lo, n, bids, asks)
        bid_row, ask_row, _ = self._inside_rows()
        last = self.last_trade_ticks
        if last is not None:
            last = -(-last // g) * g if self._last_trade_side > 0 else (last // g) * g
        top = lo + (n - 1) * g
        prices = range(top, lo - 1, -g)  # top row first: highest price
        # row i of the screen is index n - 1 - i of the sums: read them backwards
        keys = list(
            zip(
                prices,
                reversed(bids),
                reversed(asks),
                reversed(buys),
                reversed(sells),
                reversed(session),
                reversed(ps_bid),
                reversed(ps_ask),
                _flags(top, g, n, bid_row),
                _flags(top, g, n, ask_row),
                _flags(top, g, n, last),
                strict=True,
            )
        )
        t = LadderTotals(sum(ps_bid), sum(ps_ask), sum(buys), sum(sells))
        totals = self.totals if t == self._totals_lots else self._totals_text(inst, t)
        self._totals_lots = t
        self._set_rows(keys, totals)
        now = self._now_ns
        bar = self._bar_scale.update(max(max(bids, default=0), max(asks, default=0)), now)
        session_bar = self._session_scale.update(max(session, default=0), now)
        if bar or session_bar:  # every bar changes length: its cells on every row
            bars = (_BAR_COLUMNS if bar else frozenset()) | (_SESSION_COLUMNS if session_bar else frozenset())
            cells = self.dirty_cells
            for i in range(len(self.rows)):
                had = cells.get(i, frozenset())
                cells[i] = None if had is None else had | bars
            self.dirty_rows = frozenset(cells)

    def _set_rows(self, keys: list[_RowKey], totals: LadderTotals) -> None:
        """Take the new row keys (price, sizes, volumes, P/S, the three inside flags), top first:
        rebuild only the rows whose key changed, and record which of their cells did."""
        old_keys, old_rows = self._row_keys, self.rows
        same_grid = len(old_keys) == len(keys)
        shift = 0  # rows the old content moves down (the prices moved up) to stay at its price
        if same_grid and keys and old_keys:
            g = self.settings.group_ticks
            shift, off = divmod(int(keys[0][0]) - int(old_keys[0][0]), g)
            if off or abs(shift) >= len(keys):
                same_grid, shift = False, 0
        n = len(keys)
        if shift:
            old_keys = [old_keys[i - shift] if 0 <= i - shift < n else () for i in range(n)]
            old_rows = tuple(old_rows[i - shift] if 0 <= i - shift < n else old_rows[0] for i in range(n))
        dirty: dict[int, frozenset[str] | None] = {}
        if same_grid:
            rows = list(old_rows)
            changed = [i for i, old, new in zip(range(n), old_keys, keys, strict=True) if old != new]
        else:
            rows = [old_rows[0]] * n if old_rows else []
            changed = list(range(n))
        if changed:
            assert self.market is not None
            inst = self.market.instrument
            for i in changed:
                key = keys[i]
                if rows:
                    rows[i] = self._row(inst, key)
                dirty[i] = _changed_columns(old_keys[i], key) if same_grid else None
            if not rows:
                rows = [self._row(inst, key) for key in keys]
        self._row_keys = keys
        self.shift_rows = shift
        self.rows = tuple(rows)
        self.dirty_cells = dirty
        self.dirty_rows = frozenset(dirty)
        self.totals_dirty = totals != self.totals
        self.totals_cells = _changed_totals(self.totals, totals) if self.totals_dirty else frozenset()
        self.totals = totals

    def _row(self, inst: Instrument, key: _RowKey) -> LadderRow:
        """The row as shown, from its key (positional: this runs for every changed row of a frame)."""
        price, bid, ask, buy, sell, session, ps_b, ps_a, is_bid, is_ask, is_last = key
        qty = self._qty_text.get
        return LadderRow(
            price,
            self._price(inst, price),
            bid,
            ask,
            buy,
            sell,
            session,
            ps_b,
            ps_a,
            is_bid,
            is_ask,
            is_last,
            (qty(bid) or self._qty(inst, bid)) if bid else "",
            (qty(ask) or self._qty(inst, ask)) if ask else "",
            (qty(buy) or self._qty(inst, buy)) if buy else "",
            (qty(sell) or self._qty(inst, sell)) if sell else "",
            (qty(session) or self._qty(inst, session)) if session else "",
            self._qty(inst, ps_b, signed=True) if ps_b else "",
            self._qty(inst, ps_a, signed=True) if ps_a else "",
        )

    def _totals_text(self, inst: Instrument, t: LadderTotals) -> LadderTotals:
        qty = self._qty
        return replace(
            t,
            pull_stack_bid_text=qty(inst, t.pull_stack_bid_lots, signed=True),
            pull_stack_ask_text=qty(inst, t.pull_stack_ask_lots, signed=True),
            buy_recent_text=qty(inst, t.buy_recent_lots),
            sell_recent_text=qty(inst, t.sell_recent_lots),
        )


def _changed_columns(old: _RowKey | tuple[()], new: _RowKey) -> frozenset[str] | None:
    """The columns to repaint for a row whose key went from `old` to `new` (None: all of it)."""
    if len(old) != len(new) or old[0] != new[0]:
        return None
    out: frozenset[str] = frozenset()
    for cols, a, b in zip(_FIELD_COLUMNS, old, new, strict=True):
        if a != b:
            out |= cols
    return out


def _changed_totals(old: LadderTotals, new: LadderTotals) -> frozenset[str]:
    """The footer columns whose text changed between two totals."""
    pairs = (
        ("ps_bid", old.pull_stack_bid_text, new.pull_stack_bid_text),
        ("ps_ask", old.pull_stack_ask_text, new.pull_stack_ask_text),
        ("buy", old.buy_recent_text, new.buy_recent_text),
        ("sell", old.sell_recent_text, new.sell_recent_text),
    )
    return frozenset(key for key, a, b in pairs if a != b)


def _flags(top_ticks: int, group_ticks: int, rows: int, price_ticks: int | None) -> list[bool]:
    """Per row, top first: whether the row is at `price_ticks` (one row at most)."""
    out = [False] * rows
    if price_ticks is not None:
        i, off = divmod(top_ticks - price_ticks, group_ticks)
        if not off and 0 <= i < rows:
            out[i] = True
    return out
