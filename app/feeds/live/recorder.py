"""Recording what a live feed received, in the replay format, so a session can be replayed.

Lines are written exactly as the pipeline got them (`<receive ns> <frame>`), gzip-compressed,
with a sidecar naming venue, symbol and instrument, so `scalpdesk replay FILE` shows the same
market. gzip is flushed every few seconds: a crash loses at most those seconds.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from app.core.instrument import Instrument, format_decimal
from app.feeds.recording import sidecar_path

FLUSH_EVERY_S = 5.0


class Recorder:
    def __init__(
        self,
        path: Path,
        instrument: Instrument,
        metadata: Mapping[str, Any] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fh = gzip.open(path, "ab", compresslevel=5)  # noqa: SIM115 - open for the session
        self._monotonic = monotonic
        self._flushed_s = monotonic()
        self.lines = 0
        side: dict[str, Any] = {
            "venue": instrument.venue,
            "symbol": instrument.symbol,
            "tick_size": format_decimal(instrument.tick_size),  # for people; replay reads the next key
            "lot_size": format_decimal(instrument.lot_size),
        }
        if metadata is not None:
            side["instrument"] = dict(metadata)  # the venue's own entry: replays resolve it exactly
        sidecar_path(path).write_text(json.dumps(side, indent=1), encoding="utf-8")

    def write(self, lines: list[bytes]) -> None:
        self._fh.write(b"\n".join(lines) + b"\n")
        self.lines += len(lines)
        now = self._monotonic()
        if now - self._flushed_s >= FLUSH_EVERY_S:
            self._fh.flush()
            self._flushed_s = now

    def close(self) -> None:
        self._fh.close()
