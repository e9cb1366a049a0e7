"""Scoring a read-and-react trial: reaction from the signal, price against the best reachable,
P&L in R under the drill's stop, and the errors a trader makes."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from app.core.drills.reaction import Quote, TrialError, TrialFacts, best_reachable, score_trial, wall_side
from app.core.units import NS_PER_MS, NS_PER_S

T0 = 1_000 * NS_PER_S
# the ask dips to 100 one second after the signal, then the market runs up
QUOTES = [
    Quote(T0 - NS_PER_S, 95, 103),
    Quote(T0, 101, 102),
    Quote(T0 + NS_PER_S, 99, 100),
    Quote(T0 + 3 * NS_PER_S, 110, 111),
    Quote(T0 + 20 * NS_PER_S, 130, 131),  # after the window: not reachable
]
GOOD = TrialFacts(
    signal_ns=T0,
    expected_side=1,
    size_lots=5,
    stop_ticks=10,
    window_ns=10 * NS_PER_S,
    order_ns=T0 + 400 * NS_PER_MS,
    order_side=1,
    order_lots=5,
    fill_ticks=102.0,
    realised_tick_lots=15 * 5,  # the 15-tick target
)


def test_the_best_price_is_the_lowest_ask_for_a_buy_and_the_highest_bid_for_a_sell_in_the_window() -> None:
    end = T0 + 10 * NS_PER_S
    assert best_reachable(QUOTES, 1, T0, end) == 100
    assert best_reachable(QUOTES, -1, T0, end) == 110
    assert best_reachable(QUOTES, 1, end + 1, end + 2) is None


def test_a_quick_buy_two_ticks_off_the_best_that_hits_its_target() -> None:
    score = score_trial(GOOD, QUOTES)
    assert score.ok and score.errors == ()
    assert score.reaction_ms == 400.0
    assert score.best_ticks == 100 and score.price_ticks_from_best == 2.0
    assert score.pnl_r == 1.5
    # 40 × 0.96 + 30 × 0.8 + 30 × 1
    assert abs(score.points - (40 * 0.96 + 30 * 0.8 + 30)) < 1e-9


def test_no_order_scores_nothing_but_still_knows_the_best_price() -> None:
    score = score_trial(replace(GOOD, order_ns=None, realised_tick_lots=0), QUOTES)
    assert score.errors == (TrialError.NO_ORDER,) and score.points == 0.0 and score.best_ticks == 100


def test_the_wrong_side_scores_nothing_and_its_loss_is_counted_in_r() -> None:
    score = score_trial(replace(GOOD, order_side=-1, realised_tick_lots=-10 * 5), QUOTES)
    assert TrialError.WRONG_SIDE in score.errors and score.points == 0.0 and score.pnl_r == -1.0


def test_wrong_size_late_and_a_forgotten_order_each_cost_points() -> None:
    base = score_trial(GOOD, QUOTES).points
    wrong_size = score_trial(replace(GOOD, order_lots=1), QUOTES)
    assert wrong_size.errors == (TrialError.WRONG_SIZE,) and wrong_size.points == base - 10
    unfilled = replace(GOOD, working_at_window_end=True, fill_ticks=None, realised_tick_lots=0)
    forgotten = score_trial(unfilled, QUOTES)
    assert forgotten.errors == (TrialError.LATE_CANCEL,)
    late = score_trial(replace(GOOD, order_ns=T0 + 12 * NS_PER_S), QUOTES)
    assert TrialError.LATE in late.errors and late.points < base - 10


def test_an_order_before_the_signal_completes_has_a_negative_reaction_and_full_speed_points() -> None:
    early = score_trial(replace(GOOD, order_ns=T0 - 300 * NS_PER_MS), QUOTES)
    assert early.reaction_ms == -300.0 and early.ok
    assert early.points > score_trial(GOOD, QUOTES).points


def test_an_exit_is_scored_on_the_closing_side() -> None:
    # short under an ask wall; the wall goes, the right answer is to buy back at once
    facts = replace(GOOD, expected_side=1, order_side=1, fill_ticks=100.0, realised_tick_lots=-3 * 5)
    score = score_trial(facts, QUOTES)
    assert score.ok and score.price_ticks_from_best == 0.0 and score.pnl_r == -0.3


@given(
    st.integers(-20_000, 40_000),
    st.sampled_from([1, -1]),
    st.integers(1, 20),
    st.floats(80, 140),
    st.integers(-500, 500),
    st.booleans(),
)
def test_points_stay_within_0_and_100_and_faster_is_never_worse(  # noqa: PLR0917 (hypothesis)
    reaction_ms: int, side: int, lots: int, fill: float, realised: int, working: bool
) -> None:
    facts = replace(
        GOOD,
        order_ns=T0 + reaction_ms * NS_PER_MS,
        order_side=side,
        order_lots=lots,
        fill_ticks=fill,
        realised_tick_lots=realised,
        working_at_window_end=working,
    )
    score = score_trial(facts, QUOTES)
    assert 0.0 <= score.points <= 100.0
    faster = score_trial(replace(facts, order_ns=T0 + (reaction_ms - 1000) * NS_PER_MS), QUOTES)
    assert faster.points >= score.points


def test_the_wall_is_the_side_with_the_largest_level() -> None:
    assert wall_side([(99, 40), (95, 4000)], [(100, 50), (104, 300)]) == 1
    assert wall_side([(99, 40)], [(100, 50), (110, 5000)]) == -1
    assert wall_side([], []) == 0
