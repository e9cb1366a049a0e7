"""`scalpdesk drill`: open a drill, list the drills, or print the drill history.

`--list` and `--history` are headless and import no Qt, so they run on a server or in a script;
only opening a drill loads the window (app/ui/drills/).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from importlib.resources import as_file
from pathlib import Path
from typing import Any

from app.core.drills.catalogue import CATALOGUE, DrillSpec, UnknownDrill, get_drill
from app.core.drills.options import DrillOptions
from app.resources import bundled_recording

EXIT_INPUT = 1


def add_drill_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    speed: Callable[[str], float],
    seconds: Callable[[str], float],
) -> None:
    drill = commands.add_parser(
        "drill",
        help="practice: open a drill, list the drills (--list) or print your history (--history)",
        description="Practice drills (docs/DRILLS.md): execution prompts, and read-and-react drills on the "
        "synthetic market. Scores are kept in the data dir's drills.sqlite3.",
    )
    drill.add_argument("name", nargs="?", metavar="NAME", help="the drill to open (see --list)")
    drill.add_argument("--list", action="store_true", help="list the drills, headless")
    drill.add_argument("--history", action="store_true", help="print the scored sessions (of NAME), headless")
    drill.add_argument("--json", action="store_true", help="with --list or --history: JSON")
    drill.add_argument("--seed", type=int, default=1, help="the drill's seed: prompts and market (default 1)")
    drill.add_argument("--speed", type=speed, default=1.0, help="market speed, 0.25 to 100 (default 1)")
    drill.add_argument(
        "--trials", type=_positive_int, metavar="N", help="N prompts or trials instead of the drill's"
    )
    drill.add_argument("--hide-clock", action="store_true", help="no market clock on screen")
    drill.add_argument("--hide-prices", action="store_true", help="no price labels on the ladder")
    drill.add_argument("--random-start", action="store_true", help="the first signal at a random time")
    drill.add_argument(
        "--recording",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="drill on a recording's detected signals instead of the synthetic market "
        "(no FILE: the bundled BTCUSDT recording)",
    )
    drill.add_argument("--exit-after", type=seconds, metavar="SECONDS", help="close the window after SECONDS")
    drill.add_argument(
        "--screenshot", type=Path, metavar="PATH.png", help="write the window as PNG before exit"
    )
    drill.add_argument(
        "-v", "--verbose", action="store_true", help="log prompts, signals and scores to stderr"
    )


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"bad count {text!r} (1 or more)")
    return int(text)


def run_drill_command(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args.json)
    if args.name is not None:
        try:
            spec = get_drill(args.name)
        except UnknownDrill as exc:
            print(f"scalpdesk: {exc}", file=sys.stderr)
            return EXIT_INPUT
    if args.history:
        return _history(args.name, args.json)
    if args.name is None:
        print(
            f"scalpdesk: drill needs a NAME, --list or --history (drills: {', '.join(CATALOGUE)})",
            file=sys.stderr,
        )
        return EXIT_INPUT
    from app.storage.logs import start_logging  # noqa: PLC0415

    start_logging(logging.INFO, logging.INFO if args.verbose else logging.WARNING)
    if args.recording is not None and not args.recording:
        with as_file(bundled_recording()) as bundled:
            return _open(args, spec, [bundled])
    return _open(args, spec, args.recording or [])


def _open(args: argparse.Namespace, spec: DrillSpec, recording: list[Path]) -> int:
    from app.ui.drills.run_drill import run_drill_gui  # noqa: PLC0415 (Qt loads only for a window)

    options = DrillOptions(
        seed=args.seed,
        speed=args.speed,
        trials=args.trials,
        hide_clock=args.hide_clock,
        hide_prices=args.hide_prices,
        random_start=args.random_start,
    )
    return run_drill_gui(
        spec, options, recording=recording, exit_after_s=args.exit_after, screenshot=args.screenshot
    )


def _list(as_json: bool) -> int:
    if as_json:
        rows = [
            {
                "name": s.name,
                "family": s.family.value,
                "title": s.title,
                "trials": s.trials,
                "summary": s.summary,
            }
            for s in CATALOGUE.values()
        ]
        print(json.dumps(rows))
        return 0
    width = max(len(name) for name in CATALOGUE)
    for spec in CATALOGUE.values():
        print(f"{spec.name:<{width}}  {spec.family.value:<10}  {spec.summary}")
    return 0


def _history(name: str | None, as_json: bool) -> int:
    from app.storage.drill_history import DrillHistory, history_json  # noqa: PLC0415

    with DrillHistory() as history:
        doc: dict[str, Any] = history_json(history, name)
    if doc["notice"]:
        print(f"scalpdesk: {doc['notice']}", file=sys.stderr)
    if as_json:
        print(json.dumps(doc))
        return 0
    sessions = doc["sessions"]
    if not sessions:
        print(f"no drill sessions yet in {doc['path']}")
        return 0
    for s in sessions:
        reaction = "-" if s["mean_reaction_ms"] is None else f"{s['mean_reaction_ms']:.0f} ms"
        print(
            f"{s['day']}  {s['drill']:<16}  seed {s['seed']:<4}  {s['correct']}/{s['attempts']} right  "
            f"score {s['score']:5.1f}  reaction {reaction}  best streak {s['best_streak']}"
            f"  {s['pnl_r']:+.2f} R"
        )
    return 0
