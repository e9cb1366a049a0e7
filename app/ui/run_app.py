"""Start the workstation: Qt application, qasync loop, source task, window; clean shutdown.

This is where the concrete source is chosen (a replay of recordings, or a live venue); everything else is
built and wired by app/ui/compose.py. The startup (docs/ARCHITECTURE.md): `asyncio.Runner` with
a qasync loop factory, so the global event-loop policy is left alone; the app does not quit when
the last window closes, the window's closeEvent resolves a future instead, and the source task
is cancelled and awaited before the loop ends. A source task that dies of a bug is reported at
once, not at GC time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import qasync
from PySide6 import QtWidgets

from app.feeds.aggregate_open import LiveLeg, open_aggregate_live, open_aggregate_replay
from app.feeds.aggregate_source import AggregateSource
from app.feeds.live.endpoints import VENUE_ENDPOINTS, Endpoints
from app.feeds.live.record import open_live_feed, venue_symbols
from app.feeds.live.rest import RestError
from app.feeds.replay import ReplayError
from app.feeds.replay_feed import ReplayFeed
from app.feeds.source import MarketSource
from app.feeds.synthetic.source import SyntheticFeed
from app.feeds.synthetic.stream import SyntheticConfig
from app.storage.first_run import FirstRun
from app.storage.journal import Journal, data_dir, default_journal_path
from app.storage.layouts import LayoutStore
from app.storage.recent_markets import Market, RecentMarkets
from app.storage.recent_recordings import RecentRecordings
from app.storage.settings import SettingsStore
from app.storage.window_layouts import MarketSpec, SpecKind
from app.ui.aggregate_app import aggregate_views
from app.ui.app_icon import DESKTOP_FILE_NAME, app_icon
from app.ui.compose import DeskStores, compose
from app.ui.crash_reports import CrashReporter
from app.ui.frame_clock import DEFAULT_HZ
from app.ui.open_recording import RecordingOpening
from app.ui.run_report import run_report, write_run_report
from app.ui.theme import apply_theme
from app.ui.trade_review import ReviewHandoff
from app.ui.window_registry import WindowRegistry, WindowSlot, spec_opener
from app.venues.errors import UnknownInstrument
from widgets.account import AccountView
from widgets.alerts import AlertsView
from widgets.base import MarketView
from widgets.cvd import CvdView
from widgets.footprint import FootprintView
from widgets.ladder import LadderView
from widgets.tape import TapeView
from widgets.trades import TradesView

log = logging.getLogger(__name__)

ViewFactory = Callable[[], Sequence[MarketView]]


@dataclass(frozen=True)
class LiveChoice:
    """The live market the window opens on, and where its servers are."""

    venue: str
    symbol: str
    endpoints: Endpoints = VENUE_ENDPOINTS
    record: bool = True  # into the data dir's recordings/


def default_views() -> list[MarketView]:
    """The four order-flow views, the paper account's two and the signal log, in their default dock order."""
    return [LadderView(), FootprintView(), TapeView(), CvdView(), AccountView(), TradesView(), AlertsView()]


def run_gui(
    paths: Sequence[Path],
    *,
    live: LiveChoice | None = None,
    endpoints: Endpoints = VENUE_ENDPOINTS,
    speed: float = 1.0,
    loop: bool = True,
    exit_after_s: float | None = None,
    screenshot: Path | None = None,
    hz: int = DEFAULT_HZ,
    config_dir: Path | None = None,
    views: ViewFactory = default_views,
    started_s: float | None = None,
    log_path: Path | None = None,
    stats_out: Path | None = None,
    synthetic: SyntheticConfig | None = None,
    aggregate: bool = False,
    live_legs: Sequence[LiveLeg] = (),
) -> int:
    """Run the window on a replay of `paths` (or on the live market `live`, or on the synthetic
    market `synthetic`) until it is closed; returns the exit status.

    `started_s` (time.monotonic() when the process started work) lets the log say how long the
    first painted frame took (budget: 1 s, docs/ARCHITECTURE.md). `stats_out`: where the run
    report (app/ui/run_report.py) is written when the window closes.
    """
    started_s = time.monotonic() if started_s is None else started_s
    feed: MarketSource
    try:
        if live_legs or aggregate:  # several venues as one market (app/ui/aggregate_app.py)
            record_to = data_dir() / "recordings" if any(leg.record for leg in live_legs) else None
            feed = (
                asyncio.run(open_aggregate_live(live_legs, record_to))
                if live_legs
                else open_aggregate_replay(paths, speed, loop)
            )
            views = aggregate_views
        elif live is not None:
            record_dir = data_dir() / "recordings" if live.record else None
            feed = asyncio.run(open_live_feed(live.venue, live.symbol, live.endpoints, record_dir))
        elif synthetic is not None:
            feed = SyntheticFeed(synthetic, speed=speed)
        else:
            feed = ReplayFeed(paths, speed=speed, loop=loop)
    except (ReplayError, UnknownInstrument, RestError, ValueError) as exc:
        print(f"scalpdesk: {exc}", file=sys.stderr)
        return 1
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1] or ["scalpdesk"])
    assert isinstance(app, QtWidgets.QApplication)
    app.setApplicationName("Scalpdesk")
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(DESKTOP_FILE_NAME)  # so the desktop matches windows to the menu entry
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    opening = Opening(live.endpoints if live else endpoints, live.record if live else True, loop)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        if log_path is not None:  # the app proper: tests keep pytest-qt's own hooks
            CrashReporter(log_path.parent.parent / "crash-reports", log_path).install(runner.get_loop())
        return runner.run(
            _main(feed, views, exit_after_s, screenshot, hz, config_dir, started_s, opening, stats_out)
        )


