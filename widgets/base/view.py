"""The contract between the window's frame clock and each docked view.

A view shows one `MarketState` and never writes to it. The frame clock (app/ui) calls
`refresh(changed, now_ns)` on every visible view once per frame with the change bits gathered
since that view's last refresh; the view pulls what it needs (incrementally: new prints since
the last call, the open bar, the book rows on screen), and answers whether it must be
repainted. The clock then repaints only the views that said yes, synchronously, so that it can
time each paint and stamp when the pixels were done (receive → pixel latency).

Settings are plain JSON values (they go into layout files); `apply_settings` accepts anything,
keeps what is valid, and reports what it had to replace with defaults instead of raising, so a
hand-edited or older layout never stops the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import Signal

from app.core.market import MarketState
from app.core.paper.entry import EntryState
from app.core.paper.snapshot import PaperSnapshot
from app.core.paper.trip_review import TripReview
from app.core.signals.recent import RecentSignals


class MarketView(QtWidgets.QWidget):
    """Base of the dock contents: ladder, tape, footprint, CVD."""

    view_id: ClassVar[str] = ""  # stable: the dock's objectName is f"dock_{view_id}"
    title: ClassVar[str] = ""
    watches: ClassVar[int] = 0  # Changed bits that make this view refresh

    settings_changed = Signal()
    # A user intent, sent by the window's trading desk: an app.core.paper.commands.Command, an
    # app.core.paper.actions.Action (priced from the book and sized like its hotkey) or an
    # app.core.paper.entry.EntryIntent. Views never change orders themselves.
    command_requested = Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.market: MarketState | None = None
        self.paper: PaperSnapshot = PaperSnapshot()
        self.entry: EntryState = EntryState()
        self.signals: RecentSignals | None = None  # the order-flow signals found so far (shared)
        self.review: TripReview | None = None
        self._graphics_views: list[QtWidgets.QGraphicsView] | None = None  # see prepare_paint

    # -- called by the frame clock / window ---------------------------------------------------

    def set_market(self, market: MarketState | None) -> None:
        """Show a new market state (a new replay session, another symbol): drop every cache."""
        self.market = market

    def set_paper(self, snapshot: PaperSnapshot, entry: EntryState) -> None:
        """The paper account and order-entry selection as they are now.

        The desk calls this whenever either changed and marks `Changed.ACCOUNT`; views that show
        orders, position or trades act on that bit in `refresh`.
        """
        self.paper = snapshot
        self.entry = entry

    def set_signals(self, signals: RecentSignals | None) -> None:
        """The shared list of signals found so far (app/ui/signal_wiring.py): views that mark them
        read it in `refresh` when `Changed.SIGNALS` is set, and redraw only if its version moved."""
        self.signals = signals

    def set_trading(self, enabled: bool) -> None:
        """Whether a SIM desk takes this window's orders (an aggregated window has none): views
        with order entry hide it when not."""

    def set_review(self, review: TripReview | None) -> None:
        """The round trip under review (widgets/base/trip_marks.py), or None. Views that draw it
        override this and show it from their next refresh on; it outlives a new market session."""
        self.review = review

    def refresh(self, changed: int, now_ns: int) -> bool:
        """Pull new state for `changed` bits at market time `now_ns`; True if a repaint is due."""
        raise NotImplementedError

    def paint_now(self) -> None:
        """Paint what this view marked dirty, now and once.

        pyqtgraph items queue their updates to the scene, which marks the viewport dirty later;
        a viewport repaint() would paint now AND again when that queue is processed (measured:
        most views painted twice a frame). So the scene's queued update is delivered first
        (`prepare_paint`), then the window's pending paint: the dirty region is painted, and flushed.
        A view that paints without pyqtgraph calls update() in `refresh` and is painted the same way.

        One pass for all views a frame was weighed and measured (issue 11): Qt paints the window's
        dirty widgets whenever a scene's queued update is delivered, so a frame keeps one pass per
        chart that changed plus one whatever the order, and the CPU time did not move.
        """
        self.prepare_paint()
        QtCore.QCoreApplication.sendPostedEvents(self.window(), QtCore.QEvent.Type.UpdateRequest)

    def prepare_paint(self) -> None:
        """Turn this view's queued chart updates into dirty regions, so that the next paint pass
        paints them (once: see `paint_now`)."""
        graphics = self._graphics_views
        if graphics is None:  # found once: a view builds its charts when it is made
            graphics = self._graphics_views = self.findChildren(QtWidgets.QGraphicsView)
        post = QtCore.QCoreApplication.sendPostedEvents
        for view in graphics:
            scene = view.scene()
            if scene is not None:
                prepare = getattr(scene, "prepareForPaint", None)
                if prepare is not None:
                    # pyqtgraph moves a ViewBox's transform inside the paint: items then mark
                    # themselves dirty again and the chart paints twice (measured: a range move
                    # painted once in the frame and once after it). Moved first, they paint once.
                    prepare()
                post(scene, QtCore.QEvent.Type.MetaCall)

    # -- settings -----------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """This view's settings as JSON values (saved with the layout)."""
        raise NotImplementedError

    def apply_settings(self, data: Mapping[str, Any]) -> list[str]:
        """Take valid values from `data`; return one line per value that was ignored."""
        raise NotImplementedError
