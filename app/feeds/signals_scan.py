"""`scalpdesk signals FILE…`: replay recordings headless with the signal engine and list what it
found, as a table for reading or JSON for scripts.

The replay is `run_replay`'s own loop (the engine runs after each batch, as it would in the app);
this module only builds the engine, collects its signals and formats them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.instrument import Instrument
from app.core.signals.engine import SignalEngine, SignalSettings
from app.core.signals.kinds import Signal, SignalKind
from app.feeds.replay import ReplaySession, run_replay


def parse_kinds(text: str) -> frozenset[SignalKind]:
    """ "absorption,sweep" -> the kinds; ValueError naming the known ones on a typo."""
    names = {k.value: k for k in SignalKind}
    out = set()
    for word in (w.strip() for w in text.split(",")):
        if word not in names:
            raise ValueError(f"unknown signal kind {word!r} (known: {', '.join(names)})")
        out.add(names[word])
    return frozenset(out)


def scan(paths: Sequence[Path], settings: SignalSettings) -> tuple[Instrument, list[Signal]]:
    """Replay `paths` as fast as possible and return every signal, zones with their retest time."""
    found: list[Signal] = []
    engines: list[SignalEngine] = []

    def on_open(session: ReplaySession) -> Callable[[], None]:
        engine = SignalEngine(session.market, settings)
        engines.append(engine)
        return lambda: found.extend(engine.on_batch())

    session = run_replay(paths, on_open=on_open)
    engine = engines[0]
    found.extend(engine.flush())
    engine.close()
    ends = [engine.zone_end_ns(sig) for sig in found]
    return session.instrument, [
        sig if end is None else replace(sig, end_ns=end) for sig, end in zip(found, ends, strict=True)
    ]


def _utc(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def as_json(inst: Instrument, signals: Sequence[Signal]) -> list[dict[str, Any]]:
    return [
        {
            "kind": s.kind.value,
            "ts_ns": s.ts_ns,
            "time": _utc(s.ts_ns),
            "price": inst.price_str(s.price_ticks),
            "price_ticks": s.price_ticks,
            "side": s.side,
            "strength": round(s.strength, 3),
            "end_ns": s.end_ns,
            "detail": s.detail,
        }
        for s in signals
    ]


def as_table(inst: Instrument, signals: Sequence[Signal]) -> str:
    """One row per signal, then the count per kind."""
    side = {1: "up", -1: "down", 0: "-"}
    rows = [("time (UTC)", "kind", "price", "side", "strength", "detail")]
    rows += [
        (
            _utc(s.ts_ns),
            s.kind.value,
            inst.price_str(s.price_ticks),
            side[s.side],
            f"{s.strength:.2f}",
            s.detail,
        )
        for s in signals
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r[:5], widths, strict=True)) + "  " + r[5] for r in rows
    ]
    counts: dict[str, int] = {}
    for s in signals:
        counts[s.kind.value] = counts.get(s.kind.value, 0) + 1
    summary = ", ".join(f"{k} {n}" for k, n in sorted(counts.items())) or "none"
    lines.append(f"{len(signals)} signals: {summary}")
    return "\n".join(lines)


def with_overrides(assignments: Sequence[str]) -> SignalSettings:
    """`["sweep.min_levels=8", …]` applied to the default settings; ValueError on a bad one."""
    settings = SignalSettings()
    for text in assignments:
        name, eq, value = text.partition("=")
        group, dot, fld = name.strip().partition(".")
        section = getattr(settings, group, None) if dot and eq else None
        if section is None or group in ("enabled",) or not hasattr(section, fld):
            raise ValueError(f"bad setting {text!r} (DETECTOR.FIELD=VALUE, e.g. sweep.min_levels=8)")
        current = getattr(section, fld)
        try:
            typed: Any = (
                (value.strip().lower() in ("1", "true", "yes"))
                if isinstance(current, bool)
                else type(current)(value)
            )
        except ValueError:
            raise ValueError(f"bad value in {text!r}: {fld} is a {type(current).__name__}") from None
        settings = replace(settings, **{group: replace(section, **{fld: typed})})
    return settings
