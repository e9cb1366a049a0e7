"""`scalpdesk drill NAME`: a drill's window, its market, its throwaway SIM account, and its run.

The drill trades through the real desk, hotkeys and paper exchange (compose(), as the app), but on
an account of its own: a journal and a trading-settings file in a temporary directory, seeded from
the trader's own settings (key map, sizes, fill model) with the drill's bracket, no confirmations
and no risk lock. So practice never touches the real paper account, and the keys are the
trader's own. Only the scores stay: the drill history in the data dir.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import qasync
from PySide6 import QtWidgets

from app.core.drills.catalogue import DrillSpec, Family
from app.core.drills.options import DrillOptions
from app.core.drills.schedule import pick_signals, trial_offsets_ns
from app.core.market import MarketState
from app.core.paper.config import BracketTemplate
from app.core.signals.kinds import Signal
from app.core.units import NS_PER_S
from app.feeds.drill_signals import detect
from app.feeds.replay import ReplayError
from app.feeds.replay_feed import ReplayFeed
from app.feeds.source import MarketSource
from app.feeds.synthetic.source import SyntheticFeed
from app.feeds.synthetic.stream import SyntheticConfig
from app.storage.journal import Journal
from app.storage.layouts import LayoutStore
from app.storage.settings import RiskSettings, SettingsStore, TradingSettings
from app.ui.app_icon import app_icon
from app.ui.compose import DeskStores, Workstation, compose
from app.ui.drills.execution_run import ExecutionRun
from app.ui.drills.hiding import hide_for_practice
from app.ui.drills.overlay import ColumnMask
from app.ui.drills.practice_menu import show_history
from app.ui.drills.reaction_run import ReactionRun
from app.ui.drills.run_base import DrillRun
from app.ui.run_app import default_views
from app.ui.theme import apply_theme

log = logging.getLogger("app.ui.drills")

RECORDING_LEAD_S = 10.0  # a recording trial starts this long before its signal: market to read first


class DrillError(Exception):
    """The drill cannot be built as asked (one line for the user): no such signal in the recording."""


def drill_config(spec: DrillSpec, options: DrillOptions) -> SyntheticConfig:
    """The drill's market: a quiet synthetic one for execution, the drill's scenarios on plan otherwise."""
    if spec.signal is None:
        return SyntheticConfig(seed=options.seed, kinds=())
    offsets = trial_offsets_ns(
        options.trials_for(spec.trials), spec.spacing_s, options.seed, options.random_start
    )
    return SyntheticConfig(
        seed=options.seed, kinds=(spec.signal,), plan=tuple((spec.signal, o) for o in offsets)
    )


def drill_settings(mine: TradingSettings, spec: DrillSpec) -> TradingSettings:
    b = spec.bracket
    template = BracketTemplate(b.name, b.stop_ticks, b.target_ticks)
    return replace(
        mine,
        confirm=frozenset(),  # a question box would stop the clock
        brackets=(template,),
        bracket=template.name if spec.family is Family.READ_REACT else None,
        risk=RiskSettings(daily_loss_quote=None),  # a drill's losses must not lock the keys
    )


@dataclass
class DrillWindow:
    """What `open_drill` built: the workstation, the run, and the drill's own account directory."""

    spec: DrillSpec
    source: MarketSource
    workstation: Workstation
    run: DrillRun
    masks: list[ColumnMask] = field(default_factory=list)
    _account_dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def window(self) -> QtWidgets.QMainWindow:
        return self.workstation.window

    def close(self) -> None:
        """After the window has closed: stop the run, close the journal, remove the account."""
        self.run.stop()
        self.workstation.close()
        if self._account_dir is not None:
            self._account_dir.cleanup()
            self._account_dir = None


@dataclass(frozen=True)
class DrillMarket:
    """The market a drill plays, and for a read-and-react drill its trials."""

    source: MarketSource
    trial_starts_ns: list[int]  # exchange times
    reveal: Callable[[MarketState], list[Signal]] | None = None
    jump: Callable[[int], None] | None = None


def synthetic_market(spec: DrillSpec, options: DrillOptions) -> DrillMarket:
    config = drill_config(spec, options)
    feed = SyntheticFeed(config, speed=options.speed)
    starts = [config.start_ns + offset for _, offset in config.plan]
    return DrillMarket(feed, starts, lambda _market: feed.labels())


