"""`scalpdesk record` as a user runs it (a subprocess), pointed at a local Binance with --ws-url
and --rest-url: the recording replays to the same summary as what the server sent."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.binance import FakeBinance

from app.feeds.replay import run_replay, summarize

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def fake_binance(btcusdt_recording: Path) -> Iterator[tuple[str, str, FakeBinance]]:
    fake = FakeBinance(btcusdt_recording, frames_per_s=60_000)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    urls: list[str] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        urls.extend(loop.run_until_complete(fake.start()))
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10)
    yield urls[0], urls[1], fake
    asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_a_recording_from_the_record_command_replays_to_what_the_server_sent(
    fake_binance, btcusdt_recording, tmp_path
):
    """Stopped with Ctrl+C once the server has sent everything, as a user ends a recording (a fixed
    --duration cut it short on a loaded machine: the depth stream was still arriving)."""
    ws, rest, fake = fake_binance
    command = [sys.executable, "-m", "app", "record", "--venue", "binance", "--symbol", "BTCUSDT",
               "--ws-url", ws, "--rest-url", rest, "--out", str(tmp_path), "--duration", "120"]  # fmt: skip
    recording = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while not fake.done.is_set() and time.monotonic() < deadline and recording.poll() is None:
            time.sleep(0.1)
        time.sleep(2.0)  # what was sent last is read and written
        recording.send_signal(signal.SIGINT)
        stdout, stderr = recording.communicate(timeout=30)
    finally:
        if recording.poll() is None:
            recording.kill()
    done = subprocess.CompletedProcess(command, recording.returncode, stdout, stderr)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("binance-usdm:BTCUSDT: ") and "(0 gaps, 0 malformed)" in done.stdout
    (path,) = sorted(tmp_path.glob("binance-usdm_BTCUSDT_*.gz"))
    assert fake.connections == ["/public/stream", "/market/stream"]
    got, sent = summarize(run_replay([path])), summarize(run_replay([btcusdt_recording]))
    for key in ("trades", "buy_volume", "sell_volume", "cvd", "high", "low"):
        assert got[key] == sent[key], key
    assert (got["book"]["best_bid"], got["book"]["best_ask"]) == (
        sent["book"]["best_bid"],
        sent["book"]["best_ask"],
    )


def test_a_symbol_that_cannot_be_looked_up_offline_is_one_line_and_exit_1(tmp_path):
    offline = ["--rest-url", "http://127.0.0.1:9"]  # nothing listens there: as with no network
    command = [sys.executable, "-m", "app", "record", "--venue", "okx", "--symbol", "NOPE-SWAP", *offline]

    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(
        "scalpdesk: cannot look 'NOPE-SWAP' up on okx-swap: GET http://127.0.0.1:9/"
    )
