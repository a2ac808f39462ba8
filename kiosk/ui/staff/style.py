"""The staff console's look: the kiosk's calm palette at desktop density, and the colours of flag tiers.

The application stylesheet (kiosk/ui/theme.py) is sized for a patient's finger on a tablet. Staff sit at
a desk with a mouse and need a whole day on one screen, so the console sets its own stylesheet on its
window; a parent's stylesheet wins over the application's for every property it sets (Qt's cascade), so
every rule the console needs is restated here at desktop sizes rather than patched property by property.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from kiosk.ui.theme import CALM_COLORS, Colors

BODY_PT = 11
HEADING_PT = 14
TITLE_PT = 18


@dataclass(frozen=True, slots=True)
class ToneColors:
    background: str
    foreground: str


class Tone(Enum):
    """How a row or a message should stand out: urgent red, hold amber, good green, quiet grey."""

    URGENT = ToneColors("#fbe1e1", "#8c1d21")
    HOLD = ToneColors("#fff0c7", "#6b4400")
    GOOD = ToneColors("#e3f3e6", "#1f5f2c")
    QUIET = ToneColors("#f2f1ed", "#4d5b62")

    @property
    def background(self) -> QColor:
        return QColor(self.value.background)

    @property
    def foreground(self) -> QColor:
        return QColor(self.value.foreground)


def console_font_family() -> str:
    """The family the application theme chose (the bundled Noto Sans when present)."""
    app = QApplication.instance()
    return app.font().family() if isinstance(app, QApplication) else "sans-serif"


def console_stylesheet(colors: Colors = CALM_COLORS, font_family: str | None = None) -> str:
    """Every rule the console's widgets need, at desktop sizes, in the kiosk's palette."""
    c = colors
    family = font_family or console_font_family()
    return f"""
QWidget {{ font-family: "{family}"; font-size: {BODY_PT}pt; }}
QLabel {{ color: {c.text}; }}
QLabel[textRole="title"] {{ font-size: {TITLE_PT}pt; font-weight: 600; }}
QLabel[textRole="question"] {{ font-size: {HEADING_PT}pt; font-weight: 600; }}
QLabel[textRole="body"] {{ font-size: {BODY_PT}pt; }}
QLabel[textRole="hint"] {{ font-size: {BODY_PT}pt; color: {c.muted_text}; }}
QLabel[textRole="error"] {{ font-size: {BODY_PT}pt; font-weight: 600; color: {c.error}; }}
QLabel[tone="urgent"] {{ background: {Tone.URGENT.value.background}; color: {Tone.URGENT.value.foreground};
    border-radius: 6px; padding: 6px 10px; font-weight: 600; }}
QLabel[tone="hold"] {{ background: {Tone.HOLD.value.background}; color: {Tone.HOLD.value.foreground};
    border-radius: 6px; padding: 6px 10px; font-weight: 600; }}
QLabel[tone="good"] {{ background: {Tone.GOOD.value.background}; color: {Tone.GOOD.value.foreground};
    border-radius: 6px; padding: 6px 10px; }}
QLabel[tone="quiet"] {{ background: {Tone.QUIET.value.background}; color: {Tone.QUIET.value.foreground};
    border-radius: 6px; padding: 6px 10px; }}
QLabel[cell="header"] {{ font-weight: 600; color: {c.muted_text}; border-bottom: 1px solid {c.border};
    padding: 4px 8px 4px 0px; }}
QLabel[cell="body"] {{ padding: 4px 8px 4px 0px; border-bottom: 1px solid #e4e1d8; }}
QLabel[cell="hold"] {{ padding: 4px 8px 4px 0px; border-bottom: 1px solid #e4e1d8; font-weight: 600;
    background: {Tone.HOLD.value.background}; color: {Tone.HOLD.value.foreground}; }}
QLabel[cell="urgent"] {{ padding: 4px 8px 4px 0px; border-bottom: 1px solid #e4e1d8; font-weight: 600;
    background: {Tone.URGENT.value.background}; color: {Tone.URGENT.value.foreground}; }}

QPushButton {{
    font-size: {BODY_PT}pt;
    color: {c.text};
    background-color: {c.surface};
    border: 1px solid {c.border};
    border-radius: 6px;
    padding: 5px 14px;
    min-height: 22px;
}}
QPushButton:hover {{ border-color: {c.accent}; }}
QPushButton:pressed {{ background-color: {c.disabled_surface}; }}
QPushButton:focus {{ border: 2px solid {c.focus}; }}
QPushButton:disabled {{ color: {c.disabled_text}; background-color: {c.disabled_surface};
    border-color: {c.disabled_surface}; }}
QPushButton[buttonRole="primary"] {{ color: {c.on_accent}; background-color: {c.accent};
    border-color: {c.accent}; font-weight: 600; }}
QPushButton[buttonRole="primary"]:pressed {{ background-color: {c.accent_pressed}; }}
QPushButton[buttonRole="primary"]:focus {{ border: 2px solid {c.focus}; }}
QPushButton[buttonRole="primary"]:disabled {{ color: {c.disabled_text}; background-color: {c.disabled_surface};
    border-color: {c.disabled_surface}; }}

QLineEdit {{
    font-size: {BODY_PT}pt;
    color: {c.text};
    background-color: {c.surface};
    border: 1px solid {c.border};
    border-radius: 5px;
    padding: 4px 8px;
    min-height: 20px;
    selection-background-color: {c.accent};
    selection-color: {c.on_accent};
}}
QLineEdit:focus {{ border: 2px solid {c.focus}; }}

QTableView, QListView, QTextBrowser {{
    background-color: {c.surface};
    alternate-background-color: #f8f7f3;
    border: 1px solid {c.border};
    border-radius: 4px;
    gridline-color: #e4e1d8;
    selection-background-color: #cfe6e6;
    selection-color: {c.text};
}}
QTableView:focus, QListView:focus {{ border: 2px solid {c.focus}; }}
QHeaderView::section {{
    background-color: {c.window};
    color: {c.muted_text};
    font-weight: 600;
    border: none;
    border-bottom: 1px solid {c.border};
    padding: 5px 8px;
}}

QTabWidget::pane {{ border: none; border-top: 1px solid {c.border}; }}
QTabBar::tab {{
    font-size: {BODY_PT + 1}pt;
    color: {c.muted_text};
    background: transparent;
    padding: 8px 18px;
    border: none;
    border-bottom: 3px solid transparent;
}}
QTabBar::tab:selected {{ color: {c.text}; font-weight: 600; border-bottom: 3px solid {c.accent}; }}
QTabBar::tab:focus {{ color: {c.focus}; }}

QGroupBox {{
    font-size: {HEADING_PT}pt;
    font-weight: 600;
    border: 1px solid {c.border};
    border-radius: 8px;
    margin-top: 14px;
    padding: 14px 12px 10px 12px;
    background-color: {c.surface};
}}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 6px; color: {c.text}; }}
QGroupBox QLabel {{ background-color: transparent; }}

#staffHeader {{ background-color: {c.surface}; border-bottom: 1px solid {c.border}; }}
#staffCard {{ background-color: {c.surface}; border: 1px solid {c.border}; border-radius: 12px; }}
#staffCard QLabel {{ background-color: transparent; }}

QScrollBar:vertical {{ width: 14px; background: {c.window}; }}
QScrollBar::handle:vertical {{ min-height: 36px; border-radius: 6px; background: {c.border}; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 16px; height: 16px; }}
"""
