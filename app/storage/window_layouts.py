"""Which market each window of a layout shows, in which link group (docs/ARCHITECTURE.md "Persistence").

A layout saved with several windows open names, per window, the market it shows (a replay of
files, the synthetic market by seed, or a live venue:symbol), its link group and that window's
own arrangement. Read value by value: an entry whose market cannot be read is dropped (and said
so), an unknown link group falls back to none, a missing arrangement to the defaults; a layout
file from before windows were saved has none, and restores as it always did (one window).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class SpecKind(enum.Enum):
    REPLAY = "replay"
    SYNTHETIC = "synthetic"
    LIVE = "live"


class LinkGroup(enum.Enum):
    """Windows in one group follow the market chosen in any of them; NONE follows nothing."""

    NONE = ""
    A = "A"
    B = "B"
    C = "C"

    @staticmethod
    def parse(value: Any) -> LinkGroup:
        try:
            return LinkGroup(value)
        except ValueError:
            return LinkGroup.NONE


@dataclass(frozen=True)
class MarketSpec:
    """Enough to open a market again: replay files, a synthetic seed, or a live venue and symbol."""

    kind: SpecKind
    paths: tuple[str, ...] = ()
    seed: int = 7
    venue: str = ""
    symbol: str = ""

    @property
    def label(self) -> str:
        if self.kind is SpecKind.REPLAY:
            return "replay of " + ", ".join(p.rsplit("/", 1)[-1] for p in self.paths)
        if self.kind is SpecKind.SYNTHETIC:
            return f"synthetic seed {self.seed}"
        return f"{self.venue}:{self.symbol}"

    def to_json(self) -> dict[str, Any]:
        if self.kind is SpecKind.REPLAY:
            return {"kind": self.kind.value, "paths": list(self.paths)}
        if self.kind is SpecKind.SYNTHETIC:
            return {"kind": self.kind.value, "seed": self.seed}
        return {"kind": self.kind.value, "venue": self.venue, "symbol": self.symbol}

    @staticmethod
    def from_json(data: Any) -> MarketSpec:
        """Raises ValueError with a one-line reason when the entry names no market it can open."""
        if not isinstance(data, dict):
            raise ValueError("a market must be an object")
        try:
            kind = SpecKind(data.get("kind"))
        except ValueError:
            raise ValueError(f"unknown market kind {data.get('kind')!r}") from None
        if kind is SpecKind.REPLAY:
            paths = data.get("paths")
            if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
                raise ValueError("a replay needs a list of file paths")
            return MarketSpec(kind, paths=tuple(paths))
        if kind is SpecKind.SYNTHETIC:
            seed = data.get("seed", 7)
            return MarketSpec(kind, seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else 7)
        venue, symbol = data.get("venue"), data.get("symbol")
        if not isinstance(venue, str) or not isinstance(symbol, str) or not venue or not symbol:
            raise ValueError("a live market needs a venue and a symbol")
        return MarketSpec(kind, venue=venue, symbol=symbol)


@dataclass(frozen=True)
class WindowEntry:
    """One window of a layout: its market, link group and arrangement (a `Layout` as JSON)."""

    market: MarketSpec
    link: LinkGroup = LinkGroup.NONE
    arrangement: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"market": self.market.to_json(), "link": self.link.value, "arrangement": self.arrangement}


def windows_from_json(data: Any) -> tuple[tuple[WindowEntry, ...], list[str]]:
    """The entries that can be read, and one line per entry dropped."""
    if data is None:
        return (), []
    if not isinstance(data, list):
        return (), ["'windows' is not a list: ignored"]
    entries: list[WindowEntry] = []
    problems: list[str] = []
    for n, row in enumerate(data, 1):
        if not isinstance(row, dict):
            problems.append(f"window {n}: not an object, dropped")
            continue
        try:
            market = MarketSpec.from_json(row.get("market"))
        except ValueError as exc:
            problems.append(f"window {n}: {exc}, dropped")
            continue
        arrangement = row.get("arrangement")
        arrangement = arrangement if isinstance(arrangement, dict) else {}
        entries.append(WindowEntry(market, LinkGroup.parse(row.get("link")), arrangement))
    return tuple(entries), problems
