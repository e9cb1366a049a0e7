"""Recording what a live feed received, in the replay format, so any session can be replayed.

Lines are written exactly as the pipeline got them (`<receive ns> <frame>`, REST snapshots
included), gzip-compressed, each file with a sidecar naming venue, symbol and the venue's own
instrument entry, so `scalpdesk replay FILE` rebuilds the same market. Files rotate by size and
by age, and gzip is flushed every second: a crash loses at most about a second.
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

FLUSH_EVERY_S = 1.0
MAX_BYTES = 256 * 1024 * 1024  # uncompressed bytes per file
MAX_AGE_S = 3600.0


class Recorder:
    def __init__(
        self,
        directory: Path,
        instrument: Instrument,
        metadata: Mapping[str, Any] | None = None,
        *,
        max_bytes: int = MAX_BYTES,
        max_age_s: float = MAX_AGE_S,
        monotonic: Callable[[], float] = time.monotonic,
        wall_s: Callable[[], float] = time.time,
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.instrument = instrument
        self._metadata = dict(metadata) if metadata is not None else None
        self._max_bytes = max_bytes
        self._max_age_s = max_age_s
        self._monotonic = monotonic
        self._wall_s = wall_s
        self.paths: list[Path] = []
        self.lines = 0
        self._fh: gzip.GzipFile | None = None
        self._open()

    def _open(self) -> None:
        inst = self.instrument
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(self._wall_s()))
        path = self.directory / f"{inst.venue}_{inst.symbol}_{stamp}.gz"
        n = 1
        while path.exists() or path in self.paths:
            n += 1
            path = self.directory / f"{inst.venue}_{inst.symbol}_{stamp}-{n}.gz"
        self._fh = gzip.open(path, "wb", compresslevel=5)  # noqa: SIM115 - closed on rotate/close
        self.paths.append(path)
        self._opened_s = self._flushed_s = self._monotonic()
        self._bytes = 0
        side: dict[str, Any] = {
            "venue": inst.venue,
            "symbol": inst.symbol,
            "tick_size": format_decimal(inst.tick_size),  # for people; replay reads "instrument"
            "lot_size": format_decimal(inst.lot_size),
        }
        if self._metadata is not None:
            side["instrument"] = self._metadata  # the venue's own entry: a replay resolves it exactly
        sidecar_path(path).write_text(json.dumps(side, indent=1), encoding="utf-8")

    @property
    def path(self) -> Path:
        return self.paths[-1]

    def write(self, lines: list[bytes]) -> None:
        fh = self._fh
        if fh is None:
            return
        chunk = b"\n".join(lines) + b"\n"
        fh.write(chunk)
        self.lines += len(lines)
        self._bytes += len(chunk)
        now = self._monotonic()
        if self._bytes >= self._max_bytes or now - self._opened_s >= self._max_age_s:
            fh.close()
            self._open()
        elif now - self._flushed_s >= FLUSH_EVERY_S:
            fh.flush()
            self._flushed_s = now

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
