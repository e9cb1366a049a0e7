"""The socket's first bytes: a venue may send its handshake response and its first frames in one
write, or cut the response anywhere. A raw TCP server plays such a venue against a real
`Connection`: every frame arrives, in order, and a ping among them is answered with a pong."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json

from websockets.frames import Frame, Opcode

from app.feeds.live.connection import Connection, ConnectionTiming
from app.venues.base import Subscription

TIMING = ConnectionTiming(connect_timeout_s=2, stale_after_s=5, reconnect_after_s=10, check_every_s=0.05)
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def frame(opcode: Opcode, data: bytes) -> bytes:
    return Frame(opcode, data).serialize(mask=False, extensions=[])


def stream_of(raw: bytes) -> str | None:
    return json.loads(raw).get("stream")


async def run_against(pieces: list[bytes]) -> tuple[list[bytes], bytes]:
    """A venue that answers the handshake with `pieces` (response and frames, in that many
    writes): the frames the connection handed over, and what the client sent back."""
    back = bytearray()
    got: list[bytes] = []

    async def venue(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        key = next(
            line.split(b":", 1)[1].strip()
            for line in request.split(b"\r\n")
            if line.lower().startswith(b"sec-websocket-key:")
        )
        accept = base64.b64encode(hashlib.sha1(key + GUID.encode()).digest())
        response = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        response += b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        data = response + b"".join(pieces)
        sizes = [len(response) - 1, *map(len, pieces)]  # the response cut before its last byte
        sizes[1] += 1
        at = 0
        for size in sizes:
            writer.write(data[at : at + size])
            await writer.drain()
            await asyncio.sleep(0.02)
            at += size
        with contextlib.suppress(TimeoutError, ConnectionError):
            back.extend(await asyncio.wait_for(reader.read(1000), 0.5))
            await reader.read(1000)  # open until the client closes: no reconnect, no second copy
        writer.close()

    server = await asyncio.start_server(venue, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sub = Subscription(f"ws://127.0.0.1:{port}/ws", streams=("a",))

    def on_lines(lines: list[bytes], _: float) -> None:
        got.extend(line.partition(b" ")[2] for line in lines)

    conn = Connection(sub, on_lines, stream_of=stream_of, timing=TIMING)
    task = asyncio.ensure_future(conn.run())
    await asyncio.sleep(0.8)
    conn.stop()
    await asyncio.wait_for(task, 5)
    server.close()
    await server.wait_closed()
    return got, bytes(back)


def test_frames_in_the_handshakes_own_write_and_a_ping_among_them_all_arrive():
    messages = [json.dumps({"stream": "a", "n": n}).encode() for n in range(3)]
    first = frame(Opcode.TEXT, messages[0]) + frame(Opcode.TEXT, messages[1]) + frame(Opcode.PING, b"hi")
    rest = frame(Opcode.TEXT, messages[2])

    got, back = asyncio.run(run_against([first, rest[:3], rest[3:]]))

    assert got == messages
    # The client's pong: FIN + opcode 0xA, masked, 2 bytes of payload ("hi" under its mask).
    assert back[:2] == bytes([0x8A, 0x80 | 2])
