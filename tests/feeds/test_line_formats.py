"""Recordings in other line formats (cryptofeed captures, Bybit history zips) read as stamped lines."""

from __future__ import annotations

import zipfile

import pytest

from app.feeds.line_formats import LineFormat, detect, rewriter
from app.feeds.recording import RecordingError, iter_line_batches, sidecar_path


def read(path, chunk_bytes=1 << 20) -> list[bytes]:
    return [line for batch in iter_line_batches(path, chunk_bytes) for line in batch]


@pytest.mark.parametrize(
    ("line", "fmt"),
    [
        (b'1723161255030314667 {"a":1}', LineFormat.STAMPED),
        (b'1652459225.5037491: {"event":"subscribe"}', LineFormat.CAPTURE),
        (b"wss://ws.okx.com:8443/ws/v5/public <-> 1652459224.5300605", LineFormat.CAPTURE),
        (b'{"topic":"orderbook.500.XRPUSDT","ts":1733011200691}', LineFormat.BARE),
    ],
)
def test_the_format_is_told_from_the_first_line(line, fmt):
    assert detect(line) is fmt


def test_stamped_lines_are_not_touched():
    assert rewriter(LineFormat.STAMPED) is None


def test_capture_frames_and_rest_answers_get_exact_nanosecond_stamps_and_headers_go(tmp_path):
    path = tmp_path / "X.ws.1.0"
    path.write_bytes(
        b"wss://x/ws <-> 1652459224.5300605\n"
        b'wss://x/ws <- 1652459225.2987883: {"op":"subscribe"}\n'
        b'1652459225.5037491: {"event":"subscribe"}\n'
        b'https://x/depth?limit=1000 -> 1626992741.1: {"lastUpdateId":7}\n'
        b"garbage\n"
    )

    assert read(path) == [
        b'1652459225503749100 {"event":"subscribe"}',
        b'1626992741100000000 {"lastUpdateId":7}',
        b"garbage",  # left for the decoder to count as malformed
    ]


def test_bare_messages_take_the_venue_push_time_or_the_one_before(tmp_path):
    path = tmp_path / "bare.data"
    path.write_bytes(b'{"topic":"a","ts":1733011200691}\n{"topic":"b"}\n{"topic":"c","ts":1733011200700}\n')

    assert read(path) == [
        b'1733011200691000000 {"topic":"a","ts":1733011200691}',
        b'1733011200691000000 {"topic":"b"}',
        b'1733011200700000000 {"topic":"c","ts":1733011200700}',
    ]


def test_a_zip_is_read_through_its_first_member_in_small_chunks(tmp_path):
    path = tmp_path / "2024-12-01_XRPUSDT_ob500.data.zip"
    lines = [b'{"topic":"t","ts":%d}' % (1733011200000 + i) for i in range(300)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2024-12-01_XRPUSDT_ob500.data", b"\n".join(lines) + b"\n")

    read_lines = read(path, chunk_bytes=512)

    assert len(read_lines) == 300
    assert read_lines[-1] == b"1733011200299000000 " + lines[-1]
    assert sidecar_path(path).name == "2024-12-01_XRPUSDT_ob500.data.json"


def test_a_broken_zip_is_one_line_naming_the_file(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)

    with pytest.raises(RecordingError, match=r"broken\.zip") as err:
        read(path)
    assert "\n" not in str(err.value)


def test_the_okx_capture_reads_as_stamped_frames(shared_data):
    lines = read(shared_data / "okx" / "OKX.ws.1.0")

    assert len(lines) == 410  # 414 lines less 1 connection line and 3 subscribe requests
    assert all(line.split(b" ", 1)[0].isdigit() for line in lines)
    assert sum(b'"channel":"books"' in line and b'"action":"snapshot"' in line for line in lines) == 3


def test_the_bybit_history_zip_reads_as_stamped_messages(shared_data):
    lines = read(shared_data / "bybit" / "xrpusdt-ob500.data.zip")

    assert len(lines) == 50
    assert lines[0].startswith(b'1733011200691000000 {"topic":"orderbook.500.XRPUSDT","type":"snapshot"')
