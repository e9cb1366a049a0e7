"""Fixtures for the window tests: a probe view that records what the frame clock asks of it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from PySide6 import QtGui, QtWidgets

from app.core.market import Changed
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
        due = bool(changed & self.watches)
        if due:
            self.update()  # the contract: refresh marks dirty, paint_now paints
        return due

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
    """A qasync loop for tests that run feed tasks (QT_NOTES.md §5): drive it with run_until_complete."""
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
