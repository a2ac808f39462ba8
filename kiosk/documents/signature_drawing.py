"""A patient's signature as a platypus flowable: the recorded PNG, or the pen strokes as vectors.

The signature pad records both an image and the strokes (kiosk.ui.widgets.signature_pad). The image is printed when
present; when only strokes exist they are drawn as vector paths, which print sharp at any size.
Either way the drawing is scaled to fit its box without distorting the signature's proportions.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image

from kiosk.documents.packet_data import Stroke

INK = Color(0.05, 0.1, 0.35)
"""Dark blue-black, so a printed signature reads as ink rather than as typed text."""

PEN_WIDTH = 1.4
"""Line width in points; close to a ballpoint pen at the usual signature size."""


class DrawnSignature(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Vector drawing of signature strokes, fitted into ``width`` x ``height`` points.

    Pad coordinates have y growing downwards (as every GUI toolkit does); PDF y grows upwards,
    so the drawing is flipped. A stroke of a single point (a dot over an i) is drawn as a dot.
    """

    def __init__(self, strokes: Sequence[Stroke], width: float, height: float, padding: float = 4) -> None:
        super().__init__()
        self._strokes = [stroke for stroke in strokes if stroke]
        self.width = width
        self.height = height
        self._padding = padding

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        points = [point for stroke in self._strokes for point in stroke]
        if not points:
            return
        min_x = min(x for x, _ in points)
        max_x = max(x for x, _ in points)
        min_y = min(y for _, y in points)
        max_y = max(y for _, y in points)
        span_x = max(max_x - min_x, 1e-6)
        span_y = max(max_y - min_y, 1e-6)
        inner_w = self.width - 2 * self._padding
        inner_h = self.height - 2 * self._padding
        scale = min(inner_w / span_x, inner_h / span_y)
        # Centre horizontally is wrong for a signature: it starts at the left like handwriting.
        offset_x = self._padding
        offset_y = self._padding + (inner_h - span_y * scale) / 2

        def to_pdf(x: float, y: float) -> tuple[float, float]:
            return offset_x + (x - min_x) * scale, offset_y + (max_y - y) * scale

        canvas: Any = self.canv
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setFillColor(INK)
        canvas.setLineWidth(PEN_WIDTH)
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        for stroke in self._strokes:
            if len(stroke) == 1:
                x, y = to_pdf(*stroke[0])
                canvas.circle(x, y, PEN_WIDTH * 0.6, stroke=0, fill=1)
                continue
            path = canvas.beginPath()
            path.moveTo(*to_pdf(*stroke[0]))
            for point in stroke[1:]:
                path.lineTo(*to_pdf(*point))
            canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()


def signature_flowable(png: bytes | None, strokes: Sequence[Stroke], width: float, height: float) -> Flowable | None:
    """The flowable that prints a signature in a ``width`` x ``height`` box, or None when there is none."""
    if png:
        image_width, image_height = ImageReader(BytesIO(png)).getSize()
        scale = min(width / image_width, height / image_height)
        image = Image(BytesIO(png), width=image_width * scale, height=image_height * scale, mask="auto")
        image.hAlign = "LEFT"
        return image
    if any(strokes):
        return DrawnSignature(strokes, width, height)
    return None
