"""The trading settings dialog: fill model, risk limits, bracket templates, preset sizes.

Every setting says in plain words what it does, because the fill model is what makes practice
honest and a trader must know what it assumes. Invalid input is named next to where it is, the
tab carrying it is marked, and OK stays disabled until all of it is valid, so `result()` is always
a settings value the exchange can use as is.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6 import QtCore, QtWidgets

from app.core.instrument import Instrument
from app.core.paper.config import BracketTemplate, CancelAhead, FillConfig
from app.core.paper.entry import PRESET_COUNT
from app.storage.settings import (
    MAX_LATENCY_MS,
    RiskSettings,
    TradingSettings,
    bracket_problems,
    parse_qty,
    qty_to_lots,
)
from widgets.base import palette

# Bracket table columns: (header, BracketTemplate field, empty means off)
BRACKET_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("Name", "name", False),
    ("Stop", "stop_ticks", True),
    ("Target", "target_ticks", True),
    ("BE trigger", "breakeven_trigger_ticks", True),
    ("BE offset", "breakeven_offset_ticks", False),
    ("Trail trigger", "trail_trigger_ticks", True),
    ("Trail distance", "trail_distance_ticks", False),
    ("Trail step", "trail_step_ticks", False),
)
_ORIGINAL_NAME = QtCore.Qt.ItemDataRole.UserRole  # on a row's name item: the name it was opened with


def _explain(text: str) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {palette.TEXT_DIM.name()};")
    return label


def _error_label(name: str) -> QtWidgets.QLabel:
    label = QtWidgets.QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {palette.PULL.name()};")
    label.hide()
    return label


class TradingSettingsDialog(QtWidgets.QDialog):
    def __init__(
        self,
        settings: TradingSettings,
        instrument: Instrument | None = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Trading settings")
        self.setObjectName("trading_settings_dialog")
        self._settings = settings
        self._instrument = instrument
        self._built = False  # validate() waits for every tab
        self._base = (instrument.base_asset if instrument else "") or "base asset"
        self._quote = (instrument.quote_asset if instrument else "") or "USDT"

        self.tabs = QtWidgets.QTabWidget()
        self._titles = ("Fill model", "Risk limits", "Brackets", "Presets")
        self.tabs.addTab(self._fill_tab(settings.fill), self._titles[0])
        self.tabs.addTab(self._risk_tab(settings.risk), self._titles[1])
        self.tabs.addTab(self._brackets_tab(settings.brackets), self._titles[2])
        self.tabs.addTab(self._presets_tab(settings.presets_qty), self._titles[3])

        self.buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 520)
        self._built = True
        self.validate()

    # -- tabs ---------------------------------------------------------------------------------

    def _fill_tab(self, fill: FillConfig) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(page)
        self.latency = QtWidgets.QSpinBox()
        self.latency.setObjectName("latency_ms")
        self.latency.setRange(0, MAX_LATENCY_MS)
        self.latency.setSuffix(" ms")
        self.latency.setValue(fill.latency_ms)
        form.addRow("Latency", self.latency)
        form.addRow(
            _explain(
                "How long an order or a cancel travels to the exchange: the market keeps moving "
                "meanwhile, so it arrives at the prices of that later moment, as a real one would."
            )
        )
        self.maker_fee = self._bps_box("maker_fee_bps", fill.maker_fee_bps, -10.0)
        form.addRow("Maker fee", self.maker_fee)
        form.addRow(
            _explain(
                "Charged on fills of your resting limit orders (they add liquidity); "
                "1 bps = 0.01 % of the traded value, negative = a rebate."
            )
        )
        self.taker_fee = self._bps_box("taker_fee_bps", fill.taker_fee_bps, 0.0)
        form.addRow("Taker fee", self.taker_fee)
        form.addRow(
            _explain("Charged on fills that take liquidity: market orders and limits that cross the spread.")
        )
        self.pessimistic = QtWidgets.QRadioButton("Pessimistic (default)")
        self.pessimistic.setObjectName("cancel_pessimistic")
        self.proportional = QtWidgets.QRadioButton("Proportional")
        self.proportional.setObjectName("cancel_proportional")
        (self.pessimistic if fill.cancel_ahead is CancelAhead.PESSIMISTIC else self.proportional).setChecked(
            True
        )
        form.addRow("Cancels in the queue", self.pessimistic)
        form.addRow(
            _explain(
                "Assume every order cancelled at your price was behind you: only trades move you up the "
                "queue. The safer choice: your limit fills later, never sooner, than with proportional."
            )
        )
        form.addRow("", self.proportional)
        form.addRow(
            _explain(
                "Assume cancels are spread evenly through the queue, so some of them were ahead of you "
                "and move you up. Closer to average reality, but it can fill you too early."
            )
        )
        self.book_cross = QtWidgets.QCheckBox("Fill when the book crosses my price without a trade")
        self.book_cross.setObjectName("fill_on_book_cross")
        self.book_cross.setChecked(fill.fill_on_book_cross)
        form.addRow("Crossing book", self.book_cross)
        form.addRow(
            _explain(
                "Off by default. When the other side of the book comes to your resting limit's price, "
                "fill it in full even if no trade printed there (what queue backtesters do). "
                "Optimistic: a book update can cross your price for a moment without anyone trading "
                "with the queue you are in."
            )
        )
        return page

    def _bps_box(self, name: str, value: float, minimum: float) -> QtWidgets.QDoubleSpinBox:
        box = QtWidgets.QDoubleSpinBox()
        box.setObjectName(name)
        box.setRange(minimum, 100.0)
        box.setDecimals(2)
        box.setSingleStep(0.5)
        box.setSuffix(" bps")
        box.setValue(value)
        return box

    def _risk_tab(self, risk: RiskSettings) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        grid = QtWidgets.QGridLayout(page)
        grid.addWidget(
            _explain(
                "A tripped limit blocks new risk until the next session; flatten and cancel always work. "
                "Money limits are in the quote currency, net of fees."
            ),
            0,
            0,
            1,
            3,
        )
        self.max_position = QtWidgets.QLineEdit(risk.max_position_qty or "")
        self.max_position.setObjectName("max_position_qty")
        self.max_position.setPlaceholderText("e.g. 0.05")
        self.daily_loss = self._money_box("daily_loss_quote", risk.daily_loss_quote)
        self.max_drawdown = self._money_box("max_drawdown_quote", risk.max_drawdown_quote)
        self.max_trades = self._count_box("max_trades", risk.max_trades, 10_000)
        self.max_streak = self._count_box("max_losing_streak", risk.max_losing_streak, 1000)
        rows = (
            (
                "Max position",
                self.max_position,
                risk.max_position_qty,
                f"{self._base}: position plus working orders",
            ),
            (
                "Daily loss",
                self.daily_loss,
                risk.daily_loss_quote,
                "realised + unrealised since the session start",
            ),
            ("Max drawdown", self.max_drawdown, risk.max_drawdown_quote, "from the session's equity peak"),
            ("Max trades", self.max_trades, risk.max_trades, "round trips opened this session"),
            ("Losing streak", self.max_streak, risk.max_losing_streak, "consecutive losing round trips"),
        )
        self.risk_checks: dict[str, QtWidgets.QCheckBox] = {}
        for row, (label, field_widget, value, hint) in enumerate(rows, start=1):
            check = QtWidgets.QCheckBox(label)
            check.setObjectName(f"enable_{field_widget.objectName()}")
            check.setChecked(value is not None)
            field_widget.setEnabled(value is not None)
            check.toggled.connect(field_widget.setEnabled)
            check.toggled.connect(self.validate)
            self.risk_checks[field_widget.objectName()] = check
            grid.addWidget(check, row, 0)
            grid.addWidget(field_widget, row, 1)
            grid.addWidget(_explain(hint), row, 2)
        self.max_position.textChanged.connect(self.validate)
        self.risk_error = _error_label("risk_error")
        grid.addWidget(self.risk_error, len(rows) + 1, 0, 1, 3)
        grid.setRowStretch(len(rows) + 2, 1)
        grid.setColumnStretch(2, 1)
        return page

    def _money_box(self, name: str, value: float | None) -> QtWidgets.QDoubleSpinBox:
        box = QtWidgets.QDoubleSpinBox()
        box.setObjectName(name)
        box.setRange(0.01, 1e9)
        box.setDecimals(2)
        box.setSuffix(f" {self._quote}")
        box.setValue(value if value is not None else 500.0)
        return box

    @staticmethod
    def _count_box(name: str, value: int | None, maximum: int) -> QtWidgets.QSpinBox:
        box = QtWidgets.QSpinBox()
        box.setObjectName(name)
        box.setRange(1, maximum)
        box.setValue(value if value is not None else min(maximum, 10))
        return box

    def _brackets_tab(self, brackets: tuple[BracketTemplate, ...]) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        box = QtWidgets.QVBoxLayout(page)
        box.addWidget(
            _explain(
                "Stop and target in ticks from the entry fill, sent as one-cancels-other. Break-even: "
                "after the trigger in your favour the stop moves to entry + offset. Trailing: after its "
                "trigger the stop follows the best price at the distance, in steps. An empty cell leaves "
                "that part out."
            )
        )
        self.brackets = QtWidgets.QTableWidget(0, len(BRACKET_COLUMNS))
        self.brackets.setObjectName("brackets_table")
        self.brackets.setHorizontalHeaderLabels([c[0] for c in BRACKET_COLUMNS])
        self.brackets.verticalHeader().setVisible(False)
        self.brackets.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.brackets.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        for template in brackets:
            self._add_bracket_row(template, original=template.name)
        self.brackets.itemChanged.connect(self.validate)
        header = self.brackets.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.brackets, 1)
        buttons = QtWidgets.QHBoxLayout()
        self.add_bracket = QtWidgets.QPushButton("Add")
        self.duplicate_bracket = QtWidgets.QPushButton("Duplicate")
        self.remove_bracket = QtWidgets.QPushButton("Remove")
        self.add_bracket.clicked.connect(self._on_add)
        self.duplicate_bracket.clicked.connect(self._on_duplicate)
        self.remove_bracket.clicked.connect(self._on_remove)
        for b in (self.add_bracket, self.duplicate_bracket, self.remove_bracket):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.brackets_error = _error_label("brackets_error")
        box.addWidget(self.brackets_error)
        return page

    def _add_bracket_row(self, template: BracketTemplate, original: str | None = None) -> int:
        row = self.brackets.rowCount()
        self.brackets.blockSignals(True)
        self.brackets.insertRow(row)
        for col, (_header, name, _optional) in enumerate(BRACKET_COLUMNS):
            value = getattr(template, name)
            item = QtWidgets.QTableWidgetItem("" if value is None else str(value))
            if col == 0:
                item.setData(_ORIGINAL_NAME, original)
            else:
                item.setTextAlignment(
                    QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter
                )
            self.brackets.setItem(row, col, item)
        self.brackets.blockSignals(False)
        self.brackets.selectRow(row)
        self.validate()
        return row

    def _unused_name(self, stem: str) -> str:
        names = {self._cell(r, 0) for r in range(self.brackets.rowCount())}
        n = 1
        while (name := stem if n == 1 else f"{stem} {n}") in names:
            n += 1
        return name

    def _on_add(self) -> None:
        self._add_bracket_row(BracketTemplate(self._unused_name("New"), stop_ticks=20, target_ticks=40))

    def _on_duplicate(self) -> None:
        row = self.brackets.currentRow()
        template = self._row_template(row)[0] if row >= 0 else None
        if template is not None:
            self._add_bracket_row(replace(template, name=self._unused_name(f"{template.name} copy")))

    def _on_remove(self) -> None:
        row = self.brackets.currentRow()
        if row >= 0:
            self.brackets.removeRow(row)
            self.validate()

    def _presets_tab(self, presets: tuple[str, ...]) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(page)
        form.addRow(
            _explain(
                f"The five order sizes the number keys select, in {self._base}. They are rounded down to "
                "the instrument's lot size, and are never less than one lot."
            )
        )
        self.presets: list[QtWidgets.QLineEdit] = []
        self.preset_lots: list[QtWidgets.QLabel] = []
        for i in range(PRESET_COUNT):
            edit = QtWidgets.QLineEdit(presets[i] if i < len(presets) else "")
            edit.setObjectName(f"preset_{i + 1}")
            edit.textChanged.connect(self.validate)
            lots = _explain("")
            row = QtWidgets.QHBoxLayout()
            row.addWidget(edit)
            row.addWidget(lots, 1)
            form.addRow(f"Size {i + 1}", row)
            self.presets.append(edit)
            self.preset_lots.append(lots)
        self.presets_error = _error_label("presets_error")
        form.addRow(self.presets_error)
        return page

    # -- reading and checking -----------------------------------------------------------------

    def _cell(self, row: int, col: int) -> str:
        item = self.brackets.item(row, col)
        return item.text().strip() if item is not None else ""

    def _row_template(self, row: int) -> tuple[BracketTemplate | None, list[str]]:
        values: dict[str, object] = {}
        problems = []
        for col, (header, name, optional) in enumerate(BRACKET_COLUMNS):
            text = self._cell(row, col)
            if col == 0:
                values[name] = text
            elif not text:
                values[name] = None if optional else BracketTemplate.__dataclass_fields__[name].default
            elif text.isdigit():
                values[name] = int(text)
            else:
                problems.append(f"{header} {text!r} is not a whole number of ticks")
        if problems:
            return None, problems
        template = BracketTemplate(**values)  # type: ignore[arg-type]
        return template, bracket_problems(template)

    def _bracket_errors(self) -> list[str]:
        errors = []
        seen: set[str] = set()
        for row in range(self.brackets.rowCount()):
            template, problems = self._row_template(row)
            label = f"Row {row + 1}" + (f" ({template.name})" if template and template.name else "")
            errors += [f"{label}: {p}" for p in problems]
            if template is not None and template.name:
                if template.name in seen:
                    errors.append(f"{label}: the name is used twice")
                seen.add(template.name)
        return errors

    def _risk_errors(self) -> list[str]:
        if not self.risk_checks["max_position_qty"].isChecked():
            return []
        try:
            parse_qty(self.max_position.text())
        except ValueError as exc:
            return [f"Max position: {exc}"]
        return []

    def _preset_errors(self) -> list[str]:
        errors = []
        for i, (edit, lots) in enumerate(zip(self.presets, self.preset_lots, strict=True)):
            try:
                parse_qty(edit.text())
            except ValueError as exc:
                errors.append(f"Size {i + 1}: {exc}")
                lots.setText("")
                continue
            if self._instrument is not None:
                n = qty_to_lots(edit.text(), self._instrument)
                lots.setText(f"= {self._instrument.qty_str(n)} ({n} lot{'s' if n != 1 else ''})")
        return errors

    def validate(self) -> list[str]:
        """Show each tab's problems under it, mark the tab, enable OK only when there are none."""
        if not self._built:
            return []
        per_tab = {
            1: (self._risk_errors(), self.risk_error),
            2: (self._bracket_errors(), self.brackets_error),
            3: (self._preset_errors(), self.presets_error),
        }
        everything: list[str] = []
        for index, (errors, label) in per_tab.items():
            label.setText("\n".join(errors))
            label.setVisible(bool(errors))
            self.tabs.setTabText(index, self._titles[index] + (" ⚠" if errors else ""))
            everything += errors
        self.ok_button.setEnabled(not everything)
        return everything

    def result(self) -> TradingSettings:  # type: ignore[override]
        """The edited settings (call after OK; while invalid, raises ValueError)."""
        if errors := self.validate():
            raise ValueError("; ".join(errors))
        templates: list[BracketTemplate] = []
        selected = None
        for row in range(self.brackets.rowCount()):
            template = self._row_template(row)[0]
            assert template is not None
            templates.append(template)
            name_item = self.brackets.item(row, 0)
            if name_item is not None and name_item.data(_ORIGINAL_NAME) == self._settings.bracket:
                selected = template.name  # the selected template follows its rename
        checks = self.risk_checks

        def on(name: str) -> bool:
            return checks[name].isChecked()

        return replace(
            self._settings,
            presets_qty=tuple(e.text().strip() for e in self.presets),
            brackets=tuple(templates),
            bracket=selected,
            fill=FillConfig(
                latency_ms=self.latency.value(),
                maker_fee_bps=self.maker_fee.value(),
                taker_fee_bps=self.taker_fee.value(),
                cancel_ahead=CancelAhead.PESSIMISTIC
                if self.pessimistic.isChecked()
                else CancelAhead.PROPORTIONAL,
                fill_on_book_cross=self.book_cross.isChecked(),
            ),
            risk=RiskSettings(
                max_position_qty=self.max_position.text().strip() if on("max_position_qty") else None,
                daily_loss_quote=self.daily_loss.value() if on("daily_loss_quote") else None,
                max_drawdown_quote=self.max_drawdown.value() if on("max_drawdown_quote") else None,
                max_trades=self.max_trades.value() if on("max_trades") else None,
                max_losing_streak=self.max_streak.value() if on("max_losing_streak") else None,
            ),
        )
