"""Small pieces every venue's parser needs, kept once: a JSON object or a clear error, the
quoted name a frame starts with, and "this symbol from metadata, or from the bundled table"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from app.venues.errors import MalformedMessage, UnknownInstrument

_generic: msgspec.json.Decoder[Any] = msgspec.json.Decoder()


def json_object(raw: bytes | str) -> dict[str, Any]:
    """The message as a dict; anything else (not JSON, an array, a number) is malformed."""
    try:
        msg = _generic.decode(raw)
    except msgspec.MsgspecError as exc:
        raise MalformedMessage(f"not JSON: {exc}") from exc
    except RecursionError as exc:  # e.g. 10^5 nested brackets: hostile, never a crash
        raise MalformedMessage("JSON nested too deeply") from exc
    if not isinstance(msg, dict):
        raise MalformedMessage(f"expected a JSON object, got {type(msg).__name__}")
    return msg


def quoted_after(frame: bytes, prefix: bytes) -> str | None:
    """`name` for a frame starting `<prefix>name"` (e.g. `{"stream":"btcusdt@trade",…`), else None.
    Reads bytes only: it runs on every frame a live feed receives."""
    if not frame.startswith(prefix):
        return None
    end = frame.find(b'"', len(prefix))
    return frame[len(prefix) : end].decode() if end > 0 else None


def metadata_entry(
    table: Mapping[str, Mapping[str, Any]],
    symbol: str,
    metadata: Mapping[str, Any] | None,
    venue: str,
    source: str,
) -> Mapping[str, Any]:
    """The venue-native entry for `symbol`: the one given, else the bundled one, else a one-line
    error naming what is bundled and how to add the rest (`source`: the venue's metadata call)."""
    entry = metadata if metadata is not None else table.get(symbol)
    if entry is None:
        raise UnknownInstrument(
            f"unknown symbol {symbol!r} on {venue} (bundled: {', '.join(sorted(table))}; "
            f"add a sidecar <recording>.json with its {source} entry)"
        )
    return entry


def entries(body: bytes, path: tuple[str, ...], key: str) -> dict[str, Mapping[str, Any]]:
    """The list at `path` inside a JSON answer, keyed by each entry's `key` field."""
    node: Any = json_object(body)
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, list):
        raise MalformedMessage(f"instrument list without {'.'.join(path)}")
    return {str(e[key]): e for e in node if isinstance(e, dict) and key in e}


def number_at(body: bytes, path: tuple[str | int, ...]) -> int:
    """The integer (or digit string) at `path` inside a JSON answer."""
    node: Any = json_object(body)
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            raise MalformedMessage(f"time answer without {'.'.join(map(str, path))}") from None
    if isinstance(node, bool) or not isinstance(node, int | str) or not str(node).isdigit():
        raise MalformedMessage(f"time answer with {node!r} at {'.'.join(map(str, path))}")
    return int(node)
