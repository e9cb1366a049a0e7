"""The `scalpdesk` command line.

Errors a user can cause (a wrong path, an unknown symbol, a bad option) print one line on stderr
and exit non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from importlib.resources import as_file
from pathlib import Path
from typing import Any

import msgspec

from app.core.footprint import BarSpec
from app.core.sessions import SessionSchedule
from app.core.units import NS_PER_HOUR, NS_PER_MIN, NS_PER_S
from app.drill_command import add_drill_command, run_drill_command
from app.feeds.merged_replay import market_files, run_merged_replay, summarize_merged
from app.feeds.replay import ReplayError, run_replay, summarize
from app.feeds.replay_feed import MAX_SPEED, MIN_SPEED
from app.feeds.synthetic.record import parse_kinds, record_synthetic
from app.feeds.synthetic.stream import SyntheticConfig
from app.resources import bundled_recording
from app.venues import registry
from app.venues.errors import UnknownInstrument
from app.versions import version_line

EXAMPLES = """examples:
  scalpdesk                                     the window on the bundled BTCUSDT recording, looped
  scalpdesk --replay day1.gz day2.gz --speed 10 your recordings, as one session, at 10x
  scalpdesk --venue bybit --symbol BTCUSDT      the window on a live market (recorded to the data dir)
  scalpdesk replay FILE --summary               one JSON summary of a recording, headless
  scalpdesk replay a.gz b.gz c.gz --summary     recordings of several venues: each, and the aggregate
  scalpdesk --replay a.gz b.gz c.gz --aggregate several venues' recordings as one market
  scalpdesk --live binance-usdm:BTCUSDT bybit:BTCUSDT okx:BTC-USDT-SWAP --aggregate
                                                three live venues of BTC as one market
  scalpdesk signals FILE --kinds sweep,absorption  the order-flow signals found in a recording
  scalpdesk --synthetic random --seed 7         the window on the synthetic market, scenarios at random
  scalpdesk synthetic --record sim.gz --duration 10m --scenarios sweep,iceberg
                                                a synthetic session recorded headless (+ sim.gz.labels.json)
  scalpdesk drill exec-basic --seed 3           practice: a hotkey drill (drill --list, drill --history)
  scalpdesk record --venue okx --symbol BTC-USDT-SWAP --duration 3600
                                                record a live market for an hour, no window
  scalpdesk --venue binance --symbol BTCUSDT --ws-url ws://127.0.0.1:9001 --rest-url http://127.0.0.1:9002
                                                the same, on a local or test server