def recording_market(spec: DrillSpec, options: DrillOptions, paths: Sequence[Path]) -> DrillMarket:
    """A window of a recording per trial, around a detected (or labelled) signal of the drill's kind.

    Raises ReplayError for a bad recording and DrillError when it has no such signal.
    """
    if spec.signal is None:
        return DrillMarket(ReplayFeed(paths, speed=options.speed, loop=True), [])
    log.info("drill %s: finding %s signals in %s", spec.name, spec.signal.value, ", ".join(map(str, paths)))
    found = detect(paths, spec.signal)
    lead_ns = int(RECORDING_LEAD_S * NS_PER_S)
    tail_ns = int((spec.horizon_s + 2) * NS_PER_S)
    usable = [s for s in found.signals if s.ts_ns + tail_ns <= found.last_ns]
    picked = pick_signals(
        [s.ts_ns for s in usable],
        found.first_ns,
        options.trials_for(spec.trials),
        lead_ns=lead_ns,
        spacing_ns=lead_ns + tail_ns,
        seed=options.seed,
    )
    if not picked:
        others = ", ".join(f"{k} {n}" for k, n in found.counts.items()) or "none"
        raise DrillError(
            f"no {spec.signal.value} signal in {', '.join(p.name for p in paths)} with room for a trial"
            f" (found: {others})"
        )
    chosen = [usable[i] for i in picked]
    what = "labelled" if found.labelled else "detected"
    log.info(
        "drill %s: %d %s %s signals, %d used",
        spec.name,
        len(found.signals),
        what,
        spec.signal.value,
        len(chosen),
    )
    feed = ReplayFeed(paths, speed=options.speed, loop=False)

    def reveal(market: MarketState) -> list[Signal]:
        seen = market.last_trade_ns
        return [] if seen is None else [s for s in chosen if s.ts_ns <= seen]

    return DrillMarket(feed, [s.ts_ns - lead_ns for s in chosen], reveal, feed.jump_to)


def drill_market(spec: DrillSpec, options: DrillOptions, recording: Sequence[Path] = ()) -> DrillMarket:
    """The synthetic market, or `recording`'s; raises DrillError or ReplayError (one line each)."""
    return recording_market(spec, options, recording) if recording else synthetic_market(spec, options)


def open_drill(
    spec: DrillSpec,
    options: DrillOptions,
    *,
    recording: Sequence[Path] = (),
    market: DrillMarket | None = None,
    config_dir: Path | None = None,
    history_path: Path | None = None,
    screenshot: Path | None = None,
    on_close: Callable[[], None] | None = None,
) -> DrillWindow:
    """Build the drill's window on `market` (default: `drill_market(spec, options, recording)`)."""
    if recording:
        options = replace(options, recording=tuple(p.name for p in recording))  # kept in the history
    if market is None:
        market = drill_market(spec, options, recording)
    account = tempfile.TemporaryDirectory(prefix="scalpdesk-drill-")
    where = Path(account.name)
    store = SettingsStore(where)
    store.save(drill_settings(SettingsStore(config_dir).load(), spec))
    journal = Journal(where / "journal.sqlite3", checkpoint_interval_s=None)
    source = market.source
    built = compose(
        source,
        default_views(),
        LayoutStore(where),  # the default layout; the trader's own last layout is left alone
        stores=DeskStores(journal, store),
        on_close=on_close,
        screenshot=screenshot,
    )
    window, desk = built.window, built.desk
    assert desk is not None
    on = f" · {recording[0].name}" if recording else ""
    window.setWindowTitle(f"Scalpdesk — drill {spec.name}{on} · seed {options.seed} — practice account")
    masks = hide_for_practice(window, options)

    def history() -> object:
        return show_history(window, history_path)

    run: DrillRun
    if spec.family is Family.EXECUTION:
        run = ExecutionRun(spec, options, window, desk, history_path=history_path, on_history=history)
    else:
        assert market.reveal is not None
        run = ReactionRun(
            spec,
            options,
            window,
            desk,
            source,
            market.trial_starts_ns,
            market.reveal,
            jump=market.jump,
            history_path=history_path,
            on_history=history,
        )
        run.total = len(market.trial_starts_ns)  # a recording may have room for fewer
    return DrillWindow(spec, source, built, run, masks, account)


def run_drill_gui(
    spec: DrillSpec,
    options: DrillOptions,
    *,
    recording: Sequence[Path] = (),
    exit_after_s: float | None = None,
    screenshot: Path | None = None,
) -> int:
    try:  # before any window: a recording without the drill's signal is one line, not a dialog
        market = drill_market(spec, options, recording)
    except (DrillError, ReplayError) as exc:
        print(f"scalpdesk: {exc}", file=sys.stderr)
        return 1
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1] or ["scalpdesk"])
    assert isinstance(app, QtWidgets.QApplication)
    app.setApplicationName("Scalpdesk")
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        return runner.run(_main(spec, options, recording, market, exit_after_s, screenshot))


async def _main(  # noqa: PLR0917 (private; one call site)
    spec: DrillSpec,
    options: DrillOptions,
    recording: Sequence[Path],
    market: DrillMarket,
    exit_after_s: float | None,
    screenshot: Path | None,
) -> int:
    loop = asyncio.get_running_loop()
    closed: asyncio.Future[None] = loop.create_future()

    def on_close() -> None:
        if not closed.done():
            closed.set_result(None)

    drill = open_drill(
        spec, options, recording=recording, market=market, screenshot=screenshot, on_close=on_close
    )
    drill.window.show()
    drill.run.start()
    unit = "prompts" if spec.family is Family.EXECUTION else "trials"
    log.info("drill %s opened: seed %d, %d %s", spec.name, options.seed, drill.run.total, unit)
    task = asyncio.create_task(drill.source.run())
    if exit_after_s is not None:
        loop.call_later(exit_after_s, drill.window.close)
    failed = False
    try:
        await closed
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if not task.cancelled() and task.exception() is not None:
            failed = True
            log.error("drill market crashed", exc_info=task.exception())
        drill.window.deleteLater()
        drill.close()
    return 1 if failed else 0
