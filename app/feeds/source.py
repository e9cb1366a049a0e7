"""The source seam: what everything above the feeds sees of a market source, whatever it is.

A replay today, live venues and a synthetic market next: the window, the status bar, the frame
clock and the trading desk must not care which. They see a `MarketSource`: the market it fills
(`binding`), its market time, when its batches were fed (for the receive → pixel latency), one
`SourceStatus` for the status bar, a title, and subscriptions to its batches and sessions.
A source that can pause, change speed and seek is also a `Transport`; only then does the window
show a transport bar. See docs/ARCHITECTURE.md for the layers.

Sessions. A session is one run of a market state from empty: a replay starts a new one on
restart, on a backward seek and when it loops; a live source will on a reconnect that cannot
resume. Subscribers get a `MarketBinding` (instrument + market state + the session's serial),
not the replay's own session object: the pipeline and BBO check behind it are the source's
business, and a live or synthetic source has different ones.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, ParamSpec, Protocol, runtime_checkable

from app.core.instrument import Instrument
from app.core.market import MarketState

__all__ = [
    "MarketBinding",
    "MarketSource",
    "OnBatch",
    "OnSession",
    "Recordable",
    "Replaying",
    "SourceBase",
    "SourceState",
    "SourceStatus",
    "Subscribers",
    "Transport",
    "Unsubscribe",
    "print_latency_ns",
]


@dataclass(frozen=True)
class MarketBinding:
    """One market a source fills, as views and desk bind to it."""

    instrument: Instrument
    market: MarketState
    session: int  # serial of the source's session (1 for the first): counters restart with it

    @property
    def key(self) -> str:
        """`venue:symbol`, the key of this market in `MarketSource.markets`."""
        return f"{self.instrument.venue}:{self.instrument.symbol}"


class SourceState(enum.Enum):
    """What the source is doing, as the status bar names it."""

    LIVE = "live"
    STALE = "stale"  # connected, but nothing arrived for too long: not "live"
    RECONNECTING = "reconnecting"
    RESYNCING = "resyncing"  # the book lost a diff and waits for a new snapshot
    PLAYING = "playing"
    PAUSED = "paused"
    SEEKING = "seeking"
    FINISHED = "finished"
    FAILED = "failed"


@dataclass(frozen=True)
class SourceStatus:
    """One look at a source for the status bar; the bar derives rates from successive looks."""

    state: SourceState
    kind: str  # what the user calls the source: "replay", "live", "synthetic"
    error: str | None = None  # why it failed (one line), else None
    speed: float | None = None  # playback speed of a Transport, None for a live source
    latency_ns: int | None = None  # local receive minus exchange time of the newest print
    messages: int = 0  # counters of the current session (see `session`)
    malformed: int = 0
    last_error: str = ""  # the newest malformed message's reason
    gaps: int = 0
    resyncs: int = 0
    session: int = 1  # a new session restarts the counters, so rates restart with it
    health: tuple[tuple[str, int], ...] = ()  # the source's own counters, named (the stats report)


OnBatch = Callable[[MarketState, int | None], object]
"""Called after every batch with the market and the source's market time (ns)."""
OnSession = Callable[[MarketBinding], object]
"""Called when the source starts a session (the first included): rebind to its market."""
Unsubscribe = Callable[[], None]

P = ParamSpec("P")


class Subscribers(Generic[P]):
    """Callbacks of one signature, called in subscription order; each subscription can be undone.

    Several parts listen to one source (the frame clock, the desk, a recorder), so a single
    callback attribute would make the last one to set it win.
    """

    def __init__(self) -> None:
        self._callbacks: list[Callable[P, object]] = []

    def add(self, callback: Callable[P, object]) -> Unsubscribe:
        self._callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return unsubscribe

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for callback in tuple(self._callbacks):  # a callback may unsubscribe while being called
            callback(*args, **kwargs)

    def __len__(self) -> int:
        return len(self._callbacks)


