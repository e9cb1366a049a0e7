"""Several market windows at once, on the one event loop, and the link groups between them.

Why top-level windows rather than several markets' docks in one window: a window is already the
unit that binds views to one market (its frame clock, status line, SIM desk, transport bar and
layouts all see one `MarketSource`), so a second market is a second window built by the same
`compose()`, and nothing below the window changes. Each window sits in a `WindowSlot`; a slot
runs the existing one-window-at-a-time loop (app/ui/run_app.py): switching a window's market
closes it and opens its successor on the new source, as File → Open live market… always did.

Link groups (as in Sierra Chart and flowsurface): a window in group A that switches market makes
every other window of group A switch to the same market, each on a source of its own (so each
keeps its own speed, pause and frame clock); a window in no group follows nothing. Layouts saved
with several windows name every window's market, group and arrangement
(app/storage/window_layouts.py), and loading one reopens them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6 import QtCore

from app.feeds.live.endpoints import Endpoints
from app.feeds.live.record import open_live_feed
from app.feeds.live.rest import RestError
from app.feeds.replay import ReplayError
from app.feeds.replay_feed import ReplayFeed
from app.feeds.source import MarketSource
from app.feeds.synthetic.source import SyntheticFeed
from app.feeds.synthetic.stream import SyntheticConfig
from app.storage.layouts import Layout
from app.storage.window_layouts import LinkGroup, MarketSpec, SpecKind, WindowEntry
from app.ui.link_groups import install_window_menu, show_link
from app.ui.main_window import MainWindow
from app.venues.errors import UnknownInstrument

log = logging.getLogger(__name__)

CASCADE_PX = 40
OpenSource = Callable[[MarketSpec], Awaitable[MarketSource]]
# What opening a market can fail with, each a one-line message for the user (as in run_app.run_gui).
OPEN_ERRORS = (ReplayError, UnknownInstrument, RestError, ValueError, OSError)
RunWindow = Callable[["WindowSlot", MarketSource], Awaitable[bool]]


def spec_of(source: MarketSource) -> MarketSpec | None:
    """The market `source` shows, in a form that opens it again (None: an aggregate, or unknown)."""
    if isinstance(source, SyntheticFeed):
        return MarketSpec(SpecKind.SYNTHETIC, seed=source.config.seed)
    if isinstance(source, ReplayFeed):
        paths = tuple(str(p) for p in source.paths)
        return MarketSpec(SpecKind.REPLAY, paths=paths) if paths else None
    if source.status().kind == "live":
        key = source.binding.key
        venue, _, symbol = key.partition(":")
        return MarketSpec(SpecKind.LIVE, venue=venue, symbol=symbol) if symbol else None
    return None


def open_offline(spec: MarketSpec, *, speed: float = 1.0, loop: bool = True) -> MarketSource:
    """A replay or synthetic source for `spec` (ReplayError, ValueError when it cannot be opened)."""
    if spec.kind is SpecKind.SYNTHETIC:
        return SyntheticFeed(SyntheticConfig(seed=spec.seed), speed=speed)
    if spec.kind is SpecKind.REPLAY:
        return ReplayFeed([Path(p) for p in spec.paths], speed=speed, loop=loop)
    raise ValueError(f"{spec.label} is a live market")


def spec_opener(endpoints: Endpoints, record_dir: Path | None, loop: bool) -> OpenSource:
    """How the app opens a market by its spec: live venues through their servers, the rest here."""

    async def open_source(spec: MarketSpec) -> MarketSource:
        if spec.kind is SpecKind.LIVE:
            return await open_live_feed(spec.venue, spec.symbol, endpoints, record_dir)
        return open_offline(spec, loop=loop)

    return open_source


@dataclass
class WindowSlot:
    """One window's place: the market it shows, its link group, and its current window."""

    registry: WindowRegistry
    spec: MarketSpec | None
    link: LinkGroup = LinkGroup.NONE
    arrangement: Layout | None = None  # applied once to the slot's next window (a restored layout)
    window: MainWindow | None = None
    next_source: MarketSource | None = None
    next_spec: MarketSpec | None = field(default=None, repr=False)
    notices: list[str] = field(default_factory=list)  # shown once its window is up
    fresh: bool = True  # no window yet: the first one is cascaded off the others, not stacked on them

    def attach(self, window: MainWindow) -> None:
        """A window was built for this slot: apply a pending arrangement, add the Window menu."""
        self.window = window
        others = [s.window for s in self.registry.slots if s is not self and s.window is not None]
        if self.arrangement is not None:
            window.layouts.apply(self.arrangement, "Restored window")
            self.arrangement = None
        elif self.fresh and others:  # every window restores the last geometry: step off the newest
            window.move(others[-1].pos() + QtCore.QPoint(CASCADE_PX, CASCADE_PX))
        self.fresh = False
        for notice in self.notices:
            window.status.show_notice(notice)
        self.notices = []
        install_window_menu(window, self)
        window.layouts.windows = self

    def entries(self) -> tuple[WindowEntry, ...]:
        return self.registry.entries()

    def restore_layout(self, layout: Layout) -> None:
        self.registry.spawn(self.registry.restore(layout.windows))

    def switch(self, source: MarketSource, spec: MarketSpec | None, *, follow: bool = True) -> None:
        """Put this window on `source` (its successor opens when it has closed); with `follow`,
        the other windows of its link group switch to the same market."""
        self.next_source, self.next_spec = source, spec
        if self.window is not None:
            self.window.close()
        if follow and spec is not None:
            self.registry.follow(self, spec)

    def set_link(self, link: LinkGroup) -> None:
        self.link = link
        if self.window is not None:
            show_link(self.window, link)


