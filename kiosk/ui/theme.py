"""The kiosk's look in one place: palette, font sizes, the bundled font and the application stylesheet.

A patient may be anxious, older or have low vision, so the default is a calm, high-legibility
palette (soft off-white, deep teal, near-black text) with large type; a large-text mode scales every
size by 1.5 and a high-contrast mode switches to white on black with a yellow focus ring.
Widgets never hard-code colours: custom-painted ones read the QPalette set here, the rest are styled
by the stylesheet built here, so both modes reach every screen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from kiosk.resources import resource_path

log = logging.getLogger(__name__)

LARGE_TEXT_FACTOR = 1.5
"""How much bigger every font is in large-text mode (the header's grows by HEADER_FACTOR)."""

HEADER_FACTOR = 1.25
"""How much the header and the keyboard's keys grow in large-text mode: a letter key at 25 pt is easy to read, and
a keyboard of 30 pt keys left a 1024x768 tablet no room for the question it answers."""

PREFERRED_FAMILY = "Noto Sans"
"""The bundled family; it covers every accented Latin letter a Spanish or Portuguese name needs."""


@dataclass(frozen=True)
class Colors:
    """Every colour the kiosk uses, as #rrggbb strings (what both QColor and stylesheets accept)."""

    window: str
    surface: str
    text: str
    muted_text: str
    accent: str
    accent_pressed: str
    on_accent: str
    border: str
    focus: str
    error: str
    disabled_text: str
    disabled_surface: str


CALM_COLORS = Colors(
    window="#f6f4ef",
    surface="#ffffff",
    text="#1b262c",
    muted_text="#4d5b62",
    accent="#0b6b6b",
    accent_pressed="#084f4f",
    on_accent="#ffffff",
    border="#9fb0b0",
    focus="#c26a00",
    error="#a3262a",
    disabled_text="#6f7a7f",
    disabled_surface="#e7e5df",
)
"""Default palette: every text colour reaches at least 4.5:1 on its background (WCAG AA), body text 14:1."""

HIGH_CONTRAST_COLORS = Colors(
    window="#000000",
    surface="#000000",
    text="#ffffff",
    muted_text="#ffffff",
    accent="#ffd400",
    accent_pressed="#ffe766",
    on_accent="#000000",
    border="#ffffff",
    focus="#ffd400",
    error="#ff8a80",
    disabled_text="#b0b0b0",
    disabled_surface="#1a1a1a",
)
"""High-contrast palette: white on black, yellow for focus and for the chosen answer."""


@dataclass(frozen=True)
class FontSizes:
    """Point sizes; a question is never below 20 pt and a button never below 16 pt."""

    body: float = 16
    button: float = 18
    key: float = 20
    question: float = 22
    title: float = 28
    countdown: float = 72
    header: float = 16
    key_label: float = 18
    """Named keys of the on-screen keyboard ("Backspace"); keys and header grow by HEADER_FACTOR only."""
    """The header's clinic name and toggles: they grow less, so they stay on one row and leave the questions
    their room."""

    def scaled(self, factor: float) -> FontSizes:
        """The same sizes multiplied by ``factor`` and rounded to whole points."""
        return FontSizes(
            body=round(self.body * factor),
            button=round(self.button * factor),
            key=round(self.key * min(factor, HEADER_FACTOR)),
            question=round(self.question * factor),
            title=round(self.title * factor),
            countdown=round(self.countdown * factor),
            header=round(self.header * min(factor, HEADER_FACTOR)),
            key_label=round(self.key_label * min(factor, HEADER_FACTOR)),
        )


@dataclass(frozen=True)
class Theme:
    """Everything that decides the look; built by :func:`build_theme`, applied by :func:`apply_theme`."""

    colors: Colors
    sizes: FontSizes
    font_family: str
    large_text: bool
    high_contrast: bool


class TextRole(StrEnum):
    """What a label is for; the stylesheet gives each role its size and colour."""

    TITLE = "title"
    QUESTION = "question"
    BODY = "body"
    HINT = "hint"
    ERROR = "error"


class ButtonRole(StrEnum):
    """Which buttons stand out: the primary one is filled with the accent colour."""

    PRIMARY = "primary"
    SECONDARY = "secondary"


def set_text_role(widget: QWidget, role: TextRole) -> None:
    """Tag a label with its role and restyle it at once (a dynamic property needs a re-polish)."""
    widget.setProperty("textRole", role.value)
    _repolish(widget)


def set_button_role(widget: QWidget, role: ButtonRole) -> None:
    """Tag a button as primary or secondary and restyle it at once."""
    widget.setProperty("buttonRole", role.value)
    _repolish(widget)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def build_theme(*, large_text: bool, high_contrast: bool, font_family: str) -> Theme:
    """The theme for the chosen accessibility modes; pure data, so it can be tested without a window."""
    sizes = FontSizes()
    if large_text:
        sizes = sizes.scaled(LARGE_TEXT_FACTOR)
    colors = HIGH_CONTRAST_COLORS if high_contrast else CALM_COLORS
    return Theme(
        colors=colors,
        sizes=sizes,
        font_family=font_family,
        large_text=large_text,
        high_contrast=high_contrast,
    )


_LOADED_FONTS: dict[Path, tuple[str, ...]] = {}
"""The families registered from each fonts folder, so a change of look (apply_theme again) registers nothing twice."""


def load_bundled_fonts(fonts_dir: Path) -> tuple[str, ...]:
    """Register the upright .ttf/.otf faces in ``fonts_dir`` with Qt (once per folder) and return their families.

    The screens use no italics (the signed PDFs do, through reportlab), so the italic faces are not read: half of
    the fonts' share of start-up. A font file Qt cannot read is logged and skipped: the kiosk still works in the
    system font.
    """
    loaded = _LOADED_FONTS.get(fonts_dir)
    if loaded is not None:
        return loaded
    families: list[str] = []
    faces = [*fonts_dir.glob("*.ttf"), *fonts_dir.glob("*.otf")]
    for path in sorted(face for face in faces if "italic" not in face.stem.lower()):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("Qt could not load the bundled font %s; using the system font instead", path)
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    _LOADED_FONTS[fonts_dir] = tuple(families)
    return _LOADED_FONTS[fonts_dir]


def choose_family(bundled: tuple[str, ...]) -> str:
    """The bundled Noto Sans when present, else any bundled family, else the system's sans-serif."""
    if PREFERRED_FAMILY in bundled:
        return PREFERRED_FAMILY
    if bundled:
        return bundled[0]
    fallback = QFont()
    fallback.setStyleHint(QFont.StyleHint.SansSerif)
    return fallback.defaultFamily()


def build_palette(colors: Colors) -> QPalette:
    """A QPalette matching ``colors``; custom-painted widgets (signature pad, answer buttons) read it."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: colors.window,
        QPalette.ColorRole.WindowText: colors.text,
        QPalette.ColorRole.Base: colors.surface,
        QPalette.ColorRole.AlternateBase: colors.window,
        QPalette.ColorRole.Text: colors.text,
        QPalette.ColorRole.Button: colors.surface,
        QPalette.ColorRole.ButtonText: colors.text,
        QPalette.ColorRole.BrightText: colors.error,
        QPalette.ColorRole.Highlight: colors.accent,
        QPalette.ColorRole.HighlightedText: colors.on_accent,
        QPalette.ColorRole.PlaceholderText: colors.muted_text,
        QPalette.ColorRole.Mid: colors.border,
        QPalette.ColorRole.Dark: colors.accent_pressed,
        QPalette.ColorRole.Link: colors.accent,
        QPalette.ColorRole.ToolTipBase: colors.surface,
        QPalette.ColorRole.ToolTipText: colors.text,
    }
    for role, value in roles.items():
        palette.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colors.disabled_text))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor(colors.disabled_surface))
    return palette


def build_stylesheet(theme: Theme) -> str:
    """The application stylesheet for ``theme``; the selectors name the widgets in kiosk/ui/widgets."""
    c = theme.colors
    s = theme.sizes
    return f"""
QWidget {{
    font-family: "{theme.font_family}";
    font-size: {s.body}pt;
}}
QLabel {{ color: {c.text}; }}
QLabel[textRole="title"] {{ font-size: {s.title}pt; font-weight: 600; }}
QLabel[textRole="question"] {{ font-size: {s.question}pt; font-weight: 600; }}
QLabel[textRole="body"] {{ font-size: {s.body}pt; }}
QLabel[textRole="hint"] {{ font-size: {s.body}pt; color: {c.muted_text}; }}
QLabel[textRole="error"] {{ font-size: {s.button}pt; font-weight: 600; color: {c.error}; }}

QPushButton {{
    font-size: {s.button}pt;
    color: {c.text};
    background-color: {c.surface};
    border: 2px solid {c.border};
    border-radius: 12px;
    padding: 8px 20px;
    min-height: 44px;
}}
QPushButton:pressed {{ background-color: {c.disabled_surface}; }}
QPushButton:focus {{ border: 3px solid {c.focus}; }}
QPushButton:disabled {{
    color: {c.disabled_text};
    background-color: {c.disabled_surface};
    border-color: {c.disabled_surface};
}}
QPushButton[buttonRole="primary"] {{
    color: {c.on_accent};
    background-color: {c.accent};
    border-color: {c.accent};
    font-weight: 600;
}}
QPushButton[buttonRole="primary"]:pressed {{ background-color: {c.accent_pressed}; }}
QPushButton[buttonRole="primary"]:focus {{ border: 3px solid {c.focus}; }}
QPushButton[buttonRole="primary"]:disabled {{
    color: {c.disabled_text};
    background-color: {c.disabled_surface};
    border-color: {c.disabled_surface};
}}

AnswerButton {{ font-size: {s.button}pt; }}

OnScreenKeyboard QPushButton, NumberPad QPushButton {{
    font-size: {s.key}pt;
    padding: 4px 6px;
    border-radius: 10px;
}}
OnScreenKeyboard QPushButton[keyRole="named"], NumberPad QPushButton[keyRole="named"] {{
    font-size: {s.key_label}pt;
}}
OnScreenKeyboard QPushButton:checked {{
    color: {c.on_accent};
    background-color: {c.accent};
    border-color: {c.accent};
}}

QLineEdit {{
    font-size: {s.key}pt;
    color: {c.text};
    background-color: {c.surface};
    border: 2px solid {c.border};
    border-radius: 10px;
    padding: 6px 12px;
    min-height: 44px;
    selection-background-color: {c.accent};
    selection-color: {c.on_accent};
}}
QLineEdit:focus {{ border: 3px solid {c.focus}; }}
QLineEdit[invalid="true"] {{ border: 3px solid {c.error}; }}

QPlainTextEdit#answerBox {{
    font-size: {s.key}pt;
    color: {c.text};
    background-color: {c.surface};
    border: 2px solid {c.border};
    border-radius: 10px;
    padding: 4px 6px;
    selection-background-color: {c.accent};
    selection-color: {c.on_accent};
}}
QPlainTextEdit#answerBox:focus {{ border: 3px solid {c.focus}; }}

