"""The command line of the aggregated window: what it refuses, in one line, before any window."""

from __future__ import annotations

import pytest

from app.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--live", "binance-usdm:BTCUSDT", "bybit:BTCUSDT"], "add --aggregate"),
        (["--aggregate"], "--aggregate needs --replay FILE..."),
        (["--live", "BTCUSDT", "--aggregate"], "bad live market 'BTCUSDT': VENUE:SYMBOL"),
    ],
)
def test_a_bad_aggregate_command_line_is_a_usage_error_naming_it(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)

    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_recordings_of_two_base_assets_are_refused_before_any_window(shared_data, btcusdt_recording, capsys):
    code = main(
        [
            "--replay",
            str(btcusdt_recording),
            str(shared_data / "bybit" / "xrpusdt-ob500.data.zip"),
            "--aggregate",
        ]
    )

    assert code == 1
    assert (
        capsys.readouterr().err.strip().endswith("an aggregate is one base asset; these legs have BTC, XRP")
    )
