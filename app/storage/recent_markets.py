"""The live markets the user opened, newest first, for the market picker (`markets.json` in the
config dir). A damaged file is kept aside and the list starts empty, with a notice."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from app.storage.keep_aside import keep_aside
from app.storage.layouts import config_dir

FILE_NAME = "markets.json"
KEEP = 12


@dataclass(frozen=True)
class Market:
    venue: str
    symbol: str

    @property
    def key(self) -> str:
        return f"{self.venue}:{self.symbol}"


class RecentMarkets:
    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory if directory is not None else config_dir()) / FILE_NAME
        self.notice: str | None = None

    def load(self) -> list[Market]:
        self.notice = None
        try:
            doc = json.loads(self.path.read_text("utf-8"))
            rows = doc["recent"] if isinstance(doc, dict) else None
            if not isinstance(rows, list):
                raise ValueError("no 'recent' list")
            return [Market(str(r["venue"]), str(r["symbol"])) for r in rows if isinstance(r, dict)][:KEEP]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as exc:
            kept = keep_aside(self.path)
            where = f"; the file was kept as {kept.name}" if kept else ""
            self.notice = f"Recent markets not loaded: {self.path} is damaged ({exc}){where}."
            return []

    def add(self, market: Market) -> list[Market]:
        """Put `market` first (once) and save; returns the new list."""
        markets = [market, *(m for m in self.load() if m != market)][:KEEP]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        rows = [{"venue": m.venue, "symbol": m.symbol} for m in markets]
        tmp.write_text(json.dumps({"version": 1, "recent": rows}, indent=1) + "\n", "utf-8")
        os.replace(tmp, self.path)
        return markets
