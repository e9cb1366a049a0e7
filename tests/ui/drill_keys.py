"""The keys a prompt asks for under the default key map (docs/HOTKEYS.md), for the drill tests."""

from __future__ import annotations

from app.core.drills.prompts import parse_prompt
from app.core.paper.actions import DEFAULT_KEYMAP


def keys_for(text: str) -> list[str]:
    """Key-sequence texts to press for a prompt: its size key (if any), then its order key."""
    prompt = parse_prompt(text)
    size = [] if prompt.size_index is None else [str(prompt.size_index + 1)]
    return [*size, DEFAULT_KEYMAP[prompt.action]]


XDOTOOL_NAMES = {"Esc": "Escape", "Shift+Esc": "shift+Escape"}


def xdotool_key(key: str) -> str:
    return XDOTOOL_NAMES.get(key, key.lower())
