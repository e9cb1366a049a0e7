"""`scalpdesk signals` on the bundled recording: the table, the JSON shape, the kinds filter, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main

RECORDING = str(Path(__file__).resolve().parents[3] / "resources" / "btcusdt_20240808.gz")


def test_the_table_lists_signals_with_utc_time_decimal_price_and_a_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["signals", RECORDING, "--kinds", "sweep,absorption"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:6] == ["time", "(UTC)", "kind", "price", "side", "strength"]
    assert out[1].startswith("2024-08-08 23:5")
    assert "61" in out[1] and "." in out[1].split()[3]
    assert out[-1].endswith(")") is False and out[-1].split()[1] == "signals:"
    assert {line.split()[2] for line in out[1:-1]} == {"sweep", "absorption"}


def test_json_is_an_array_of_signals(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["signals", RECORDING, "--json", "--kinds", "large_print", "--set", "large_print.ratio=8"]) == 0
    )

    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["kind"] == "large_print" for r in rows)
    assert set(rows[0]) == {
        "kind",
        "ts_ns",
        "time",
        "price",
        "price_ticks",
        "side",
        "strength",
        "end_ns",
        "detail",
    }
    assert rows == sorted(rows, key=lambda r: r["ts_ns"])


@pytest.mark.parametrize(
    "argv",
    [
        ["signals", "no/such/file.gz"],
        ["signals", RECORDING, "--kinds", "absorbtion"],
        ["signals", RECORDING, "--set", "sweep.levels=3"],
        ["signals", RECORDING, "--set", "sweep.min_levels=many"],
    ],
)
def test_bad_input_is_one_line_and_exit_1(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1

    err = capsys.readouterr().err
    assert err.startswith("scalpdesk: ") and err.count("\n") == 1
