"""Write the alert sounds, resources/sounds/<signal kind>.wav: short, distinct, quiet tones.

Why generated and not recorded: each kind needs a sound a trader tells apart without looking
(a pitch, a direction, a rhythm), and a sine with a soft envelope says that in a few kilobytes
that anyone can regenerate and change. Run `.venv/bin/python packaging/make_sounds.py` and commit
the WAVs with it (they ship as package data of `app.resources`).
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

SOUNDS = Path(__file__).resolve().parents[1] / "resources" / "sounds"
RATE_HZ = 22_050
VOLUME = 0.35  # of full scale: an alert, not an alarm
FADE_S = 0.008  # in and out of every note: no clicks

# kind -> notes: (start Hz, end Hz, seconds); 0 Hz is a rest
TONES: dict[str, tuple[tuple[float, float, float], ...]] = {
    "large_print": ((880, 880, 0.12),),
    "absorption": ((440, 440, 0.09), (0, 0, 0.04), (440, 440, 0.09)),
    "exhaustion": ((660, 440, 0.22),),
    "stacked_imbalance": ((523, 523, 0.07), (659, 659, 0.07), (784, 784, 0.09)),
    "sweep": ((400, 1200, 0.16),),
    "iceberg": ((1320, 1320, 0.05), (0, 0, 0.05), (1320, 1320, 0.05)),
    "pulled_wall": ((587, 587, 0.09), (392, 392, 0.12)),
    "cvd_divergence": ((740, 740, 0.07), (554, 554, 0.07), (740, 740, 0.07)),
    "liquidation_cascade": ((1000, 1000, 0.04), (0, 0, 0.03)) * 3,
}


def samples(notes: tuple[tuple[float, float, float], ...]) -> list[int]:
    out: list[int] = []
    phase = 0.0
    for f0, f1, seconds in notes:
        n = int(seconds * RATE_HZ)
        fade = max(1, int(FADE_S * RATE_HZ))
        for i in range(n):
            f = f0 + (f1 - f0) * i / n
            phase += 2 * math.pi * f / RATE_HZ
            envelope = min(1.0, i / fade, (n - 1 - i) / fade)
            out.append(0 if f0 == 0 else round(32767 * VOLUME * envelope * math.sin(phase)))
    return out


def main() -> None:
    SOUNDS.mkdir(parents=True, exist_ok=True)
    for kind, notes in TONES.items():
        data = samples(notes)
        with wave.open(str(SOUNDS / f"{kind}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE_HZ)
            w.writeframes(struct.pack(f"<{len(data)}h", *data))
        print(f"{kind}.wav: {len(data) / RATE_HZ:.2f} s")


if __name__ == "__main__":
    main()