class WindowRegistry:
    """Every open window slot; the app runs until the last one has closed."""

    def __init__(self, run_window: RunWindow, open_source: OpenSource) -> None:
        self._run_window = run_window
        self._open_source = open_source
        self.slots: list[WindowSlot] = []
        self._tasks: set[asyncio.Task[bool]] = set()
        self._followers: set[asyncio.Future[object]] = set()  # link-group switches under way
        self.failed = False

    def open(
        self,
        source: MarketSource,
        spec: MarketSpec | None = None,
        link: LinkGroup = LinkGroup.NONE,
        arrangement: Layout | None = None,
    ) -> WindowSlot:
        """A new window on `source` (its market `spec`, for link groups and layouts)."""
        slot = WindowSlot(self, spec if spec is not None else spec_of(source), link, arrangement)
        self.slots.append(slot)
        task = asyncio.ensure_future(self._run(slot, source))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return slot

    async def open_spec(self, spec: MarketSpec, link: LinkGroup = LinkGroup.NONE) -> WindowSlot | None:
        """File → New window…: a window on `spec`, or None (and a notice in the asking window)."""
        try:
            source = await self._open_source(spec)
        except OPEN_ERRORS as exc:
            self._notify_all(f"cannot open {spec.label}: {exc}")
            return None
        return self.open(source, spec, link)

    async def _run(self, slot: WindowSlot, source: MarketSource) -> bool:
        failed = False
        current: MarketSource | None = source
        try:
            while current is not None:
                failed |= await self._run_window(slot, current)
                slot.window = None
                current, slot.next_source = slot.next_source, None
                if current is not None:
                    slot.spec = slot.next_spec if slot.next_spec is not None else spec_of(current)
        finally:
            if slot in self.slots:
                self.slots.remove(slot)
        self.failed |= failed
        return failed

    def follow(self, leader: WindowSlot, spec: MarketSpec) -> None:
        """The other windows of `leader`'s link group switch to `spec`, each on its own source."""
        if leader.link is LinkGroup.NONE:
            return
        for peer in self.slots:
            if peer is not leader and peer.link is leader.link and peer.spec != spec:
                self.spawn(self._switch_peer(peer, spec))

    async def _switch_peer(self, peer: WindowSlot, spec: MarketSpec) -> None:
        try:
            source = await self._open_source(spec)
        except OPEN_ERRORS as exc:
            if peer.window is not None:
                peer.window.status.show_notice(f"link {peer.link.value}: cannot open {spec.label}: {exc}")
            return
        log.info("link %s: window follows to %s", peer.link.value, spec.label)
        peer.switch(source, spec, follow=False)

    def spawn(self, work: Awaitable[object]) -> None:
        """Run `work` (a window to open, a layout to restore) and keep hold of it until done."""
        task = asyncio.ensure_future(work)
        self._followers.add(task)
        task.add_done_callback(self._followers.discard)

    def _notify_all(self, text: str) -> None:
        for slot in self.slots:
            if slot.window is not None:
                slot.window.status.show_notice(text)

    # -- layouts ------------------------------------------------------------------------------

    def entries(self) -> tuple[WindowEntry, ...]:
        """Every open window's market, link group and arrangement, for a saved layout."""
        return tuple(
            WindowEntry(slot.spec, slot.link, slot.window.layouts.capture().to_json())
            for slot in self.slots
            if slot.window is not None and slot.spec is not None
        )

    async def restore(self, entries: Sequence[WindowEntry]) -> int:
        """Replace every window by one window per entry; returns how many opened."""
        sources: list[tuple[WindowEntry, MarketSource]] = []
        problems: list[str] = []
        for entry in entries:
            try:
                sources.append((entry, await self._open_source(entry.market)))
            except OPEN_ERRORS as exc:
                problems.append(f"layout: cannot open {entry.market.label}: {exc}")
        if not sources:  # nothing to show instead: the windows stay as they are
            for problem in problems:
                self._notify_all(problem)
            return 0
        old = list(self.slots)
        for n, (entry, source) in enumerate(sources):
            slot = self.open(source, entry.market, entry.link, _arrangement(entry))
            slot.notices = problems if n == 0 else []  # said in the first new window, not in one closing
        for slot in old:
            slot.next_source = None
            if slot.window is not None:
                slot.window.close()
        return len(sources)

    def close_all(self) -> None:
        """Close every window (--exit-after, Quit): none of them opens a successor."""
        for slot in list(self.slots):
            slot.next_source = None
            if slot.window is not None:
                slot.window.close()

    async def wait(self) -> bool:
        """Until every window has closed; True if any source crashed."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))
        return self.failed


def _arrangement(entry: WindowEntry) -> Layout | None:
    if not entry.arrangement:
        return None
    try:
        return Layout.from_json(entry.arrangement)
    except ValueError:
        return None  # the window opens on its defaults
