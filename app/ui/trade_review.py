"""Trades view → Review: replay a closed trade from a little before its entry, slowly, with its marks.

The desk journals where every batch of events was made (`OriginOf`: the replay's files, the file
a live feed records to, or the synthetic market) and keeps a `TripReview` of every closed trip
(app/core/paper/trip_review.py). `TradeReview` turns a review request into what the window does:

- the trip's recording is the replay on screen: seek to `REVIEW_LEAD_NS` before the entry, play
  at `REVIEW_SPEED`, and hand the trip to every view (`MarketView.set_review`: footprint, CVD and
  ladder draw it, widgets/base/trip_marks.py);
- another recording (or a live window; a recording still being written is finished first):
  switch the window to a replay of it the way File → Open recording… does
  (`RecordingMenu.open_files`: checks, Recent recordings, one new window), and leave the review
  in the `ReviewHandoff` that app/ui/run_app.py passes to the next window, which applies it
  before its replay starts;
- no recording (journaled before sources were, a live feed not recorded, the synthetic market, a
  file moved away): one line in the status bar, and the window stays as it is.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6 import QtCore

from app.core.paper.trip_review import OriginKind, ReviewPlan, TradeOrigin, TripReview, plan_review
from app.feeds.source import MarketSource, Recordable, Replaying, Transport
from app.ui.main_window import MainWindow
from app.ui.trading_desk import TradingDesk

log = logging.getLogger(__name__)


def _file_key(path: Path | str) -> str:
    """How a recording file is named in the journal: absolute, so any later window finds it."""
    return os.path.abspath(os.path.expanduser(path))


class OriginOf:
    """The origin of what `source` delivers now, for the desk's journal stamps.

    Called on every journal append (the hotkey path), so a replay's origin is built once and a
    live feed's only when its recording file changes. A live recording rotates to a new file by
    size and age; the origin then names every file of that recording so far (a later file alone
    would replay without the book snapshot at the start of the first), and a new recording (the
    toggle off and on) starts the list again.
    """

    def __init__(self, source: MarketSource) -> None:
        self._source = source
        market = source.binding.key
        self._fixed: TradeOrigin | None = None
        self._recordable: Recordable | None = source if isinstance(source, Recordable) else None
        if source.status().kind == "synthetic":
            self._fixed = TradeOrigin(OriginKind.SYNTHETIC, market)
        elif isinstance(source, Replaying):
            self._fixed = TradeOrigin(OriginKind.REPLAY, market, tuple(map(_file_key, source.paths)))
        self._files: list[Path] = []
        self._live = TradeOrigin(OriginKind.LIVE, market)

    def __call__(self) -> TradeOrigin:
        if self._fixed is not None:
            return self._fixed
        current = self._recordable.recording if self._recordable is not None else None
        if current is None:
            if self._files:
                self._files = []
                self._live = replace(self._live, paths=())
        elif not self._files or self._files[-1] != current:
            self._files.append(current)
            self._live = replace(self._live, paths=tuple(map(_file_key, self._files)))
        return self._live


def replay_paths(source: MarketSource) -> tuple[str, ...] | None:
    """The files the window replays now, as the journal names them (None: not a recording replay)."""
    if isinstance(source, Replaying) and source.paths:
        return tuple(map(_file_key, source.paths))
    return None


@dataclass(frozen=True)
class PendingReview:
    review: TripReview
    plan: ReviewPlan


@dataclass
class ReviewHandoff:
    """A review asked for in one window and shown by the next (after the switch to its recording)."""

    pending: PendingReview | None = None


class TradeReview(QtCore.QObject):
    """Wires the Trades view's review requests to the window's source and views (module doc)."""

    def __init__(
        self,
        window: MainWindow,
        desk: TradingDesk,
        source: MarketSource,
        handoff: ReviewHandoff | None = None,
    ) -> None:
        super().__init__(window)
        self.setObjectName("trade_review")
        self._window = window
        self._desk = desk
        self._source = source
        self.handoff = handoff if handoff is not None else ReviewHandoff()
        self.current: TripReview | None = None
        trades = window.views.get("trades")
        if trades is not None:
            trades.review_requested.connect(self.review)  # type: ignore[attr-defined]
            trades.review_cleared.connect(self.clear)  # type: ignore[attr-defined]
        pending, self.handoff.pending = self.handoff.pending, None
        if pending is not None and pending.plan.paths == replay_paths(source):
            self._show(pending.review, pending.plan)

    def review(self, trip_id: int) -> str | None:
        """Review the closed trip `trip_id`; returns None, or the one line shown instead."""
        review = self._desk.review(trip_id)
        if review is None:
            return self._refuse(f"Trade #{trip_id} is not in this account's journal.")
        start_ns = self._source.start_ns if isinstance(self._source, Transport) else None
        plan = plan_review(review, replay_paths(self._source), start_ns)
        if isinstance(plan, str):
            return self._refuse(plan)
        missing = next((p for p in plan.paths if not Path(p).is_file()), None)
        if missing is not None:
            return self._refuse(f"Trade #{trip_id} was made on {missing}, which is no longer there.")
        if not plan.switch:
            self._show(review, plan)
            return None
        menu = self._window.recordings
        if menu is None:
            return self._refuse(
                f"Trade #{trip_id} was made on another recording; this window cannot open it."
            )
        self._finish_recording(plan)
        self.handoff.pending = PendingReview(review, plan)
        log.info("reviewing trade #%d: switching to %s", trip_id, ", ".join(plan.paths))
        if not menu.open_files([Path(p) for p in plan.paths]):  # the menu has said why
            self.handoff.pending = None
            return f"Trade #{trip_id}: its recording could not be opened."
        return None

    def _finish_recording(self, plan: ReviewPlan) -> None:
        """A live trade reviewed from the file this feed is still writing: end the recording first
        (leaving the live window would end it anyway), so the replay reads a whole file."""
        source = self._source
        writing = source.recording if isinstance(source, Recordable) else None
        if writing is not None and _file_key(writing) in plan.paths:
            self._window.record_action.setChecked(False)  # the Feed menu's toggle: it says so

    def clear(self) -> None:
        """Take the reviewed trip's marks off the views (the replay plays on as it is)."""
        self.current = None
        for view in self._window.views.values():
            view.set_review(None)
        self._window.frames.request_frame()

    def _show(self, review: TripReview, plan: ReviewPlan) -> None:
        source = self._source
        assert isinstance(source, Transport)
        source.jump_to(plan.seek_ns)
        source.set_speed(plan.speed)
        source.resume()
        self.current = review
        for view in self._window.views.values():
            view.set_review(review)
        trades = self._window.views.get("trades")
        if trades is not None:
            trades.select_trip(review.trip_id)  # type: ignore[attr-defined]
        lead_s = (review.trip.entry_ns - plan.seek_ns) / 1e9
        text = f"Reviewing trade #{review.trip_id}: from {lead_s:.0f} s before its entry, at {plan.speed:g}×"
        log.info("%s", text)
        self._window.status.show_notice(text)
        self._window.frames.request_frame()

    def _refuse(self, text: str) -> str:
        log.info("review refused: %s", text)
        self._window.status.show_notice(text)
        return text
