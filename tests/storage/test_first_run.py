"""The first-run state: not welcomed until marked, remembered after, and a damaged file falls back
to the default (welcome again) with the file kept aside."""

from __future__ import annotations

from app.storage.first_run import FirstRun


def test_a_new_config_dir_has_not_been_welcomed(tmp_path):
    assert FirstRun(tmp_path).welcomed() is False


def test_once_marked_it_stays_welcomed(tmp_path):
    FirstRun(tmp_path).mark_welcomed()

    assert FirstRun(tmp_path).welcomed() is True


def test_a_damaged_file_means_welcome_again_and_is_kept_aside(tmp_path):
    (tmp_path / "first_run.json").write_text("[1, 2", "utf-8")
    state = FirstRun(tmp_path)

    assert state.welcomed() is False
    assert state.notice is not None and "damaged" in state.notice
    assert (tmp_path / "first_run.json.corrupt-1").exists()
