"""A synthetic session recorded headless replays like any recording: the same market summary as
the generated lines fed straight into a pipeline, its labels beside it, through the command line
too; and a malformed synthetic line is counted and dropped like any venue's."""

from __future__ import annotations

import json

from app.cli import main
from app.core.units import NS_PER_S
from app.feeds.replay import ReplaySession, build_session, run_replay, summarize
from app.feeds.synthetic.record import labels_path, read_labels, record_synthetic
from app.feeds.synthetic.stream import SyntheticConfig, SyntheticMarket
from app.venues.synthetic import SYNTHETIC

CONFIG = SyntheticConfig(seed=5, first_gap_ns=5 * NS_PER_S, gap_ns=(5 * NS_PER_S, 10 * NS_PER_S))
DURATION_NS = 120 * NS_PER_S  # four scenarios or more, the CVD divergence a minute long


def straight_session(config: SyntheticConfig, duration_ns: int) -> tuple[ReplaySession, SyntheticMarket]:
    """The generated lines fed straight into a pipeline: no file, no reader."""
    session = build_session(SYNTHETIC, config.instrument)
    market = SyntheticMarket(config)
    for batch in market.batches():
        due = [line for line in batch if int(line.partition(b" ")[0]) <= config.start_ns + duration_ns]
        session.pipeline.feed(due)
        if len(due) < len(batch):
            break
    session.bbo_check.finish()
    return session, market


def test_record_then_replay_gives_the_same_market_summary_and_keeps_the_labels(tmp_path):
    path = tmp_path / "sim.gz"

    recorded = record_synthetic(path, CONFIG, DURATION_NS)
    replayed = summarize(run_replay([path]))
    straight, market = straight_session(CONFIG, DURATION_NS)

    assert replayed == summarize(straight)
    assert (replayed["venue"], replayed["symbol"], replayed["malformed"]) == ("synthetic", "BTC-SIM", 0)
    assert replayed["book"]["gaps"] == 0 and replayed["book"]["bbo_mismatches"] == 0
    assert replayed["book"]["bbo_checks"] > 500
    assert recorded.lines == replayed["messages"]
    labels = read_labels(path)
    assert len(labels) >= 4
    assert labels == [
        label for label in market.labels if (label.end_ns or 0) <= CONFIG.start_ns + DURATION_NS
    ]


def test_the_command_line_records_and_replays_it(tmp_path, capsys):
    path = tmp_path / "cli.gz"

    assert (
        main(["synthetic", "--record", str(path), "--seed", "5", "--duration", "30s", "--scenarios", "sweep"])
        == 0
    )
    assert "labelled scenarios" in capsys.readouterr().out
    assert main(["replay", str(path), "--summary"]) == 0
    summary = json.loads(capsys.readouterr().out)

    assert summary["venue"] == "synthetic" and summary["trades"] > 100
    doc = json.loads(labels_path(path).read_text())
    assert doc["seed"] == 5 and {label["kind"] for label in doc["labels"]} == {"sweep"}
    assert json.loads(path.with_name("cli.json").read_text())["instrument"]["tick_size"] == "0.1"


def test_the_window_option_defaults_to_random_scenarios_and_seed_7():
    from app.cli import build_parser

    assert (build_parser().parse_args(["--synthetic"]).synthetic, build_parser().parse_args([]).seed) == (
        "random",
        7,
    )
    assert build_parser().parse_args(["--synthetic", "iceberg", "--seed", "3"]).seed == 3


def test_an_unknown_scenario_is_one_line_and_exit_1(tmp_path, capsys):
    assert main(["synthetic", "--record", str(tmp_path / "x.gz"), "--scenarios", "tsunami"]) == 1
    assert "unknown scenario" in capsys.readouterr().err


def test_a_malformed_synthetic_line_is_counted_and_dropped(tmp_path):
    market = SyntheticMarket(CONFIG)
    lines = [line for batch, _ in zip(market.batches(), range(20), strict=False) for line in batch]
    stamp = lines[10].partition(b" ")[0]
    broken = [
        *lines[:10],
        stamp + b' {"sim":"trades","s":"BTC-SIM","T":1,"S":"b","p":[["x","1",1]]}',
        *lines[10:],
    ]

    clean = build_session(SYNTHETIC, CONFIG.instrument)
    clean.pipeline.feed(lines)
    dirty = build_session(SYNTHETIC, CONFIG.instrument)
    dirty.pipeline.feed(broken)

    assert dirty.pipeline.counters.malformed == 1 and clean.pipeline.counters.malformed == 0
    assert "not a decimal number" in dirty.pipeline.counters.last_error
    assert dirty.market.tape.total == clean.market.tape.total
    assert dirty.market.book.bids == clean.market.book.bids
