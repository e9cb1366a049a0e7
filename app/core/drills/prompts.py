"""Execution prompts: what to press, generated from a seed, written the way a trader says it.

"BUY 3 @ BID" is size preset 3 and a buy limit at the best bid (Join bid, key Q by default);
"@ ASK" on a buy is the aggressive limit (Buy ask), "MKT" the market order; a sell "@ ASK" joins
the offer and "@ BID" hits the bid. FLATTEN and CANCEL ALL take no size. The prompts name the
order, not the key, so the drill trains the key map the trader actually has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.core.paper.actions import Action

# (action, words after the size): the six order actions of the key map
ORDER_WORDS: dict[Action, tuple[str, str]] = {
    Action.JOIN_BID: ("BUY", "@ BID"),
    Action.BUY_MARKET: ("BUY", "MKT"),
    Action.BUY_ASK: ("BUY", "@ ASK"),
    Action.JOIN_ASK: ("SELL", "@ ASK"),
    Action.SELL_MARKET: ("SELL", "MKT"),
    Action.SELL_BID: ("SELL", "@ BID"),
}
PLAIN_WORDS: dict[Action, str] = {Action.FLATTEN: "FLATTEN", Action.CANCEL_ALL: "CANCEL ALL"}
BUY_ACTIONS = frozenset({Action.JOIN_BID, Action.BUY_MARKET, Action.BUY_ASK})
SELL_ACTIONS = frozenset({Action.JOIN_ASK, Action.SELL_MARKET, Action.SELL_BID})
PLAIN_SHARE = 0.15  # about one prompt in seven is a flatten or cancel-all


def action_side(action: Action) -> int:
    """+1 for the buy order actions, -1 for the sells, 0 for everything else."""
    return 1 if action in BUY_ACTIONS else -1 if action in SELL_ACTIONS else 0


@dataclass(frozen=True, slots=True)
class Prompt:
    index: int  # 0-based, in the drill
    action: Action
    size_index: int | None  # 0..4 (preset 1..5); None for FLATTEN / CANCEL ALL

    @property
    def text(self) -> str:
        if self.size_index is None:
            return PLAIN_WORDS[self.action]
        side, where = ORDER_WORDS[self.action]
        return f"{side} {self.size_index + 1} {where}"

    @property
    def side(self) -> int:
        return action_side(self.action)


def parse_prompt(text: str, index: int = 0) -> Prompt:
    """The prompt a text says (tests and the history read prompts back this way)."""
    words = text.split()
    for action, plain in PLAIN_WORDS.items():
        if text.strip() == plain:
            return Prompt(index, action, None)
    if len(words) >= 3 and words[1].isdigit():
        tail = " ".join(words[2:])
        for action, (side, where) in ORDER_WORDS.items():
            if words[0] == side and tail == where and 1 <= int(words[1]) <= 5:
                return Prompt(index, action, int(words[1]) - 1)
    raise ValueError(f"not a drill prompt: {text!r}")


def make_prompts(seed: int, count: int) -> list[Prompt]:
    """`count` prompts from `seed`; never the same prompt twice in a row (a repeat needs no read)."""
    rng = np.random.default_rng(seed)
    orders = list(ORDER_WORDS)
    plain = list(PLAIN_WORDS)
    prompts: list[Prompt] = []
    while len(prompts) < count:
        if rng.random() < PLAIN_SHARE:
            prompt = Prompt(len(prompts), plain[int(rng.integers(len(plain)))], None)
        else:
            prompt = Prompt(len(prompts), orders[int(rng.integers(len(orders)))], int(rng.integers(5)))
        if prompts and prompts[-1].text == prompt.text:
            continue
        prompts.append(prompt)
    return prompts
