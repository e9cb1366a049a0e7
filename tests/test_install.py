"""Scalpdesk as a user installs it: a wheel in a fresh virtual environment, run away from the checkout.

The checkout hides packaging mistakes (a file read next to the source, a package left out of the
wheel); these tests build the wheel the way a user's pip does and run what it installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

from app.core.signals.kinds import SignalKind

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
# What `scalpdesk replay --summary` and `--help` import beyond the stdlib: the rest of the
# dependencies (Qt above all, ~200 MB) would only make the test slow, not more telling.
SUMMARY_IMPORTS = ("numpy", "msgspec")
NOT_SHIPPED = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)


def _package_folders() -> dict[str, Path]:
    """Every folder of importable code, by the package name the wheel must give it."""
    mapped = SETUPTOOLS.get("package-dir", {})
    roots = {name: ROOT / folder for name, folder in mapped.items()}
    for top in ("app", "widgets"):
        for init in sorted((ROOT / top).rglob("__init__.py")):
            name = ".".join(init.parent.relative_to(ROOT).parts)
            roots.setdefault(name, init.parent)
    return roots


def test_every_package_folder_is_listed_for_the_wheel():
    listed = set(SETUPTOOLS["packages"])

    missing = set(_package_folders()) - listed

    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"


def test_every_bundled_resource_is_package_data():
    patterns = SETUPTOOLS["package-data"]["app.resources"]
    shipped = [p for p in (ROOT / "resources").iterdir() if p.is_file() and p.suffix != ".py"]

    unshipped = [p.name for p in shipped if not any(p.match(pattern) for pattern in patterns)]

    assert shipped
    assert not unshipped, f"add {unshipped} to package-data of app.resources in pyproject.toml"


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower().replace("_", "-") for req in requirements}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the checkout, so no stale build/ folder leaks into it or into the tree."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SHIPPED)
    _ok(_run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", work / "dist", source, cwd=work))
    (built,) = (work / "dist").glob("scalpdesk-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtual environment holding the wheel and what a summary imports."""
    env = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    pins = [f"{name}=={version(name)}" for name in SUMMARY_IMPORTS]  # the checkout's, for equal output
    pip = (sys.executable, "-m", "pip", "--python", python, "install", "-q")
    _ok(_run(*pip, "--no-deps", wheel, cwd=env))
    _ok(_run(*pip, *pins, cwd=env))
    return env / "bin"


@pytest.mark.slow
def test_the_wheel_declares_every_dependency_and_the_command(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        entry_points = archive.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt")))
    required = [
        line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")
    ]
    plain = [req for req in required if "extra ==" not in req]

    assert _requirement_names(plain) == _requirement_names(PYPROJECT["project"]["dependencies"])
    assert b"scalpdesk = app.cli:main" in entry_points
    assert "app/resources/btcusdt_20240808.gz" in names
    assert all(f"app/resources/sounds/{k.value}.wav" in names for k in SignalKind)  # the alert sounds


@pytest.mark.slow
def test_installed_summary_of_the_bundled_recording_matches_the_checkout(
    installed, btcusdt_recording, tmp_path
):
    where = _run(
        installed / "python", "-c", "from app.resources import bundled_recording; print(bundled_recording())",
        cwd=tmp_path,
    )  # fmt: skip
    recording = Path(_ok(where).strip())
    expected = _ok(_run(sys.executable, "-m", "app", "replay", btcusdt_recording, "--summary", cwd=ROOT))

    summary = _ok(_run(installed / "scalpdesk", "replay", recording, "--summary", cwd=tmp_path))

    assert recording.is_relative_to(installed.parent), recording  # the venv's copy, not the checkout's
    assert summary == expected


@pytest.mark.slow
def test_installed_command_prints_its_help(installed, tmp_path):
    result = _run(installed / "scalpdesk", "--help", cwd=tmp_path)

    assert _ok(result).startswith("usage: scalpdesk")
    assert "replay" in result.stdout
