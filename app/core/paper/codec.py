"""Journal rows <-> paper events: a kind name plus compact JSON, exact both ways.

The journal keeps events as text so that a human can read a row with any SQLite tool and so that
a field added later (with a default) still reads old rows. Decoding is strict about everything
else: a row written by a bug or damaged on disk raises `CorruptEvent` with one line saying where,
and the journal skips that row instead of rebuilding an account from a half-understood event.

The converters are built once per dataclass from its type hints (enums by value, `X | None`,
nested Order/Fill, the Command union tagged with its class name), so a field added to an event
is journaled without touching this module.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any

from app.core.paper.commands import Command
from app.core.paper.events import PaperEvent

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any, str], Any]


class CorruptEvent(ValueError):
    """A journal row that is not an event this app can rebuild (the message is one line)."""


_EVENT_TYPES: tuple[type[Any], ...] = typing.get_args(PaperEvent)
_COMMAND_TYPES: tuple[type[Any], ...] = typing.get_args(Command)
_COMMAND_TAG = "type"


def _fail(where: str, what: str) -> CorruptEvent:
    return CorruptEvent(f"{where}: {what}" if where else what)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


# -- leaves -------------------------------------------------------------------------------------


def _identity(value: Any) -> Any:
    return value


def _decode_int(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _fail(where, f"expected an integer, got {_type_name(value)}")


def _decode_float(value: Any, where: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise _fail(where, f"expected a number, got {_type_name(value)}")


def _decode_str(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    raise _fail(where, f"expected text, got {_type_name(value)}")


def _decode_bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    raise _fail(where, f"expected true/false, got {_type_name(value)}")


def _enum_codec(cls: type[Enum]) -> tuple[Encoder, Decoder]:
    by_value = {member.value: member for member in cls}
    value_types = {type(member.value) for member in cls}

    def encode(member: Enum) -> Any:
        return member.value

    def decode(value: Any, where: str) -> Enum:
        # bool is an int: never let `true` pass for Side.BUY.
        if type(value) in value_types:
            try:
                return by_value[value]
            except (KeyError, TypeError):
                pass
        raise _fail(where, f"{_short(value)} is not a {cls.__name__}")

    return encode, decode


def _optional(codec: tuple[Encoder, Decoder]) -> tuple[Encoder, Decoder]:
    inner_encode, inner_decode = codec

    def encode(value: Any) -> Any:
        return None if value is None else inner_encode(value)

    def decode(value: Any, where: str) -> Any:
        return None if value is None else inner_decode(value, where)

    return encode, decode


# -- dataclasses --------------------------------------------------------------------------------


_DATACLASS_CODECS: dict[type[Any], tuple[Encoder, Decoder]] = {}


def _codec_for(hint: Any) -> tuple[Encoder, Decoder]:
    if hint is int:
        return _identity, _decode_int
    if hint is float:
        return _identity, _decode_float
    if hint is str:
        return _identity, _decode_str
    if hint is bool:
        return _identity, _decode_bool
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_codec(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_codec(hint)
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        members = typing.get_args(hint)
        others = tuple(m for m in members if m is not type(None))
        if len(others) == 1 and len(members) == 2:
            return _optional(_codec_for(others[0]))
        if set(others) == set(_COMMAND_TYPES):
            codec = _tagged_codec(_COMMAND_TYPES)
            return _optional(codec) if len(others) < len(members) else codec
    raise TypeError(f"the journal codec cannot store a field of type {hint!r}")


def _dataclass_codec(cls: type[Any]) -> tuple[Encoder, Decoder]:
    if cls in _DATACLASS_CODECS:
        return _DATACLASS_CODECS[cls]
    hints = typing.get_type_hints(cls)  # resolved in the module that defines `cls`
    fields = [f for f in dataclasses.fields(cls) if f.init]
    names = [f.name for f in fields]
    known = frozenset(names)
    required = frozenset(
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    codecs = {f.name: _codec_for(hints[f.name]) for f in fields}
    encoders = [(name, codecs[name][0]) for name in names]
    decoders = [(name, codecs[name][1]) for name in names]
    title = cls.__name__

    def encode(value: Any) -> dict[str, Any]:
        return {name: enc(getattr(value, name)) for name, enc in encoders}

    def decode(data: Any, where: str) -> Any:
        if not isinstance(data, dict):
            raise _fail(where, f"expected an object for {title}, got {_type_name(data)}")
        unknown = data.keys() - known
        if unknown:
            raise _fail(where, f"unknown {title} field {_short(sorted(map(str, unknown))[0])}")
        missing = required - data.keys()
        if missing:
            raise _fail(where, f"{title} lacks field {sorted(missing)[0]!r}")
        prefix = f"{where}." if where else ""
        kwargs = {name: dec(data[name], prefix + name) for name, dec in decoders if name in data}
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:  # a __post_init__ check, should one be added
            raise _fail(where, f"not a valid {title}: {exc}") from None

    _DATACLASS_CODECS[cls] = (encode, decode)
    return encode, decode


def _tagged_codec(classes: tuple[type[Any], ...]) -> tuple[Encoder, Decoder]:
    """A union of dataclasses: the object carries its class name under "type"."""
    by_name = {cls.__name__: (cls, _dataclass_codec(cls)) for cls in classes}

    def encode(value: Any) -> dict[str, Any]:
        name = type(value).__name__
        body: dict[str, Any] = by_name[name][1][0](value)
        return {_COMMAND_TAG: name, **body}

    def decode(data: Any, where: str) -> Any:
        if not isinstance(data, dict):
            raise _fail(where, f"expected a command object, got {_type_name(data)}")
        name = data.get(_COMMAND_TAG)
        entry = by_name.get(name) if isinstance(name, str) else None
        if entry is None:
            raise _fail(where, f"unknown command type {_short(name)}")
        rest = {k: v for k, v in data.items() if k != _COMMAND_TAG}
        return entry[1][1](rest, where)

    return encode, decode


_EVENT_CODECS: dict[str, tuple[Encoder, Decoder]] = {
    cls.__name__: _dataclass_codec(cls) for cls in _EVENT_TYPES
}
EVENT_KINDS: tuple[str, ...] = tuple(_EVENT_CODECS)


# -- the public pair ----------------------------------------------------------------------------


def encode_event(event: PaperEvent) -> tuple[str, str]:
    """(kind, compact JSON): the kind is the event's class name, the JSON its fields.

    Non-ASCII text is escaped so that any string (even a lone surrogate) is valid UTF-8 in SQLite.
    """
    kind = type(event).__name__
    codec = _EVENT_CODECS.get(kind)
    if codec is None:
        raise TypeError(f"not a paper event: {kind}")
    return kind, json.dumps(codec[0](event), separators=(",", ":"))


def decode_event(kind: str, text: str) -> PaperEvent:
    """The event `encode_event` was given; raises CorruptEvent for anything else."""
    codec = _EVENT_CODECS.get(kind) if isinstance(kind, str) else None
    if codec is None:
        raise CorruptEvent(f"unknown event kind {str(kind)[:40]!r}")
    if not isinstance(text, str):
        raise CorruptEvent(f"{kind}: the body is {_type_name(text)}, not text")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CorruptEvent(f"{kind}: the body is not JSON ({first_line})") from None
    event: PaperEvent = codec[1](data, kind)
    return event