@dataclass(frozen=True)
class Opening:
    """How markets and recordings picked in the window (File → Open live market… / Open
    recording…) are opened."""

    endpoints: Endpoints
    record: bool
    loop: bool = True  # replays of opened recordings start over at their end, as --replay does


async def _main(  # noqa: PLR0917 (private; one call site)
    source: MarketSource,
    views: ViewFactory,
    exit_after_s: float | None,
    screenshot: Path | None,
    hz: int,
    config_dir: Path | None,
    started_s: float,
    opening: Opening,
    stats_out: Path | None,
) -> int:
    """One window per source, as many at once as the user opens (app/ui/window_registry.py);
    opening another market in a window replaces that window and its source."""
    recent = RecentMarkets(config_dir)
    recent_recordings = RecentRecordings(config_dir)
    # The welcome, once, on the first interactive start: a scripted run (smoke test, screenshot)
    # must not use it up, nor have it on screen (app/ui/welcome_dialog.py).
    first_run = FirstRun(config_dir)
    greet = exit_after_s is None and screenshot is None and not first_run.welcomed()
    review = ReviewHandoff()  # a trade review asked for in one window, shown by the next
    layouts = LayoutStore(config_dir)  # one store for every window: no window's save undoes another's
    first = [True]

    async def run_window(slot: WindowSlot, source: MarketSource) -> bool:
        nonlocal greet
        is_first, first[0] = first[0], False
        failed = await _run_window(
            source,
            views,
            screenshot if is_first else None,
            hz,
            config_dir,
            started_s,
            opening,
            recent,
            recent_recordings,
            slot,
            layouts,
            stats_out,
            first_run if greet else None,
            review,
        )
        greet = False
        return failed

    record_dir = data_dir() / "recordings" if opening.record else None
    registry = WindowRegistry(run_window, spec_opener(opening.endpoints, record_dir, opening.loop))
    registry.open(source)
    if exit_after_s is not None:
        asyncio.get_running_loop().call_later(exit_after_s, registry.close_all)
    failed = await registry.wait()
    return 1 if failed else 0


async def _run_window(  # noqa: PLR0917 (private; one call site)
    source: MarketSource,
    views: ViewFactory,
    screenshot: Path | None,
    hz: int,
    config_dir: Path | None,
    started_s: float,
    opening: Opening,
    recent: RecentMarkets,
    recent_recordings: RecentRecordings,
    slot: WindowSlot,
    layouts: LayoutStore,
    stats_out: Path | None,
    greet: FirstRun | None,
    review: ReviewHandoff | None = None,
) -> bool:
    """Show the window on `source` until it is closed; True if the source crashed."""
    loop = asyncio.get_running_loop()
    closed: asyncio.Future[None] = loop.create_future()

    def on_close() -> None:
        if not closed.done():
            closed.set_result(None)

    async def open_market(market: Market) -> None:
        record_dir = data_dir() / "recordings" if opening.record else None
        try:
            new = await open_live_feed(market.venue, market.symbol, opening.endpoints, record_dir)
        except (UnknownInstrument, RestError, ValueError) as exc:
            window.status.show_notice(f"cannot open {market.key}: {exc}")
            return
        recent.add(market)
        slot.switch(new, MarketSpec(SpecKind.LIVE, venue=market.venue, symbol=market.symbol))

    def open_recordings(paths: Sequence[Path]) -> str | None:
        try:
            new = ReplayFeed(paths, loop=opening.loop)
        except ReplayError as exc:
            return str(exc)
        slot.switch(new, MarketSpec(SpecKind.REPLAY, paths=tuple(str(p) for p in paths)))
        return None

    stores = (
        None
        if isinstance(source, AggregateSource)
        else DeskStores(Journal(default_journal_path()), SettingsStore(config_dir))
    )
    built = compose(
        source,
        views(),
        layouts,
        stores=stores,
        hz=hz,
        on_close=on_close,
        screenshot=screenshot,
        on_open_market=lambda market: loop.create_task(open_market(market)),
        recent=recent,
        list_symbols=lambda venue: venue_symbols(venue, opening.endpoints),
        idle_gc=True,
        recordings=RecordingOpening(open_recordings, recent_recordings),
        review=review,
    )
    window = built.window
    slot.attach(window)  # the Window menu, link group and a restored layout's arrangement
    window.show()
    if greet is not None:
        if greet.notice:
            window.status.show_notice(greet.notice)
        window.show_welcome()
        greet.mark_welcomed()
    failure: list[BaseException] = []

    def report(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            assert exc is not None
            failure.append(exc)
            log.error("market feed crashed", exc_info=exc)
            window.status.show_notice(f"market feed crashed: {exc}")

    task = asyncio.create_task(source.run())
    task.add_done_callback(report)
    window.frames.on_first_frame = lambda: log.info(
        "first frame painted %.2f s after start", time.monotonic() - started_s
    )
    try:
        await closed
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if stats_out is not None:
        try:
            write_run_report(stats_out, run_report(window.frames, source, started_s=started_s, hz=hz))
        except OSError as exc:
            print(f"scalpdesk: cannot write the stats report {stats_out}: {exc}", file=sys.stderr)
            failure.append(exc)
        else:
            log.info("run report written to %s", stats_out)
    window.deleteLater()
    built.close()
    return bool(failure)
