"""The ladder's columns and how they fit a width: plain data and arithmetic, no Qt.

Column widths come from the font (the canvas measures each column's widest sample text); this
module decides which columns a setting shows, which go first when the dock is too narrow
(`DROP_ORDER`), and where each one starts, so the rules are testable without a display.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from widgets.ladder.settings import LadderSettings

ROW_PX = 17
HEADER_PX = 18
FOOTER_PX = 18
PAD_PX = 4  # text to column edge; down to TIGHT_PAD_PX before a column is dropped
TIGHT_PAD_PX = 2
HINT_ROWS = 40


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    samples: tuple[str, ...]  # the widest texts the column can show (besides its title)
    bold: bool = False  # shows bold text (the inside market's sizes and price)


_SIZE = ("999.999", "9.9M", "999K")  # compact_qty: exact below 1,000 (3 decimals), else K/M
_SIGNED = ("+999.999", "-999.999", "-9.9M", "-999K")
FOOTER_LABEL = "Σ visible"

# Left to right. "orders": the user's working orders and queue-ahead estimate at their price;
# "position": the average-price marker and the P&L per lot in ticks of closing at each row
# (widgets.ladder.orders). Order texts wider than the samples drop the queue, then clip.
_ORDER_SAMPLES = ("0.100 q 99.999", "SL 0.100…")
_POS_SAMPLES = ("-9999.5", "-99K")
ALL_COLUMNS = (
    Column("orders", "Orders", _ORDER_SAMPLES),
    Column("ps_bid", "P/S", _SIGNED),
    Column("bid", "Bid", _SIZE, bold=True),
    Column("sell", "Sells", _SIZE),
    Column("price", "Price", (), bold=True),  # the price text itself is measured (see _min_widths)
    Column("buy", "Buys", _SIZE),
    Column("ask", "Ask", _SIZE, bold=True),
    Column("ps_ask", "P/S", _SIGNED),
    Column("session", "Volume", _SIZE),
    Column("position", "Pos", _POS_SAMPLES),
)
# What goes first when the dock is too narrow: session volume, then P/S, then the position's
# P&L column, then own orders, then recent volume. Bid, price and ask always stay (click trading
# needs only them; the AVG line is drawn across the ladder whatever columns show).
DROP_ORDER: tuple[tuple[str, ...], ...] = (
    ("session",),
    ("ps_bid", "ps_ask"),
    ("position",),
    ("orders",),
    ("buy", "sell"),
)
TITLES = {c.key: c.title for c in ALL_COLUMNS}
DEFAULT_PRICE_TEXT = "88888.8"


def rows_for_height(height_px: int) -> int:
    return max(1, (height_px - HEADER_PX - FOOTER_PX) // ROW_PX)


def enabled_columns(settings: LadderSettings) -> list[Column]:
    """The columns the settings show, left to right."""
    hidden = set()
    if not settings.show_pull_stack:
        hidden |= {"ps_bid", "ps_ask"}
    if not settings.show_recent_volume:
        hidden |= {"buy", "sell"}
    if not settings.show_session_volume:
        hidden.add("session")
    return [c for c in ALL_COLUMNS if c.key not in hidden]


@dataclass(frozen=True, slots=True)
class ColumnLayout:
    pad_px: int  # the text padding used (tight when the full padding does not fit)
    columns: tuple[tuple[Column, float, float], ...]  # (column, x, width) in pixels
    dropped: tuple[str, ...]  # keys of columns left out for lack of width


def fit_columns(
    cols: list[Column], avail_px: float, min_width: Callable[[Column, int], float]
) -> ColumnLayout:
    """Lay `cols` out in `avail_px`: less padding first, then drop columns in `DROP_ORDER`, then
    share out the spare width (or squeeze, below the minimum size)."""
    pad = PAD_PX
    mins = {c.key: min_width(c, pad) for c in cols}
    if sum(mins.values()) > avail_px:  # a few pixels short (dock frames, splitters): less padding first
        pad = TIGHT_PAD_PX
        mins = {c.key: min_width(c, pad) for c in cols}
    dropped: list[str] = []
    for group in DROP_ORDER:
        if sum(mins.values()) <= avail_px:
            break
        present = [k for k in group if k in mins]
        for k in present:
            del mins[k]
        dropped += present
    total = sum(mins.values())
    scale = (
        avail_px / total if total > 0 else 1.0
    )  # > 1: spread the spare width; < 1 only below minimumSizeHint
    x = 0.0
    placed = []
    for c in cols:
        if c.key in mins:
            w = mins[c.key] * scale
            placed.append((c, x, w))
            x += w
    return ColumnLayout(pad, tuple(placed), tuple(dropped))