"""

_LOG_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
STARTED_S = time.monotonic()  # for the "first frame after" log line (budget: 2 s)
EXIT_INPUT = 1

_DURATION = re.compile(r"^(\d+)(s|m|h)$")
_UNIT_S = {"s": 1, "m": NS_PER_MIN // NS_PER_S, "h": NS_PER_HOUR // NS_PER_S}
_OFFSET = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _timeframe_seconds(text: str) -> int:
    match = _DURATION.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"bad timeframe {text!r} (examples: 30s, 1m, 5m, 1h)")
    return int(match.group(1)) * _UNIT_S[match.group(2)]


def _session_offset_ns(text: str) -> int | None:
    if text.lower() == "never":
        return None
    match = _OFFSET.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"bad session start {text!r} (HH:MM in UTC, or 'never')")
    return int(match.group(1)) * NS_PER_HOUR + int(match.group(2)) * NS_PER_MIN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scalpdesk",
        description="Order-flow scalping workstation for crypto perpetual futures.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument(
        "--version", action="store_true", help="print the versions of Scalpdesk and its stack"
    )
    parser.add_argument(
        "--replay",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="open the window on these recordings (default: the bundled BTCUSDT recording, looped)",
    )
    parser.add_argument(
        "--synthetic",
        nargs="?",
        const="random",
        metavar="SCENARIO",
        help="open the window on the synthetic market: one scenario, a comma list, random (default) or none",
    )
    parser.add_argument("--seed", type=int, default=7, help="the synthetic market's seed (default 7)")
    _add_aggregate_options(parser)
    _add_live_options(parser, window=True)
    _add_window_options(parser)
    commands = parser.add_subparsers(dest="command")
    _add_synthetic_command(commands)
    add_drill_command(commands, _speed, _positive_seconds)
    replay = commands.add_parser(
        "replay",
        help="replay recordings (<receive ns> <raw JSON> per line, gzip or plain)",
        description="Replay recordings through the live parsers. Several files continue one session.",
    )
    replay.add_argument("files", nargs="+", type=Path, metavar="FILE")
    replay.add_argument(
        "--summary",
        action="store_true",
        help="replay headless as fast as possible and print one JSON summary",
    )
    replay.add_argument(
        "--timeframe",
        type=_timeframe_seconds,
        default=60,
        help="footprint bar length, e.g. 30s, 1m, 5m (default 1m)",
    )
    replay.add_argument(
        "--session-start",
        type=_session_offset_ns,
        default=0,
        metavar="HH:MM",
        help="UTC time at which CVD and session statistics reset, or 'never' (default 00:00)",
    )
    _add_window_options(replay)
    _add_signals_command(commands)
    rec = commands.add_parser(
        "record",
        help="record live markets headless into replayable files",
        description="Record live feeds (no window) into gzip recordings with sidecars, rotating hourly.",
    )
    _add_live_options(rec, window=False)
    rec.add_argument(
        "--out", type=Path, metavar="DIR", help="where to write (default: the data dir's recordings/)"
    )
    rec.add_argument(
        "--duration",
        type=_positive_seconds,
        metavar="SECONDS",
        help="stop after SECONDS (default: until Ctrl-C)",
    )
    rec.add_argument("-v", "--verbose", action="store_true", help="log feed events")
    return parser


def _add_synthetic_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    syn = commands.add_parser(
        "synthetic",
        help="record a synthetic market session headless (replayable, with its labels)",
        description="Write a synthetic session as a recording FILE, its sidecar, and FILE.labels.json.",
    )
    syn.add_argument("--record", type=Path, required=True, metavar="FILE", help="where to write (.gz: gzip)")
    syn.add_argument("--seed", type=int, default=7, help="the simulation's seed (default 7)")
    syn.add_argument(
        "--duration",
        type=_timeframe_seconds,
        default=600,
        help="simulated time, e.g. 90s, 10m, 1h (default 10m)",
    )
    syn.add_argument(
        "--scenarios", default="random", help="comma list of scenarios, random (default) or none"
    )


def _synthetic_config(seed: int, scenarios: str) -> SyntheticConfig:
    return SyntheticConfig(seed=seed, kinds=tuple(parse_kinds(scenarios)))


def _record_synthetic(args: argparse.Namespace) -> int:
    try:
        config = _synthetic_config(args.seed, args.scenarios)
    except ValueError as exc:
        print(f"scalpdesk: {exc}", file=sys.stderr)
        return EXIT_INPUT
    try:
        done = record_synthetic(args.record, config, args.duration * NS_PER_S)
    except OSError as exc:
        print(f"scalpdesk: cannot write {args.record}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(f"{done.path}: {done.lines} lines, {len(done.labels)} labelled scenarios -> {done.labels_path}")
    return 0


def _add_aggregate_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("several venues as one market")
    group.add_argument(
        "--live",
        nargs="+",
        metavar="VENUE:SYMBOL",
        help="live markets of one base asset, e.g. binance-usdm:BTCUSDT bybit:BTCUSDT okx:BTC-USDT-SWAP "
        "(each may end in @WS_URL[@REST_URL] for a local or test server); with --aggregate",
    )
    group.add_argument(
        "--aggregate",
        action="store_true",
        help="show the --replay recordings (of different venues) or the --live markets as one market",
    )


def _aggregate_window(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from app.feeds.aggregate_open import parse_live_leg  # noqa: PLC0415

    if not args.aggregate:
        parser.error("several live markets open as one market: add --aggregate")
    try:
        legs = [parse_live_leg(text, record=not args.no_record) for text in args.live or ()]
    except ValueError as exc:
        parser.error(str(exc))
    if not legs and not args.replay:
        parser.error(
            "--aggregate needs --replay FILE... (recordings of different venues) or --live MARKET..."
        )
    return _run_window(args, args.replay or [], aggregate=True, live_legs=legs)


def _add_live_options(parser: argparse.ArgumentParser, window: bool) -> None:
    live = parser.add_argument_group("live market")
    venues = ", ".join(registry.venues())
    live.add_argument(
        "--venue",
        required=not window,
        help=f"open a live market on this venue: {venues} (or binance, bybit, okx)",
    )
    live.add_argument(
        "--symbol",
        nargs=None if window else "+",
        required=not window,
        help="the market's symbol, e.g. BTCUSDT, BTC-USDT-SWAP, BTC"
        + ("" if window else " (several allowed)"),
    )
    live.add_argument("--ws-url", metavar="URL", help="use this ws(s)://host[:port] instead of the venue's")
    live.add_argument(
        "--rest-url", metavar="URL", help="use this http(s)://host[:port] instead of the venue's"
    )
    if window:
        live.add_argument("--no-record", action="store_true", help="do not record the live feed")


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"bad duration {text!r} (seconds, e.g. 5 or 0.5)")
    return value


def _speed(text: str) -> float:
    try:
        value = float(text.rstrip("xX×"))
    except ValueError:
        value = -1.0
    if not MIN_SPEED <= value <= MAX_SPEED:
        raise argparse.ArgumentTypeError(f"bad speed {text!r} ({MIN_SPEED:g} to {MAX_SPEED:g})")
    return value


def _add_window_options(parser: argparse.ArgumentParser) -> None:
    window = parser.add_argument_group("window")
    window.add_argument("--speed", type=_speed, default=1.0, help="replay speed, 0.25 to 100 (default 1)")
    window.add_argument("--no-loop", action="store_true", help="stop at the end instead of starting over")
    window.add_argument(
        "--exit-after", type=_positive_seconds, metavar="SECONDS", help="close the window after SECONDS"
    )
    window.add_argument(
        "--screenshot", type=Path, metavar="PATH.png", help="write the window as PNG just before exit"
    )
    window.add_argument("-v", "--verbose", action="store_true", help="log commands and feed events to stderr")
    window.add_argument(
        "--log-level",
        choices=sorted(_LOG_LEVELS),
        default="info",
        help="what goes into the log file in the data dir's logs/ (default info)",
    )
    window.add_argument("--fps", type=int, default=60, choices=(30, 60, 120), help="frame rate (default 60)")
    window.add_argument(
        "--stats-out",
        type=Path,
        metavar="FILE.json",
        help="at exit, write frames, frame and receive-to-pixel times, messages, feed health and peak "
        "memory as JSON",
    )


def _run_window(
    args: argparse.Namespace,
    files: Sequence[Path],
    live: bool = False,
    synthetic: SyntheticConfig | None = None,
    *,
    aggregate: bool = False,
    live_legs: Sequence[Any] = (),
) -> int:
    from app.storage.logs import start_logging  # noqa: PLC0415
    from app.ui.run_app import LiveChoice, run_gui  # noqa: PLC0415 (Qt loads only when a window is wanted)

    log_path = start_logging(_LOG_LEVELS[args.log_level], logging.INFO if args.verbose else logging.WARNING)

    from app.feeds.live.endpoints import EndpointError, Endpoints  # noqa: PLC0415
    from app.storage.recent_markets import RecentMarkets  # noqa: PLC0415

    saved_ws, saved_rest = RecentMarkets().servers()  # the settings; the command line wins
    try:  # `replay FILE` (the subcommand) has no live options
        endpoints = Endpoints(
            getattr(args, "ws_url", None) or saved_ws, getattr(args, "rest_url", None) or saved_rest
        )
    except EndpointError as exc:
        print(f"scalpdesk: {exc}", file=sys.stderr)
        return EXIT_INPUT
    choice = LiveChoice(args.venue, args.symbol, endpoints, record=not args.no_record) if live else None
    return run_gui(
        files,
        log_path=log_path,
        live=choice,
        endpoints=endpoints,
        started_s=STARTED_S,
        speed=args.speed,
        loop=not args.no_loop,
        exit_after_s=args.exit_after,
        screenshot=args.screenshot,
        hz=args.fps,
        stats_out=args.stats_out,
        synthetic=synthetic,
        aggregate=aggregate,
        live_legs=live_legs,
    )


def _replay_summary(args: argparse.Namespace) -> int:
    bars, sessions = BarSpec.time(args.timeframe), SessionSchedule(offset_ns=args.session_start)
    try:
        groups = market_files(args.files) if len(args.files) > 1 else []
        if len(groups) > 1:  # recordings of several venues: merged, with the aggregate
            merged = run_merged_replay(groups, bar_spec=bars, sessions=sessions)
            sys.stdout.write(msgspec.json.encode(summarize_merged(merged)).decode() + "\n")
            return 0
        session = run_replay(args.files, bar_spec=bars, sessions=sessions)
    except ReplayError as exc:
        print(f"scalpdesk: {exc}", file=sys.stderr)
        return EXIT_INPUT
    sys.stdout.write(msgspec.json.encode(summarize(session)).decode() + "\n")
    return 0


def _add_signals_command(commands: Any) -> None:
    sig = commands.add_parser(
        "signals",
        help="list the order-flow signals found in recordings (headless)",
        description="Replay recordings as fast as possible through the signal detectors (docs/SIGNALS.md) "
        "and list what they find.",
    )
    sig.add_argument("files", nargs="+", type=Path, metavar="FILE")
    sig.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    sig.add_argument("--kinds", metavar="K1,K2", help="only these kinds, e.g. absorption,sweep (default all)")
    sig.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="DETECTOR.FIELD=VALUE",
        help="change a threshold, e.g. sweep.min_levels=8 or large_print.ratio=10 (repeatable)",
    )


def _signals(args: argparse.Namespace) -> int:
    from app.feeds.signals_scan import as_json, as_table, parse_kinds, scan, with_overrides  # noqa: PLC0415

    try:
        settings = with_overrides(args.set)
        if args.kinds:
            settings = replace(settings, enabled=parse_kinds(args.kinds))
        inst, found = scan(args.files, settings)
    except (ReplayError, ValueError) as exc:
        print(f"scalpdesk: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if args.json:
        sys.stdout.write(msgspec.json.encode(as_json(inst, found)).decode() + "\n")
    else:
        print(as_table(inst, found))
    return 0


def _record(args: argparse.Namespace) -> int:
    # The live stack (websockets, httpx) loads only when a live feed is wanted.
    from app.feeds.live.endpoints import EndpointError, Endpoints  # noqa: PLC0415
    from app.feeds.live.record import record  # noqa: PLC0415
    from app.feeds.live.rest import RestError  # noqa: PLC0415
    from app.storage.journal import data_dir  # noqa: PLC0415
    from app.storage.logs import start_logging  # noqa: PLC0415

    start_logging(logging.INFO, logging.INFO if args.verbose else logging.WARNING)
    try:
        endpoints = Endpoints(args.ws_url, args.rest_url)
        out = args.out or data_dir() / "recordings"
        results = asyncio.run(record(args.venue, args.symbol, out, args.duration, endpoints))
    except (EndpointError, UnknownInstrument, RestError) as exc:
        print(f"scalpdesk: {exc}", file=sys.stderr)
        return EXIT_INPUT
    for r in results:
        files = ", ".join(str(p) for p in r.paths)
        print(f"{r.market}: {r.lines} lines ({r.gaps} gaps, {r.malformed} malformed) -> {files}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "version", False):
        print(version_line())
        return 0
    if args.command == "replay":
        return _replay_summary(args) if args.summary else _run_window(args, args.files)
    if args.command == "record":
        return _record(args)
    if args.command == "signals":
        return _signals(args)
    if args.command == "synthetic":
        return _record_synthetic(args)
    if args.command == "drill":
        return run_drill_command(args)
    if args.live or args.aggregate:
        return _aggregate_window(args, parser)
    if args.synthetic is not None:
        try:
            config = _synthetic_config(args.seed, args.synthetic)
        except ValueError as exc:
            parser.error(str(exc))
        return _run_window(args, [], synthetic=config)
    if args.venue or args.symbol:
        if (args.venue or "").lower() == "synthetic":
            parser.error("the synthetic market has no server: open it with --synthetic [SCENARIO]")
        if not (args.venue and args.symbol):
            parser.error("a live market needs both --venue and --symbol")
        return _run_window(args, [], live=True)
    if args.replay:
        return _run_window(args, args.replay)
    with as_file(bundled_recording()) as recording:
        return _run_window(args, [recording])


if __name__ == "__main__":
    raise SystemExit(main())
