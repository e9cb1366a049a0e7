"""Scoring an execution prompt: right key, side and size, speed points, streaks, timeouts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.drills.catalogue import get_drill
from app.core.drills.execution import Response, score_prompt
from app.core.drills.prompts import Prompt, make_prompts
from app.core.paper.actions import Action

BASIC = get_drill("exec-basic")
BUY_3_AT_BID = Prompt(0, Action.JOIN_BID, 2)


def test_the_right_key_and_size_fast_earns_full_points_and_extends_the_streak() -> None:
    score = score_prompt(BASIC, BUY_3_AT_BID, Response(Action.JOIN_BID, 2, 650.0), streak_before=4)
    assert score.ok and score.points == 100.0 and score.streak == 5
    assert score.reaction_ms == 650.0 and score.pressed == "join_bid"


def test_a_slow_right_answer_earns_less_but_at_least_half() -> None:
    fast = score_prompt(BASIC, BUY_3_AT_BID, Response(Action.JOIN_BID, 2, 1500.0), 0).points
    slow = score_prompt(BASIC, BUY_3_AT_BID, Response(Action.JOIN_BID, 2, 3900.0), 0).points
    assert 100.0 > fast > slow >= 50.0


def test_the_market_key_instead_of_the_join_is_the_wrong_key_on_the_right_side() -> None:
    score = score_prompt(BASIC, BUY_3_AT_BID, Response(Action.BUY_MARKET, 2, 500.0), 3)
    assert (score.key_ok, score.side_ok, score.size_ok) == (False, True, True)
    assert score.points == 0.0 and score.streak == 0


def test_a_sell_for_a_buy_is_wrong_side_and_a_stale_size_is_wrong_size() -> None:
    wrong_side = score_prompt(BASIC, BUY_3_AT_BID, Response(Action.JOIN_ASK, 2, 500.0), 0)
    assert not wrong_side.side_ok and not wrong_side.key_ok
    wrong_size = score_prompt(BASIC, BUY_3_AT_BID, Response(Action.JOIN_BID, 0, 500.0), 0)
    assert wrong_size.key_ok and not wrong_size.size_ok and not wrong_size.ok


def test_flatten_takes_no_size_and_nothing_pressed_in_time_is_a_timeout() -> None:
    flatten = Prompt(1, Action.FLATTEN, None)
    assert score_prompt(BASIC, flatten, Response(Action.FLATTEN, 3, 400.0), 0).ok
    late = score_prompt(BASIC, flatten, Response(Action.FLATTEN, 3, BASIC.limit_ms + 1.0), 0)
    none = score_prompt(BASIC, flatten, Response(None, 3, BASIC.limit_ms), 0)
    for timed_out in (late, none):
        assert timed_out.timed_out and not timed_out.ok and timed_out.points == 0.0


def test_on_the_pace_drill_an_answer_in_time_for_a_fresh_streak_is_too_slow_for_a_long_one() -> None:
    pace = get_drill("exec-pace")
    answer = Response(Action.JOIN_BID, 2, 1500.0)
    assert score_prompt(pace, BUY_3_AT_BID, answer, streak_before=0).ok
    assert score_prompt(pace, BUY_3_AT_BID, answer, streak_before=10).timed_out


@given(st.integers(0, 10_000), st.floats(0, 10_000), st.integers(0, 4), st.sampled_from(list(Action)))
def test_points_are_within_0_and_100_and_only_for_a_complete_right_answer(
    seed: int, reaction_ms: float, size: int, pressed: Action
) -> None:
    prompt = make_prompts(seed, 1)[0]
    score = score_prompt(BASIC, prompt, Response(pressed, size, reaction_ms), 0)
    assert 0.0 <= score.points <= 100.0
    assert (score.points > 0) == score.ok
    if score.ok:
        assert pressed is prompt.action and reaction_ms <= BASIC.limit_ms
