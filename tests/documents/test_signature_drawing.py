"""Signatures are fitted into their box, from a PNG or from strokes."""

from __future__ import annotations

from reportlab.platypus import Image

from kiosk.documents.signature_drawing import DrawnSignature, signature_flowable
from tests.documents.sample import sample_signature_png, sample_signature_strokes


def test_png_wins_over_strokes_and_keeps_its_proportions() -> None:
    strokes = sample_signature_strokes()
    flowable = signature_flowable(sample_signature_png(strokes), strokes, 240, 76)
    assert isinstance(flowable, Image)
    width, height = flowable.wrap(500, 500)
    assert height <= 76 + 1e-6 and width <= 240 + 1e-6
    assert abs(width / height - 600 / 200) < 0.01


def test_strokes_alone_become_a_vector_drawing_of_the_box_size() -> None:
    flowable = signature_flowable(None, sample_signature_strokes(), 240, 76)
    assert isinstance(flowable, DrawnSignature)
    assert flowable.wrap(500, 500) == (240, 76)


def test_no_png_and_no_strokes_means_no_signature() -> None:
    assert signature_flowable(None, (), 240, 76) is None
    assert signature_flowable(None, ((),), 240, 76) is None
