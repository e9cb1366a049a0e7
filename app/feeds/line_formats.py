"""The other shapes recordings come in, turned into the app's `<receive ns> <payload>` lines.

Public captures are not all in the app's own format: cryptofeed's capture files write
`<unix seconds>: <frame>` (with header lines for what the client sent, and `url -> <s>: <body>`
for REST answers), and Bybit's history files hold bare v5 messages, one per line, without any
receive time. Rather than teach every reader about them, each line is rewritten once, on the way
in, so the pipeline and every venue adapter see one format. The format is decided from the
file's first line; the app's own format goes through untouched, at no cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum

from app.core.units import NS_PER_MS, NS_PER_S

_STAMPED = re.compile(rb"^\d+ ")
_CAPTURE_FRAME = re.compile(rb"^(\d+)\.(\d+): ")  # received frame: `<s>.<frac>: <frame>`
_CAPTURE_REST = re.compile(rb"^\S+ -> (\d+)\.(\d+): ")  # REST answer: `<url> -> <s>.<frac>: <body>`
_CAPTURE_HEADER = re.compile(rb"^\S+ <->? ")  # connection opened `<->`, or a message sent `<-`
_OWN_TIME_MS = re.compile(rb'"ts":"?(\d{13})\b')  # a venue's own push time, in ms


class LineFormat(Enum):
    STAMPED = "stamped"  # `<receive ns> <payload>`: the app's own recordings and hftbacktest's
    CAPTURE = "capture"  # cryptofeed capture files
    BARE = "bare"  # one JSON message per line, no receive time (Bybit history files)


def detect(first_line: bytes) -> LineFormat:
    line = first_line.lstrip()
    if _STAMPED.match(line):
        return LineFormat.STAMPED
    if _CAPTURE_FRAME.match(line) or _CAPTURE_REST.match(line) or _CAPTURE_HEADER.match(line):
        return LineFormat.CAPTURE
    if line[:1] in (b"{", b"["):
        return LineFormat.BARE
    return LineFormat.STAMPED  # unknown: handed out as it is, and counted malformed downstream


def _ns(seconds: bytes, fraction: bytes) -> int:
    return int(seconds) * NS_PER_S + int((fraction + b"000000000")[:9])


def _capture_lines(lines: list[bytes]) -> list[bytes]:
    out = []
    for line in lines:
        found = _CAPTURE_FRAME.match(line) or _CAPTURE_REST.match(line)
        if found is not None:
            out.append(b"%d %s" % (_ns(found[1], found[2]), line[found.end() :]))
        elif not _CAPTURE_HEADER.match(line):
            out.append(line)  # not a capture line: left for the decoder to count as malformed
    return out


class _BareLines:
    """Bare messages get the venue's own push time (`ts`, ms) as their receive time — the best
    stand-in there is — or, without one, the time of the message before."""

    def __init__(self) -> None:
        self._last_ns = 0

    def __call__(self, lines: list[bytes]) -> list[bytes]:
        out = []
        for line in lines:
            found = _OWN_TIME_MS.search(line)
            if found is not None:
                self._last_ns = int(found[1]) * NS_PER_MS
            out.append(b"%d %s" % (self._last_ns, line.strip()))
        return out


def rewriter(fmt: LineFormat) -> Callable[[list[bytes]], list[bytes]] | None:
    """What turns a batch of lines of `fmt` into stamped lines (None: they already are)."""
    if fmt is LineFormat.CAPTURE:
        return _capture_lines
    if fmt is LineFormat.BARE:
        return _BareLines()
    return None
