"""Execution prompts: seeded, readable both ways, never the same twice in a row."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from app.core.drills.prompts import Prompt, make_prompts, parse_prompt
from app.core.paper.actions import Action


def test_a_seed_always_gives_the_same_prompts_and_another_seed_others() -> None:
    first = [p.text for p in make_prompts(1, 30)]
    assert first == [p.text for p in make_prompts(1, 30)]
    assert first != [p.text for p in make_prompts(2, 30)]


def test_prompts_read_as_a_trader_says_them() -> None:
    assert Prompt(0, Action.JOIN_BID, 2).text == "BUY 3 @ BID"
    assert Prompt(0, Action.BUY_ASK, 0).text == "BUY 1 @ ASK"
    assert Prompt(0, Action.SELL_MARKET, 4).text == "SELL 5 MKT"
    assert Prompt(0, Action.SELL_BID, 1).text == "SELL 2 @ BID"
    assert Prompt(0, Action.FLATTEN, None).text == "FLATTEN"
    assert Prompt(0, Action.JOIN_ASK, 1).side == -1 and Prompt(0, Action.BUY_MARKET, 1).side == 1


@given(st.integers(0, 2**32 - 1))
def test_every_prompt_parses_back_to_itself_and_none_repeats_its_predecessor(seed: int) -> None:
    prompts = make_prompts(seed, 25)
    assert [p.index for p in prompts] == list(range(25))
    for p in prompts:
        assert parse_prompt(p.text, p.index) == p
    assert all(a.text != b.text for a, b in itertools.pairwise(prompts))


def test_a_long_drill_asks_for_every_order_kind_every_size_and_a_flatten() -> None:
    prompts = make_prompts(3, 200)
    orders = (Action.JOIN_BID, Action.BUY_MARKET, Action.BUY_ASK, Action.JOIN_ASK, Action.SELL_MARKET)
    assert {p.action for p in prompts} >= {*orders, Action.SELL_BID, Action.FLATTEN, Action.CANCEL_ALL}
    assert {p.size_index for p in prompts if p.size_index is not None} == {0, 1, 2, 3, 4}
