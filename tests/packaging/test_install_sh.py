"""packaging/install.sh against a fake bundle folder (the layout PyInstaller makes, with a tiny
executable), into a temporary HOME: the menu entry runs the installed executable by its absolute
path, the icons land in the hicolor theme, and --uninstall takes ours away and keeps the user's data.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from app.resources import ICON_SIZES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """dist/scalpdesk as build.sh leaves it: executable, install.sh, resources in _internal/."""
    folder = tmp_path / "dist with space" / "scalpdesk"
    shutil.copytree(
        ROOT / "resources",
        folder / "_internal" / "app" / "resources",
        ignore=shutil.ignore_patterns("*.gz", "__pycache__", "*.py"),
    )
    exe = folder / "scalpdesk"
    exe.write_text("#!/bin/sh\necho fake scalpdesk\n", "utf-8")
    exe.chmod(0o755)
    shutil.copy(ROOT / "packaging" / "install.sh", folder / "install.sh")
    return folder


def run_install(bundle: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    return subprocess.run(
        ["bash", str(bundle / "install.sh"), *args], env=env, capture_output=True, text=True, check=False
    )


def desktop_keys(path: Path) -> dict[str, str]:
    lines = path.read_text("utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_install_writes_an_entry_that_runs_the_copied_bundle_and_every_icon(bundle, tmp_path):
    home = tmp_path / "home"

    result = run_install(bundle, home)

    assert result.returncode == 0, result.stderr
    share = home / ".local" / "share"
    keys = desktop_keys(share / "applications" / "scalpdesk.desktop")
    exe = share / "scalpdesk" / "app" / "scalpdesk"
    assert shlex.split(keys["Exec"]) == [str(exe)]
    assert keys["TryExec"] == str(exe) and os.access(exe, os.X_OK)
    ran = subprocess.run(shlex.split(keys["Exec"]), capture_output=True, text=True, check=True)
    assert ran.stdout == "fake scalpdesk\n"
    assert keys["Icon"] == "scalpdesk" and keys["Type"] == "Application"
    for size in ICON_SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "scalpdesk.png").is_file()
    assert (home / ".local" / "bin" / "scalpdesk").resolve() == exe.resolve()


def test_in_place_points_the_entry_at_the_extracted_folder(bundle, tmp_path):
    home = tmp_path / "home"

    result = run_install(bundle, home, "--in-place")

    assert result.returncode == 0, result.stderr
    keys = desktop_keys(home / ".local" / "share" / "applications" / "scalpdesk.desktop")
    assert shlex.split(keys["Exec"]) == [str(bundle / "scalpdesk")]  # a path with a space, quoted
    assert not (home / ".local" / "share" / "scalpdesk" / "app").exists()


def test_uninstall_removes_what_install_added_and_keeps_the_journal(bundle, tmp_path):
    home = tmp_path / "home"
    run_install(bundle, home)
    journal = home / ".local" / "share" / "scalpdesk" / "journal.sqlite3"
    journal.write_bytes(b"the user's trades")

    result = run_install(bundle, home, "--uninstall")

    assert result.returncode == 0, result.stderr
    share = home / ".local" / "share"
    assert not (share / "applications" / "scalpdesk.desktop").exists()
    assert not list((share / "icons").rglob("scalpdesk.png"))
    assert not (share / "scalpdesk" / "app").exists() and not (home / ".local" / "bin" / "scalpdesk").exists()
    assert journal.read_bytes() == b"the user's trades"


def test_the_shipped_and_the_installed_entries_validate(bundle, tmp_path):
    assert shutil.which("desktop-file-validate"), "no desktop-file-utils: bootstrap installs it"
    home = tmp_path / "home"
    run_install(bundle, home)

    for entry in (
        ROOT / "resources" / "scalpdesk.desktop",
        home / ".local/share/applications/scalpdesk.desktop",
    ):
        check = subprocess.run(
            ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stdout + check.stderr
