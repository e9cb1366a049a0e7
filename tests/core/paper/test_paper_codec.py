"""Journal codec: every event survives encode -> decode exactly; damaged rows raise CorruptEvent only."""

from __future__ import annotations

import json
import re
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.events import Side
from app.core.paper.codec import EVENT_KINDS, CorruptEvent, decode_event, encode_event
from app.core.paper.commands import (
    CancelAll,
    CancelOrder,
    CancelSide,
    Command,
    Flatten,
    MoveOrder,
    PlaceOrder,
    Reverse,
)
from app.core.paper.events import (
    AccountChanged,
    CommandArrived,
    CommandRejected,
    CommandSent,
    OrderAccepted,
    OrderCancelled,
    OrderFilled,
    OrderMoved,
    OrderOpened,
    OrderRejected,
    OrderResized,
    OrderTriggered,
    PaperEvent,
    RiskLocked,
    RiskPeak,
)
from app.core.paper.orders import Fill, Liquidity, Order, OrderKind, OrderRole, OrderStatus

ints = st.integers()
opt_ints = st.none() | ints
money = st.floats(allow_nan=False)  # NaN is never equal to itself; infinities do round-trip
texts = st.text()
opt_texts = st.none() | texts

commands: st.SearchStrategy[Command] = st.one_of(
    st.builds(PlaceOrder, st.sampled_from(Side), st.sampled_from(OrderKind), ints, opt_ints, opt_texts),
    st.builds(CancelOrder, ints),
    st.builds(MoveOrder, ints, ints),
    st.builds(CancelSide, st.sampled_from(Side)),
    st.just(CancelAll()),
    st.just(Flatten()),
    st.builds(Reverse, opt_texts),
)
orders = st.builds(
    Order,
    order_id=ints,
    side=st.sampled_from(Side),
    kind=st.sampled_from(OrderKind),
    qty_lots=ints,
    price_ticks=opt_ints,
    role=st.sampled_from(OrderRole),
    status=st.sampled_from(OrderStatus),
    filled_lots=ints,
    queue_ahead_lots=opt_ints,
    oco_id=opt_ints,
    bracket=opt_texts,
    sent_ns=ints,
    active_ns=ints,
)
fills = st.builds(
    Fill,
    ts_ns=ints,
    order_id=ints,
    side=st.sampled_from(Side),
    price_ticks=ints,
    qty_lots=ints,
    liquidity=st.sampled_from(Liquidity),
    fee_quote=money,
    role=st.sampled_from(OrderRole),
)
EVENT_STRATEGIES: dict[type, st.SearchStrategy[PaperEvent]] = {
    CommandSent: st.builds(CommandSent, ints, ints, ints, commands, opt_ints),
    CommandArrived: st.builds(CommandArrived, ints, ints),
    CommandRejected: st.builds(CommandRejected, ints, ints, texts),
    OrderOpened: st.builds(OrderOpened, ints, orders),
    OrderAccepted: st.builds(OrderAccepted, ints, ints, opt_ints),
    OrderRejected: st.builds(OrderRejected, ints, ints, texts),
    OrderCancelled: st.builds(OrderCancelled, ints, ints, texts),
    OrderMoved: st.builds(OrderMoved, ints, ints, ints, opt_ints),
    OrderResized: st.builds(OrderResized, ints, ints, ints),
    OrderTriggered: st.builds(OrderTriggered, ints, ints),
    OrderFilled: st.builds(OrderFilled, fills),
    AccountChanged: st.builds(AccountChanged, ints, ints, ints, ints, money),
    RiskLocked: st.builds(RiskLocked, ints, ints, texts),
    RiskPeak: st.builds(RiskPeak, ints, ints, money),
}
events = st.one_of(*EVENT_STRATEGIES.values())


def test_the_strategies_cover_every_event_and_command_type() -> None:
    assert set(EVENT_STRATEGIES) == set(typing.get_args(PaperEvent))
    assert set(EVENT_KINDS) == {cls.__name__ for cls in typing.get_args(PaperEvent)}
    assert len(typing.get_args(Command)) == 7  # a new command type needs a strategy above


@settings(max_examples=600)
@given(events)
def test_every_event_round_trips_exactly(event: PaperEvent) -> None:
    kind, text = encode_event(event)

    back = decode_event(kind, text)

    assert back == event
    assert type(back) is type(event)
    assert "\n" not in text  # one row
    outside_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    assert not any(c.isspace() for c in outside_strings)  # compact: no padding between tokens


@given(st.builds(CommandSent, ints, ints, ints, commands, opt_ints))
def test_a_command_comes_back_as_its_own_type_with_enum_members(event: CommandSent) -> None:
    back = decode_event(*encode_event(event))

    assert isinstance(back, CommandSent)
    assert type(back.command) is type(event.command)
    if isinstance(back.command, PlaceOrder):
        assert back.command.side is event.command.side  # type: ignore[union-attr]
        assert back.command.kind is event.command.kind  # type: ignore[union-attr]


