"""Trading settings on disk: key map, confirmations, preset sizes, brackets, fill model, risk limits.

Versioned JSON in the user's config dir next to the layouts (docs/ARCHITECTURE.md, "Persistence"), with the
same rules as app/storage/layouts.py: a file that cannot be read never stops the app (it starts on
defaults, `notice` says why, the damaged file is kept as `settings.json.corrupt-<n>`), and writes
go through a temporary file and an atomic rename. Inside a readable file each value stands alone:
a bad one falls back to its default and is listed in `problems`, the rest is used, so a hand edit
or a file from an older version costs at most the values it got wrong.

Quantities are stored as base-asset decimal text, not lots: lots depend on the instrument, and
"0.005 BTC" must mean the same position whichever BTC contract is open.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.core.instrument import Instrument
from app.core.paper.actions import DEFAULT_KEYMAP, DEFAULT_PRESETS, Action
from app.core.paper.config import (
    DEFAULT_BRACKETS,
    BracketTemplate,
    FillConfig,
    RiskLimits,
    from_dict,
    to_dict,
)
from app.core.paper.entry import PRESET_COUNT
from app.storage.keep_aside import keep_aside
from app.storage.layouts import config_dir

FORMAT_VERSION = 1
FILE_NAME = "settings.json"
MAX_LATENCY_MS = 5000

# Upgrades of an older file, one version step each: MIGRATIONS[n] turns a version-n document into
# a version n+1 one. Version 1 is the first, so there is nothing to migrate yet.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


# -- values ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RiskSettings:
    """RiskLimits as the user sets them: the max position in base-asset text (None = off)."""

    max_position_qty: str | None = None
    daily_loss_quote: float | None = 1000.0  # RiskLimits' default
    max_drawdown_quote: float | None = None
    max_trades: int | None = None
    max_losing_streak: int | None = None


def _default_keymap() -> dict[Action, str]:
    return {action: DEFAULT_KEYMAP.get(action, "") for action in Action}


@dataclass(frozen=True)
class TradingSettings:
    keymap: dict[Action, str] = field(default_factory=_default_keymap)  # "" = unbound
    confirm: frozenset[Action] = frozenset()  # actions that ask before firing
    presets_qty: tuple[str, ...] = DEFAULT_PRESETS  # five base-asset quantities
    brackets: tuple[BracketTemplate, ...] = DEFAULT_BRACKETS
    bracket: str | None = None  # selected template name
    fill: FillConfig = field(default_factory=FillConfig)
    risk: RiskSettings = field(default_factory=RiskSettings)

    def risk_limits(self, instrument: Instrument) -> RiskLimits:
        r = self.risk
        max_lots = None if r.max_position_qty is None else qty_to_lots(r.max_position_qty, instrument)
        return RiskLimits(
            max_position_lots=max_lots,
            daily_loss_quote=r.daily_loss_quote,
            max_drawdown_quote=r.max_drawdown_quote,
            max_trades=r.max_trades,
            max_losing_streak=r.max_losing_streak,
        )

    def presets_lots(self, instrument: Instrument) -> tuple[int, ...]:
        """The five sizes in the instrument's lots. When every quantity is finer than its lot
        (0.001 BTC against a contract of 100 USD, or of 1 XRP) all five round to one lot: five
        equal buttons help nobody, so such an instrument gets 1, 5, 10, 25 and 50 lots instead."""
        lots = tuple(qty_to_lots(q, instrument) for q in self.presets_qty)
        return CONTRACT_PRESETS_LOTS if len(lots) > 1 and len(set(lots)) == 1 else lots


CONTRACT_PRESETS_LOTS = (1, 5, 10, 25, 50)


def parse_qty(text: str) -> Decimal:
    """A positive finite base-asset quantity, or ValueError with a message for the user."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{text!r} must be a positive quantity")
    if value.adjusted() > 12:
        raise ValueError(f"{text!r} is too large")
    return value


