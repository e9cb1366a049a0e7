"""The colours every view paints with: dark, low-glare, and readable by colour-blind traders.

Buy/bid is blue and sell/ask is orange (the Okabe–Ito pair), not green/red: the two stay apart
for deuteranopes and protanopes (~8 % of men), and a screen watched all day should not glare.
Every colour here is a constant so a view never invents its own.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

BACKGROUND = QColor("#121418")
PANEL = QColor("#181b20")
ROW_ALT = QColor("#1c2026")
GRID = QColor("#2a2f37")
TEXT = QColor("#c9d1d9")
TEXT_DIM = QColor("#7d8590")
TEXT_BRIGHT = QColor("#f0f3f6")

BUY = QColor("#4aa3ff")  # aggressive buys, bids
SELL = QColor("#ff9f1a")  # aggressive sells, asks
BUY_DIM = QColor(74, 163, 255, 70)  # size bars, cell backgrounds
SELL_DIM = QColor(255, 159, 26, 70)
BUY_STRONG = QColor("#9fd0ff")  # imbalance text, best bid
SELL_STRONG = QColor("#ffd08a")

HIGHLIGHT = QColor("#f0e442")  # large prints, POC outline (yellow, distinct from both sides)
VALUE_AREA = QColor(200, 200, 220, 28)
PULL = QColor("#e06c75")  # liquidity pulled (sign also shown as text: never colour alone)
STACK = QColor("#56b6c2")  # liquidity stacked
LAST_PRICE = QColor("#ffffff")
LIQUIDATION = QColor("#b57bff")  # forced orders (always with a LIQ text or marker beside the colour)

# One colour per venue of an aggregated market (per-venue CVD lines, the tape's venue column),
# the Okabe–Ito colours the sides do not use, so venues stay apart for colour-blind traders too;
# the venue's name is always written beside its colour.
VENUE_COLOURS = (
    QColor("#009e73"),
    QColor("#cc79a7"),
    QColor("#56b4e9"),
    QColor("#d55e00"),
    QColor("#e0e0e0"),
    QColor("#0072b2"),
)


def venue_colour(venue: int) -> QColor:
    return VENUE_COLOURS[venue % len(VENUE_COLOURS)]
