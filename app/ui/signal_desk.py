"""Everything the window does with order-flow signals, built in one call from the composition root.

The engine on the source (signal_wiring.py) into the list every view reads, the alert log's
clicks (signal_jump.py), the sounds (signal_sounds.py) and the Signals menu with its saved choices
(signals_menu.py, app/storage/signal_prefs.py), so app/ui/compose.py wires signals in two lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.signals.engine import SignalSettings
from app.feeds.source import MarketSource
from app.storage.signal_prefs import SignalPrefs, SignalPrefsStore
from app.ui.main_window import MainWindow
from app.ui.signal_jump import SignalJump
from app.ui.signal_sounds import SignalSounds
from app.ui.signal_wiring import SignalWiring
from app.ui.signals_menu import SignalsMenu


@dataclass
class SignalDesk:
    wiring: SignalWiring
    jump: SignalJump
    sounds: SignalSounds
    menu: SignalsMenu

    def close(self) -> None:
        self.wiring.close()
        self.sounds.close()


def install_signals(source: MarketSource, window: MainWindow, settings_dir: Path | None) -> SignalDesk:
    """Build the signal side of `window` on `source`; `settings_dir`: where settings.json is (None:
    nothing is saved, as in tests without a desk)."""
    store = SignalPrefsStore(settings_dir) if settings_dir is not None else None
    prefs = store.load() if store is not None else SignalPrefs()
    if store is not None and store.notice:
        window.status.show_notice(store.notice)
    wiring = SignalWiring(source, SignalSettings(enabled=prefs.enabled))
    for view in window.views.values():
        view.set_signals(wiring.signals)
    jump = SignalJump(source, window.views, lambda text: window.statusBar().showMessage(text, 5000))
    sounds = SignalSounds(source, prefs.sounds, muted=prefs.muted)
    wiring.subscribe(sounds.on_signals)
    menu = SignalsMenu(window, wiring, sounds, store, prefs, window.status.show_notice)
    bar = window.menuBar()
    bar.insertMenu(window.layouts.menu.menuAction(), menu.menu)  # before Layout, as Trading is
    window.extra_key_rows.append(menu.key_rows)
    return SignalDesk(wiring, jump, sounds, menu)
