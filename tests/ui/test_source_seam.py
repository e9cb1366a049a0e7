"""Above the feeds only the app's starts choose a concrete source.

The window, status bar, transport bar, frame clock and desk see `MarketSource` / `Transport`
(app/feeds/source.py), so a live or synthetic source plugs in without touching them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Where a concrete source is picked: the app's start, a drill's start, and the window registry
# (a new window, a linked window or a restored layout opens the market it names). The aggregated
# window opens its sources through app/feeds/aggregate_open.py, Review through `Replaying`.
CHOOSERS = {"app/ui/run_app.py", "app/ui/drills/run_drill.py", "app/ui/window_registry.py"}
CONCRETE = {"app.feeds.replay_feed", "app.feeds.replay"}


def _ui_sources() -> list[Path]:
    return sorted([*(ROOT / "app" / "ui").rglob("*.py"), *(ROOT / "widgets").rglob("*.py")])


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize("path", _ui_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_app_start_imports_a_concrete_source(path: Path) -> None:
    rel = str(path.relative_to(ROOT))
    concrete = _imported(path) & CONCRETE
    if rel in CHOOSERS:
        assert "app.feeds.replay_feed" in concrete  # the check sees imports at all
    else:
        assert not concrete, f"{rel} imports {sorted(concrete)}: use app.feeds.source"