#kioskHeader QLabel {{ font-size: {s.header}pt; }}
#kioskHeader QPushButton {{ font-size: {s.header}pt; padding: 6px 16px; }}

#idleCard, #pinCard, #staffCard {{
    background-color: {c.surface};
    border: 2px solid {c.border};
    border-radius: 24px;
}}
#idleCard QLabel, #pinCard QLabel, #staffCard QLabel {{ background-color: transparent; }}
#appointmentCard {{
    background-color: {c.surface};
    border: 3px solid {c.accent};
    border-radius: 20px;
}}
#appointmentCard QLabel {{ background-color: transparent; }}
#appointmentName {{ font-size: {s.title}pt; font-weight: 700; }}
#appointmentTime {{ font-size: {s.title}pt; font-weight: 600; color: {c.accent}; }}
#idleTitle {{ font-size: {s.title}pt; font-weight: 600; }}
#idleCountdown {{ font-size: {s.countdown}pt; font-weight: 700; color: {c.accent}; }}
#idleStillHereButton {{ font-size: {s.question}pt; min-height: 56px; }}

QScrollBar:vertical {{ width: 28px; background: {c.window}; }}
QScrollBar::handle:vertical {{ min-height: 56px; border-radius: 10px; background: {c.border}; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 32px; height: 32px; }}
"""


def apply_theme(
    app: QApplication,
    *,
    large_text: bool,
    high_contrast: bool,
    fonts_dir: Path | None = None,
) -> Theme:
    """Give the whole application the kiosk look and return the theme that was applied.

    ``fonts_dir`` defaults to the bundled resources/fonts; when it is missing or empty the system
    sans-serif is used, so a broken install still shows readable screens. Calling it again (the
    patient switched on large text) restyles every open window.
    """
    if fonts_dir is None:
        try:
            fonts_dir = resource_path("fonts")
        except FileNotFoundError:
            log.warning("The bundled fonts folder is missing; the kiosk uses the system font", exc_info=True)
    bundled = load_bundled_fonts(fonts_dir) if fonts_dir is not None else ()
    theme = build_theme(large_text=large_text, high_contrast=high_contrast, font_family=choose_family(bundled))
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        # Fusion draws the same on the Windows tablet and in tests, and honours the palette fully.
        app.setStyle(fusion)
    app.setPalette(build_palette(theme.colors))
    font = QFont(theme.font_family)
    font.setPointSizeF(theme.sizes.body)
    app.setFont(font)
    app.setStyleSheet(build_stylesheet(theme))
    return theme
