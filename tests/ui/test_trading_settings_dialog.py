"""The trading settings dialog: values round-trip, each tab validates inline and blocks OK, brackets."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore
from pytestqt.qtbot import QtBot

from app.core.instrument import Instrument
from app.core.paper.config import DEFAULT_BRACKETS, BracketTemplate, CancelAhead
from app.storage.settings import RiskSettings, SettingsStore, TradingSettings
from app.ui.trading_settings_dialog import TradingSettingsDialog
from app.venues.registry import resolve_instrument

Left = QtCore.Qt.MouseButton.LeftButton
BTCUSDT = resolve_instrument("binance-usdm", "BTCUSDT")


def make(
    qtbot: QtBot, settings: TradingSettings, instrument: Instrument | None = None
) -> TradingSettingsDialog:
    dialog = TradingSettingsDialog(settings, instrument)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_into(qtbot: QtBot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_unchanged_dialog_returns_the_settings_it_was_given(qtbot: QtBot) -> None:
    settings = TradingSettings(bracket="Runner", risk=RiskSettings(max_position_qty="0.05", max_trades=12))
    dialog = make(qtbot, settings)

    assert dialog.ok_button.isEnabled()
    assert dialog.result() == settings


def test_edits_in_every_tab_come_back_in_the_result_and_survive_the_file(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = make(qtbot, TradingSettings())

    type_into(qtbot, dialog.latency, "120")
    dialog.taker_fee.setValue(4.5)
    dialog.proportional.click()
    assert not dialog.book_cross.isChecked()  # off by default
    dialog.book_cross.click()
    dialog.risk_checks["daily_loss_quote"].click()  # off
    dialog.risk_checks["max_losing_streak"].click()  # on
    dialog.max_streak.setValue(3)
    dialog.risk_checks["max_position_qty"].click()
    type_into(qtbot, dialog.max_position, "0.2")
    type_into(qtbot, dialog.presets[4], "0.25")
    result = dialog.result()

    assert result.fill.latency_ms == 120 and result.fill.taker_fee_bps == 4.5
    assert result.fill.cancel_ahead is CancelAhead.PROPORTIONAL
    assert result.fill.fill_on_book_cross
    assert result.risk == RiskSettings(max_position_qty="0.2", daily_loss_quote=None, max_losing_streak=3)
    assert result.presets_qty[4] == "0.25"
    store = SettingsStore(tmp_path)
    store.save(result)
    assert SettingsStore(tmp_path).load() == result


def test_a_bad_max_position_is_named_on_its_tab_and_blocks_ok(qtbot: QtBot) -> None:
    dialog = make(qtbot, TradingSettings())
    dialog.risk_checks["max_position_qty"].click()

    type_into(qtbot, dialog.max_position, "lots")

    assert not dialog.ok_button.isEnabled()
    assert "Max position" in dialog.risk_error.text()
    assert dialog.tabs.tabText(1).endswith("⚠")
    dialog.risk_checks["max_position_qty"].click()  # switching the limit off resolves it
    assert dialog.ok_button.isEnabled() and dialog.tabs.tabText(1) == "Risk limits"


def test_bracket_names_must_be_unique_and_non_empty_and_cells_whole_ticks(qtbot: QtBot) -> None:
    dialog = make(qtbot, TradingSettings())
    table = dialog.brackets

    table.item(1, 0).setText("Scalp")
    assert not dialog.ok_button.isEnabled()
    assert "used twice" in dialog.brackets_error.text()
    table.item(1, 0).setText("  ")
    assert "needs a name" in dialog.brackets_error.text()
    table.item(1, 0).setText("Tight")
    table.item(2, 1).setText("-3")
    assert "not a whole number" in dialog.brackets_error.text() and not dialog.ok_button.isEnabled()
    table.item(2, 1).setText("0")
    assert "stop must be at least 1 tick" in dialog.brackets_error.text()
    table.item(2, 1).setText("")  # empty = no stop leg

    assert dialog.ok_button.isEnabled() and dialog.tabs.tabText(2) == "Brackets"
    assert dialog.result().brackets[2].stop_ticks is None


def test_add_duplicate_remove_and_a_renamed_selection_follows(qtbot: QtBot) -> None:
    dialog = make(qtbot, TradingSettings(bracket="Tight"))
    table = dialog.brackets

    qtbot.mouseClick(dialog.add_bracket, Left)
    table.selectRow(1)
    qtbot.mouseClick(dialog.duplicate_bracket, Left)
    table.item(1, 0).setText("Tighter")
    table.selectRow(0)
    qtbot.mouseClick(dialog.remove_bracket, Left)
    result = dialog.result()

    assert [t.name for t in result.brackets] == ["Tighter", "Runner", "New", "Tight copy"]
    assert result.brackets[3] == BracketTemplate("Tight copy", stop_ticks=20, target_ticks=20)
    assert result.bracket == "Tighter"
    table.selectRow(0)
    qtbot.mouseClick(dialog.remove_bracket, Left)
    assert dialog.result().bracket is None


def test_presets_validate_and_show_their_lots_for_the_instrument(qtbot: QtBot) -> None:
    dialog = make(qtbot, TradingSettings(), BTCUSDT)

    type_into(qtbot, dialog.presets[1], "0.0059")
    assert dialog.preset_lots[1].text() == "= 0.005 (5 lots)"
    type_into(qtbot, dialog.presets[2], "-1")

    assert not dialog.ok_button.isEnabled()
    assert "Size 3" in dialog.presets_error.text()
    assert dialog.tabs.tabText(3).endswith("⚠")


def test_screenshots(qtbot: QtBot) -> None:
    dialog = make(qtbot, TradingSettings(brackets=DEFAULT_BRACKETS), BTCUSDT)
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        assert dialog.grab().save(f"/tmp/trading_settings_{index}.png")
