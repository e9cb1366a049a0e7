"""Reading recordings: one message per line, `<local receive ns> <raw message>`, gzip, zip or plain.

This is the format of the bundled recording and of the app's own recorder (docs/ARCHITECTURE.md,
"Recordings"), so recorded and live traffic go through the very same parsers. Several files given in sequence
continue one session. Lines are handed out in batches, the unit the ingest pipeline works in.
Public captures in other line formats (cryptofeed's, Bybit's history files) are rewritten into
this one on the way in (`line_formats.py`).
"""

from __future__ import annotations

import gzip
import json
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.feeds.line_formats import detect, rewriter

CHUNK_BYTES = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK"


class RecordingError(Exception):
    """A recording that cannot be read at all (missing, unreadable, truncated): one line for the user."""


@dataclass(frozen=True, slots=True)
class RecordingMeta:
    """What a sidecar `<name>.json` (or the stream itself) says about a recording."""

    venue: str | None = None
    symbol: str | None = None
    instrument: dict[str, object] | None = None  # venue-native metadata, e.g. an exchangeInfo entry


def sidecar_path(path: Path) -> Path:
    """`btcusdt_20240808.gz` -> `btcusdt_20240808.json`."""
    name = path.name
    for suffix in (".gz", ".zip", ".txt", ".jsonl", ".log"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return path.with_name(name + ".json")


def read_sidecar(path: Path) -> RecordingMeta:
    side = sidecar_path(path)
    if not side.exists():
        return RecordingMeta()
    try:
        doc = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RecordingError(f"{side}: unreadable sidecar metadata ({exc})") from exc
    if not isinstance(doc, dict):
        raise RecordingError(f"{side}: sidecar metadata must be a JSON object")
    instrument = doc.get("instrument")
    return RecordingMeta(
        venue=doc.get("venue"),
        symbol=doc.get("symbol"),
        instrument=instrument if isinstance(instrument, dict) else None,
    )


@contextmanager
def _open(path: Path) -> Iterator[BinaryIO]:
    """The recording's bytes: gunzipped, the first member of a zip, or the file as it is."""
    archive: zipfile.ZipFile | None = None
    try:
        with path.open("rb") as probe:
            magic = probe.read(2)
        if magic == _ZIP_MAGIC:
            archive = zipfile.ZipFile(path)
            members = [m for m in archive.infolist() if not m.is_dir()]
            if not members:
                archive.close()
                raise RecordingError(f"{path}: an empty zip archive")
            opened: BinaryIO = archive.open(members[0])  # type: ignore[assignment]
        elif magic == _GZIP_MAGIC:
            opened = gzip.open(path, "rb")  # type: ignore[assignment]  # noqa: SIM115
        else:
            opened = path.open("rb")
    except FileNotFoundError as exc:
        raise RecordingError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise RecordingError(f"{path}: is a directory, not a recording") from exc
    except zipfile.BadZipFile as exc:
        raise RecordingError(f"{path}: unreadable zip ({exc})") from exc
    except OSError as exc:
        raise RecordingError(f"{path}: cannot open ({exc.strerror or exc})") from exc
    try:
        with opened:
            yield opened
    finally:
        if archive is not None:
            archive.close()


def iter_line_batches(path: Path, chunk_bytes: int = CHUNK_BYTES) -> Iterator[list[bytes]]:
    """Non-empty lines of one recording, in batches of about `chunk_bytes` of text.

    A file whose gzip stream is cut off raises RecordingError (after the lines before the cut);
    a last line that is merely incomplete is handed out as it is and counted malformed later.
    """
    rewrite = None
    decided = False
    with _open(path) as fh:
        rest = b""
        while True:
            try:
                chunk = fh.read(chunk_bytes)
            except EOFError as exc:
                raise RecordingError(f"{path}: truncated (the compressed stream ends early)") from exc
            except (OSError, zlib.error, zipfile.BadZipFile) as exc:
                raise RecordingError(f"{path}: unreadable ({exc})") from exc
            if not chunk:
                break
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            batch = [line for line in lines if line.strip()]
            if batch and not decided:
                rewrite, decided = rewriter(detect(batch[0])), True
            if batch and rewrite is not None:
                batch = rewrite(batch)
            if batch:
                yield batch
        if rest.strip():
            last = [rest]
            if not decided:
                rewrite = rewriter(detect(rest))
            yield rewrite(last) if rewrite is not None else last


def iter_recordings(paths: Sequence[Path], chunk_bytes: int = CHUNK_BYTES) -> Iterator[list[bytes]]:
    """Several recordings in sequence, as one session."""
    for path in paths:
        yield from iter_line_batches(path, chunk_bytes)


def check_readable(paths: Sequence[Path]) -> None:
    """Fail fast, before any work, on paths that are not readable files."""
    for path in paths:
        if not path.exists():
            raise RecordingError(f"{path}: no such file")
        if not path.is_file():
            raise RecordingError(f"{path}: is not a file")


def split_line(line: bytes) -> tuple[int, bytes]:
    """`b"<ns> <payload>"` -> (ns, payload); raises ValueError for a line without a timestamp."""
    stamp, sep, payload = line.partition(b" ")
    if not sep:
        raise ValueError("line without a '<ns> ' prefix")
    return int(stamp), payload
