"""Fixtures for the window tests: a probe view that records what the frame clock asks of it, and a
source that is not a replay, fed by hand."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from PySide6 import QtGui, QtWidgets

from app.core.market import Changed
from app.feeds.replay import open_replay
from app.feeds.source import MarketBinding, SourceBase, SourceState, SourceStatus, print_latency_ns
from widgets.base import MarketView
from widgets.base.settings import IntIn, pick


class ProbeView(MarketView):
    """A minimal real view: shows the tape count, remembers each refresh and paint."""

    view_id = "probe"
    title = "Probe"
    watches = Changed.TAPE

    def __init__(self, view_id: str = "probe") -> None:
        super().__init__()
        self.view_id = view_id  # type: ignore[misc]
        self.refreshes: list[tuple[int, int]] = []
        self.paints = 0
        self.size_lots = 1
        self.setMinimumSize(50, 50)

    def set_market(self, market: Any) -> None:
        super().set_market(market)
        self.refreshes.clear()

    def refresh(self, changed: int, now_ns: int) -> bool:
        self.refreshes.append((changed, now_ns))
        self.update()  # the contract: refresh marks dirty, paint_now paints
        return True

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        self.paints += 1
        painter = QtGui.QPainter(self)
        painter.fillRect(self.rect(), QtGui.QColor("#203040"))
        total = self.market.tape.total if self.market is not None else 0
        painter.setPen(QtGui.QColor("white"))
        painter.drawText(10, 20, f"{self.view_id}: {total} prints")
        painter.end()

    def settings(self) -> dict[str, Any]:
        return {"size_lots": self.size_lots}

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        problems: list[str] = []
        self.size_lots = pick(data, "size_lots", 1, IntIn(1, 1000).accepts, problems)
        return problems


@pytest.fixture
def probe_views(qapp: QtWidgets.QApplication) -> list[ProbeView]:
    return [ProbeView("ladder"), ProbeView("footprint"), ProbeView("tape"), ProbeView("cvd")]


@pytest.fixture
def qloop(qapp: QtWidgets.QApplication):
    """A qasync loop for tests that run feed tasks: drive it with run_until_complete."""
    import asyncio

    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for t in pending:
        t.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    asyncio.set_event_loop(None)


class HandSource(SourceBase):
    """A `MarketSource` that is no replay and no `Transport`: the test hands it lines, it pushes
    them through a real IngestPipeline and tells its subscribers, as a live feed will."""

    def __init__(self, recording: Path) -> None:
        super().__init__()
        # open_replay only to get a real pipeline for the recording's instrument; no replay runs
        self._session = open_replay([recording])[0]
        self.sessions = 1
        self.binding = MarketBinding(self._session.instrument, self._session.market, self.sessions)
        self.market_ns: int | None = None
        self.state = SourceState.LIVE
        self.fed_s: list[float] = []
        self.stopped = False

    @property
    def title(self) -> str:
        return f"{self.binding.instrument.symbol} by hand"

    def take_fed(self) -> list[float]:
        fed, self.fed_s = self.fed_s, []
        return fed

    def status(self) -> SourceStatus:
        counters = self._session.pipeline.counters
        return SourceStatus(
            state=self.state,
            kind="live",
            latency_ns=print_latency_ns(self.binding.market),
            messages=counters.messages,
            malformed=counters.malformed,
            last_error=counters.last_error,
            session=self.sessions,
        )

    async def run(self) -> None:
        while not self.stopped:
            await asyncio.sleep(0.01)

    def stop(self) -> None:
        self.stopped = True

    def feed(self, lines: list[bytes]) -> None:
        """One batch: applied, stamped with the receive time of its last line, announced."""
        self._session.pipeline.feed(lines)
        self.market_ns = int(lines[-1].split(b" ", 1)[0])
        self.fed_s.append(time.monotonic())
        self._announce_batch(self.binding.market, self.market_ns)


@pytest.fixture
def hand_source(btcusdt_recording: Path) -> HandSource:
    return HandSource(btcusdt_recording)


@pytest.fixture
def run_app_windows(qloop):
    """Run the app's window loop (run_app._main, as `scalpdesk` does) on `source` with config dir
    `config`, while the coroutine `drive()` acts on its windows; returns the exit status."""
    from app.feeds.live.endpoints import Endpoints
    from app.ui import run_app

    def run(source, config: Path, drive, exit_after_s: float | None = None) -> int:
        app = QtWidgets.QApplication.instance()
        app.setQuitOnLastWindowClosed(False)  # as run_gui does
        opening = run_app.Opening(Endpoints(), record=False)

        async def main() -> int:
            driver = asyncio.ensure_future(drive())
            status = await run_app._main(
                source, run_app.default_views, exit_after_s, None, 60, config, 0.0, opening, None
            )
            await driver
            return status

        try:
            return qloop.run_until_complete(main())
        finally:
            app.setQuitOnLastWindowClosed(True)

    return run
