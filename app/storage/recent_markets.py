"""The live markets the user opened, newest first, and the ones pinned as favourites (first,
and never pushed out), for the market picker (`markets.json` in the config dir). A damaged
file is kept aside and the list starts empty, with a notice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.storage.layouts import config_dir
from app.storage.recent_list import damaged_notice, read_doc, recent_rows, write_doc

FILE_NAME = "markets.json"
KEEP = 12


@dataclass(frozen=True)
class Market:
    venue: str
    symbol: str
    pinned: bool = False

    @property
    def key(self) -> str:
        return f"{self.venue}:{self.symbol}"


class RecentMarkets:
    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory if directory is not None else config_dir()) / FILE_NAME
        self.notice: str | None = None

    def servers(self) -> tuple[str | None, str | None]:
        """`"servers": {"ws_url": …, "rest_url": …}` in the file: the settings form of --ws-url and
        --rest-url (a proxy, a testnet, a local server). (None, None) when not set or unreadable."""
        try:
            doc = read_doc(self.path)
        except (OSError, ValueError):
            return None, None
        servers = doc.get("servers") if doc is not None else None
        if not isinstance(servers, dict):
            return None, None
        ws, rest = servers.get("ws_url"), servers.get("rest_url")
        return (ws if isinstance(ws, str) and ws else None, rest if isinstance(rest, str) and rest else None)

    def load(self) -> list[Market]:
        self.notice = None
        try:
            rows = recent_rows(read_doc(self.path))
            markets = [
                Market(str(r["venue"]), str(r["symbol"]), r.get("pinned") is True)
                for r in rows
                if isinstance(r, dict)
            ]
            return _ordered(markets)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.notice = damaged_notice(self.path, "Recent markets", exc)
            return []

    def add(self, market: Market) -> list[Market]:
        """Put `market` first among the recent ones (once; a favourite stays one) and save."""
        known = self.load()
        pinned = any(m.pinned and m.key == market.key for m in known)
        fresh = Market(market.venue, market.symbol, pinned)
        return self._save([fresh, *(m for m in known if m.key != market.key)])

    def pin(self, market: Market, pinned: bool) -> list[Market]:
        """Make `market` a favourite (kept first, never pushed out), or an ordinary recent one."""
        known = self.load()
        rows = [Market(m.venue, m.symbol, pinned) if m.key == market.key else m for m in known]
        if not any(m.key == market.key for m in known):
            rows.insert(0, Market(market.venue, market.symbol, pinned))
        return self._save(rows)

    def _save(self, rows: list[Market]) -> list[Market]:
        markets = _ordered(rows)
        listed = [{"venue": m.venue, "symbol": m.symbol, "pinned": m.pinned} for m in markets]
        ws, rest = self.servers()
        extra = {"servers": {"ws_url": ws, "rest_url": rest}} if ws or rest else {}  # as the user wrote them
        write_doc(self.path, listed, **extra)
        return markets


def _ordered(markets: list[Market]) -> list[Market]:
    """Favourites first (all of them), then the most recent others up to KEEP in all."""
    pinned = [m for m in markets if m.pinned]
    others = [m for m in markets if not m.pinned]
    return pinned + others[: max(0, KEEP - len(pinned))]
