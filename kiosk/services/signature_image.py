"""A PNG of signature strokes without Qt, for records made outside the tablet (demo data, imports).

The tablet's signature pad renders its own antialiased image; this small rasteriser exists so that code
below the UI layer (which must not import Qt) can still produce a faithful picture of given strokes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

Strokes = Sequence[Sequence[tuple[float, float]]]


def strokes_to_png(strokes: Strokes, width: int = 600, height: int = 200, pen: int = 3) -> bytes:
    """Black strokes (coordinates 0..1 of the pad) on white, as PNG bytes."""
    pixels = bytearray(b"\xff" * (width * height))
    radius = max(1, pen // 2)

    def dot(cx: int, cy: int) -> None:
        for y in range(max(0, cy - radius), min(height, cy + radius + 1)):
            row = y * width
            for x in range(max(0, cx - radius), min(width, cx + radius + 1)):
                pixels[row + x] = 0

    for stroke in strokes:
        points = [(round(x * (width - 1)), round(y * (height - 1))) for x, y in stroke]
        for (x0, y0), (x1, y1) in zip(points, points[1:] or points, strict=False):
            steps = max(abs(x1 - x0), abs(y1 - y0), 1)
            for step in range(steps + 1):
                dot(x0 + (x1 - x0) * step // steps, y0 + (y1 - y0) * step // steps)
    raw = b"".join(b"\x00" + bytes(pixels[row * width : (row + 1) * width]) for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
