"""Tests for kiosk/ui/theme.py: sizes, modes, the bundled font and the stylesheet."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from kiosk.resources import resource_path
from kiosk.ui import theme as theme_module
from kiosk.ui.theme import (
    CALM_COLORS,
    HIGH_CONTRAST_COLORS,
    apply_theme,
    build_stylesheet,
    build_theme,
    load_bundled_fonts,
)


@pytest.fixture
def restore_app_look(qapp: QApplication) -> Iterator[QApplication]:
    """apply_theme changes the whole application; put it back so other tests see a stock Qt."""
    style_name = qapp.style().name()
    palette = QPalette(qapp.palette())
    font = qapp.font()
    yield qapp
    qapp.setStyleSheet("")
    qapp.setPalette(palette)
    qapp.setFont(font)
    qapp.setStyle(style_name)


def relative_luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(QColor(first)), relative_luminance(QColor(second))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_sizes_meet_the_minimums() -> None:
    theme = build_theme(large_text=False, high_contrast=False, font_family="Noto Sans")
    assert theme.sizes.question >= 20
    assert theme.sizes.button >= 16


def test_large_text_is_at_least_half_as_large_again() -> None:
    normal = build_theme(large_text=False, high_contrast=False, font_family="Noto Sans").sizes
    large = build_theme(large_text=True, high_contrast=False, font_family="Noto Sans").sizes
    for role in ("body", "question", "button", "title"):
        assert getattr(large, role) / getattr(normal, role) >= 1.5, role
    # The header and the keyboard's keys grow less, so the questions keep their room.
    assert large.header / normal.header == pytest.approx(1.25, abs=0.05)
    assert large.key / normal.key == pytest.approx(1.25, abs=0.05)


@pytest.mark.parametrize("colors", [CALM_COLORS, HIGH_CONTRAST_COLORS])
def test_text_is_legible(colors: object) -> None:
    assert isinstance(colors, type(CALM_COLORS))
    assert contrast(colors.text, colors.window) >= 7
    assert contrast(colors.text, colors.surface) >= 7
    assert contrast(colors.on_accent, colors.accent) >= 4.5
    assert contrast(colors.muted_text, colors.surface) >= 4.5
    assert contrast(colors.error, colors.surface) >= 4.5


def test_high_contrast_is_white_on_black_with_yellow_focus() -> None:
    theme = build_theme(large_text=False, high_contrast=True, font_family="Noto Sans")
    assert QColor(theme.colors.window) == QColor("black")
    assert QColor(theme.colors.text) == QColor("white")
    focus = QColor(theme.colors.focus)
    assert focus.red() > 200 and focus.green() > 200 and focus.blue() < 50


def test_stylesheet_names_the_family_and_sizes() -> None:
    theme = build_theme(large_text=True, high_contrast=False, font_family="Noto Sans")
    sheet = build_stylesheet(theme)
    assert '"Noto Sans"' in sheet
    assert f"font-size: {theme.sizes.question}pt" in sheet
    assert "AnswerButton" in sheet


def test_bundled_fonts_load(qapp: QApplication) -> None:
    assert "Noto Sans" in load_bundled_fonts(resource_path("fonts"))


def test_the_upright_faces_are_registered_once_and_the_italics_not_at_all(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screens use no italics; a change of look (apply_theme again) registers no font a second time."""
    fonts = tmp_path / "fonts"
    shutil.copytree(resource_path("fonts"), fonts)
    registered: list[str] = []

    class Counting:
        """Qt's font database, counting the files registered."""

        @staticmethod
        def addApplicationFont(path: str) -> int:
            registered.append(Path(path).name)
            return QFontDatabase.addApplicationFont(path)

        applicationFontFamilies = staticmethod(QFontDatabase.applicationFontFamilies)  # noqa: N815 (Qt's name)

    monkeypatch.setattr(theme_module, "QFontDatabase", Counting)
    assert load_bundled_fonts(fonts) == ("Noto Sans",)
    assert load_bundled_fonts(fonts) == ("Noto Sans",)
    assert sorted(registered) == ["NotoSans-Bold.ttf", "NotoSans-Regular.ttf"]


def test_apply_theme_uses_the_bundled_font(restore_app_look: QApplication) -> None:
    theme = apply_theme(restore_app_look, large_text=False, high_contrast=True)
    assert theme.font_family == "Noto Sans"
    assert restore_app_look.font().family() == "Noto Sans"
    assert restore_app_look.palette().color(QPalette.ColorRole.Window) == QColor("black")
    assert "Noto Sans" in restore_app_look.styleSheet()


def test_apply_theme_falls_back_to_the_system_font(restore_app_look: QApplication, tmp_path: Path) -> None:
    theme = apply_theme(restore_app_look, large_text=False, high_contrast=False, fonts_dir=tmp_path)
    assert theme.font_family
    assert restore_app_look.palette().color(QPalette.ColorRole.Window) == QColor(CALM_COLORS.window)
