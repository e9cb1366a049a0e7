"""The order-entry selection (size preset, bracket template) and the intents that change it.

This is not exchange state: it is what the next hotkey will send. The window's trading desk owns
it; the ladder's entry bar shows it and asks for changes with these intents.
"""

from __future__ import annotations

from dataclasses import dataclass

PRESET_COUNT = 5


@dataclass(frozen=True, slots=True)
class EntryState:
    presets_lots: tuple[int, ...] = (1, 5, 10, 50, 100)  # five sizes, lots of the instrument
    size_index: int = 0
    bracket: str | None = None  # template attached to new entries, None = no bracket
    brackets: tuple[str, ...] = ()  # template names to choose from
    sim: bool = True  # the account is simulated (always, for now): label it SIM

    @property
    def size_lots(self) -> int:
        return self.presets_lots[self.size_index]


@dataclass(frozen=True, slots=True)
class SelectSize:
    index: int  # 0..4


@dataclass(frozen=True, slots=True)
class EditPreset:
    index: int
    qty_lots: int  # > 0


@dataclass(frozen=True, slots=True)
class SelectBracket:
    name: str | None


EntryIntent = SelectSize | EditPreset | SelectBracket
