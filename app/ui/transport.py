"""Replay transport: play/pause, speed, restart, jump to a time, and the replayed market's clock.

Every control is a QAction with a key, so the toolbar, the Replay menu and the keyboard do the
same thing. The toolbar only sends commands to the feed; what the feed does is shown back on
the next `sync()` (called twice a second and after each command), so the buttons never claim a
state the feed is not in.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6 import QtCore, QtGui, QtWidgets

from app.core.units import NS_PER_DAY, NS_PER_HOUR, NS_PER_MS, NS_PER_S
from app.feeds.source import Transport
from widgets.base.fmt import clock_text

log = logging.getLogger(__name__)

SPEEDS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0)
SLIDER_STEPS = 1000
MS_PER_DAY = NS_PER_DAY // NS_PER_MS


def speed_label(speed: float) -> str:
    return f"{speed:g}×"


def next_speed(speed: float, step: int) -> float:
    """The next speed up (step +1) or down (-1) the ladder from `speed`."""
    if step > 0:
        return next((s for s in SPEEDS if s > speed + 1e-9), SPEEDS[-1])
    return next((s for s in reversed(SPEEDS) if s < speed - 1e-9), SPEEDS[0])


class TransportBar(QtWidgets.QToolBar):
    """The replay toolbar; `actions_by_name` are also put in the window's Replay menu.

    Built only for a source that is a `Transport` (app/feeds/source.py): a live feed has none.
    """

    def __init__(self, source: Transport, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__("Replay", parent)
        self.setObjectName("toolbar_transport")
        self.source = source
        self.play = self._action("Pause", "Space", "Play / pause the replay", self._toggle)
        self.slower = self._action("Slower", "[", "Replay slower", lambda: self._step_speed(-1))
        self.faster = self._action("Faster", "]", "Replay faster", lambda: self._step_speed(+1))
        self.restart = self._action("Restart", "Home", "Replay from the start", self._restart)
        self.jump = self._action("Jump to…", "Ctrl+J", "Jump to a time of the recording", self._focus_time)

        self.addAction(self.play)
        self.addAction(self.restart)
        self.addSeparator()
        self.addAction(self.slower)
        self.speed_box = QtWidgets.QComboBox()
        self.speed_box.setObjectName("speed")
        self.speed_box.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        for s in SPEEDS:
            self.speed_box.addItem(speed_label(s), s)
        self.speed_box.activated.connect(lambda i: self._set_speed(float(self.speed_box.itemData(i))))
        self.addWidget(self.speed_box)
        self.addAction(self.faster)
        self.addSeparator()

        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setObjectName("seek")
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setMinimumWidth(220)
        self.slider.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.slider.setToolTip("Drag to jump through the recording")
        self.slider.sliderReleased.connect(self._seek_from_slider)
        self.addWidget(self.slider)

        self.time_edit = QtWidgets.QTimeEdit()
        self.time_edit.setObjectName("jump_time")
        self.time_edit.setDisplayFormat("HH:mm:ss")
        self.time_edit.setToolTip("Time (UTC) to jump to: type it and press Enter")
        self.time_edit.editingFinished.connect(self._jump_to_typed_time)
        self.addWidget(self.time_edit)

        self.clock = QtWidgets.QLabel("--:--:--.---")
        self.clock.setObjectName("market_clock")
        self.clock.setToolTip("Time of the replayed market (UTC, local receive time)")
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(font.pointSize() + 2)
        self.clock.setFont(font)
        self.addWidget(self.clock)
        self.sync()

    def _action(self, text: str, key: str, tip: str, slot: object) -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        action.setShortcut(QtGui.QKeySequence(key))
        action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{tip} ({key})")
        action.triggered.connect(slot)
        return action

    @property
    def actions_by_name(self) -> dict[str, QtGui.QAction]:
        return {
            "play_pause": self.play,
            "restart": self.restart,
            "slower": self.slower,
            "faster": self.faster,
            "jump": self.jump,
        }

    # -- commands -----------------------------------------------------------------------------

    def _toggle(self) -> None:
        paused = self.source.toggle_pause()
        log.info("replay %s", "paused" if paused else "playing")
        self.sync()

    def _step_speed(self, step: int) -> None:
        self._set_speed(next_speed(self.source.speed, step))

    def _set_speed(self, speed: float) -> None:
        log.info("replay speed %s", speed_label(self.source.set_speed(speed)))
        self.sync()

    def _restart(self) -> None:
        self.source.restart()
        log.info("replay restarted")
        self.sync()

    def _focus_time(self) -> None:
        self.time_edit.setFocus()
        self.time_edit.selectAll()

    def _seek_from_slider(self) -> None:
        end = self.source.end_ns
        if end is None:
            return
        start = self.source.start_ns
        self.source.jump_to(start + (end - start) * self.slider.value() // SLIDER_STEPS)
        self.sync()

    def _jump_to_typed_time(self) -> None:
        if not self.time_edit.hasFocus():
            return  # editingFinished also fires on focus loss; only Enter jumps
        self.jump_to_time_of_day(self.time_edit.time())
        parent = self.parentWidget()
        if parent is not None:
            parent.setFocus()  # give the keys back to the window

    def jump_to_time_of_day(self, when: QtCore.QTime) -> None:
        """Jump to `when` (UTC) on the recording's first day, or the next day if it is earlier."""
        start = self.source.start_ns
        day = dt.datetime.fromtimestamp(start // NS_PER_S, tz=dt.UTC).replace(hour=0, minute=0, second=0)
        target = int(day.timestamp()) * NS_PER_S + when.msecsSinceStartOfDay() * NS_PER_MS
        if target < start - 12 * NS_PER_HOUR:
            target += NS_PER_DAY
        self.source.jump_to(target)
        log.info("replay jump to %s", clock_text(target))
        self.sync()

    # -- display ------------------------------------------------------------------------------

    def _show_speed(self, speed: float) -> None:
        """Select `speed` in the box; a speed off the ladder (`--speed 4`) gets its own item, in order,
        until the speed changes again."""
        box = self.speed_box
        index = box.findData(speed)
        if index < 0:
            for i in range(box.count() - 1, -1, -1):
                if float(box.itemData(i)) not in SPEEDS:
                    box.removeItem(i)
            index = sum(1 for s in SPEEDS if s < speed)
            box.insertItem(index, speed_label(speed), speed)
        if box.currentIndex() != index:
            box.setCurrentIndex(index)

    def sync(self) -> None:
        """Show the source's state: play/pause text, speed, clock, slider position."""
        source = self.source
        self.play.setText("Play" if source.paused or source.finished else "Pause")
        self._show_speed(source.speed)
        now = source.market_ns
        self.clock.setText(clock_text(now) if now is not None else "--:--:--.---")
        if not self.time_edit.hasFocus():
            shown = now if now is not None else source.start_ns
            ms_of_day = (shown // NS_PER_MS) % MS_PER_DAY
            self.time_edit.setTime(QtCore.QTime.fromMSecsSinceStartOfDay(ms_of_day))
        end = source.end_ns
        if now is not None and end is not None and end > source.start_ns and not self.slider.isSliderDown():
            self.slider.setValue(round((now - source.start_ns) * SLIDER_STEPS / (end - source.start_ns)))
        self.slider.setEnabled(end is not None)
