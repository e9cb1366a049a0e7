"""A read-and-react drill: the synthetic market plays the drill's scenario; the trader reads it and acts.

Each trial is one scenario at a planned time (app/core/drills/schedule.py), or on a recording one
detected signal, `lead` before it. Everything is timed in market time, so the speed option changes
how fast the market plays, not the score. Trial starts and signals are exchange times; they are
put on the receive clock the desk and the quotes use (the recorded latency, which on a recording
can be a second off, is measured when the signal is revealed):

1. the scenario starts; for an exit drill the runner first puts the trader in, leaning on the
   largest resting level (long above a bid wall, short under an ask wall) with the drill's stop;
2. the trader's first order action after that is the response (`TradingDesk.acting`);
3. the signal — the scenario's label (`SyntheticFeed.labels()`), or the detection on a recording —
   is revealed once the market shown has reached it: its time is when the read became true; the
   best price reachable is looked for from it to the end of the window;
4. at the window's end any order of the trader's still working is a late cancel;
5. at the horizon the runner flattens, and once flat the trial is scored (app/core/drills/reaction.py).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.core.drills.catalogue import DrillSpec, Task
from app.core.drills.options import DrillOptions
from app.core.drills.prompts import action_side
from app.core.drills.reaction import Quote, TrialFacts, score_trial, wall_side, window_ns
from app.core.events import Side
from app.core.market import MarketState
from app.core.paper.actions import Action
from app.core.paper.commands import Flatten, PlaceOrder
from app.core.paper.orders import OrderKind, OrderRole
from app.core.signals.kinds import Signal
from app.core.units import NS_PER_S
from app.feeds.source import MarketSource
from app.ui.drills.run_base import DrillRun, show_feedback
from app.ui.main_window import MainWindow
from app.ui.trading_desk import TradingDesk

log = logging.getLogger("app.ui.drills")

JUMP_AHEAD_NS = 8 * NS_PER_S  # a recording drill skips quiet market longer than this to the next trial
LAND_BEFORE_NS = 3 * NS_PER_S  # and lands this long before the trial starts
OPEN_AFTER_NS = NS_PER_S  # an exit drill's position is opened this long into the scenario (the wall is up)
WALL_LEVELS = 40  # levels each side searched for the wall
CLOSE_WAIT_NS = 5 * NS_PER_S  # at most this long for the closing flatten to fill before scoring


Reveal = Callable[[MarketState], list[Signal]]  # the trials' signals the market shown has reached


class Phase(enum.Enum):
    WAITING = "waiting"  # for the trial's scenario to start
    OPENING = "opening"  # exit drill: about to put the trader in
    LIVE = "live"  # the trial runs: responses count
    CLOSING = "closing"  # flattened at the horizon, waiting to be flat


@dataclass
class Trial:
    index: int
    start_ns: int
    responses_from_ns: int = 0
    label: Signal | None = None
    position_side: int = 0  # exit drills: the side the runner put the trader in
    response_ns: int | None = None
    response_side: int = 0
    response_lots: int = 0
    known_order_id: int = 0  # the highest order id before the response: its order is above
    quotes: list[Quote] = field(default_factory=list)
    jumped: bool = False
    window_checked: bool = False
    working_at_window_end: bool = False
    realised_start: int = 0
    closing_ns: int = 0


class ReactionRun(DrillRun):
    def __init__(  # noqa: PLR0917 (the run's parts, as DrillRun's plus the source and the plan)
        self,
        spec: DrillSpec,
        options: DrillOptions,
        window: MainWindow,
        desk: TradingDesk,
        source: MarketSource,
        trial_starts_ns: list[int],
        reveal: Reveal,
        *,
        jump: Callable[[int], None] | None = None,
        history_path: Path | None = None,
        on_history: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(spec, options, window, desk, history_path=history_path, on_history=on_history)
        self.source = source
        self.trial_starts_ns = trial_starts_ns  # exchange times
        self._reveal = reveal
        self._jump = jump
        self.phase = Phase.WAITING
        self.trial = Trial(0, trial_starts_ns[0])
        self._unsubscribe: Callable[[], None] | None = None
        self._window_ns = window_ns(spec.window_s)
        self._horizon_ns = window_ns(spec.horizon_s)

    @property
    def size_lots(self) -> int:
        return self.desk.entry.presets_lots[self.spec.size_index]

    def start(self) -> None:
        super().start()
        self._unsubscribe = self.source.subscribe_batches(self.on_batch)
        self.overlay.say(self.spec.title, self._instructions())

    def _instructions(self) -> str:
        b = self.spec.bracket
        target = f", target {b.target_ticks}" if b.target_ticks else ""
        size = f"size {self.spec.size_index + 1}"
        trial = f"trial {self.trial.index + 1}/{self.total}"
        if self.spec.task is Task.EXIT:
            return (
                f"{trial} · you will be put in ({size}, stop {b.stop_ticks} ticks) · exit the moment it goes"
            )
        return f"{trial} · {size} · stop {b.stop_ticks}{target} ticks · the market plays, you read it"

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super().stop()

    # -- the market ---------------------------------------------------------------------------

    def on_batch(self, market: MarketState, now_ns: int | None) -> None:
        if self.stopped or self.done or now_ns is None:
            return
        t = self.trial
        ex_ns = market.last_trade_ns if market.last_trade_ns is not None else now_ns
        offset_ns = now_ns - ex_ns  # receive minus exchange: the recorded latency
        if self.phase is Phase.WAITING and self._jump is not None and not t.jumped:
            t.jumped = True
            if t.start_ns - ex_ns > JUMP_AHEAD_NS:
                self._jump(t.start_ns - LAND_BEFORE_NS + offset_ns)
                return
        if self.phase is Phase.WAITING and ex_ns >= t.start_ns:
            t.realised_start = self.desk.snapshot.realised_tick_lots
            t.responses_from_ns = now_ns
            self.phase = Phase.OPENING if self.spec.task is Task.EXIT else Phase.LIVE
            self.overlay.say(self.spec.title, self._instructions())
        if self.phase is Phase.OPENING and ex_ns >= t.start_ns + OPEN_AFTER_NS:
            self._put_in(market, now_ns)
        if self.phase is Phase.LIVE:
            self._live(market, now_ns, offset_ns)
        if self.phase is Phase.CLOSING:
            snap = self.desk.snapshot
            flat = snap.position_lots == 0 and not snap.orders
            if flat or now_ns >= t.closing_ns + CLOSE_WAIT_NS:
                self._score(now_ns)

    def _put_in(self, market: MarketState, now_ns: int) -> None:
        t = self.trial
        book = market.book
        side = wall_side(book.top_bids(WALL_LEVELS), book.top_asks(WALL_LEVELS)) or 1
        t.position_side = side
        bracket = self.spec.bracket.name
        self.desk.send(PlaceOrder(Side(side), OrderKind.MARKET, self.size_lots, None, bracket))
        t.responses_from_ns = now_ns
        self.phase = Phase.LIVE
        held, where = ("LONG", "above the bid wall") if side > 0 else ("SHORT", "under the ask wall")
        log.info("drill trial %d/%d: put in %s %s", t.index + 1, self.total, held, where)
        self.overlay.say(f"YOU ARE {held}", f"{where} · get out when it is pulled")

    def _live(self, market: MarketState, now_ns: int, offset_ns: int) -> None:
        t = self.trial
        book = market.book
        t.quotes.append(Quote(now_ns, book.best_bid, book.best_ask))
        if t.label is None:
            labels = self._reveal(market)
            if len(labels) > t.index:
                found = labels[t.index]
                t.label = replace(found, ts_ns=found.ts_ns + offset_ns)  # on the receive clock
                self._signalled(t.label)
        label = t.label
        if label is None:
            return
        if not t.window_checked and now_ns >= label.ts_ns + self._window_ns:
            t.window_checked = True
            t.working_at_window_end = any(o.role is OrderRole.ENTRY for o in self.desk.snapshot.orders)
        if now_ns >= label.ts_ns + self._horizon_ns:
            t.closing_ns = now_ns
            self.desk.send(Flatten())
            self.phase = Phase.CLOSING

    def _signalled(self, label: Signal) -> None:
        price = self.desk.instrument.price_str(label.price_ticks)
        log.info(
            "drill signal %d/%d: %s side %+d at %s (at %d ns, receive clock)",
            self.trial.index + 1,
            self.total,
            label.kind.value,
            label.side,
            price,
            label.ts_ns,
        )

    # -- the trader ---------------------------------------------------------------------------

    def on_action(self, action: Action) -> None:
        t = self.trial
        if self.stopped or self.phase is not Phase.LIVE or t.response_ns is not None:
            return
        snap = self.desk.snapshot
        position = snap.position_lots
        side = action_side(action)
        if side:
            lots = self.desk.entry.size_lots
        elif action in (Action.FLATTEN, Action.REVERSE) and position:
            side = -1 if position > 0 else 1
            lots = abs(position) * (2 if action is Action.REVERSE else 1)
        else:
            return  # sizes, bracket, cancels: not an order
        now_ns = self.source.market_ns or 0
        ids = [o.order_id for o in snap.orders] + [f.order_id for f in snap.fills]
        t.response_ns, t.response_side, t.response_lots = now_ns, side, lots
        t.known_order_id = max(ids, default=0)
        log.info(
            "drill trial %d/%d response: %s, %+d lots", t.index + 1, self.total, action.value, side * lots
        )

    # -- scoring ------------------------------------------------------------------------------

    def _expected_side(self) -> int:
        t = self.trial
        if self.spec.task is Task.EXIT:
            return -t.position_side
        return t.label.side if t.label is not None else 0

    def _fill_ticks(self) -> float | None:
        t = self.trial
        fills = [
            f
            for f in self.desk.snapshot.fills
            if f.role is OrderRole.ENTRY and f.order_id > t.known_order_id and f.ts_ns <= t.closing_ns
        ]
        if t.response_ns is None or not fills:
            return None
        first = min(f.order_id for f in fills)
        own = [f for f in fills if f.order_id == first]
        lots = sum(f.qty_lots for f in own)
        return sum(f.price_ticks * f.qty_lots for f in own) / lots

    def _score(self, now_ns: int) -> None:
        t = self.trial
        label = t.label
        assert label is not None
        facts = TrialFacts(
            signal_ns=label.ts_ns,
            expected_side=self._expected_side(),
            size_lots=self.size_lots,
            stop_ticks=self.spec.bracket.stop_ticks,
            window_ns=self._window_ns,
            order_ns=t.response_ns,
            order_side=t.response_side,
            order_lots=t.response_lots,
            fill_ticks=self._fill_ticks(),
            realised_tick_lots=self.desk.snapshot.realised_tick_lots - t.realised_start,
            working_at_window_end=t.working_at_window_end,
        )
        score = score_trial(facts, t.quotes)
        about = f"{label.kind.value} {label.side:+d} @ {self.desk.instrument.price_str(label.price_ticks)}"
        self.scored(score, about, "trial")
        reaction = "no order" if score.reaction_ms is None else f"{score.reaction_ms:+.0f} ms"
        errors = ", ".join(e.value.replace("_", " ") for e in score.errors)
        show_feedback(
            self.overlay,
            score.ok,
            f"{score.pnl_r:+.2f} R",
            f"trial {t.index + 1}/{self.total} · {reaction} · {score.points:.0f} points"
            + (f" · {errors}" if errors else ""),
        )
        if len(self.results) >= self.total:
            self.finish()
            return
        self.trial = Trial(t.index + 1, self.trial_starts_ns[t.index + 1])
        self.phase = Phase.WAITING
