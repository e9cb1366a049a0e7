"""Pointing a live feed at another server: `--ws-url` / `--rest-url` replace the venue's
scheme://host[:port] and keep its real paths (Binance `/public` and `/market`, Bybit
`/v5/public/linear`, OKX `/ws/v5/public` and `/api/v5/…`, Hyperliquid `/ws` and `/info`), so
a test server, a proxy or a testnet speaks the same paths as the venue."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


class EndpointError(ValueError):
    """A base URL that is not scheme://host[:port] (one line for the user)."""


def _base(url: str | None, schemes: tuple[str, ...]) -> tuple[str, str] | None:
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.netloc:
        raise EndpointError(
            f"bad base URL {url!r}: use {schemes[0]}://host[:port] or {schemes[1]}://host[:port]"
        )
    return parts.scheme, parts.netloc


@dataclass(frozen=True)
class Endpoints:
    ws_url: str | None = None
    rest_url: str | None = None

    def __post_init__(self) -> None:
        _base(self.ws_url, ("ws", "wss"))
        _base(self.rest_url, ("http", "https"))

    def rewrite(self, url: str) -> str:
        parts = urlsplit(url)
        base = (
            _base(self.ws_url, ("ws", "wss"))
            if parts.scheme in ("ws", "wss")
            else _base(self.rest_url, ("http", "https"))
        )
        if base is None:
            return url
        return urlunsplit((base[0], base[1], parts.path, parts.query, parts.fragment))


VENUE_ENDPOINTS = Endpoints()
"""The venues' own servers."""
