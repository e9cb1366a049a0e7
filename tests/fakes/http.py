"""A minimal HTTP/1.1 server on the test's own event loop: enough for a venue's REST GETs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

Handler = Callable[[str, dict[str, str]], tuple[int, dict[str, str], bytes]]
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 418: "I'm a teapot", 429: "Too Many Requests"}


class HttpServer:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[tuple[str, dict[str, str]]] = []

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    return
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass  # headers: not needed
                _, target, _ = request_line.decode().split(" ", 2)
                parts = urlsplit(target)
                params = dict(parse_qsl(parts.query))
                self.requests.append((parts.path, params))
                status, headers, body = self.handler(parts.path, params)
                head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}", f"Content-Length: {len(body)}"]
                head += [f"{k}: {v}" for k, v in headers.items()]
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
                await writer.drain()
        except (ConnectionError, ValueError):
            pass
        finally:
            writer.close()
