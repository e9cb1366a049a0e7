"""websockets' client connection with the data messages taken straight off the socket.

`SinkConnection` hands every whole data message, as bytes, to `sink` the moment its last byte
is read, instead of queueing it for `recv()` (a queue, a future and a task step a message, and a
UTF-8 decode that the stamping then undoes). Its frames are read by `ServerFrameReader`
(frames.py); websockets still does the handshake and every control frame, and takes over for
good at the first frame the reader leaves to it. `recv()` then only ever reports the close.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import Event, State

from app.feeds.live.frames import ServerFrameReader

_TEXT, _BINARY, _CONT = Opcode.TEXT, Opcode.BINARY, Opcode.CONT
_HEAD_END = b"\r\n\r\n"


class SinkConnection(ClientConnection):
    def __init__(self, sink: Callable[[bytes], None], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sink = sink
        self._reader: ServerFrameReader | None = ServerFrameReader(
            sink, self._control, self.protocol.max_message_size
        )
        self._tail = b""  # the handshake response's last bytes so far (its end may straddle reads)
        self._parts: list[bytes] | None = None  # a fragmented message websockets parsed

    def data_received(self, data: bytes) -> None:
        reader = self._reader
        if reader is None or reader.done:
            super().data_received(data)
            return
        if self.response is None:  # websockets reads the HTTP response, and not a byte after it
            joined = self._tail + data
            at = joined.find(_HEAD_END)
            if at < 0:
                self._tail = joined[-3:]
                super().data_received(data)
                return
            cut = at + len(_HEAD_END) - len(self._tail)
            super().data_received(data[:cut])
            data = data[cut:]
            if self.protocol.state is not State.OPEN:  # refused: the rest is websockets' to judge
                self._reader = None
                if data:
                    super().data_received(data)
                return
        rest = reader.feed(data) if data else None
        if rest:
            super().data_received(rest)

    def _control(self, frame: bytes) -> bool:
        """A ping, pong or close, whole: websockets answers, acknowledges or closes."""
        super().data_received(frame)
        return self.protocol.state is State.OPEN

    def process_event(self, event: Event) -> None:
        """Data frames websockets parsed itself (after a handover): to the sink as well."""
        if self.response is not None and type(event) is Frame:
            opcode = event.opcode
            if opcode is _TEXT or opcode is _BINARY:
                if event.fin:
                    self._sink(bytes(event.data))
                else:
                    self._parts = [bytes(event.data)]
                return
            if opcode is _CONT and self._parts is not None:
                self._parts.append(bytes(event.data))
                if event.fin:
                    whole, self._parts = b"".join(self._parts), None
                    self._sink(whole)
                return
        super().process_event(event)
