"""The synthetic market's wire format: one compact JSON object per line, tagged by `"sim"`.

The simulated exchange (app/feeds/synthetic/) writes these lines and the decoder here reads them,
so the format is defined once, as msgspec structs used both ways. It carries what a real venue's
market-data streams carry, in the shapes the seam already knows:

    {"sim":"book","s":"BTC-SIM","T":<ns>,"u":41,"b":[["59999.9","1.250"],…],"a":[…]}
    {"sim":"diff","s":"BTC-SIM","T":<ns>,"U":42,"u":57,"pu":41,"b":[["59999.9","0"],…],"a":[…]}
    {"sim":"trades","s":"BTC-SIM","T":<ns>,"S":"b","p":[["60000.0","0.120",7],…]}
    {"sim":"liq","s":"BTC-SIM","T":<ns>,"S":"s","p":"59990.0","q":"0.500","ap":"59995.2","z":"0.500"}
    {"sim":"bbo","s":"BTC-SIM","T":<ns>,"u":57,"b":"59999.9","B":"1.250","a":"60000.0","A":"0.300"}

Times are exchange nanoseconds (the simulation's own clock, exact); prices and sizes are decimal
strings on the instrument's grid, as every venue sends them. A depth diff carries absolute level
sizes (0 removes the level) for update ids U..u and names the previous diff's u in `pu`, so the
book sync can prove the chain unbroken. `trades` is one aggressor order: one print per level it
took, all at one time and side, as an exchange's trade array arrives. The tag comes first, so the
BBO line is recognisable in its first bytes (the pipeline's conflation marker).
"""

from __future__ import annotations

import msgspec

WireLevel = tuple[str, str]  # (price, size)
WirePrint = tuple[str, str, int]  # (price, size, trade id)


class BookMsg(msgspec.Struct, tag_field="sim", tag="book", frozen=True):
    s: str
    T: int
    u: int
    b: list[WireLevel]
    a: list[WireLevel]


class DiffMsg(msgspec.Struct, tag_field="sim", tag="diff", frozen=True):
    s: str
    T: int
    U: int
    u: int
    pu: int
    b: list[WireLevel]
    a: list[WireLevel]


class TradesMsg(msgspec.Struct, tag_field="sim", tag="trades", frozen=True):
    s: str
    T: int
    S: str  # aggressor: "b" lifted the ask, "s" hit the bid
    p: list[WirePrint]


class LiqMsg(msgspec.Struct, tag_field="sim", tag="liq", frozen=True):
    s: str
    T: int
    S: str  # the forced order's side: "s" = a long was liquidated
    p: str
    q: str
    ap: str
    z: str


class BboMsg(msgspec.Struct, tag_field="sim", tag="bbo", frozen=True):
    s: str
    T: int
    u: int  # the book update id this top belongs to
    b: str
    B: str
    a: str
    A: str


SimMsg = BookMsg | DiffMsg | TradesMsg | LiqMsg | BboMsg

BBO_MARKER = b'"sim":"bbo"'
message_decoder: msgspec.json.Decoder[SimMsg] = msgspec.json.Decoder(SimMsg)
message_encoder = msgspec.json.Encoder()
