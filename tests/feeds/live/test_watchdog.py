"""The per-stream data watchdog: silence is judged per stream, each with its own allowance."""

from __future__ import annotations

from app.feeds.live.watchdog import StreamWatchdog


def test_a_stream_silent_past_its_allowance_is_stale_once_and_recovers_on_data():
    dog = StreamWatchdog(["depth", "trades"], stale_after_s=10, now_s=0, quiet_s={"trades": 60})
    dog.saw("depth", 5)

    assert dog.check(12) == frozenset()  # depth spoke at 5 s, trades may be quiet for 60 s
    assert dog.check(16) == {"depth"}
    assert dog.check(61) == {"depth", "trades"}
    assert dog.stale_events == 2
    dog.saw("depth", 62)
    assert dog.check(62) == {"trades"} and dog.silent_s(70) == 8


def test_a_new_connection_gives_every_stream_a_fresh_grace_period():
    dog = StreamWatchdog(["a"], stale_after_s=1, now_s=0)
    assert dog.check(5) == {"a"}

    dog.restart(5)

    assert dog.check(5.5) == frozenset()


def test_a_stream_that_went_quiet_is_told_apart_from_one_never_heard_since_connect():
    dog = StreamWatchdog(["depth", "ticker"], stale_after_s=10, now_s=0)
    dog.saw("depth", 1)

    assert dog.check(12) == {"depth", "ticker"}

    assert dog.stale_events == 2 and dog.went_quiet_events == 1  # only depth had spoken
    assert dog.unheard() == {"ticker"}
    dog.restart(20)
    assert dog.unheard() == {"depth", "ticker"}  # a new connection has heard nothing yet


def test_data_says_whether_it_revived_a_stale_stream():
    dog = StreamWatchdog(["depth", "trades"], stale_after_s=10, now_s=0, quiet_s={"trades": 60})
    dog.saw("trades", 1)
    assert dog.check(11) == {"depth"}

    assert dog.saw("trades", 12) is False  # trades was live: the socket's health is unchanged
    assert dog.saw("depth", 13) is True
    assert dog.saw("depth", 14) is False and dog.check(14) == frozenset()