def qty_to_lots(text: str, instrument: Instrument) -> int:
    """Whole lots of `instrument` in the quantity, rounded down, never below one lot."""
    return max(1, int(parse_qty(text) // instrument.lot_size))


def bracket_problems(t: BracketTemplate) -> list[str]:
    """What makes a template unusable (beyond field types), in words for the user."""
    problems = []
    if not t.name.strip():
        problems.append("a template needs a name")
    for name in ("stop_ticks", "target_ticks", "breakeven_trigger_ticks", "trail_trigger_ticks"):
        value = getattr(t, name)
        if value is not None and value <= 0:
            problems.append(f"{name.removesuffix('_ticks').replace('_', ' ')} must be at least 1 tick")
    if t.trail_trigger_ticks is not None and t.trail_distance_ticks <= 0:
        problems.append("trail distance must be at least 1 tick when trailing is on")
    if t.trail_step_ticks < 1:
        problems.append("trail step must be at least 1 tick")
    return problems


# -- key text without Qt ---------------------------------------------------------------------------

_MODIFIERS = ("meta", "ctrl", "alt", "shift")
_ALIASES = {"escape": "esc", "delete": "del", "insert": "ins", "page down": "pgdown", "page up": "pgup"}


def chord_id(text: str) -> tuple[frozenset[str], str] | None:
    """A case- and modifier-order-insensitive identity of one key chord ("shift+escape" is
    "Shift+Esc"), None for empty, multi-chord or unparsable text.

    Storage may not import Qt, so this is a small approximation of QKeySequence's parser, enough
    to find two actions on the same key in a settings file; the UI checks again with Qt.
    """
    text = text.strip()
    if not text or ", " in text:
        return None
    if text == "+" or text.endswith("++"):  # the "+" key itself, possibly with modifiers
        mods, key = [m for m in text[:-1].split("+") if m], "+"
    else:
        *mods, key = text.split("+")
    mods_cf = frozenset(m.strip().casefold() for m in mods)
    key_cf = key.strip().casefold()
    if not key_cf or not mods_cf <= set(_MODIFIERS):
        return None
    return mods_cf, _ALIASES.get(key_cf, key_cf)


# -- the file --------------------------------------------------------------------------------------


class SettingsStore:
    """The trading settings file. `load()` never raises; `notice` and `problems` say what it fixed."""

    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory if directory is not None else config_dir()) / FILE_NAME
        self.notice: str | None = None  # one line for the window's status bar, or None
        self.problems: list[str] = []  # every value that fell back to its default
        self._newer_version: int | None = None  # the file on disk is from a newer app

    def load(self) -> TradingSettings:
        self.notice, self.problems, self._newer_version = None, [], None
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            return TradingSettings()
        except (OSError, UnicodeDecodeError) as exc:
            return self._fall_back(f"cannot read {self.path}: {exc}")
        try:
            doc = json.loads(text)
            if not isinstance(doc, dict):
                raise ValueError("the file is not a JSON object")
            version = doc.get("version")
            if isinstance(version, bool) or not isinstance(version, int) or version < 1:
                raise ValueError(f"format version {version!r} is not a version")
        except ValueError as exc:  # JSONDecodeError is a ValueError
            return self._fall_back(f"{self.path} is damaged ({exc})")
        if version > FORMAT_VERSION:
            self._newer_version = version
            self.notice = (
                f"Trading settings not loaded: {self.path.name} is format version {version}, from a "
                f"newer Scalpdesk (this one reads {FORMAT_VERSION}). Using defaults; the file is left as is."
            )
            return TradingSettings()
        for step in range(version, FORMAT_VERSION):
            doc = MIGRATIONS[step](doc)
        settings = settings_from_dict(doc, self.problems)
        if self.problems:
            more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            self.notice = f"Trading settings: {self.problems[0]}{more}."
        return settings

    def save(self, settings: TradingSettings) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._newer_version is not None and self.path.exists():
            # Never overwrite what a newer app wrote without keeping it.
            os.replace(self.path, self.path.with_name(f"{self.path.name}.v{self._newer_version}"))
            self._newer_version = None
        doc = settings_to_dict(settings)
        for key, value in self._other_sections().items():
            doc.setdefault(key, value)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(doc, indent=1) + "\n", "utf-8")
        os.replace(tmp, self.path)

    def _other_sections(self) -> dict[str, Any]:
        """What other stores keep in the file (the Signals menu's "signals", app/storage/
        signal_prefs.py): written back untouched, so saving the trading settings never undoes them."""
        try:
            doc = json.loads(self.path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}
        return doc if isinstance(doc, dict) and doc.get("version") == FORMAT_VERSION else {}

    def _fall_back(self, reason: str) -> TradingSettings:
        kept = keep_aside(self.path)
        where = f"; the file was kept as {kept.name}" if kept else ""
        self.notice = f"Trading settings not loaded: {reason}. Using defaults{where}."
        return TradingSettings()


# -- JSON <-> settings -----------------------------------------------------------------------------


def settings_to_dict(s: TradingSettings) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "keymap": {action.value: s.keymap.get(action, "") for action in Action},
        "confirm": sorted(a.value for a in s.confirm),
        "presets_qty": list(s.presets_qty),
        "brackets": [to_dict(t) for t in s.brackets],
        "bracket": s.bracket,
        "fill": to_dict(s.fill),
        "risk": to_dict(s.risk),
    }


