"""Files shipped inside the package (`app.resources`, kept in the top-level `resources/` folder).

Read through `importlib.resources`, never through a path next to the source: an installed wheel
has no checkout around it, and a zipped one has no files at all until `as_file` extracts them.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

BUNDLED_RECORDING = "btcusdt_20240808.gz"


def bundled_recording() -> Traversable:
    """The real BTCUSDT recording the app replays when given none, so it runs anywhere, offline.

    Wrap it in `importlib.resources.as_file` where a filesystem path is needed.
    """
    return files(__name__) / BUNDLED_RECORDING


ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def icon_png(size: int) -> Traversable:
    """The app icon rendered at `size` px (packaging/render_icons.py makes them from the SVG)."""
    return files(__name__) / "icons" / f"scalpdesk-{size}.png"


def alert_sound(kind: str) -> Traversable:
    """The WAV played for a signal kind (its `SignalKind` value); packaging/make_sounds.py makes them.

    Wrap it in `importlib.resources.as_file` where a filesystem path is needed."""
    return files(__name__) / "sounds" / f"{kind}.wav"
