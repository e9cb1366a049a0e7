"""The venue seam: what every exchange adapter gives the feeds, and all the feeds may ask of one.

Feeds, replays and the registry speak only to these protocols. Adding a venue means one package
`app/venues/<venue>/` with an adapter, a decoder and a book sync, registered in
`app/venues/registry.py`; nothing in `app/feeds`, `app/core` or the UI changes.

The shape is chosen to fit all four venues (protocol facts and samples in docs/VENUES.md):

- **Binance USD-M / COIN-M** (`app/venues/binance/`): depth bootstraps from a REST snapshot, then
  `U/u/pu` diffs chain on `pu == previous u`. The decoder turns each message into one event;
  the sync buffers diffs until a snapshot, drops what the snapshot holds, and reports a gap on a
  broken chain; the feed then fetches a new REST snapshot (`GapAction.REST_SNAPSHOT`). Market data
  sits on two socket paths (`/public` for depth and BBO, `/market` for trades, mark price and
  liquidations), so `subscriptions` returns two.
- **Bybit v5 linear**: the socket itself sends a book `snapshot` then `delta`s. The decoder emits
  the snapshot as a `DepthSnapshot` (update id `u`) and each delta as a `DepthDiff` with
  `first_id == last_id == u` and `prev_last_id == u - 1`, so the chain rule is `u` + 1. Every
  snapshot, and `u == 1` (service restart), replaces the book: the sync accepts a snapshot in
  any state. On a gap the feed resubscribes, which brings a fresh snapshot
  (`GapAction.RESUBSCRIBE`); no REST request. One `publicTrade` message carries up to 1024
  prints: the decoder returns them all, in order. `allLiquidation` also comes as an array.
- **OKX v5 SWAP**: `books` sends a snapshot (`prevSeqId = -1`) then updates chained by
  `prevSeqId == last seqId` (never +1 steps; an empty heartbeat has `seqId == prevSeqId`; a
  maintenance reset has `seqId < prevSeqId` and is still chained by `prevSeqId`). The decoder maps
  `seqId`/`prevSeqId` onto `last_id`/`prev_last_id`; the `checksum` field is always 0 since 2026-06
  and is ignored. Sizes are contracts: the instrument carries `ctVal` as its contract multiplier
  and the lot grid is the contract grid, so a base quantity is lots × lot size × `ctVal`. Gap ->
  resubscribe; for the announced snapshot-less mode `snapshot_request` names the REST
  `/api/v5/market/books` bootstrap instead. Trades and liquidations come in `data` arrays.
- **Hyperliquid perps**: every `l2Book` message is a whole 20-level image (5 levels with
  `fast`), without sequence numbers. The decoder returns it as a `DepthSnapshot`; the sync accepts
  every image as the new book (`on_snapshot` returns `[]`), never asks for a snapshot and never
  reports a gap (`GapAction.NONE`); merging the fast top-5 image over the slower 20-level one is the
  sync's job too. `trades` arrive in arrays (de-duplicated by `tid`); there is no public
  liquidation stream, so the adapter subscribes to none.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.core.events import DepthDiff, DepthSnapshot, MarketEvent
from app.core.instrument import Instrument


@dataclass(frozen=True, slots=True)
class StreamId:
    """Which venue and symbol a message (or a recording) belongs to."""

    venue: str
    symbol: str


class GapAction(enum.Enum):
    """What a live feed does when the book sync reports a gap in the diff chain."""

    REST_SNAPSHOT = "rest_snapshot"  # fetch `snapshot_request` and keep the socket (Binance)
    RESUBSCRIBE = "resubscribe"  # unsubscribe + subscribe: the venue re-sends a snapshot (Bybit, OKX)
    NONE = "none"  # image venues: the next message is a whole book anyway (Hyperliquid)


@dataclass(frozen=True, slots=True)
class Keepalive:
    """How a venue wants its sockets kept alive (seconds). Binance pings the client and websockets
    answers on its own; Bybit and Hyperliquid want a JSON ping on a timer; OKX wants the text
    `ping` whenever nothing arrived for a while."""

    ws_ping_s: float | None = None  # send protocol ping frames this often (None: never)
    message: str | None = None  # the venue's own ping, sent as a text frame
    every_s: float = 20.0  # how often to send `message`
    idle_only: bool = False  # send `message` only after `every_s` without a frame (OKX)


@dataclass(frozen=True, slots=True)
class Subscription:
    """One socket a live feed opens, as data: its URL, what to send once connected, the streams
    it must carry (each one watched separately for silence, except the `sparse` ones, such as
    liquidations, that may rightly send nothing for hours), how to keep it alive, and how long
    the venue lets it live (Binance closes every connection after 24 h)."""

    url: str
    messages: tuple[Mapping[str, Any], ...] = ()
    streams: tuple[str, ...] = ()
    keepalive: Keepalive = Keepalive()
    max_lifetime_s: float | None = None
    sparse: tuple[str, ...] = ()
    # Streams that may rightly be quiet longer than the feed's default before they count as
    # stale (prints on a slow market, a mark price pushed every few seconds), in seconds.
    quiet_s: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SnapshotRequest:
    """A REST request a feed makes: the depth snapshot that bootstraps (or repairs) the book,
    or the venue's instrument list. Most venues take GET with query parameters; Hyperliquid
    takes a JSON body by POST."""

    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Poll:
    """A REST request a live feed repeats, its answer fed to the decoder like any message (Binance
    has no open-interest stream, only `GET /fapi/v1/openInterest`)."""

    request: SnapshotRequest
    every_s: float


class Decoder(Protocol):
    """Raw messages of one venue -> core events of one instrument. Pure and synchronous.

    `decode` returns every event the message carries, in the order the venue sent them: one for a
    Binance message, many for a Bybit/OKX/Hyperliquid trade array, none for an ack, a heartbeat or
    another symbol's message. A message with the wrong shape raises `MalformedMessage`; the feed
    counts and drops it.
    """

    # Bytes found near the start of a line of a latest-value stream (the exchange's BBO
    # ticker), or None: the pipeline may skip such a line when a newer one follows it.
    latest_value_marker: bytes | None

    def decode(self, raw: bytes | str, receive_ns: int) -> Sequence[MarketEvent]: ...


class TopDecoder(Protocol):
    """What a decoder may add for its latest-value (BBO ticker) lines: a path that appends the
    ticker's update id and top (`app.core.bbo_check.TOP_STRIDE` ints) to a flat list instead of
    building an event, for the tens of thousands of tickers a BBO check or an unconflated
    replay must decode. False leaves the line to `decode`, which stays the authority on it."""

    def decode_top(self, line: bytes, out: list[int]) -> bool: ...


class BookSync(Protocol):
    """The venue's rule for keeping a local book in step with its stream. Pure: it decides what
    to apply and when the book is unusable; the pipeline owns the book, the feed the network.

    Diffs go through `on_diff`, which hands back the diffs to apply now. Snapshots and images go
    through `on_snapshot`: a list means "load this snapshot, then apply these diffs", None means
    "of no use now". `needs_snapshot` tells a live feed to act per the adapter's `gap_action`.
    """

    applied: int
    dropped_before_sync: int
    gaps: int
    resyncs: int

    @property
    def needs_snapshot(self) -> bool: ...

    def on_diff(self, diff: DepthDiff) -> list[DepthDiff]: ...

    def on_snapshot(self, snapshot: DepthSnapshot) -> list[DepthDiff] | None: ...


class VenueAdapter(Protocol):
    """One venue (one market of it): its instruments, how to recognise its messages, its parser
    and book sync, and what a live feed must subscribe to and fetch."""

    @property
    def name(self) -> str:
        """The venue name used across the app, in recordings' sidecars and in settings."""
        ...

    @property
    def gap_action(self) -> GapAction: ...

    def known_symbols(self) -> list[str]:
        """Symbols of the bundled instrument table (works offline)."""
        ...

    def instrument(self, symbol: str, metadata: Mapping[str, Any] | None = None) -> Instrument:
        """The instrument from venue-native metadata when given, else from the bundled table;
        raises `UnknownInstrument` (a one-line message for the user) when neither knows it."""
        ...

    def identify(self, message: Any) -> StreamId | None:
        """Venue and symbol of one JSON-decoded message, when it is this venue's and says so."""
        ...

    def decoder(self, instrument: Instrument) -> Decoder: ...

    def book_sync(self, instrument: Instrument) -> BookSync: ...

    def subscriptions(self, symbol: str) -> Sequence[Subscription]: ...

    def stream_of(self, frame: bytes) -> str | None:
        """Which of the subscriptions' `streams` a raw frame belongs to, or None (acks, pongs).
        Called for every frame a live feed reads, so it reads bytes, not JSON."""
        ...

    def snapshot_request(self, symbol: str) -> SnapshotRequest | None:
        """The REST depth snapshot to bootstrap or repair the book, or None when the socket
        itself delivers snapshots."""
        ...

    def instruments_request(self) -> SnapshotRequest:
        """The venue's list of instruments, for symbols the bundled table does not know."""
        ...

    def polls(self, symbol: str) -> Sequence[Poll]:
        """REST requests to repeat for data the sockets do not carry."""
        ...

    def instruments_from(self, body: bytes) -> dict[str, Mapping[str, Any]]:
        """The venue-native entries of an instruments answer, by symbol (what `instrument`
        takes as `metadata`); raises MalformedMessage for an answer of the wrong shape."""
        ...

    def time_request(self) -> SnapshotRequest | None:
        """The venue's clock (to tell network lag from this machine's clock error), or None."""
        ...

    def server_time_ns(self, body: bytes) -> int:
        """The venue's time in an answer to `time_request`; raises MalformedMessage."""
        ...