def settings_from_dict(doc: Mapping[str, Any], problems: list[str]) -> TradingSettings:
    """Every section parsed on its own; a bad value falls back alone and is appended to `problems`."""
    d = TradingSettings()
    keymap = _keymap(doc["keymap"], problems) if "keymap" in doc else d.keymap
    confirm = _confirm(doc["confirm"], problems) if "confirm" in doc else d.confirm
    presets = _presets(doc["presets_qty"], problems) if "presets_qty" in doc else d.presets_qty
    brackets = _brackets(doc["brackets"], problems) if "brackets" in doc else d.brackets
    bracket = doc.get("bracket")
    if bracket is not None and bracket not in {t.name for t in brackets}:
        problems.append(f"bracket: no template named {bracket!r}, none selected")
        bracket = None
    fill, found = from_dict(FillConfig, doc.get("fill", {}), d.fill, "fill")
    problems += found
    if fill.latency_ms > MAX_LATENCY_MS:
        problems.append(
            f"fill.latency_ms: {fill.latency_ms} is not 0..{MAX_LATENCY_MS}, using {d.fill.latency_ms}"
        )
        fill = replace(fill, latency_ms=d.fill.latency_ms)
    risk = _risk(doc.get("risk", {}), problems)
    return TradingSettings(keymap, confirm, presets, brackets, bracket, fill, risk)


def _keymap(data: object, problems: list[str]) -> dict[Action, str]:
    defaults = _default_keymap()
    if not isinstance(data, Mapping):
        problems.append("keymap: not an object, using the default key map")
        return defaults
    by_value = {a.value: a for a in Action}
    chosen: dict[Action, str] = {}
    for name, key in data.items():
        action = by_value.get(name)
        if action is None:
            problems.append(f"keymap: unknown action {name!r} ignored")
        elif not isinstance(key, str) or (key.strip() and chord_id(key) is None):
            problems.append(f"keymap.{name}: {key!r} is not one key, using {defaults[action]!r}")
        else:
            chosen[action] = key.strip()
    # Actions the file does not name (added by a newer version) get their default key.
    wanted = [*chosen.items(), *((a, k) for a, k in defaults.items() if a not in chosen)]
    keymap: dict[Action, str] = dict.fromkeys(Action, "")
    owner: dict[tuple[frozenset[str], str], Action] = {}
    for action, key in wanted:
        ident = chord_id(key)
        if ident is None:
            continue
        if ident in owner:
            problems.append(f"keymap.{action.value}: {key!r} is already {owner[ident].label!r}, left unbound")
            continue
        owner[ident] = action
        keymap[action] = key
    return keymap


def _confirm(data: object, problems: list[str]) -> frozenset[Action]:
    if not isinstance(data, list):
        problems.append("confirm: not a list, no action asks first")
        return frozenset()
    by_value = {a.value: a for a in Action}
    found = set()
    for name in data:
        if name in by_value:
            found.add(by_value[name])
        else:
            problems.append(f"confirm: unknown action {name!r} ignored")
    return frozenset(found)


def _presets(data: object, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(data, list) or len(data) != PRESET_COUNT:
        problems.append(f"presets_qty: not a list of {PRESET_COUNT} quantities, using the defaults")
        return DEFAULT_PRESETS
    out = []
    for i, (value, default) in enumerate(zip(data, DEFAULT_PRESETS, strict=True)):
        try:
            if not isinstance(value, str):
                raise ValueError(f"{value!r} is not a quantity text")
            parse_qty(value)
            out.append(value.strip())
        except ValueError as exc:
            problems.append(f"presets_qty[{i}]: {exc}, using {default!r}")
            out.append(default)
    return tuple(out)


def _brackets(data: object, problems: list[str]) -> tuple[BracketTemplate, ...]:
    if not isinstance(data, list):
        problems.append("brackets: not a list, using the default templates")
        return DEFAULT_BRACKETS
    out: list[BracketTemplate] = []
    for i, item in enumerate(data):
        where = f"brackets[{i}]"
        name = item.get("name") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: a template without a name is dropped")
            continue
        template, found = from_dict(BracketTemplate, item, BracketTemplate(name.strip()), where)
        problems += found
        if bad := bracket_problems(template):
            problems.append(f"{where} {template.name!r}: {'; '.join(bad)}; dropped")
        elif any(t.name == template.name for t in out):
            problems.append(f"{where}: a second template named {template.name!r} is dropped")
        else:
            out.append(template)
    return tuple(out)


def _risk(data: object, problems: list[str]) -> RiskSettings:
    d = RiskSettings()
    risk, found = from_dict(RiskSettings, data, d, "risk")
    problems += found
    changes: dict[str, Any] = {}
    if risk.max_position_qty is not None:
        try:
            parse_qty(risk.max_position_qty)
        except ValueError as exc:
            problems.append(f"risk.max_position_qty: {exc}, limit off")
            changes["max_position_qty"] = None
    for f in fields(RiskSettings):
        value = getattr(risk, f.name)
        if f.name != "max_position_qty" and value is not None and value <= 0:
            problems.append(f"risk.{f.name}: {value!r} must be positive, using {getattr(d, f.name)!r}")
            changes[f.name] = getattr(d, f.name)
    return replace(risk, **changes)
