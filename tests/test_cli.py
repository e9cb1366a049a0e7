"""`python -m app replay FILE... --summary` as a user runs it: a subprocess, its output and exit code."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SUMMARY_KEYS = {
    "venue",
    "symbol",
    "tick_size",
    "lot_size",
    "messages",
    "malformed",
    "trades",
    "buy_volume",
    "sell_volume",
    "cvd",
    "vwap",
    "high",
    "low",
    "poc",
    "value_area",
    "first_trade_ms",
    "last_trade_ms",
    "bars",
    "book",
}
BOOK_KEYS = {
    "applied",
    "dropped_before_sync",
    "gaps",
    "resyncs",
    "bbo_checks",
    "bbo_mismatches",
    "best_bid",
    "best_ask",
}


def scalpdesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("scalpdesk:")
    return lines[0]


def trade_line(
    symbol: str,
    stream: str,
    i: int,
    *,
    price: str = "0.12345",
    qty: str = "10",
    t_ms: int = 0,
    maker: bool = False,
) -> bytes:
    t_ms = t_ms or 1_723_161_256_000 + i
    data = {
        "e": "trade",
        "E": t_ms,
        "T": t_ms,
        "s": symbol,
        "t": i,
        "p": price,
        "q": qty,
        "X": "MARKET",
        "m": maker,
    }
    return b"%d %s" % (t_ms * 1_000_000, json.dumps({"stream": stream, "data": data}).encode())


@pytest.fixture(scope="module")
def summary_run(btcusdt_recording) -> subprocess.CompletedProcess[str]:
    return scalpdesk("replay", btcusdt_recording, "--summary")


@pytest.mark.slow
def test_summary_is_exactly_one_json_object_on_stdout(summary_run):
    assert summary_run.returncode == 0, summary_run.stderr
    assert summary_run.stdout.endswith("\n")
    lines = summary_run.stdout.splitlines()
    assert len(lines) == 1
    assert isinstance(json.loads(lines[0]), dict)


@pytest.mark.slow
def test_summary_has_exactly_the_documented_keys(summary_run):
    summary = json.loads(summary_run.stdout)

    assert set(summary) == SUMMARY_KEYS
    assert set(summary["book"]) == BOOK_KEYS


@pytest.mark.slow
def test_summary_names_the_instrument_of_the_recording(summary_run):
    summary = json.loads(summary_run.stdout)

    assert summary["venue"] == "binance-usdm"
    assert summary["symbol"] == "BTCUSDT"
    assert summary["tick_size"] == "0.1"
    assert summary["lot_size"] == "0.001"


@pytest.mark.slow
def test_summary_reports_the_clean_book_of_the_recording(summary_run):
    summary = json.loads(summary_run.stdout)

    assert summary["messages"] == 93_954
    assert summary["trades"] == 21_313
    assert summary["book"]["applied"] == summary["book"]["bbo_checks"] == 6_547
    assert summary["book"]["gaps"] == summary["book"]["bbo_mismatches"] == 0
    assert summary["bars"] == {"timeframe": "1m", "count": 6}


@pytest.mark.slow
def test_timeframe_option_changes_the_bar_count(btcusdt_recording):
    result = scalpdesk("replay", btcusdt_recording, "--summary", "--timeframe", "5m")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["bars"] == {"timeframe": "5m", "count": 2}  # 23:50 and 23:55


AT_2357_MS = 1_723_161_420_000  # 2024-08-08 23:57:00.000 UTC


@pytest.mark.parametrize(
    ("session_start", "cvd"),
    [("23:57", "-0.150"), ("never", "0.850"), ("00:00", "0.850"), ("23:58", "0.850")],
)
def test_session_start_resets_cvd_at_that_utc_time_but_not_the_replay_volumes(tmp_path, session_start, cvd):
    path = tmp_path / "btc.gz"
    trades = [
        trade_line("BTCUSDT", "btcusdt@trade", 1, price="61800.0", qty="1.000", t_ms=AT_2357_MS - 30_000),
        trade_line("BTCUSDT", "btcusdt@trade", 2, price="61800.1", qty="0.250", t_ms=AT_2357_MS, maker=True),
        trade_line("BTCUSDT", "btcusdt@trade", 3, price="61800.2", qty="0.100", t_ms=AT_2357_MS + 10_000),
    ]
    path.write_bytes(gzip.compress(b"\n".join(trades)))

    result = scalpdesk("replay", path, "--summary", "--session-start", session_start)

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["cvd"] == cvd
    assert (summary["buy_volume"], summary["sell_volume"]) == ("1.100", "0.250")


def test_missing_file_is_exit_1_with_one_line_naming_it(tmp_path):
    missing = tmp_path / "nowhere.gz"

    result = scalpdesk("replay", missing, "--summary")

    line = assert_one_line_error(result, 1)
    assert str(missing) in line


def test_directory_is_exit_1_with_one_line(tmp_path):
    result = scalpdesk("replay", tmp_path, "--summary")

    line = assert_one_line_error(result, 1)
    assert str(tmp_path) in line


def test_recording_of_an_unknown_symbol_is_exit_1_with_one_line_naming_it(tmp_path):
    path = tmp_path / "doge.gz"
    path.write_bytes(gzip.compress(b"\n".join(trade_line("DOGEUSDT", "dogeusdt@trade", i) for i in range(3))))

    result = scalpdesk("replay", path, "--summary")

    line = assert_one_line_error(result, 1)
    assert "DOGEUSDT" in line


def test_unknown_symbol_with_a_sidecar_exchange_info_entry_replays(tmp_path):
    path = tmp_path / "doge.gz"
    path.write_bytes(gzip.compress(b"\n".join(trade_line("DOGEUSDT", "dogeusdt@trade", i) for i in range(3))))
    entry = {
        "symbol": "DOGEUSDT",
        "baseAsset": "DOGE",
        "filters": [
            {"filterType": "PRICE_FILTER", "tickSize": "0.00001"},
            {"filterType": "LOT_SIZE", "stepSize": "1"},
        ],
    }
    (tmp_path / "doge.json").write_text(json.dumps({"instrument": entry}), encoding="utf-8")

    result = scalpdesk("replay", path, "--summary")

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["symbol"], summary["tick_size"], summary["lot_size"]) == ("DOGEUSDT", "0.00001", "1")
    assert (summary["trades"], summary["buy_volume"]) == (3, "30")


# Well-formed JSON with values no real feed sends, but a hostile or broken peer might. Like any bad
# message they must be counted malformed and skipped; they must never end the replay in a traceback.
HOSTILE = {
    "price-past-int64-ticks": {"p": "99999999999999999999999999.00"},
    "time-past-int64-ns": {"T": 99_999_999_999_999_999},
    "trade-id-past-int64": {"t": 99_999_999_999_999_999_999},
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_trade_is_counted_malformed_not_a_crash(tmp_path, name):
    good = [
        trade_line("BTCUSDT", "btcusdt@trade", i, price="61800.0", qty="0.001", t_ms=AT_2357_MS + i)
        for i in range(3)
    ]
    data = {
        "e": "trade",
        "E": AT_2357_MS,
        "T": AT_2357_MS,
        "s": "BTCUSDT",
        "t": 9,
        "p": "61800.0",
        "q": "0.001",
    }
    data.update(m=False, **HOSTILE[name])
    hostile = b"123 " + json.dumps({"stream": "btcusdt@trade", "data": data}).encode()
    path = tmp_path / "hostile.gz"
    path.write_bytes(gzip.compress(b"\n".join([good[0], hostile, *good[1:]])))

    result = scalpdesk("replay", path, "--summary")

    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["messages"], summary["malformed"], summary["trades"]) == (4, 1, 3)
    assert summary["buy_volume"] == "0.003"


def test_truncated_gzip_is_exit_1_with_one_line_naming_it(tmp_path):
    whole = gzip.compress(b"\n".join(trade_line("BTCUSDT", "btcusdt@trade", i) for i in range(2000)))
    path = tmp_path / "cut.gz"
    path.write_bytes(whole[: len(whole) // 2])

    result = scalpdesk("replay", path, "--summary")

    line = assert_one_line_error(result, 1)
    assert str(path) in line


@pytest.mark.parametrize("timeframe", ["0m", "1x"])
def test_bad_timeframe_is_a_usage_error(btcusdt_recording, timeframe):
    result = scalpdesk("replay", btcusdt_recording, "--summary", f"--timeframe={timeframe}")

    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "timeframe" in result.stderr


@pytest.mark.parametrize("start", ["25:00", "noon"])
def test_bad_session_start_is_a_usage_error(btcusdt_recording, start):
    result = scalpdesk("replay", btcusdt_recording, "--summary", "--session-start", start)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_replay_without_a_file_is_a_usage_error():
    result = scalpdesk("replay", "--summary")

    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_help_exits_0_and_shows_the_replay_command():
    result = scalpdesk("--help")

    assert result.returncode == 0
    assert "replay" in result.stdout
    assert result.stderr == ""


def test_the_window_on_a_missing_recording_is_exit_1_with_one_line_before_any_window(tmp_path):
    missing = tmp_path / "nowhere.gz"

    result = scalpdesk("--replay", missing, "--exit-after", "1")

    line = assert_one_line_error(result, 1)
    assert str(missing) in line


@pytest.mark.parametrize(
    "option", [["--speed", "500"], ["--speed", "fast"], ["--exit-after", "-1"], ["--fps", "7"]]
)
def test_bad_window_options_are_usage_errors(option):
    result = scalpdesk(*option)

    assert result.returncode == 2
    assert "usage" in result.stderr and "Traceback" not in result.stderr


def test_version_prints_one_line_with_the_stack(capsys):
    from app.cli import main

    assert main(["--version"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("scalpdesk 0.1.0 (Python 3.") and out.count("\n") == 1
    assert "PySide6-Essentials 6.11" in out and "numpy" in out


def test_help_shows_examples_of_every_way_to_run_it(capsys):
    from app.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])

    out = capsys.readouterr().out
    examples = ("scalpdesk --replay", "--venue bybit", "FILE --summary", "scalpdesk record", "--ws-url")
    assert all(example in out for example in examples)
