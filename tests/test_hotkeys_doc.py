"""docs/HOTKEYS.md must show exactly the default key map the app ships."""

from __future__ import annotations

import re
from pathlib import Path

from app.core.paper.actions import ACTION_LABELS, DEFAULT_KEYMAP, Action

DOC = Path(__file__).resolve().parents[1] / "docs" / "HOTKEYS.md"
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|\s*`([a-z0-9_]+)`\s*\|\s*$")


def doc_keymap() -> list[tuple[str, str, str]]:
    return [m.groups() for line in DOC.read_text("utf-8").splitlines() if (m := ROW.match(line))]


def test_the_documented_table_is_the_default_keymap_exactly() -> None:
    rows = doc_keymap()

    documented = {Action(action_id): key for key, _label, action_id in rows}
    assert len(rows) == len(documented), "an action is listed twice"
    assert documented == DEFAULT_KEYMAP
    for _key, label, action_id in rows:
        assert label == ACTION_LABELS[Action(action_id)]


def test_the_table_parser_sees_a_changed_key() -> None:
    rows = doc_keymap()
    assert ("W", "Buy market", "buy_market") in rows
    assert ("Shift+Esc", ACTION_LABELS[Action.FLATTEN], "flatten") in rows
