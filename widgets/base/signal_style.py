"""How each kind of order-flow signal looks on every view: one colour, one letter, one name.

Nine kinds cannot be told apart by colour alone (and not at all by a colour-blind trader), so each
mark also carries its kind's letter, and the direction is the glyph's shape (▲ up, ▼ down, ◆ none),
never its colour. The colours keep away from the buy blue and sell orange of the cells under them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtGui import QColor

from app.core.instrument import Instrument
from app.core.signals.kinds import Signal, SignalKind


@dataclass(frozen=True, slots=True)
class KindStyle:
    letter: str
    name: str  # what the menus and the alert log call it
    colour: QColor


KIND_STYLE: dict[SignalKind, KindStyle] = {
    SignalKind.ABSORPTION: KindStyle("A", "Absorption", QColor("#c678dd")),
    SignalKind.EXHAUSTION: KindStyle("E", "Exhaustion", QColor("#e5c07b")),
    SignalKind.STACKED_IMBALANCE: KindStyle("S", "Stacked imbalance", QColor("#56b6c2")),
    SignalKind.SWEEP: KindStyle("W", "Sweep into a void", QColor("#ff6b9d")),
    SignalKind.ICEBERG: KindStyle("I", "Iceberg", QColor("#a8e6ff")),
    SignalKind.PULLED_WALL: KindStyle("P", "Pulled wall", QColor("#e06c75")),
    SignalKind.CVD_DIVERGENCE: KindStyle("D", "CVD divergence", QColor("#98c379")),
    SignalKind.LARGE_PRINT: KindStyle("L", "Large print", QColor("#f0e442")),
    SignalKind.LIQUIDATION_CASCADE: KindStyle("Q", "Liquidation cascade", QColor("#d19a66")),
}

SIDE_TEXT = {1: "up", -1: "down", 0: "–"}
SIDE_ARROW = {1: "▲", -1: "▼", 0: "◆"}


def time_text(ts_ns: int) -> str:
    """Exchange time as HH:MM:SS.mmm (UTC): the alert log's and the tooltips' clock."""
    return datetime.fromtimestamp(ts_ns // 1_000_000 / 1000, UTC).strftime("%H:%M:%S.%f")[:-3]


def signal_tip(sig: Signal, instrument: Instrument | None) -> str:
    """One signal in two lines, for a mark's tooltip."""
    style = KIND_STYLE[sig.kind]
    price = instrument.price_str(sig.price_ticks) if instrument is not None else f"{sig.price_ticks} ticks"
    when = time_text(sig.ts_ns)
    head = f"{SIDE_ARROW[sig.side]} {style.name} at {price} · {when} · strength {sig.strength:.2f}"
    return f"{head}\n{sig.detail}" if sig.detail else head
