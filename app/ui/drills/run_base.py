"""What every drill run shares: the overlay, the results, the end (history row, score panel, log).

A run listens to the desk (`TradingDesk.acting`: the action the trader's key or menu asked for)
and to the source's batches; it never handles keys itself, so the trader practises the very
hotkeys, key map and paper exchange they trade with.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6 import QtCore

from app.core.drills.catalogue import DrillSpec, Family
from app.core.drills.execution import ExecScore
from app.core.drills.options import DrillOptions
from app.core.drills.reaction import TrialScore
from app.core.drills.summary import summarize
from app.core.paper.actions import Action
from app.storage.drill_history import DrillHistory, SessionRecord, attempt_body
from app.ui.drills.overlay import PromptOverlay
from app.ui.drills.score_panel import ScorePanel, execution_rows, reaction_rows
from app.ui.main_window import MainWindow
from app.ui.trading_desk import TradingDesk

log = logging.getLogger("app.ui.drills")


class DrillRun(QtCore.QObject):
    def __init__(
        self,
        spec: DrillSpec,
        options: DrillOptions,
        window: MainWindow,
        desk: TradingDesk,
        *,
        history_path: Path | None = None,
        on_history: Callable[[], object] | None = None,
        wall_clock_s: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(window)
        self.spec = spec
        self.options = options
        self.window = window
        self.desk = desk
        self.total = options.trials_for(spec.trials)
        self.history_path = history_path
        self._on_history = on_history
        self._wall_clock_s = wall_clock_s
        self.started_s = wall_clock_s()
        dock = window.docks.get("ladder")
        self.overlay = PromptOverlay(window, dock if dock is not None else window)
        self.results: list[ExecScore | TrialScore] = []
        self.labels: list[str] = []  # what each attempt was about (prompt text, signal)
        self.record: SessionRecord | None = None
        self.panel: ScorePanel | None = None
        self.started = False
        self.stopped = False

    @property
    def done(self) -> bool:
        return self.record is not None

    def start(self) -> None:
        self.started = True
        self.desk.acting.connect(self.on_action)

    def on_action(self, action: Action) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """The window is closing: no more timers or batches; an unfinished drill is not kept."""
        if self.stopped:
            return
        self.stopped = True
        if self.started:
            self.desk.acting.disconnect(self.on_action)
        if not self.done:
            log.info(
                "drill %s stopped after %d of %d: not saved", self.spec.name, len(self.results), self.total
            )

    def scored(self, score: ExecScore | TrialScore, label: str, what: str) -> None:
        self.results.append(score)
        self.labels.append(label)
        n = len(self.results)
        log.info("drill %s %d/%d scored: %s", what, n, self.total, json.dumps(attempt_body(score)))

    def finish(self) -> None:
        summary = summarize(self.results)
        pairs = zip(self.results, self.labels, strict=True)
        record = SessionRecord(
            drill=self.spec.name,
            family=self.spec.family.value,
            seed=self.options.seed,
            started_s=self.started_s,
            day=time.strftime("%Y-%m-%d", time.localtime(self.started_s)),
            summary=summary,
            attempts=tuple(dict(attempt_body(r), about=label) for r, label in pairs),
            options=self.options.as_json(),
        )
        try:
            with DrillHistory(self.history_path) as history:
                session_id: int | None = history.record(record)
                where = history.path.name
                if history.notice:
                    self.window.status.show_notice(history.notice)
            note = f"Saved to the drill history ({where}): Practice → Drill history…"
        except (OSError, sqlite3.Error) as exc:  # a full disk, a locked file: the score is still shown
            session_id, note = None, f"Not saved: the drill history could not be written ({exc})."
            self.window.status.show_notice(note)
            log.error("drill %s: %s", self.spec.name, note)
        self.record = dataclasses.replace(record, session_id=session_id)
        self.overlay.hide()
        read_react = self.spec.family is Family.READ_REACT
        if read_react:
            table = reaction_rows([r for r in self.results if isinstance(r, TrialScore)], self.labels)
        else:
            table = execution_rows([r for r in self.results if isinstance(r, ExecScore)])
        self.panel = ScorePanel(
            self.window,
            f"{self.spec.name} · seed {self.options.seed}",
            summary,
            table,
            read_react=read_react,
            note=note,
            on_history=self._on_history,
        )
        log.info(
            "drill %s done: session %s: %s",
            self.spec.name,
            session_id,
            json.dumps(_summary_json(self.record)),
        )


def _summary_json(record: SessionRecord) -> dict[str, Any]:
    doc = record.as_json()
    doc.pop("results")
    return doc


def show_feedback(overlay: PromptOverlay, ok: bool, big: str, small: str) -> None:
    overlay.say(big, small, "#7ee787" if ok else "#ff7b72")
