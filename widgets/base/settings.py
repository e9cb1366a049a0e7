"""One description of a view's settings: the layout JSON, its validation and the menu choices follow.

Settings are plain JSON values in layout files, which traders edit by hand and older versions
wrote. A view's settings are a frozen dataclass; its `SettingsSpec` names, per field, the rule a
value must pass, the menu title and the text of each choice. `from_dict` keeps every valid
value, falls back to the default per value (never for the whole block) and says what it
replaced, so a layout never stops the app; `to_dict` is the exact inverse. No Qt here: the menus
are built from `menu_choices` by widgets.base.menus.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

T = TypeVar("T")
S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class OneOf:
    """A value from a fixed list."""

    options: tuple[Any, ...]

    def accepts(self, value: Any) -> bool:
        return value in self.options


@dataclass(frozen=True, slots=True)
class IntIn:
    """A whole number in [lo, hi]."""

    lo: int
    hi: int

    def accepts(self, value: Any) -> bool:
        return isinstance(value, int) and self.lo <= value <= self.hi


@dataclass(frozen=True, slots=True)
class Flag:
    """On or off (the type check in `pick` already demands a bool)."""

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Matches:
    """A value a predicate accepts (a text format such as HH:MM)."""

    predicate: Callable[[Any], bool]

    def accepts(self, value: Any) -> bool:
        return self.predicate(value)


Rule = OneOf | IntIn | Flag | Matches
# Where a value that is valid but not among the menu's choices goes in the menu.
Custom = Literal["omit", "sorted", "first"]


def _text(value: Any) -> str:
    return str(value)


@dataclass(frozen=True, slots=True)
class Setting:
    """One field: its rule, and how a menu offers it (`title` empty: the view builds that menu)."""

    key: str
    rule: Rule
    title: str = ""
    label: Callable[[Any], str] = _text
    choices: tuple[Any, ...] = ()  # menu values; empty: the rule's options
    custom: Custom = "omit"
    # A rule and default that depend on the fields parsed before this one (a bar size by bar kind).
    depends: Callable[[Mapping[str, Any]], tuple[Any, Rule]] | None = None


class SettingsSpec(Generic[S]):
    """Every field of the settings dataclass `cls`, in its order (checked: none missing)."""

    def __init__(self, cls: type[S], settings: Sequence[Setting], *, not_mapping: str) -> None:
        fields = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        keys = [s.key for s in settings]
        if keys != fields:
            raise ValueError(f"{cls.__name__} spec lists {keys}, the dataclass has {fields}")
        self.cls = cls
        self.settings = tuple(settings)
        self._by_key = {s.key: s for s in settings}
        self._not_mapping = not_mapping  # the problem line when the whole block is not an object

    def __getitem__(self, key: str) -> Setting:
        return self._by_key[key]

    def from_dict(self, data: Mapping[str, Any]) -> tuple[S, list[str]]:
        """Valid values from `data`, defaults for the rest, and one problem line per replaced value."""
        problems: list[str] = []
        raw: object = data  # a hand-edited layout may hold anything here
        if not isinstance(raw, Mapping):
            problems.append(self._not_mapping.format(raw))
            data = {}
        default = self.cls()
        values: dict[str, Any] = {}
        for s in self.settings:
            fallback, rule = (getattr(default, s.key), s.rule) if s.depends is None else s.depends(values)
            values[s.key] = pick(data, s.key, fallback, rule.accepts, problems)
        return self.cls(**values), problems

    def to_dict(self, value: S) -> dict[str, Any]:
        return {s.key: getattr(value, s.key) for s in self.settings}

    def menu_choices(self, key: str, current: Any) -> list[tuple[str, Any]]:
        """(text, value) of each menu choice of `key`, the current value placed as the spec says."""
        s = self._by_key[key]
        values = list(s.choices or (s.rule.options if isinstance(s.rule, OneOf) else ()))
        if current not in values:
            if s.custom == "sorted":
                values = sorted([*values, current])
            elif s.custom == "first":
                values.insert(0, current)
        return [(s.label(v), v) for v in values]


def pick(
    data: Mapping[str, Any],
    key: str,
    default: T,
    valid: Callable[[Any], bool],
    problems: list[str],
) -> T:
    """`data[key]` if present and `valid`, else `default` (noting why in `problems`)."""
    if key not in data:
        return default
    value = data[key]
    # bool is an int in Python: a JSON true must not pass as a size.
    if isinstance(default, bool) != isinstance(value, bool) or not valid(value):
        problems.append(f"{key}: {value!r} is not valid, using {default!r}")
        return default
    return value  # type: ignore[no-any-return]
