"""Which streams of a socket went quiet: a socket can be up and acknowledge every subscription
while one of its streams sends nothing (Binance's 2026 URL split did exactly that), so "connected"
is never taken for "live". Pure: the caller passes the time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class StreamWatchdog:
    def __init__(
        self,
        streams: Iterable[str],
        stale_after_s: float,
        now_s: float,
        quiet_s: Mapping[str, float] | None = None,
    ) -> None:
        self.stale_after_s = stale_after_s
        self._quiet_s = dict(quiet_s or {})
        self._last_s = dict.fromkeys(streams, now_s)
        self._any_s = now_s
        self.stale_events = 0  # how often a stream went from live to stale
        # ...of which by a stream that had sent data on this connection and then stopped: a feed
        # falling silent. The rest never sent a thing since connect (a market without liquidations,
        # a venue that dropped a topic, a URL that no longer carries it): a different problem.
        self.went_quiet_events = 0
        self._stale: set[str] = set()
        self._heard: set[str] = set()

    def restart(self, now_s: float) -> None:
        """A new connection: every stream gets a fresh grace period."""
        for name in self._last_s:
            self._last_s[name] = now_s
        self._any_s = now_s
        self._stale.clear()
        self._heard.clear()

    def saw(self, stream: str | None, now_s: float) -> bool:
        """Data arrived (on `stream`, when the message says which). True if that stream had been
        stale: only then can the socket's health have changed, so a caller re-checks only then."""
        self._any_s = now_s
        if stream is None or stream not in self._last_s:
            return False
        self._last_s[stream] = now_s
        self._heard.add(stream)
        if stream in self._stale:
            self._stale.discard(stream)
            return True
        return False

    def check(self, now_s: float) -> frozenset[str]:
        """The streams silent for longer than `stale_after_s`, counting new ones."""
        for name, last in self._last_s.items():
            allowed = self._quiet_s.get(name, self.stale_after_s)
            if now_s - last > allowed and name not in self._stale:
                self._stale.add(name)
                self.stale_events += 1
                self.went_quiet_events += name in self._heard
        return frozenset(self._stale)

    def unheard(self) -> frozenset[str]:
        """The streams that have sent nothing since the connection opened."""
        return frozenset(self._last_s.keys() - self._heard)

    def silent_s(self, now_s: float) -> float:
        """How long the whole socket has sent nothing at all."""
        return now_s - self._any_s
