"""The composition root: one place that puts a source, the views, the desk and the window together.

The app, the benchmarks and the window tests must run the same wiring, or a benchmark measures
a window the app never builds. The wiring is: the window's frame clock and the trading desk bind
to the source's market now and again on every new session (restart, backward seek, loop,
reconnect); the desk sees every batch as it is applied, before any frame is painted (the paper
exchange fills on the data, not on the frames). Whatever the source is (replay, live,
synthetic), it is seen through `MarketSource` only (app/feeds/source.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.feeds.source import MarketBinding, MarketSource, Unsubscribe
from app.storage.journal import Journal
from app.storage.layouts import LayoutStore
from app.storage.recent_markets import Market, RecentMarkets
from app.storage.settings import SettingsStore
from app.ui.frame_clock import DEFAULT_HZ
from app.ui.idle_gc import IDLE_GC
from app.ui.main_window import MainWindow
from app.ui.market_picker import ListSymbols
from app.ui.open_recording import RecordingOpening
from app.ui.signal_desk import SignalDesk, install_signals
from app.ui.signal_wiring import SignalWiring
from app.ui.trade_review import OriginOf, ReviewHandoff, TradeReview
from app.ui.trading_desk import TradingDesk
from widgets.base import MarketView


@dataclass(frozen=True)
class DeskStores:
    """Where the paper account lives: its journal and the trading settings."""

    journal: Journal
    settings: SettingsStore


@dataclass
class Workstation:
    """A source wired to a window (and a desk, when trading): what `compose` built."""

    source: MarketSource
    window: MainWindow
    desk: TradingDesk | None
    _unsubscribe: list[Unsubscribe] = field(default_factory=list)
    signal_desk: SignalDesk | None = None
    review: TradeReview | None = None  # Trades view → Review (app/ui/trade_review.py)

    @property
    def signals(self) -> SignalWiring | None:
        return None if self.signal_desk is None else self.signal_desk.wiring

    def detach(self) -> None:
        """Stop listening to the source (the window and desk no longer follow it)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        if self.signal_desk is not None:
            self.signal_desk.close()

    def close(self) -> None:
        """Detach and close the desk's journal (after the window has closed)."""
        self.detach()
        if self.desk is not None:
            self.desk.close()


def compose(
    source: MarketSource,
    views: Sequence[MarketView],
    layouts: LayoutStore,
    *,
    stores: DeskStores | None = None,
    hz: int = DEFAULT_HZ,
    on_close: Callable[[], None] | None = None,
    screenshot: Path | None = None,
    on_open_market: Callable[[Market], object] | None = None,
    recent: RecentMarkets | None = None,
    list_symbols: ListSymbols | None = None,
    idle_gc: bool = False,
    recordings: RecordingOpening | None = None,
    review: ReviewHandoff | None = None,
) -> Workstation:
    """Build the window on `source` with `views`; with `stores`, a SIM trading desk too.

    `idle_gc`: collect garbage between frames (app/ui/idle_gc.py), as the app does; off by
    default so that tests which build many windows leave the collector as they found it.
    `review`: a trade review the previous window asked this one to show (app/ui/trade_review.py).
    """
    binding = source.binding
    desk: TradingDesk | None = None
    if stores is not None:
        desk = TradingDesk(
            binding.instrument,
            stores.journal,
            stores.settings,
            views,
            clock_ns=lambda: source.market_ns,
            sessions=binding.market.sessions,
            origin=OriginOf(source),
        )
        desk.bind(binding.market)
    window = MainWindow(
        source,
        views,
        layouts,
        hz=hz,
        on_close=on_close,
        screenshot=screenshot,
        desk=desk,
        on_open_market=on_open_market,
        recent=recent,
        list_symbols=list_symbols,
        recordings=recordings,
    )
    unsubscribe = [source.subscribe_sessions(window.on_session)]
    if desk is not None:
        trading = desk

        def rebind_desk(new: MarketBinding) -> None:
            trading.bind(new.market)

        unsubscribe += [source.subscribe_sessions(rebind_desk), source.subscribe_batches(trading.on_batch)]
        trading.acted.connect(window.frames.request_frame)
    if idle_gc:
        window.frames.use_idle_gc(IDLE_GC)
    # after the window: the views rebind to a new session before the engine does
    signal_desk = install_signals(source, window, stores.settings.path.parent if stores is not None else None)
    reviews = TradeReview(window, desk, source, review) if desk is not None else None
    return Workstation(source, window, desk, unsubscribe, signal_desk, reviews)
