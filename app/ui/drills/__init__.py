"""Practice mode: the drill runner, its overlay and score panel, the history view (docs/DRILLS.md)."""
