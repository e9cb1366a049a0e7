"""REST requests against a real HTTP server on 127.0.0.1: success, Retry-After, 5xx, a 4xx."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.feeds.live.backoff import Backoff
from app.feeds.live.rest import RestClient, RestError
from app.venues.base import SnapshotRequest

NO_WAIT = Backoff(initial_s=0.01, cap_s=0.02, jitter=0.0)


class Script:
    """The answers the server gives, in order; the last one repeats."""

    def __init__(self, *answers: tuple[int, dict[str, str], bytes]) -> None:
        self.answers = list(answers)
        self.seen: list[tuple[str, float]] = []


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script((200, {}, b"{}"))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            script.seen.append((self.path, time.monotonic()))
            status, headers, body = script.answers.pop(0) if len(script.answers) > 1 else script.answers[0]
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    httpd.shutdown()


def fetch(client: RestClient, request: SnapshotRequest) -> bytes:
    async def main() -> bytes:
        try:
            return await client.get(request)
        finally:
            await client.aclose()

    return asyncio.run(main())


def test_a_snapshot_is_fetched_with_its_parameters(server):
    base, script = server
    script.answers = [(200, {}, b'{"lastUpdateId":7,"bids":[],"asks":[]}')]

    body = fetch(
        RestClient(), SnapshotRequest(base + "/fapi/v1/depth", {"symbol": "BTCUSDT", "limit": "1000"})
    )

    assert body == b'{"lastUpdateId":7,"bids":[],"asks":[]}'
    assert script.seen[0][0] == "/fapi/v1/depth?symbol=BTCUSDT&limit=1000"


def test_a_429_waits_exactly_as_long_as_retry_after_says(server):
    base, script = server
    script.answers = [(429, {"Retry-After": "0.3"}, b""), (200, {}, b"ok")]
    client = RestClient(backoff=NO_WAIT)

    body = fetch(client, SnapshotRequest(base + "/x"))

    assert body == b"ok"
    (_, first), (_, second) = script.seen
    assert second - first >= 0.3
    assert (client.stats.rate_limited, client.stats.retries) == (1, 1)


def test_server_errors_are_retried_with_backoff_then_given_up_in_one_line(server):
    base, script = server
    script.answers = [(503, {}, b"busy")]
    client = RestClient(backoff=NO_WAIT, max_attempts=3)

    with pytest.raises(RestError, match=r"HTTP 503 \(gave up after 3 attempts\)") as err:
        fetch(client, SnapshotRequest(base + "/x"))

    assert len(script.seen) == 3
    assert "\n" not in str(err.value)


def test_a_client_error_is_not_retried(server):
    base, script = server
    script.answers = [(400, {}, b'{"code":-1121,"msg":"Invalid symbol."}')]
    client = RestClient(backoff=NO_WAIT)

    with pytest.raises(RestError, match="Invalid symbol"):
        fetch(client, SnapshotRequest(base + "/x"))

    assert len(script.seen) == 1


def test_an_unreachable_host_is_retried_then_reported():
    client = RestClient(backoff=NO_WAIT, max_attempts=2)

    with pytest.raises(RestError, match="ConnectError"):
        fetch(client, SnapshotRequest("http://127.0.0.1:9/x"))

    assert client.stats.retries == 1
