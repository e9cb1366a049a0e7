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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import qasync
from PySide6 import QtWidgets

from app.core.drills.catalogue import DrillSpec, Family
from app.core.drills.options import DrillOptions
from app.core.drills.schedule import trial_offsets_ns
from app.core.paper.config import BracketTemplate
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
    source: SyntheticFeed
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


def open_drill(
    spec: DrillSpec,
    options: DrillOptions,
    *,
    config_dir: Path | None = None,
    history_path: Path | None = None,
    screenshot: Path | None = None,
    on_close: Callable[[], None] | None = None,
) -> DrillWindow:
    account = tempfile.TemporaryDirectory(prefix="scalpdesk-drill-")
    where = Path(account.name)
    store = SettingsStore(where)
    store.save(drill_settings(SettingsStore(config_dir).load(), spec))
    journal = Journal(where / "journal.sqlite3", checkpoint_interval_s=None)
    config = drill_config(spec, options)
    source = SyntheticFeed(config, speed=options.speed)
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
    window.setWindowTitle(f"Scalpdesk — drill {spec.name} · seed {options.seed} — practice account")
    masks = hide_for_practice(window, options)

    def history() -> object:
        return show_history(window, history_path)

    run: DrillRun
    if spec.family is Family.EXECUTION:
        run = ExecutionRun(spec, options, window, desk, history_path=history_path, on_history=history)
    else:
        starts = [config.start_ns + o for (o,) in ((o,) for _, o in config.plan)]
        run = ReactionRun(
            spec, options, window, desk, source, starts, history_path=history_path, on_history=history
        )
    return DrillWindow(spec, source, built, run, masks, account)


def run_drill_gui(
    spec: DrillSpec,
    options: DrillOptions,
    *,
    exit_after_s: float | None = None,
    screenshot: Path | None = None,
) -> int:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1] or ["scalpdesk"])
    assert isinstance(app, QtWidgets.QApplication)
    app.setApplicationName("Scalpdesk")
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        return runner.run(_main(spec, options, exit_after_s, screenshot))


async def _main(
    spec: DrillSpec, options: DrillOptions, exit_after_s: float | None, screenshot: Path | None
) -> int:
    loop = asyncio.get_running_loop()
    closed: asyncio.Future[None] = loop.create_future()

    def on_close() -> None:
        if not closed.done():
            closed.set_result(None)

    drill = open_drill(spec, options, screenshot=screenshot, on_close=on_close)
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
