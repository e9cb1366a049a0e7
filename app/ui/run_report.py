"""The machine-readable run report: `scalpdesk --stats-out FILE.json` writes it when the window closes.

The same figures the status bar shows while running (frames, frame time, receive → pixel), over
the whole run instead of the last minute, plus what was ingested, the feed's health counters and
the process's peak memory — for the GUI on a replay and on a live feed alike, so a trader's
"it stuttered" and a benchmark speak the same numbers.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.feeds.source import MarketSource
from app.ui.frame_clock import FrameClock
from app.versions import versions

REPORT_VERSION = 1


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def run_report(frames: FrameClock, source: MarketSource, *, started_s: float, hz: int) -> dict[str, Any]:
    """Everything the report holds, as JSON values (`started_s`: time.monotonic() at start)."""
    now_s = time.monotonic()
    status = source.status()
    market = source.binding.market
    first = frames.first_frame_s
    painting_s = now_s - first if first is not None else 0.0
    return {
        "report_version": REPORT_VERSION,
        "written_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": versions(),
        "machine": {"arch": platform.machine(), "cores": os.cpu_count(), "system": platform.system()},
        "source": {
            "kind": status.kind,
            "title": source.title,
            "state": status.state.value,
            "speed": status.speed,
        },
        "instrument": market.instrument.symbol,
        "hz": hz,
        "run_s": round(now_s - started_s, 3),
        "start_to_first_frame_s": round(first - started_s, 3) if first is not None else None,
        "frames_painted": frames.frames,
        "fps": round(frames.frames / painting_s, 2) if painting_s > 0 else 0.0,
        "frame_ms": frames.frame_hist.summary(),
        "views_ms": {view_id: h.summary() for view_id, h in frames.view_hist.items()},
        "receive_to_pixel_ms": frames.latency_hist.summary(),
        # counters of the source's current session (a replay that looped restarted them)
        "messages": status.messages,
        "prints": market.tape.total,
        "malformed": status.malformed,
        "gaps": status.gaps,
        "resyncs": status.resyncs,
        "health": dict(status.health),
        "peak_rss_mb": peak_rss_mb(),
    }


def write_run_report(path: Path, report: dict[str, Any]) -> None:
    """Write atomically: a reader polling the file never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
