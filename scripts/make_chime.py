"""Write resources/sounds/urgent-chime.wav: the console's urgent-flag chime, made here from sine tones.

Two soft notes (E6 then A5, a falling fourth) with a quick attack and an exponential decay, 0.9 s, mono
16-bit 44.1 kHz. Run it again to remake the file byte for byte; the sound is the project's own (CC0).
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 44_100
NOTES = ((1318.5, 0.0), (880.0, 0.22))  # (frequency in Hz, start in seconds)
LENGTH = 0.9
PEAK = 0.35


def sample(t: float) -> float:
    value = 0.0
    for frequency, start in NOTES:
        if t < start:
            continue
        local = t - start
        envelope = min(1.0, local / 0.008) * math.exp(-local * 5.0)
        # A quieter octave above gives the bell-like colour.
        phase = 2 * math.pi * frequency * local
        value += envelope * (math.sin(phase) + 0.25 * math.sin(2 * phase))
    return value


def main() -> int:
    target = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "urgent-chime.wav"
    frames = [sample(index / RATE) for index in range(int(RATE * LENGTH))]
    scale = PEAK / max(abs(value) for value in frames)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", round(value * scale * 32767)) for value in frames))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
