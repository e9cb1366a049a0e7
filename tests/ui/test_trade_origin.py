"""What the desk journals as a trade's origin, for each kind of source: a replay's files, the
synthetic market, a live feed's recording files (every file of a rotating recording, none when
not recording)."""

from __future__ import annotations

from pathlib import Path

from app.core.paper.trip_review import OriginKind, TradeOrigin
from app.feeds.replay_feed import ReplayFeed
from app.feeds.synthetic.source import SyntheticFeed
from app.ui.trade_review import OriginOf, replay_paths
from tests.ui.conftest import HandSource
from tests.ui.test_open_recording import split_recording


class RecordingHandSource(HandSource):
    """A live-like source whose recording file the test sets (as LiveFeed's recorder rotates)."""

    recording: Path | None = None

    def start_recording(self, directory: Path) -> Path:
        raise NotImplementedError

    def stop_recording(self) -> None:
        self.recording = None


def test_a_replay_is_journaled_by_its_files_in_play_order(btcusdt_recording: Path, tmp_path: Path) -> None:
    files = split_recording(btcusdt_recording, tmp_path)
    feed = ReplayFeed(files, scan_end=False)

    origin = OriginOf(feed)()

    assert origin == TradeOrigin(OriginKind.REPLAY, "binance-usdm:BTCUSDT", tuple(str(f) for f in files))
    assert replay_paths(feed) == origin.paths


def test_the_synthetic_market_is_no_recording() -> None:
    feed = SyntheticFeed()

    origin = OriginOf(feed)()

    assert origin.kind is OriginKind.SYNTHETIC and origin.paths == ()
    assert replay_paths(feed) is None


def test_a_live_feed_names_every_file_of_its_recording_and_none_when_not_recording(
    btcusdt_recording: Path, tmp_path: Path
) -> None:
    source = RecordingHandSource(btcusdt_recording)
    origin_of = OriginOf(source)
    first, rotated = tmp_path / "rec_1.gz", tmp_path / "rec_2.gz"

    assert origin_of() == TradeOrigin(OriginKind.LIVE, "binance-usdm:BTCUSDT")
    source.recording = first
    assert origin_of().paths == (str(first),)
    source.recording = rotated  # the recorder rotated by size or age
    assert origin_of().paths == (str(first), str(rotated))
    assert origin_of() is origin_of()  # unchanged files: the same origin, nothing rebuilt
    source.stop_recording()
    assert origin_of().paths == ()
    assert replay_paths(source) is None
