"""The trading desk: the paper exchange of the instrument on screen, its journal and settings.

Every intent (hotkey, ladder click, button) becomes an exchange command here, and every batch of
market data is shown to the exchange here. Whatever the exchange decides comes back as events,
which are written to the journal (SQLite, committed) BEFORE the views are given the new account:
the screen never shows anything a crash could lose (docs/PAPER_TRADING.md).

It is not a view and holds no widget: it pushes `PaperSnapshot`s to the views and marks
`Changed.ACCOUNT` so that the frame clock repaints them in the next frame.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6 import QtCore

from app.core.instrument import Instrument
from app.core.market import Changed, MarketState
from app.core.paper.actions import Action, NoPrice, command_for
from app.core.paper.commands import Command
from app.core.paper.entry import EditPreset, EntryState, SelectBracket, SelectSize
from app.core.paper.events import (
    AccountChanged,
    CommandRejected,
    OrderCancelled,
    OrderRejected,
    PaperEvent,
    RiskLocked,
)
from app.core.paper.exchange import BOOK_EXHAUSTED, PaperExchange
from app.core.paper.snapshot import PaperSnapshot, tick_value_quote
from app.core.paper.trip_review import EventStamp, TradeOrigin, TripReview, TripReviewBuilder
from app.core.sessions import SessionSchedule
from app.feeds.source import print_latency_ns
from app.storage.journal import Journal
from app.storage.settings import SettingsStore, TradingSettings
from app.storage.trade_export import write_trades_csv
from widgets.base import MarketView

log = logging.getLogger(__name__)


def account_name(instrument: Instrument) -> str:
    """One paper account per venue and symbol, whatever the source (replay or live)."""
    return f"{instrument.venue}:{instrument.symbol}"


class TradingDesk(QtCore.QObject):
    notice = QtCore.Signal(str)  # one line for the status bar (a rejection, a lock, a journal problem)
    # the trader did something the views now show (an order, a cancel, a size): draw it now,
    # not at the next frame-clock tick (docs/ARCHITECTURE.md: hotkey → drawn within a frame)
    acted = QtCore.Signal()
    # an action (hotkey, menu) is about to be handled: drills score what the trader pressed
    # (app/ui/drills/) without handling keys a second time
    acting = QtCore.Signal(object)

    def __init__(
        self,
        instrument: Instrument,
        journal: Journal,
        store: SettingsStore,
        views: Sequence[MarketView],
        *,
        clock_ns: Callable[[], int | None],
        sessions: SessionSchedule | None = None,
        origin: Callable[[], TradeOrigin | None] | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        """`origin`: the source the market comes from now, journaled beside each event so that a
        trade can be reviewed on its recording (app/core/paper/trip_review.py)."""
        super().__init__(parent)
        self.instrument = instrument
        self.account = account_name(instrument)
        self.journal = journal
        self.store = store
        self.views = list(views)
        self._clock_ns = clock_ns
        self._origin = origin
        self.settings = store.load()
        self.exchange = PaperExchange(
            instrument,
            self.settings.fill,
            self.settings.brackets,
            self.settings.risk_limits(instrument),
            sessions,
        )
        stamped = journal.load_stamped(self.account)
        self.exchange.restore(event for event, _stamp in stamped)
        self.reviews = TripReviewBuilder(tick_value_quote(instrument))
        for event, stamp in stamped:
            self.reviews.add(event, stamp)
        log.info("SIM account %s restored from %s: %s", self.account, journal.path, self.summary())
        self.entry = self._entry_from(self.settings, size_index=0)
        self.market: MarketState | None = None
        self._shown_version = -1
        self.publish(force=True)
        for text in (store.notice, journal.notice):
            if text:
                QtCore.QTimer.singleShot(0, lambda t=text: self.notice.emit(t))
        for view in self.views:
            view.command_requested.connect(self.intent)

    # -- settings -----------------------------------------------------------------------------

    def _entry_from(self, settings: TradingSettings, size_index: int) -> EntryState:
        names = tuple(b.name for b in settings.brackets)
        bracket = settings.bracket if settings.bracket in names else None
        return EntryState(
            presets_lots=settings.presets_lots(self.instrument),
            size_index=size_index,
            bracket=bracket,
            brackets=names,
        )

    def apply_settings(self, settings: TradingSettings) -> None:
        """New settings from a dialog: saved, and used from the next command on."""
        self.settings = settings
        self.store.save(settings)
        self.exchange.configure(settings.fill, settings.brackets, settings.risk_limits(self.instrument))
        self.entry = self._entry_from(settings, self.entry.size_index)
        self.publish(force=True)

    # -- intents ------------------------------------------------------------------------------

    def intent(self, intent: object) -> None:
        """What a view asked for: a Command, an Action, or an entry intent."""
        if isinstance(intent, Action):
            self.act(intent)
        elif isinstance(intent, SelectSize | EditPreset | SelectBracket):
            self._entry_intent(intent)
        else:
            self.send(intent)  # type: ignore[arg-type]

    def act(self, action: Action) -> None:
        """A hotkey or button: size and bracket choices change the entry, the rest is a command."""
        self.acting.emit(action)
        index = action.size_index
        if index is not None:
            self._entry_intent(SelectSize(index))
            return
        if action is Action.NEXT_BRACKET:
            names = (None, *self.entry.brackets)
            at = names.index(self.entry.bracket) if self.entry.bracket in names else 0
            self._entry_intent(SelectBracket(names[(at + 1) % len(names)]))
            return
        book = self.market.book if self.market is not None else None
        try:
            command = command_for(
                action,
                book.best_bid if book is not None else None,
                book.best_ask if book is not None else None,
                self.entry.size_lots,
                self.entry.bracket,
            )
        except NoPrice as exc:
            self.notice.emit(f"SIM {action.label}: {exc}")
            return
        if command is not None:
            log.info("%s", action.label.lower())
            self.send(command)

    def send(self, command: Command) -> None:
        now_ns = self._now_ns()
        self._commit(self.exchange.send(command, now_ns))
        self.acted.emit()

    def _entry_intent(self, intent: SelectSize | EditPreset | SelectBracket) -> None:
        entry = self.entry
        if isinstance(intent, SelectSize):
            if 0 <= intent.index < len(entry.presets_lots):
                self.entry = replace(entry, size_index=intent.index)
        elif isinstance(intent, EditPreset):
            if 0 <= intent.index < len(entry.presets_lots) and intent.qty_lots > 0:
                presets = list(self.settings.presets_qty)
                presets[intent.index] = self.instrument.qty_str(intent.qty_lots)
                self.settings = replace(self.settings, presets_qty=tuple(presets))
                self.store.save(self.settings)
                self.entry = replace(
                    entry, presets_lots=self.settings.presets_lots(self.instrument), size_index=intent.index
                )
        elif intent.name is None or intent.name in entry.brackets:
            self.entry = replace(entry, bracket=intent.name)
            self.settings = replace(self.settings, bracket=intent.name)
            self.store.save(self.settings)
        self.publish(force=True)
        self.acted.emit()

    def describe(self, action: Action) -> str:
        """The confirmation question for an action (what it would send now)."""
        qty = self.instrument.qty_str(self.entry.size_lots)
        return f"SIM: {action.label} — {qty} {self.instrument.symbol}?"

    # -- market data --------------------------------------------------------------------------

    def on_batch(self, market: MarketState, now_ns: int | None) -> None:
        """The feed applied a batch: the exchange sees it before the frame clock does."""
        self.market = market
        events = self.exchange.on_market(market, now_ns if now_ns is not None else 0)
        self._commit(events)
        if self.exchange.version != self._shown_version:
            self.publish()

    def bind(self, market: MarketState) -> None:
        """A new market session (replay restart): views get the account again with it."""
        self.market = market
        self.publish(force=True)

    def _now_ns(self) -> int:
        now = self._clock_ns()
        if now is None and self.market is not None:
            now = self.market.last_trade_ns
        return max(now or 0, self.exchange.now_ns)

    # -- journal, then screen -----------------------------------------------------------------

    def _commit(self, events: list[PaperEvent]) -> None:
        if not events:
            return
        stamp = self._stamp()
        self.journal.append(self.account, events, stamp)
        for event in events:
            self.reviews.add(event, stamp)
        for event in events:
            text = _notice_for(event)
            if text:
                log.info("%s", text)
                self.notice.emit(text)
        self.publish()
        if any(not isinstance(e, AccountChanged) for e in events):
            log.info("SIM account: %s", self.summary())

    def _stamp(self) -> EventStamp | None:
        origin = self._origin() if self._origin is not None else None
        if origin is None:
            return None
        latency = print_latency_ns(self.market) if self.market is not None else None
        return EventStamp(origin, None if latency is None else -latency)

    def review(self, trip_id: int) -> TripReview | None:
        """Where and when a closed trip was made, with its bracket legs (None: no such trip)."""
        return self.reviews.review(trip_id)

    def publish(self, *, force: bool = False) -> None:
        snapshot = self.exchange.snapshot()
        if not force and snapshot.version == self._shown_version:
            return
        self._shown_version = snapshot.version
        for view in self.views:
            view.set_paper(snapshot, self.entry)
        if self.market is not None:
            self.market.changed |= Changed.ACCOUNT

    def summary(self) -> str:
        """The account in one line (the log, and the crash-restore test, compare these)."""
        snap = self.exchange.snapshot()
        inst = self.instrument
        avg = snap.avg_price_ticks
        position = "flat" if not snap.position_lots else f"{snap.position_lots:+d} lots @ {avg:.4f} ticks"
        orders = ", ".join(
            f"#{o.order_id} {o.side.label} {o.kind.value} {o.role.value} {inst.qty_str(o.remaining_lots)}"
            f" @ {'' if o.price_ticks is None else inst.price_str(o.price_ticks)} {o.status.value}"
            for o in snap.orders
        )
        return (
            f"position {position}; orders [{orders}]; realised {snap.realised_quote:.6f};"
            f" fees {snap.fees_quote:.6f}; trips {len(snap.trips)}"
            + (f"; LOCKED: {snap.risk.locked_reason}" if snap.risk.locked else "")
        )

    @property
    def snapshot(self) -> PaperSnapshot:
        return self.exchange.snapshot()

    def export_trades(self, path: str) -> None:
        try:
            rows = write_trades_csv(Path(path), self.exchange.snapshot().trips, self.instrument)
        except OSError as exc:
            self.notice.emit(f"could not write {path}: {exc.strerror or exc}")
            return
        self.notice.emit(f"{rows} trades written to {path}")

    def close(self) -> None:
        self.journal.close()


def _notice_for(event: PaperEvent) -> str | None:
    if isinstance(event, CommandRejected):
        return f"SIM order refused: {event.reason}"
    if isinstance(event, OrderRejected):
        return f"SIM order rejected: {event.reason}"
    if isinstance(event, OrderCancelled) and event.reason.startswith(BOOK_EXHAUSTED):
        return f"SIM market order: {event.reason}"
    if isinstance(event, RiskLocked):
        return f"SIM risk LOCK until next session: {event.reason}"
    return None
