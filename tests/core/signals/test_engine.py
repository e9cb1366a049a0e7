"""The engine on a real recording: the same signals however the lines are cut into batches."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.signals.engine import SignalEngine
from app.core.signals.kinds import Signal, SignalKind
from app.feeds.recording import iter_line_batches
from app.feeds.replay import open_replay

from .conftest import T0, S, Script

RECORDING = Path(__file__).resolve().parents[3] / "resources" / "btcusdt_20240808.gz"


def _signals(lines: list[bytes], size: int) -> list[Signal]:
    session, _ = open_replay([RECORDING])
    engine = SignalEngine(session.market)
    found: list[Signal] = []
    for i in range(0, len(lines), size):
        session.pipeline.feed(lines[i : i + size])
        found += engine.on_batch(session.market)
    found += engine.flush()
    engine.close()
    return found


LINES = [line for batch in iter_line_batches(RECORDING) for line in batch]


def test_one_batch_and_500_line_batches_give_the_same_signals_on_the_recording() -> None:
    whole = _signals(LINES, len(LINES))

    assert _signals(LINES, 500) == whole
    assert {s.kind for s in whole} >= {SignalKind.SWEEP, SignalKind.LARGE_PRINT, SignalKind.ABSORPTION}


def test_one_line_batches_give_the_same_signals_as_one_batch() -> None:
    prefix = LINES[:30_000]  # the snapshot, ~6,000 prints and ~2,000 diffs: a minute and a half

    whole = _signals(prefix, len(prefix))

    assert len(whole) > 20
    assert _signals(prefix, 1) == whole
    assert _signals(prefix, 7) == whole


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(1, 60), st.sampled_from([1, -1])), min_size=30, max_size=80
    ),
    st.lists(st.integers(1, 10), min_size=1, max_size=30),
)
def test_print_detectors_do_not_depend_on_where_batches_are_cut(
    rows: list[tuple[int, int, int]], cuts: list[int]
) -> None:
    kinds = frozenset({SignalKind.LARGE_PRINT, SignalKind.ABSORPTION, SignalKind.EXHAUSTION})
    events = [(T0 + i * S // 3, 1000 + dp, q, side) for i, (dp, q, side) in enumerate(rows)]

    whole = Script(kinds)
    for e in events:
        whole.trade(*e)
    cut = Script(kinds)
    i = 0
    for size in cuts * 10:
        for e in events[i : i + size]:
            cut.trade(*e)
        cut.step()
        i += size
        if i >= len(events):
            break
    for e in events[i:]:
        cut.trade(*e)

    assert cut.run() == whole.run()