def test_a_fill_is_readable_text() -> None:
    fill = Fill(
        1_700_000_000_000_000_000, 7, Side.SELL, 650_123, 3, Liquidity.TAKER, 0.0125, OrderRole.STOP_LOSS
    )

    kind, text = encode_event(OrderFilled(fill))

    assert kind == "OrderFilled"
    assert json.loads(text) == {
        "fill": {
            "ts_ns": 1_700_000_000_000_000_000,
            "order_id": 7,
            "side": -1,
            "price_ticks": 650_123,
            "qty_lots": 3,
            "liquidity": "taker",
            "fee_quote": 0.0125,
            "role": "stop_loss",
        }
    }


def test_a_field_missing_from_an_old_row_takes_its_default() -> None:
    assert decode_event("OrderCancelled", '{"ts_ns":5,"order_id":2}') == OrderCancelled(5, 2, "")
    assert decode_event(
        "CommandSent", '{"ts_ns":1,"command_id":2,"arrive_ns":3,"command":{"type":"Flatten"}}'
    ) == (CommandSent(1, 2, 3, Flatten(), None))


GOOD_FILL = json.loads(encode_event(OrderFilled(Fill(1, 2, Side.BUY, 3, 4, Liquidity.MAKER, 0.5)))[1])["fill"]


@pytest.mark.parametrize(
    ("kind", "text", "says"),
    [
        ("Nonsense", "{}", "unknown event kind"),
        ("OrderFilled", "", "not JSON"),
        ("OrderFilled", '{"fill": {', "not JSON"),
        ("OrderFilled", "[" * 100_000, "not JSON"),
        ("OrderFilled", "null", "expected an object"),
        ("OrderFilled", "[1, 2]", "expected an object"),
        ("OrderFilled", "{}", "lacks field 'fill'"),
        (
            "OrderFilled",
            json.dumps({"fill": {**GOOD_FILL, "side": 2}}),
            "OrderFilled.fill.side: 2 is not a Side",
        ),
        ("OrderFilled", json.dumps({"fill": {**GOOD_FILL, "side": True}}), "is not a Side"),
        ("OrderFilled", json.dumps({"fill": {**GOOD_FILL, "liquidity": "MAKER"}}), "is not a Liquidity"),
        (
            "OrderFilled",
            json.dumps({"fill": {**GOOD_FILL, "qty_lots": "4"}}),
            "fill.qty_lots: expected an integer",
        ),
        ("OrderFilled", json.dumps({"fill": {**GOOD_FILL, "qty_lots": 4.0}}), "expected an integer"),
        ("OrderFilled", json.dumps({"fill": {**GOOD_FILL, "fee_quote": "0.5"}}), "expected a number"),
        ("OrderFilled", json.dumps({"fill": {**GOOD_FILL, "extra": 1}}), "unknown Fill field 'extra'"),
        ("OrderFilled", json.dumps({"fill": [1]}), "OrderFilled.fill: expected an object"),
        (
            "AccountChanged",
            '{"ts_ns":1,"position_lots":null,"cost_tick_lots":0,"realised_tick_lots":0,"fees_quote":0}',
            "position_lots: expected an integer, got null",
        ),
        (
            "CommandSent",
            '{"ts_ns":1,"command_id":2,"arrive_ns":3,"command":{"type":"Explode"}}',
            "unknown command",
        ),
        ("CommandSent", '{"ts_ns":1,"command_id":2,"arrive_ns":3,"command":{"side":1}}', "unknown command"),
        ("CommandSent", '{"ts_ns":1,"command_id":2,"arrive_ns":3,"command":7}', "expected a command object"),
        ("CommandSent", '{"ts_ns":1,"command_id":2,"arrive_ns":3,"command":{"type":"CancelOrder"}}', "lacks"),
        ("RiskLocked", '{"ts_ns":1,"session_id":2,"reason":["x"]}', "reason: expected text"),
    ],
)
def test_a_damaged_row_raises_corrupt_event_with_one_line(kind: str, text: str, says: str) -> None:
    with pytest.raises(CorruptEvent) as raised:
        decode_event(kind, text)

    message = str(raised.value)
    assert says in message
    assert "\n" not in message and len(message) < 200


@settings(max_examples=400)
@given(st.sampled_from(EVENT_KINDS), st.text() | st.from_regex(r'\{"[a-z_]{1,12}":.{0,20}\}', fullmatch=True))
def test_garbage_raises_corrupt_event_and_nothing_else(kind: str, text: str) -> None:
    try:
        decode_event(kind, text)
    except CorruptEvent as exc:
        assert "\n" not in str(exc)


@settings(max_examples=300)
@given(events, st.data())
def test_a_mutated_row_either_decodes_to_an_event_or_raises_corrupt_event(
    event: PaperEvent, data: st.DataObject
) -> None:
    kind, text = encode_event(event)
    body = json.loads(text)
    key = data.draw(st.sampled_from(sorted(body)))
    body[key] = data.draw(
        st.none() | st.booleans() | st.integers() | st.text() | st.lists(st.integers()) | st.just({})
    )

    try:
        back = decode_event(kind, json.dumps(body))
    except CorruptEvent:
        return
    assert type(back) is type(event)