class SourceBase:
    """The subscription side every source shares: subscribers for batches and sessions, markets.

    A source subclasses it, sets `binding` (the market it fills now) and calls `_announce_batch`
    after each batch and `_announce_session` when a session starts.
    """

    binding: MarketBinding

    def __init__(self) -> None:
        self._batch_subscribers: Subscribers[[MarketState, int | None]] = Subscribers()
        self._session_subscribers: Subscribers[[MarketBinding]] = Subscribers()

    @property
    def markets(self) -> Mapping[str, MarketBinding]:
        """One market today, by key; a multi-market source overrides this."""
        return {self.binding.key: self.binding}

    def subscribe_batches(self, callback: OnBatch) -> Unsubscribe:
        """`callback(market, market_ns)` after every batch fed, in subscription order."""
        return self._batch_subscribers.add(callback)

    def subscribe_sessions(self, callback: OnSession) -> Unsubscribe:
        """`callback(binding)` for every session the source starts, the first included."""
        return self._session_subscribers.add(callback)

    def _announce_batch(self, market: MarketState, market_ns: int | None) -> None:
        self._batch_subscribers.emit(market, market_ns)

    def _announce_session(self, binding: MarketBinding) -> None:
        self._session_subscribers.emit(binding)


@runtime_checkable
class MarketSource(Protocol):
    """What the UI sees of any source (replay, live, synthetic)."""

    @property
    def binding(self) -> MarketBinding:
        """The market the source fills now (replaced when a new session starts)."""
        ...

    @property
    def markets(self) -> Mapping[str, MarketBinding]:
        """Every market of the source by `MarketBinding.key` (one today; room for several)."""
        ...

    @property
    def title(self) -> str:
        """For the window title, e.g. "BTCUSDT replay · file.gz"."""
        ...

    @property
    def market_ns(self) -> int | None:
        """Local receive time of the newest line fed: the market time the UI shows."""
        ...

    def take_fed(self) -> list[float]:
        """Clock times (s) of the batches fed since the last call; the frame clock takes them."""
        ...

    def status(self) -> SourceStatus: ...

    def subscribe_batches(self, callback: OnBatch) -> Unsubscribe: ...

    def subscribe_sessions(self, callback: OnSession) -> Unsubscribe: ...

    async def run(self) -> None:
        """Deliver data until stopped, cancelled, or finished."""
        ...

    def stop(self) -> None:
        """Ask `run()` to return at its next wake-up."""
        ...


@runtime_checkable
class Transport(Protocol):
    """A source the user can pause, speed up and seek (a replay; live sources are not one)."""

    @property
    def paused(self) -> bool: ...

    @property
    def speed(self) -> float: ...

    @property
    def seeking(self) -> bool: ...

    @property
    def finished(self) -> bool: ...

    @property
    def market_ns(self) -> int | None: ...

    @property
    def start_ns(self) -> int: ...

    @property
    def end_ns(self) -> int | None: ...

    @property
    def scanning_end(self) -> bool:
        """True while the end is still being looked for (never for an endless source)."""
        ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def toggle_pause(self) -> bool: ...

    def set_speed(self, speed: float) -> float: ...

    def restart(self) -> None: ...

    def jump_to(self, market_ns: int) -> None: ...


def print_latency_ns(market: MarketState) -> int | None:
    """Local receive minus exchange time of the newest print (None before the first print)."""
    tape = market.tape
    if not tape.total:
        return None
    last = tape.last(1)
    return int(last.receive_ns[0]) - int(last.exchange_ns[0])


@runtime_checkable
class Recordable(Protocol):
    """A source that can write what it receives to replayable files (live feeds)."""

    @property
    def recording(self) -> Path | None:
        """The file being written now, or None."""
        ...

    def start_recording(self, directory: Path) -> Path: ...

    def stop_recording(self) -> None: ...


@runtime_checkable
class Replaying(Protocol):
    """A source that plays recording files, in order (a replay; the synthetic market plays none).

    Trades → Review names them in the journal and finds a trade's recording by them."""

    @property
    def paths(self) -> tuple[Path, ...]: ...
