"""Trading settings file: round trip, per-value fallbacks, damaged and newer files, lots per instrument."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from app.core.instrument import Instrument
from app.core.paper.actions import DEFAULT_KEYMAP, DEFAULT_PRESETS, Action
from app.core.paper.config import DEFAULT_BRACKETS, BracketTemplate, CancelAhead, FillConfig
from app.storage.settings import (
    FILE_NAME,
    FORMAT_VERSION,
    RiskSettings,
    SettingsStore,
    TradingSettings,
    chord_id,
    settings_to_dict,
)

BTC = Instrument("binance-usdm", "BTCUSDT", Decimal("0.1"), Decimal("0.001"))


def write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / FILE_NAME
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), "utf-8")
    return path


def test_no_file_gives_the_defaults_without_a_notice(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)

    settings = store.load()

    assert settings == TradingSettings()
    assert settings.keymap == {a: DEFAULT_KEYMAP.get(a, "") for a in Action}
    assert settings.presets_qty == DEFAULT_PRESETS and settings.brackets == DEFAULT_BRACKETS
    assert store.notice is None and store.problems == []


def test_saved_settings_come_back_identical_from_a_new_store(tmp_path: Path) -> None:
    keymap = dict(TradingSettings().keymap) | {Action.BUY_MARKET: "F9", Action.REVERSE: ""}
    settings = TradingSettings(
        keymap=keymap,
        confirm=frozenset({Action.FLATTEN, Action.SELL_MARKET}),
        presets_qty=("0.002", "0.004", "0.008", "0.016", "1"),
        brackets=(BracketTemplate("Wide", stop_ticks=100, target_ticks=None), DEFAULT_BRACKETS[2]),
        bracket="Wide",
        fill=FillConfig(
            latency_ms=120,
            maker_fee_bps=-0.5,
            taker_fee_bps=4.0,
            cancel_ahead=CancelAhead.PROPORTIONAL,
            fill_on_book_cross=True,
        ),
        risk=RiskSettings(
            max_position_qty="0.05", daily_loss_quote=None, max_drawdown_quote=250.0, max_trades=40
        ),
    )
    SettingsStore(tmp_path).save(settings)

    again = SettingsStore(tmp_path)
    loaded = again.load()

    assert loaded == settings
    assert again.notice is None and again.problems == []
    assert json.loads((tmp_path / FILE_NAME).read_text())["version"] == FORMAT_VERSION
    assert not (tmp_path / (FILE_NAME + ".tmp")).exists()


@pytest.mark.parametrize(
    "content", ["{not json", "[]", json.dumps({"keymap": {}}), json.dumps({"version": "one"})]
)
def test_a_damaged_file_is_kept_aside_and_the_app_starts_on_defaults(tmp_path: Path, content: str) -> None:
    write(tmp_path, content)
    store = SettingsStore(tmp_path)

    settings = store.load()

    assert settings == TradingSettings()
    assert store.notice is not None and "settings.json.corrupt-1" in store.notice
    assert "\n" not in store.notice
    assert (tmp_path / "settings.json.corrupt-1").read_text() == content
    assert not (tmp_path / FILE_NAME).exists()
    store.save(settings)  # the next save writes a fresh file, the damaged one stays aside
    assert SettingsStore(tmp_path).load() == TradingSettings()
    assert (tmp_path / "settings.json.corrupt-1").read_text() == content


def test_a_file_from_a_newer_version_is_not_touched_and_defaults_are_used(tmp_path: Path) -> None:
    content = json.dumps({"version": FORMAT_VERSION + 1, "keymap": {"buy_market": "F1"}, "new": 1})
    path = write(tmp_path, content)
    store = SettingsStore(tmp_path)

    settings = store.load()

    assert settings == TradingSettings()
    assert store.notice is not None and "newer" in store.notice
    assert path.read_text() == content
    assert not list(tmp_path.glob("*.corrupt-*"))
    store.save(settings)  # saving keeps the newer file beside the new one
    assert (tmp_path / f"{FILE_NAME}.v{FORMAT_VERSION + 1}").read_text() == content


def test_one_bad_value_falls_back_alone_and_is_reported(tmp_path: Path) -> None:
    doc = settings_to_dict(TradingSettings())
    doc["fill"] = {
        "latency_ms": "fast",
        "taker_fee_bps": 3.0,
        "cancel_ahead": "proportional",
        "fill_on_book_cross": "yes",
    }
    doc["presets_qty"] = ["0.001", "-2", "0.01", "lots", "0.1"]
    doc["risk"] = {"max_position_qty": "zero", "daily_loss_quote": -5, "max_trades": 30}
    doc["confirm"] = ["flatten", "launch_rockets"]
    write(tmp_path, doc)
    store = SettingsStore(tmp_path)

    s = store.load()

    assert s.fill == FillConfig(latency_ms=50, taker_fee_bps=3.0, cancel_ahead=CancelAhead.PROPORTIONAL)
    assert s.presets_qty == ("0.001", DEFAULT_PRESETS[1], "0.01", DEFAULT_PRESETS[3], "0.1")
    assert s.risk == RiskSettings(max_position_qty=None, daily_loss_quote=1000.0, max_trades=30)
    assert s.confirm == frozenset({Action.FLATTEN})
    assert len(store.problems) == 7
    joined = "\n".join(store.problems)
    for where in (
        "fill.latency_ms",
        "fill.fill_on_book_cross",
        "presets_qty[1]",
        "presets_qty[3]",
        "risk.max_position_qty",
        "launch_rockets",
    ):
        assert where in joined
    assert store.notice is not None and "(+6 more)" in store.notice and "\n" not in store.notice


def test_keymap_unknown_actions_are_ignored_and_a_doubled_key_leaves_the_second_unbound(
    tmp_path: Path,
) -> None:
    doc = settings_to_dict(TradingSettings())
    doc["keymap"] = {"buy_market": "F1", "teleport": "T", "sell_market": "f1", "join_bid": "Shift+Escape"}
    write(tmp_path, doc)
    store = SettingsStore(tmp_path)

    keymap = store.load().keymap

    assert keymap[Action.BUY_MARKET] == "F1"
    assert keymap[Action.SELL_MARKET] == ""  # "f1" is the same key as "F1"
    assert keymap[Action.JOIN_BID] == "Shift+Escape"
    assert keymap[Action.FLATTEN] == ""  # its default Shift+Esc is now join bid's
    assert keymap[Action.BUY_ASK] == "E"  # actions the file does not name keep their default
    joined = "\n".join(store.problems)
    assert "teleport" in joined and "keymap.sell_market" in joined and "keymap.flatten" in joined


def test_brackets_with_bad_fields_duplicate_or_missing_names_are_dropped_or_repaired(tmp_path: Path) -> None:
    doc = settings_to_dict(TradingSettings())
    doc["brackets"] = [
        {"name": "A", "stop_ticks": 10, "target_ticks": "ten"},  # bad field -> default (None)
        {"name": "A", "stop_ticks": 5},  # duplicate name
        {"stop_ticks": 5},  # no name
        {"name": "B", "stop_ticks": 0},  # unusable
        {"name": "C", "trail_trigger_ticks": 10},  # trailing without a distance
    ]
    doc["bracket"] = "B"
    write(tmp_path, doc)
    store = SettingsStore(tmp_path)

    s = store.load()

    assert s.brackets == (BracketTemplate("A", stop_ticks=10),)
    assert s.bracket is None
    assert len(store.problems) == 6


def test_presets_and_max_position_become_lots_rounded_down_never_below_one() -> None:
    s = TradingSettings(
        presets_qty=("0.001", "0.0059", "0.0001", "1", "0.25"), risk=RiskSettings(max_position_qty="0.0505")
    )

    assert s.presets_lots(BTC) == (1, 5, 1, 1000, 250)
    limits = s.risk_limits(BTC)
    assert limits.max_position_lots == 50
    assert limits.daily_loss_quote == 1000.0
    assert replace(s, risk=RiskSettings(max_position_qty=None)).risk_limits(BTC).max_position_lots is None


def test_chord_identity_ignores_case_modifier_order_and_aliases() -> None:
    assert chord_id("shift+escape") == chord_id("Shift+Esc")
    assert chord_id("Ctrl+Shift+A") == chord_id("shift+ctrl+a")
    assert chord_id("Ctrl++") == (frozenset({"ctrl"}), "+")
    assert chord_id("A") != chord_id("Shift+A")
    assert chord_id("") is None and chord_id("Q, W") is None and chord_id("Hyper+Q") is None


def test_presets_finer_than_a_contract_become_distinct_lot_counts() -> None:
    btc = Instrument("binance-usdm", "BTCUSDT", Decimal("0.1"), Decimal("0.001"))
    uni_contracts = Instrument("okx-swap", "UNI-USD-SWAP", Decimal("0.001"), Decimal(1))

    assert TradingSettings().presets_lots(btc) == (1, 5, 10, 50, 100)  # 0.001 … 0.100 BTC
    assert TradingSettings().presets_lots(uni_contracts) == (1, 5, 10, 25, 50)  # not five buttons of 1
