"""REST requests of the live feeds (depth snapshots, instrument lists), polite to the venue.

Venues ban clients that hammer them: 429 means slow down, Binance's 418 means the IP is banned for
a while, and both say for how long in `Retry-After`. Those waits are honoured exactly; 5xx and
network errors are retried with capped, jittered backoff; any other 4xx is a mistake on our side
and is not retried. TLS certificates are always verified.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

import httpx

from app.feeds.live.backoff import Backoff
from app.venues.base import SnapshotRequest

RETRY_BACKOFF = Backoff(initial_s=1.0, factor=2.0, cap_s=60.0, jitter=0.25)
MAX_RETRY_AFTER_S = 600.0  # never sleep longer than this on a venue's word


class RestError(Exception):
    """A request that will not succeed by retrying (a 4xx, or retries used up); one line."""


@dataclass
class RestStats:
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0  # 429 and 418 answers
    last_error: str = ""


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return min(MAX_RETRY_AFTER_S, max(0.0, float(value))) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


class RestClient:
    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        backoff: Backoff = RETRY_BACKOFF,
        max_attempts: int = 6,
        timeout_s: float = 10.0,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client or httpx.AsyncClient(timeout=timeout_s, verify=True, http2=False)
        self._backoff = backoff
        self._max_attempts = max_attempts
        self._rng = rng or random.Random()
        self.stats = RestStats()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, request: SnapshotRequest) -> bytes:
        """The response body, after as many polite retries as it takes."""
        for attempt in range(1, self._max_attempts + 1):
            self.stats.requests += 1
            wait_s: float | None
            try:
                if request.method == "POST":
                    response = await self._client.post(
                        request.url, params=dict(request.params), json=request.body
                    )
                else:
                    response = await self._client.get(request.url, params=dict(request.params))
            except httpx.TransportError as exc:
                self.stats.last_error = f"GET {request.url}: {type(exc).__name__}: {exc}"[:200]
                wait_s = None
            else:
                status = response.status_code
                if status == 200:
                    return response.content
                self.stats.last_error = f"GET {request.url}: HTTP {status}"
                if status in (418, 429):
                    self.stats.rate_limited += 1
                    wait_s = _retry_after_s(response)
                elif status >= 500:
                    wait_s = None
                else:
                    raise RestError(f"{self.stats.last_error}: {response.text[:120]}")
            if attempt == self._max_attempts:
                break
            self.stats.retries += 1
            await asyncio.sleep(wait_s if wait_s is not None else self._backoff.delay_s(attempt, self._rng))
        raise RestError(f"{self.stats.last_error} (gave up after {self._max_attempts} attempts)")
