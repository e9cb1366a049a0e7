"""Reading recordings: `<ns> <json>` lines from gzip or plain files, in batches, with sidecar metadata."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from app.feeds.recording import (
    RecordingError,
    RecordingMeta,
    check_readable,
    iter_line_batches,
    iter_recordings,
    read_sidecar,
    sidecar_path,
    split_line,
)


def make_lines(n: int, start_ns: int = 1_723_161_255_000_000_000, seed: int = 0) -> list[bytes]:
    """Recording-shaped lines with varied content (so gzip cannot squeeze them to nothing)."""
    rnd = random.Random(seed)
    lines = []
    for i in range(n):
        price = f"{61000 + rnd.randrange(0, 20000) / 10:.2f}"
        qty = f"{rnd.randrange(1, 5000) / 1000:.3f}"
        payload = {
            "stream": "btcusdt@trade",
            "data": {
                "e": "trade",
                "E": i,
                "T": i,
                "s": "BTCUSDT",
                "t": i,
                "p": price,
                "q": qty,
                "m": i % 2 == 0,
            },
        }
        lines.append(b"%d %s" % (start_ns + i, json.dumps(payload, separators=(",", ":")).encode()))
    return lines


def write_gzip(path, lines: list[bytes], trailing_newline: bool = True) -> None:
    data = b"\n".join(lines) + (b"\n" if trailing_newline else b"")
    path.write_bytes(gzip.compress(data))


def flatten(batches) -> list[bytes]:
    return [line for batch in batches for line in batch]


def test_gzip_recording_is_read_line_by_line_in_batches(tmp_path):
    lines = make_lines(500)
    path = tmp_path / "rec.gz"
    write_gzip(path, lines)

    batches = list(iter_line_batches(path, chunk_bytes=4096))

    assert len(batches) > 1
    assert all(batch for batch in batches)
    assert flatten(batches) == lines


def test_one_big_chunk_gives_one_batch(tmp_path):
    lines = make_lines(50)
    path = tmp_path / "rec.gz"
    write_gzip(path, lines)

    batches = list(iter_line_batches(path))

    assert batches == [lines]


def test_plain_text_recording_reads_the_same_as_gzip(tmp_path):
    lines = make_lines(300)
    plain = tmp_path / "rec.txt"
    plain.write_bytes(b"\n".join(lines) + b"\n")
    packed = tmp_path / "rec.gz"
    write_gzip(packed, lines)

    assert flatten(iter_line_batches(plain, chunk_bytes=1000)) == lines
    assert flatten(iter_line_batches(plain, chunk_bytes=1000)) == flatten(iter_line_batches(packed))


def test_lines_never_split_across_batches_whatever_the_chunk_size(tmp_path):
    lines = make_lines(100)
    path = tmp_path / "rec.gz"
    write_gzip(path, lines)

    for chunk in (1, 7, 150, 151, 10_000):
        assert flatten(iter_line_batches(path, chunk_bytes=chunk)) == lines


def test_several_files_in_sequence_continue_one_session(tmp_path):
    lines = make_lines(400)
    first, second, third = tmp_path / "a.gz", tmp_path / "b.txt", tmp_path / "c.gz"
    write_gzip(first, lines[:150])
    second.write_bytes(b"\n".join(lines[150:300]) + b"\n")
    write_gzip(third, lines[300:])

    read = flatten(iter_recordings([first, second, third], chunk_bytes=2048))

    assert read == lines


def test_missing_file_is_a_recording_error_naming_it(tmp_path):
    path = tmp_path / "nowhere.gz"

    with pytest.raises(RecordingError) as err:
        list(iter_line_batches(path))

    message = str(err.value)
    assert str(path) in message
    assert "\n" not in message


def test_directory_is_a_recording_error_naming_it(tmp_path):
    with pytest.raises(RecordingError) as err:
        list(iter_line_batches(tmp_path))

    message = str(err.value)
    assert str(tmp_path) in message
    assert "\n" not in message


def test_gzip_cut_in_half_is_a_recording_error_naming_it(tmp_path):
    whole = tmp_path / "whole.gz"
    write_gzip(whole, make_lines(3000))
    data = whole.read_bytes()
    cut = tmp_path / "cut.gz"
    cut.write_bytes(data[: len(data) // 2])

    with pytest.raises(RecordingError) as err:
        list(iter_line_batches(cut, chunk_bytes=4096))

    message = str(err.value)
    assert str(cut) in message
    assert "\n" not in message


def test_gzip_cut_in_half_hands_out_lines_before_the_cut_first(tmp_path):
    lines = make_lines(3000)
    whole = tmp_path / "whole.gz"
    write_gzip(whole, lines)
    data = whole.read_bytes()
    cut = tmp_path / "cut.gz"
    cut.write_bytes(data[: len(data) // 2])
    read: list[bytes] = []

    with pytest.raises(RecordingError):
        for batch in iter_line_batches(cut, chunk_bytes=4096):
            read.extend(batch)

    assert 0 < len(read) < len(lines)
    assert read == lines[: len(read)]


def test_corrupted_gzip_body_is_a_recording_error(tmp_path):
    whole = tmp_path / "whole.gz"
    write_gzip(whole, make_lines(2000))
    data = bytearray(whole.read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 64):
        data[i] ^= 0xFF
    bad = tmp_path / "bad.gz"
    bad.write_bytes(bytes(data))

    with pytest.raises(RecordingError) as err:
        list(iter_line_batches(bad))

    assert str(bad) in str(err.value)
    assert "\n" not in str(err.value)


def test_blank_lines_are_skipped(tmp_path):
    lines = make_lines(5)
    path = tmp_path / "rec.txt"
    path.write_bytes(b"\n" + lines[0] + b"\n\n" + lines[1] + b"\n   \n" + b"\n".join(lines[2:]) + b"\n\n\n")

    assert flatten(iter_line_batches(path)) == lines


def test_last_line_without_newline_is_still_delivered(tmp_path):
    lines = make_lines(20)
    path = tmp_path / "rec.gz"
    write_gzip(path, lines, trailing_newline=False)

    read = flatten(iter_line_batches(path, chunk_bytes=256))

    assert read == lines
    assert read[-1] == lines[-1]


def test_crlf_line_endings_keep_the_json_parseable(tmp_path):
    lines = make_lines(3)
    path = tmp_path / "rec.txt"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")

    read = flatten(iter_line_batches(path))

    assert len(read) == 3
    assert [json.loads(split_line(line)[1]) for line in read] == [json.loads(split_line(x)[1]) for x in lines]


def test_empty_file_has_no_batches(tmp_path):
    plain = tmp_path / "empty.txt"
    plain.write_bytes(b"")
    packed = tmp_path / "empty.gz"
    packed.write_bytes(gzip.compress(b""))

    assert list(iter_line_batches(plain)) == []
    assert list(iter_line_batches(packed)) == []


def test_split_line_separates_receive_time_and_payload():
    assert split_line(b'1723161255030314667 {"a":1}') == (1723161255030314667, b'{"a":1}')


def test_split_line_without_timestamp_is_a_value_error():
    with pytest.raises(ValueError):
        split_line(b'{"a":1}')


def test_check_readable_refuses_missing_paths_and_directories(tmp_path):
    good = tmp_path / "rec.gz"
    write_gzip(good, make_lines(1))

    check_readable([good])
    with pytest.raises(RecordingError, match="nowhere"):
        check_readable([good, tmp_path / "nowhere.gz"])
    with pytest.raises(RecordingError) as err:
        check_readable([tmp_path])
    assert str(tmp_path) in str(err.value)


# --- sidecar metadata ------------------------------------------------------------------------------


def test_sidecar_sits_next_to_the_recording_without_its_suffix(tmp_path):
    assert sidecar_path(tmp_path / "btcusdt_20240808.gz") == tmp_path / "btcusdt_20240808.json"
    assert sidecar_path(tmp_path / "rec.txt") == tmp_path / "rec.json"


def test_sidecar_venue_symbol_and_instrument_are_read(tmp_path):
    entry = {
        "symbol": "DOGEUSDT",
        "filters": [
            {"filterType": "PRICE_FILTER", "tickSize": "0.000010"},
            {"filterType": "LOT_SIZE", "stepSize": "1"},
        ],
    }
    (tmp_path / "doge.json").write_text(
        json.dumps({"venue": "binance-usdm", "symbol": "DOGEUSDT", "instrument": entry}), encoding="utf-8"
    )

    meta = read_sidecar(tmp_path / "doge.gz")

    assert meta == RecordingMeta(venue="binance-usdm", symbol="DOGEUSDT", instrument=entry)


def test_no_sidecar_means_empty_metadata(tmp_path):
    assert read_sidecar(tmp_path / "rec.gz") == RecordingMeta()


def test_unreadable_sidecar_is_a_recording_error_naming_it(tmp_path):
    (tmp_path / "rec.json").write_text("{venue:", encoding="utf-8")

    with pytest.raises(RecordingError) as err:
        read_sidecar(tmp_path / "rec.gz")

    assert str(tmp_path / "rec.json") in str(err.value)
    assert "\n" not in str(err.value)


def test_sidecar_that_is_not_an_object_is_a_recording_error(tmp_path):
    (tmp_path / "rec.json").write_text("[1, 2]", encoding="utf-8")

    with pytest.raises(RecordingError, match=r"rec\.json"):
        read_sidecar(tmp_path / "rec.gz")
