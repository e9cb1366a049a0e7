"""Layouts with several windows: each window's market and link group round-trip through the file,
an entry that cannot be read is dropped with a reason (the rest load), and a layouts file from
before windows were saved loads as it always did."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from app.storage.layouts import Layout, LayoutStore
from app.storage.window_layouts import LinkGroup, MarketSpec, SpecKind, WindowEntry

REPLAY = MarketSpec(SpecKind.REPLAY, paths=("/data/btcusdt_20240808.gz",))
SYNTHETIC = MarketSpec(SpecKind.SYNTHETIC, seed=11)
LIVE = MarketSpec(SpecKind.LIVE, venue="bybit", symbol="ETHUSDT")


def test_every_window_s_market_and_link_group_come_back_from_a_new_store(tmp_path: Path) -> None:
    windows = (
        WindowEntry(REPLAY, LinkGroup.A, {"views": {"ladder": {"group_ticks": 5}}}),
        WindowEntry(SYNTHETIC, LinkGroup.B),
        WindowEntry(LIVE),
    )
    LayoutStore(tmp_path).save_as("three", Layout(b"state", b"geom", {}, windows))

    again = LayoutStore(tmp_path).get("three")

    assert again.windows == windows
    assert again.window_problems == ()


def test_an_unreadable_window_entry_is_dropped_with_a_reason_and_the_rest_load(tmp_path: Path) -> None:
    doc = {
        "version": 1,
        "layouts": {
            "mixed": {
                "views": {},
                "windows": [
                    {"market": {"kind": "replay", "paths": []}, "link": "A"},
                    {"market": {"kind": "synthetic", "seed": 3}, "link": "Q", "arrangement": "junk"},
                    "not an object",
                ],
            }
        },
    }
    (tmp_path / "layouts.json").write_text(json.dumps(doc), "utf-8")

    store = LayoutStore(tmp_path)
    layout = store.get("mixed")

    assert store.notice is None, "one bad entry does not make the file damaged"
    assert layout.windows == (WindowEntry(MarketSpec(SpecKind.SYNTHETIC, seed=3), LinkGroup.NONE, {}),)
    assert layout.window_problems == (
        "window 1: a replay needs a list of file paths, dropped",
        "window 3: not an object, dropped",
    )


def test_a_layouts_file_from_before_windows_were_saved_still_loads(tmp_path: Path) -> None:
    old = {
        "version": 1,
        "current": "scalp",
        "layouts": {
            "scalp": {
                "window_state": base64.b64encode(b"old state").decode(),
                "geometry": base64.b64encode(b"old geom").decode(),
                "views": {"ladder": {"group_ticks": 10}},
            }
        },
        "last": None,
    }
    (tmp_path / "layouts.json").write_text(json.dumps(old), "utf-8")

    store = LayoutStore(tmp_path)

    assert store.notice is None
    assert store.get("scalp") == Layout(b"old state", b"old geom", {"ladder": {"group_ticks": 10}})
    assert store.get("scalp").windows == ()
    store.write()  # written back without a windows key: an older app reads it unchanged
    assert "windows" not in json.loads((tmp_path / "layouts.json").read_text("utf-8"))["layouts"]["scalp"]


def test_a_spec_names_its_market_for_the_user() -> None:
    assert REPLAY.label == "replay of btcusdt_20240808.gz"
    assert SYNTHETIC.label == "synthetic seed 11"
    assert LIVE.label == "bybit:ETHUSDT"
