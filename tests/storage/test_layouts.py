"""Layouts file: round-trip, named operations, and survival of damaged files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.storage.layouts import FORMAT_VERSION, Layout, LayoutError, LayoutStore

SAMPLE = Layout(b"\x00\x01state\xff", b"geom", {"ladder": {"group_ticks": 5}, "tape": {"mode": "raw"}})


def test_a_saved_layout_comes_back_identical_from_a_new_store(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    store.save_as("  Scalp   1m ", SAMPLE)
    store.remember_last(Layout(b"last", b"g2", {}))

    again = LayoutStore(tmp_path)

    assert again.notice is None
    assert again.names() == ["Scalp 1m"]
    assert again.get("Scalp 1m") == SAMPLE
    assert again.current_name == "Scalp 1m"
    assert again.last == Layout(b"last", b"g2", {})


def test_rename_and_delete_keep_the_file_in_step(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    store.save_as("a", SAMPLE)
    store.save_as("b", Layout())

    store.rename("a", "c")
    store.delete("b")

    again = LayoutStore(tmp_path)
    assert again.names() == ["c"]
    assert again.get("c") == SAMPLE


def test_bad_names_and_unknown_layouts_are_refused_with_a_message(tmp_path: Path) -> None:
    store = LayoutStore(tmp_path)
    store.save_as("a", SAMPLE)
    store.save_as("b", SAMPLE)

    with pytest.raises(LayoutError, match="needs a name"):
        store.save_as("   ", SAMPLE)
    with pytest.raises(LayoutError, match="already exists"):
        store.rename("a", "b")
    with pytest.raises(LayoutError, match="no layout named"):
        store.delete("zzz")


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        json.dumps({"version": FORMAT_VERSION + 1, "layouts": {}}),
        json.dumps({"version": FORMAT_VERSION, "layouts": {"x": {"window_state": "***"}}}),
        json.dumps({"version": FORMAT_VERSION, "layouts": {"x": {"views": {"ladder": 3}}}}),
    ],
)
def test_a_damaged_file_starts_empty_says_so_and_is_kept_aside(tmp_path: Path, content: str) -> None:
    (tmp_path / "layouts.json").write_text(content)

    store = LayoutStore(tmp_path)

    assert store.names() == [] and store.last is None
    assert store.notice is not None and "default layout" in store.notice
    kept = tmp_path / "layouts.json.corrupt-1"
    assert kept.read_text() == content
    store.save_as("fresh", SAMPLE)  # and the store works on
    assert LayoutStore(tmp_path).names() == ["fresh"]
