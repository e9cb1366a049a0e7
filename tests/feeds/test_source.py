"""The source seam's own parts (app/feeds/source.py): subscribers, the binding's key, print latency."""

from __future__ import annotations

from pathlib import Path

from app.feeds.recording import iter_recordings
from app.feeds.replay import open_replay
from app.feeds.source import MarketBinding, Subscribers, print_latency_ns


def test_subscribers_are_called_in_order_and_each_can_leave_even_while_being_called() -> None:
    subscribers: Subscribers[[int]] = Subscribers()
    calls: list[str] = []
    subscribers.add(lambda n: calls.append(f"a{n}"))
    leave_b = subscribers.add(lambda n: (calls.append(f"b{n}"), leave_b()))
    subscribers.add(lambda n: calls.append(f"c{n}"))

    subscribers.emit(1)
    subscribers.emit(2)
    leave_b()  # a second time: nothing happens

    assert calls == ["a1", "b1", "c1", "a2", "c2"]
    assert len(subscribers) == 2


def test_a_binding_is_keyed_by_venue_and_symbol(btcusdt_recording: Path) -> None:
    session = open_replay([btcusdt_recording])[0]
    binding = MarketBinding(session.instrument, session.market, session=1)

    assert binding.key == f"{session.instrument.venue}:BTCUSDT"


def test_print_latency_is_receive_minus_exchange_time_of_the_newest_print(btcusdt_recording: Path) -> None:
    session = open_replay([btcusdt_recording])[0]
    assert print_latency_ns(session.market) is None

    for batch in iter_recordings([btcusdt_recording], chunk_bytes=4096):
        session.pipeline.feed(batch)
        if session.market.tape.total:
            break

    last = session.market.tape.last(1)
    assert print_latency_ns(session.market) == int(last.receive_ns[0]) - int(last.exchange_ns[0])
