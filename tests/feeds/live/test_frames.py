"""The server frame reader against websockets' own parser: the same messages from the same bytes,
however the socket cuts them, control frames handed over whole, and rule-breaking frames left
to websockets from the first one on."""

from __future__ import annotations

import random

from websockets.frames import Frame, Opcode
from websockets.protocol import Protocol, Side, State

from app.feeds.live.frames import ServerFrameReader


def wire(*frames: Frame, mask: bool = False) -> bytes:
    return b"".join(f.serialize(mask=mask, extensions=[]) for f in frames)


def text(data: bytes, fin: bool = True) -> Frame:
    return Frame(Opcode.TEXT, data, fin=fin)


STREAM = [
    text(b'{"stream":"btcusdt@trade"}'),
    Frame(Opcode.PING, b"hello"),
    text(b"x" * 300),  # a 16-bit length
    Frame(Opcode.BINARY, b"\x00\xff" * 40_000),  # a 64-bit length
    text(b'{"part":', fin=False),
    Frame(Opcode.PONG, b"1234"),  # a control frame between fragments is allowed
    Frame(Opcode.CONT, b'"one",', fin=False),
    Frame(Opcode.CONT, b'"two":2}'),
    text(b""),
]
MESSAGES = [b'{"stream":"btcusdt@trade"}', b"x" * 300, b"\x00\xff" * 40_000, b'{"part":"one","two":2}', b""]


def read_in_pieces(data: bytes, cuts: list[int]) -> tuple[list[bytes], list[bytes], bytes | None]:
    messages: list[bytes] = []
    controls: list[bytes] = []
    reader = ServerFrameReader(messages.append, lambda f: controls.append(f) is None, max_size=2**20)
    rest = None
    for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True):
        rest = reader.feed(data[a:b])
        if rest is not None:
            rest += data[b:]
            break
    return messages, controls, rest


def websockets_messages(data: bytes) -> list[bytes]:
    """The same bytes through websockets' parser, fragments joined as `recv()` would."""
    protocol = Protocol(Side.CLIENT, state=State.OPEN, max_size=2**20)
    protocol.receive_data(data)
    out: list[bytes] = []
    parts: list[bytes] = []
    for event in protocol.events_received():
        if event.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
            parts.append(bytes(event.data))
            if event.fin:
                out.append(b"".join(parts))
                parts = []
    return out


def test_messages_are_those_websockets_parses_however_the_bytes_are_cut():
    data = wire(*STREAM)
    rng = random.Random(7)
    cuttings = [[], list(range(1, 200)), *(sorted(rng.sample(range(1, len(data)), 40)) for _ in range(50))]

    for cuts in cuttings:
        messages, controls, rest = read_in_pieces(data, cuts)

        assert messages == MESSAGES == websockets_messages(data)
        assert controls == [wire(STREAM[1]), wire(STREAM[5])]
        assert rest is None


def test_a_frame_that_breaks_the_rules_is_left_to_websockets_with_everything_after_it():
    good = wire(text(b"kept"))
    after = wire(text(b"after"))
    for bad in (
        wire(text(b"masked"), mask=True),
        bytes([0xC1, 8]) + b"deflated",  # RSV1 set: no extension was negotiated
        bytes([0x83, 1]) + b"?",  # reserved data opcode 3
        wire(Frame(Opcode.CONT, b"no start")),
        bytes([0x89, 126]) + (126).to_bytes(2, "big") + b"p" * 126,  # a control frame over 125 bytes
        wire(text(b"y" * (2**20 + 1))),  # over max_size
    ):
        messages, _, rest = read_in_pieces(good + bad + after, [len(good) + 1])

        assert messages == [b"kept"]
        assert rest == bad + after


def test_a_close_stops_the_reader_and_hands_over_what_follows():
    close = wire(Frame(Opcode.CLOSE, b"\x03\xe8"))
    messages: list[bytes] = []
    reader = ServerFrameReader(messages.append, lambda frame: frame != close, max_size=None)

    rest = reader.feed(wire(text(b"a")) + close + wire(text(b"late")))

    assert messages == [b"a"] and reader.done
    assert rest == wire(text(b"late"))
