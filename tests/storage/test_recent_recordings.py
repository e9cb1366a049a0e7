"""The recent recordings of File → Open recording…: newest first, once each, capped, files that
are gone dropped with a notice, a damaged file kept aside."""

from __future__ import annotations

from pathlib import Path

from app.storage.recent_recordings import KEEP, RecentRecordings, entry_label


def recordings(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in names]
    for path in paths:
        path.write_bytes(b"1 {}\n")
    return paths


def test_opened_recordings_come_back_newest_first_and_together(tmp_path):
    day1, day2, other = recordings(tmp_path / "rec", "day1.gz", "day2.gz", "other.gz")
    store = RecentRecordings(tmp_path / "config")
    store.add([day1, day2])
    store.add([other])

    entries = RecentRecordings(tmp_path / "config").load()

    assert entries == [(other,), (day1, day2)]


def test_opening_again_moves_an_entry_to_the_front_once(tmp_path):
    a, b = recordings(tmp_path / "rec", "a.gz", "b.gz")
    store = RecentRecordings(tmp_path)
    store.add([a])
    store.add([b])

    entries = store.add([a])

    assert entries == [(a,), (b,)]


def test_the_list_is_capped(tmp_path):
    store = RecentRecordings(tmp_path / "config")
    paths = recordings(tmp_path / "rec", *(f"r{i}.gz" for i in range(KEEP + 3)))
    for path in paths:
        store.add([path])

    entries = store.load()

    assert len(entries) == KEEP and entries[0] == (paths[-1],)


def test_a_recording_that_is_gone_is_dropped_with_a_notice(tmp_path):
    kept, gone = recordings(tmp_path / "rec", "kept.gz", "gone.gz")
    store = RecentRecordings(tmp_path / "config")
    store.add([kept])
    store.add([gone])
    gone.unlink()

    entries = store.load()

    assert entries == [(kept,)]
    assert store.notice is not None and "gone.gz" in store.notice
    assert RecentRecordings(tmp_path / "config").load() == [(kept,)]  # dropped for good


def test_a_damaged_file_is_kept_aside_and_the_list_starts_empty(tmp_path):
    (tmp_path / "recordings.json").write_text('{"version": 1, "recent": 3}', "utf-8")
    store = RecentRecordings(tmp_path)

    assert store.load() == []
    assert store.notice is not None and "damaged" in store.notice
    assert (tmp_path / "recordings.json.corrupt-1").exists()


def test_a_label_names_the_first_file_and_how_many_continue_it(tmp_path):
    day1, day2 = recordings(tmp_path, "day1.gz", "day2.gz")

    assert entry_label((day1, day2)).startswith("day1.gz + 1 more")
