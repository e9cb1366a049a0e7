"""An execution drill: a prompt appears over the ladder, the trader presses its size and order key.

The reaction is wall-clock time from the prompt being painted to the order key (the desk's
`acting` signal, inside the key event). Size keys only set the size; the first order, flatten or
cancel key answers the prompt. After each answer the drill quietly flattens the SIM account, so
the next prompt starts flat (the journal is the drill's own, thrown away at the end).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore

from app.core.drills.catalogue import DrillSpec
from app.core.drills.execution import Response, score_prompt
from app.core.drills.options import DrillOptions
from app.core.drills.prompts import Prompt, make_prompts
from app.core.drills.schedule import prompt_delays_ms
from app.core.paper.actions import Action
from app.core.paper.commands import Flatten
from app.core.units import NS_PER_MS
from app.ui.drills.run_base import DrillRun, show_feedback
from app.ui.main_window import MainWindow
from app.ui.trading_desk import TradingDesk

log = logging.getLogger("app.ui.drills")

NOT_ANSWERS = frozenset({Action.NEXT_BRACKET})  # (and the size keys) change the entry, answer nothing


class ExecutionRun(DrillRun):
    def __init__(
        self,
        spec: DrillSpec,
        options: DrillOptions,
        window: MainWindow,
        desk: TradingDesk,
        *,
        history_path: Path | None = None,
        on_history: Callable[[], object] | None = None,
        clock_ns: Callable[[], int] = time.monotonic_ns,
    ) -> None:
        super().__init__(spec, options, window, desk, history_path=history_path, on_history=on_history)
        self._clock_ns = clock_ns
        self.prompts = make_prompts(options.seed, self.total)
        self.delays_ms = prompt_delays_ms(self.total, spec.gap_ms, options.seed, options.random_start)
        self.current: Prompt | None = None
        self.streak = 0
        self._shown_ns = 0
        self._limit_ms = spec.limit_ms
        self._timeout = QtCore.QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._time_ran_out)
        self._next = QtCore.QTimer(self)
        self._next.setSingleShot(True)
        self._next.timeout.connect(self._show_next)

    def start(self) -> None:
        super().start()
        self.overlay.say(
            self.spec.title,
            f"{self.total} prompts. Each names an order: press its size (1–5), then its key. Get ready…",
        )
        self._next.start(self.delays_ms[0])

    def stop(self) -> None:
        self._timeout.stop()
        self._next.stop()
        super().stop()

    def _show_next(self) -> None:
        if self.stopped:
            return
        prompt = self.prompts[len(self.results)]
        self.current = prompt
        self._limit_ms = self.spec.limit_after(self.streak)
        n = prompt.index + 1
        streak = f" · streak {self.streak}" if self.streak else ""
        self.overlay.say(prompt.text, f"{n}/{self.total}{streak} · {self._limit_ms / 1000:.1f} s")
        self._shown_ns = self._clock_ns()
        self._timeout.start(self._limit_ms)
        log.info("drill prompt %d/%d: %s", n, self.total, prompt.text)

    def on_action(self, action: Action) -> None:
        if self.current is None or self.stopped or action.size_index is not None or action in NOT_ANSWERS:
            return
        reaction_ms = (self._clock_ns() - self._shown_ns) / NS_PER_MS
        self._answer(Response(action, self.desk.entry.size_index, reaction_ms))

    def _time_ran_out(self) -> None:
        if self.current is not None and not self.stopped:
            self._answer(Response(None, self.desk.entry.size_index, float(self._limit_ms)))

    def _answer(self, response: Response) -> None:
        self._timeout.stop()
        prompt = self.current
        assert prompt is not None
        self.current = None
        score = score_prompt(self.spec, prompt, response, self.streak)
        self.streak = score.streak
        self.scored(score, prompt.text, "prompt")
        text = prompt.text
        if score.ok:
            show_feedback(
                self.overlay, True, f"✓ {score.reaction_ms:.0f} ms", f"{text} · +{score.points:.0f}"
            )
        elif score.timed_out:
            show_feedback(self.overlay, False, "✗ too slow", f"{text}: {self._limit_ms / 1000:.1f} s allowed")
        else:
            checks = (("key", score.key_ok), ("side", score.side_ok), ("size", score.size_ok))
            wrong = " and ".join(w for w, ok in checks if not ok)
            show_feedback(self.overlay, False, f"✗ wrong {wrong}", f"{text}: you pressed {score.pressed}")
        # after the desk has handled the key (acting comes before it): back to flat for the next one
        QtCore.QTimer.singleShot(self.spec.gap_ms // 2, self._reset_account)
        if len(self.results) < self.total:
            self._next.start(self.delays_ms[len(self.results)])
        else:
            QtCore.QTimer.singleShot(self.spec.gap_ms, self._end)

    def _reset_account(self) -> None:
        if not self.stopped:
            self.desk.send(Flatten())

    def _end(self) -> None:
        if not self.stopped:
            self.finish()
