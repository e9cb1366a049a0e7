"""`scalpdesk synthetic --record FILE`: a synthetic session written headless as a recording.

The file is an ordinary recording (`<receive ns> <line>`, gzip when the name ends in .gz) with the
usual sidecar naming venue, symbol and the instrument entry, so `scalpdesk replay FILE` and
`--replay FILE` play it through the synthetic adapter like any venue's. The ground truth goes
next to it as FILE.labels.json (the labels of every scenario completed within the duration, and
the seed and scenarios that made them), so a recorded scenario keeps its labels.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from app.core.instrument import format_decimal
from app.core.signals.kinds import Signal, SignalKind
from app.feeds.recording import sidecar_path
from app.feeds.synthetic.stream import SyntheticConfig, SyntheticMarket
from app.venues.synthetic.instruments import VENUE, metadata_of


@dataclass(frozen=True)
class SyntheticRecording:
    path: Path
    labels_path: Path
    lines: int
    labels: tuple[Signal, ...]


def labels_path(path: Path) -> Path:
    """`session.gz` -> `session.gz.labels.json`."""
    return path.with_name(path.name + ".labels.json")


def record_synthetic(path: Path, config: SyntheticConfig, duration_ns: int) -> SyntheticRecording:
    """Generate `duration_ns` of the synthetic market into `path` (+ sidecar and labels file)."""
    market = SyntheticMarket(config)
    end_ns = config.start_ns + duration_ns
    lines = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    out: IO[bytes]
    with opener(path, "wb") as out:
        for batch in market.batches():
            due = [line for line in batch if int(line.partition(b" ")[0]) <= end_ns]
            if due:
                out.write(b"\n".join(due) + b"\n")
                lines += len(due)
            if len(due) < len(batch) or market.sim.now_ns >= end_ns + config.batch_ns:
                break
    inst = config.instrument
    sidecar = {
        "venue": VENUE,
        "symbol": inst.symbol,
        "tick_size": format_decimal(inst.tick_size),
        "lot_size": format_decimal(inst.lot_size),
        "instrument": metadata_of(inst),
        "seed": config.seed,
        "scenarios": config.name,
    }
    sidecar_path(path).write_text(json.dumps(sidecar, indent=1), encoding="utf-8")
    labels = tuple(label for label in market.labels if (label.end_ns or label.ts_ns) <= end_ns)
    doc = {
        "seed": config.seed,
        "scenarios": config.name,
        "symbol": inst.symbol,
        "labels": [label_json(label, config) for label in labels],
    }
    target = labels_path(path)
    target.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return SyntheticRecording(path, target, lines, labels)


def label_json(label: Signal, config: SyntheticConfig) -> dict[str, Any]:
    return {
        "kind": label.kind.value,
        "ts_ns": label.ts_ns,
        "price_ticks": label.price_ticks,
        "price": config.instrument.price_str(label.price_ticks),
        "side": label.side,
        "strength": label.strength,
        "end_ns": label.end_ns,
        "detail": label.detail,
    }


def read_labels(path: Path) -> list[Signal]:
    """The labels of a recording written by `record_synthetic` (give the recording's path)."""
    doc = json.loads(labels_path(path).read_text(encoding="utf-8"))
    return [
        Signal(
            SignalKind(e["kind"]),
            int(e["ts_ns"]),
            int(e["price_ticks"]),
            int(e["side"]),
            float(e["strength"]),
            None if e["end_ns"] is None else int(e["end_ns"]),
            str(e["detail"]),
        )
        for e in doc["labels"]
    ]


def parse_kinds(text: str) -> Sequence[SignalKind]:
    """`random` (every kind), `none`, one kind or a comma list; raises ValueError naming the kinds."""
    text = text.strip().lower()
    if text in ("random", "all", ""):
        return tuple(SignalKind)
    if text == "none":
        return ()
    try:
        return tuple(SignalKind(name.strip().replace("-", "_")) for name in text.split(","))
    except ValueError:
        known = ", ".join(k.value for k in SignalKind)
        raise ValueError(f"unknown scenario in {text!r} (known: random, none, {known})") from None
