"""Consent: read the full text (kinetic scrolling), then check the full name and sign with a finger.

"I agree" is enabled only once the end of the text has been reached, "Sign" only when there is a name and
the signature has enough ink; until then each button says what is missing ("Read to the end to agree").
The name typed at check-in is filled in, and the patient can change it. The signature is drawn once per visit:
on each later consent "Sign with my signature" adopts it with one tap, and each consent still gets its own
record. The date is filled in. When reading started is kept for the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from html import escape  # here, not in consent_html: its first import took 3 ms of the first consent's showing

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.consent_markup import BlockKind, consent_blocks
from kiosk.domain.forms import Form, pick
from kiosk.domain.typed_text import MAX_FULL_NAME_LENGTH
from kiosk.ui.i18n import tr
from kiosk.ui.patient.base import (
    CONTENT_WIDTH,
    TOUCH_HEIGHT,
    WIDE_CONTENT_WIDTH,
    ButtonRows,
    Panes,
    Screen,
    button,
    button_row,
    hold_widest,
    label,
    offer,
    pane,
    set_label,
)
from kiosk.ui.patient.messages import MessageScreen
from kiosk.ui.theme import ButtonRole, TextRole
from kiosk.ui.widgets.consent_text import ConsentText
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.signature_pad import SignaturePad


@dataclass(frozen=True, slots=True)
class SignedConsent:
    form_id: str
    typed_name: str
    strokes: tuple[tuple[tuple[float, float], ...], ...]
    png: bytes
    reading_started_at: dt.datetime
    adopted: bool = False
    """Signed with the signature drawn on an earlier consent of this visit (the patient tapped to adopt it)."""

    @property
    def signature(self) -> VisitSignature:
        return VisitSignature(self.strokes, self.png)


@dataclass(frozen=True, slots=True)
class VisitSignature:
    """The signature a patient drew during this visit, offered on the later consents ("Sign with my signature")."""

    strokes: tuple[tuple[tuple[float, float], ...], ...]
    png: bytes


@dataclass(frozen=True, slots=True)
class ReadingPlace:
    """Where the patient is in a consent's text, in the text's own terms: a change of text size lays the text out
    again at other heights, and a place kept in pixels would land elsewhere in it."""

    html: str
    """The text the place is in (another text, another language, has other places)."""
    position: int
    """The character on the line at the top of the view; -1 while the view starts above the text (at the title)."""
    offset: int
    """Pixels from the top of that line (above the text: from the top) to the top of the view."""
    at_end: bool
    """The end of the text is in view: it stays in view, and "I agree" with it."""


ADOPTED_PREVIEW_SIZE = QSize(192, 64)
"""The drawn signature shown small beside "Sign with my signature" (the pad's 3:1 shape)."""


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@lru_cache(maxsize=16)
def consent_html(text: str) -> str:
    """The consent body as simple HTML, block for block as kiosk.domain.consent_markup reads it (the signed
    PDF draws the same blocks)."""
    parts: list[str] = []
    in_list = False
    for block in consent_blocks(text):
        if block.kind is BlockKind.BULLET and not in_list:
            parts.append("<ul>")
            in_list = True
        elif block.kind is not BlockKind.BULLET and in_list:
            parts.append("</ul>")
            in_list = False
        tag = {BlockKind.HEADING: "h2", BlockKind.PARAGRAPH: "p", BlockKind.BULLET: "li"}[block.kind]
        parts.append(f"<{tag}>{escape(block.text)}</{tag}>")
    if in_list:
        parts.append("</ul>")
    return "\n".join(parts)


class ConsentScreen(Screen):
    """Shows one consent and collects the typed name and the drawn signature.

    Besides "I agree" the patient can always say "I have a question" or "I do not agree" (the consent text
    promises both); neither needs the text read to the end.

    Signals:
        signed(object): a SignedConsent.
        back_requested: the patient tapped Back.
        question_asked(str): the patient has a question about this consent (its form id).
        declined(str): the patient does not agree to this consent (its form id).
        page_changed(int): the screen turned to its reading page (0) or its signing page (1).
    """

    signed = Signal(object)
    back_requested = Signal()
    question_asked = Signal(str)
    declined = Signal(str)
    page_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        # Wide: the signing page has the keyboard beside the signature box, and the reading page's four buttons
        # fit on one row in larger text and Spanish; the consent text itself keeps a readable line length.
        super().__init__(parent, max_width=WIDE_CONTENT_WIDTH)
        self.form: Form | None = None
        self.language = "en"
        self.clock: Callable[[], dt.datetime] = _utc_now
        self._answered = False
        """Signed, adopted, asked or declined: a second tap before the next screen shows is not a second answer."""
        self.reading_started_at: dt.datetime | None = None
        self.reading_place: ReadingPlace | None = None
        """Kept as the patient scrolls, and put back when the text is laid out again (larger text, a new size)."""
        self._putting_back = False
        self._end_reached_in = ""
        """The text whose end the patient has seen: laid out again (larger text), it keeps "I agree" offered."""
        # The reading box gets the height (at 1024x768 in larger text the chrome took three fifths of it): while the
        # patient reads, the title is the first thing in the box and scrolls with the text; "Consent 1 of 3" and the
        # scrolling hint share one row. The signing page shows the title above the name and the signature, and the
        # date where the hint was.
        self.title = label(TextRole.QUESTION)
        self.progress = label(TextRole.HINT, wrap=False)  # short; the hint or the date beside it wraps instead
        self.hint = label(TextRole.HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(self.progress)
        top.addWidget(self.hint, 1)
        self.date = label(TextRole.BODY)
        self.date.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.date, 1)
        self.body.addLayout(top)
        self.body.addWidget(self.title)
        self.pages = QStackedWidget()
        self.body.addWidget(self.pages, 1)

        reading = QWidget()
        reading_layout = QVBoxLayout(reading)
        reading_layout.setContentsMargins(0, 0, 0, 0)
        reading_layout.setSpacing(10)
        # The whole text laid out in a scroll area, not a QTextBrowser: a text browser lays long documents out
        # lazily, so its scroll range grows while the patient scrolls and "the end" would come too early. Each
        # consent's layout is kept (ConsentText), so a consent prepared ahead shows without laying it out again.
        self.text = QScrollArea()
        self.text.setWidgetResizable(True)
        # Always there: a scroll bar that came and went made the area ask the text's height at a second width (and
        # lay it out again), and a patient sees at once that the text scrolls.
        self.text.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.text.setObjectName("consentText")
        self.text_label = ConsentText()
        self.text_label.setObjectName("consentBody")
        self.text_label.setContentsMargins(16, 8, 24, 24)
        self.reading_title = label(TextRole.QUESTION)
        self.reading_title.setContentsMargins(16, 8, 24, 0)
        content = QWidget()
        content.setMaximumWidth(CONTENT_WIDTH)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(self.reading_title)
        content_layout.addWidget(self.text_label, 1)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text.setWidget(content)
        QScroller.grabGesture(self.text.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.text.verticalScrollBar().valueChanged.connect(self._on_scroll_value_changed)
        self.text.verticalScrollBar().rangeChanged.connect(self._on_scroll_range_changed)
        reading_layout.addWidget(self.text, 1)
        self.back = button()
        self.back.clicked.connect(self._on_back_clicked)
        self.agree = button(role=ButtonRole.PRIMARY)
        self.agree.clicked.connect(self._on_agree_clicked)
        self.ask = button()
        self.ask.clicked.connect(self._on_ask_clicked)
        self.disagree = button()
        self.disagree.clicked.connect(self._on_disagree_clicked)
        # One row when the four fit; else "I have a question" and "I do not agree" on a row above Back and the
        # agree button (Spanish and larger text on a 1024 px tablet cut their labels on one row).
        self.reading_buttons = ButtonRows(self.back, (self.ask, self.disagree), self.agree)
        reading_layout.addLayout(self.reading_buttons)
        self.pages.addWidget(reading)

        signing = QWidget()
        signing_layout = QVBoxLayout(signing)
        signing_layout.setContentsMargins(0, 0, 0, 0)
        signing_layout.setSpacing(10)
        self.name_label = label(TextRole.BODY)
        self.name = QLineEdit()
        self.name.setMinimumHeight(TOUCH_HEIGHT)
        self.name.setMaxLength(MAX_FULL_NAME_LENGTH)
        self.name.textChanged.connect(self._update_sign_button)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.set_target(self.name)
        self.keyboard.action_pressed.connect(self._on_keyboard_action_pressed)
        self.pad_label = label(TextRole.BODY)
        self.pad = SignaturePad()
        # Narrower than the pad's own minimum only while the keyboard is beside it (when the name is typed); the box
        # has the whole width to sign in. At 1024 px the keys beside a wider box were cut ("ayú" for "Mayús").
        self.pad.setMinimumSize(240, 130)
        self.pad.changed.connect(self._update_sign_button)
        self.clear = button()
        self.clear.clicked.connect(self._on_clear_clicked)
        # The name and the signature box on one side, the keyboard (while the name is typed) on the other: the
        # box stays in view, so a patient never wonders where to sign. "Done" puts the keyboard away and gives
        # the box the whole width; in portrait the keyboard goes below.
        signature = QWidget()
        signature_layout = QVBoxLayout(signature)
        signature_layout.setContentsMargins(0, 0, 0, 0)
        signature_layout.setSpacing(10)
        # Few rows, so the box keeps its height in larger text too (at 1024x768 with "Sign with my signature" it was
        # cut): "Type your full name" beside its box (above it while the keyboard is up), Clear beside "Sign with your
        # finger". "Please sign a little more fully." is said in the box, under its line: a label under the box that
        # came with the first touch shrank the box under the finger, and the ink landed away from where it was drawn.
        self.name_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.name_row.setSpacing(16)
        self.name_row.addWidget(self.name_label)
        self.name_row.addWidget(self.name, 1)
        signature_layout.addLayout(self.name_row)
        pad_row = button_row(self.pad_label, self.clear, stretch_first=False)
        self.pad_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        signature_layout.addLayout(pad_row)
        signature_layout.addWidget(self.pad, 1)
        self.keyboard_pane = pane(self.keyboard)
        self.keyboard_pane.hide()
        self.signing_panes = Panes(signature, self.keyboard_pane)
        signing_layout.addWidget(self.signing_panes, 1)
        self.name.installEventFilter(self)
        self.sign_back = button()
        self.sign_back.clicked.connect(self._on_sign_back_clicked)
        # The signature drawn on an earlier consent of this visit, adopted here only by an explicit tap.
        self.visit_signature: VisitSignature | None = None
        self._preview_png = b""
        """The signature whose picture the preview shows now."""
        self.adopted_preview = QLabel()
        self.adopted_preview.setObjectName("adoptedSignature")
        self.adopted_preview.setFixedSize(ADOPTED_PREVIEW_SIZE)
        self.adopted_preview.setScaledContents(True)
        self.adopt = button(role=ButtonRole.PRIMARY)
        self.adopt.clicked.connect(self._on_adopt_clicked)
        self.sign = button(role=ButtonRole.PRIMARY)
        self.sign.setEnabled(False)
        self.sign.clicked.connect(self._on_sign_clicked)
        # The same on the signing page: "Sign with my signature" and its picture cut the labels beside Sign in larger
        # text even at 1280x800.
        self.signing_buttons = ButtonRows(self.sign_back, (self.adopted_preview, self.adopt), self.sign)
        signing_layout.addLayout(self.signing_buttons)
        self.adopted_preview.hide()
        self.adopt.hide()
        self.pages.addWidget(signing)
        self.retranslate()

    # ----------------------------------------------------------------------------------- content

    def show_consent(
        self,
        form: Form,
        language: str,
        number: int,
        count: int,
        *,
        typed_name: str = "",
        visit_signature: VisitSignature | None = None,
    ) -> None:
        """Show a consent from the top; the name typed at check-in is filled in (the patient can change it), and a
        signature drawn earlier in this visit is offered for adoption."""
        self.form = form
        self.language = language
        self.reading_started_at = self.clock()
        self._answered = False
        self._show_page(0)
        self._fill(number, count)
        self._offer_agree(False)
        # Lay the text out now, then start at the top (and stop the kinetic scroller, which would otherwise put
        # back its last position when the layout settles).
        layout = self.layout()
        if layout is not None:
            layout.activate()
        QScroller.scroller(self.text.viewport()).stop()
        self._end_reached_in = ""
        self.text.verticalScrollBar().setValue(0)
        self.name.clearFocus()  # kept from the last consent, it would bring the keyboard up over a filled-in name
        self.name.setText(typed_name)
        self.pad.clear()
        self._set_visit_signature(visit_signature)
        self._on_scroll_range_changed(0, self.text.verticalScrollBar().maximum())

    def prepare(self, form: Form, language: str) -> None:
        """Lay `form`'s text out ahead, at the width it will be shown at here, so showing it later costs no layout:
        the kiosk does this while the patient checks in."""
        bar = self.text.verticalScrollBar()
        bar.ensurePolished()
        view = self.content_width() - 2 * self.text.frameWidth() - bar.sizeHint().width()
        self.text_label.prepare(consent_html(form.consent_text(language)), (min(CONTENT_WIDTH, view),))

    def _set_visit_signature(self, signature: VisitSignature | None) -> None:
        self.visit_signature = signature
        if signature is None:
            self.adopted_preview.clear()
            self._preview_png = b""
        elif signature.png != self._preview_png:
            # Decoded once per signature, not on each consent that offers it (4 ms of each change of consent).
            picture = QPixmap()
            picture.loadFromData(signature.png)
            self.adopted_preview.setPixmap(picture)
            self._preview_png = signature.png
        self.adopted_preview.setVisible(signature is not None)
        self.adopt.setVisible(signature is not None)
        self._update_sign_button()
        self._arrange_buttons(again=True)

    def _show_page(self, index: int) -> None:
        turned = index != self.pages.currentIndex()
        self.pages.setCurrentIndex(index)
        self.hint.setVisible(index == 0)
        self.date.setVisible(index == 1)
        self.title.setVisible(index == 1)  # while reading, the title is at the top of the text
        if index == 0:
            self._show_keyboard(False)
        if turned:
            self.page_changed.emit(index)

    def _arrange_buttons(self, *, again: bool = False) -> None:
        """Each page's buttons on one row when they fit the column's width, else on two."""
        width = self.content_width()
        if again:
            beside_back = width - self.back.sizeHint().width() - 16
            hold_widest(self.agree, (tr("I agree"), tr("Read to the end to agree")), beside_back)
            texts = (tr("Sign"), tr("Type your name to continue"), tr("Sign above to continue"))
            hold_widest(self.sign, texts, beside_back)
        for rows in (self.reading_buttons, self.signing_buttons):
            rows.arrange(width, again=again)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_buttons()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            QTimer.singleShot(0, self, lambda: self._arrange_buttons(again=True))  # measured in the new font

    def _show_keyboard(self, shown: bool) -> None:
        self.keyboard_pane.setVisible(shown)
        # "Sign with your finger in the box" with Clear give their room to the name and the box while the keyboard
        # is beside them (larger text, Spanish: the box was squeezed to a sliver); the box keeps its own "Sign above
        # the line", and the rest is back with "Done", above the box the patient signs. Beside the keyboard the
        # column is narrow: "Type your full name" goes above its box, in as many lines as it needs.
        self.name_row.setDirection(QBoxLayout.Direction.TopToBottom if shown else QBoxLayout.Direction.LeftToRight)
        self.name_label.setWordWrap(shown)
        self.pad_label.setVisible(not shown)
        self.clear.setVisible(not shown)

    def set_landscape(self, landscape: bool) -> None:
        self.signing_panes.set_landscape(landscape)
        # The signature side gets more than the keyboard beside it (the keys keep their minimum size).
        self.signing_panes.box.setStretch(0, 3 if landscape else 1)
        self.signing_panes.box.setStretch(1, 2 if landscape else 0)

    def set_language(self, language: str) -> None:
        """Switch the consent text mid-reading; the patient reads from the top in the new language."""
        if self.form is not None and language != self.language:
            self.language = language
            position = self.text.verticalScrollBar().value()
            self._fill(*self._progress)
            self.text.verticalScrollBar().setValue(position)

    def _fill(self, number: int, count: int) -> None:
        assert self.form is not None
        self._progress = (number, count)
        set_label(self.title, pick(self.form.title, self.language))
        set_label(self.reading_title, pick(self.form.title, self.language))
        self.text_label.setText(consent_html(self.form.consent_text(self.language)))
        # Seen in scripts/render_screens.py (a consent filled in while hidden, after a sitting had cleared it, in
        # Spanish and larger text): the box kept its old size, had no scroll range and offered "I agree" unread.
        # Not reproduced through the kiosk's own path; the box is measured all the same: now if it is in view, else
        # once it is shown (hidden, the box has its size of before, and the text would be laid out at that width too).
        if self.isVisible():
            QApplication.sendEvent(self.text, QEvent(QEvent.Type.LayoutRequest))
        else:
            QApplication.postEvent(self.text, QEvent(QEvent.Type.LayoutRequest))
        self.text_label.setAccessibleName(pick(self.form.title, self.language))
        self.text.setAccessibleName(pick(self.form.title, self.language))
        set_label(self.progress, tr("Consent %1 of %2").replace("%1", str(number)).replace("%2", str(count)))

    def retranslate(self) -> None:
        set_label(self.hint, tr("You can scroll with your finger."))
        set_label(self.back, tr("Back"))
        self._offer_agree(self.form is not None and self.agree.isEnabled())
        set_label(self.ask, tr("I have a question"))
        set_label(self.disagree, tr("I do not agree"))
        set_label(self.name_label, tr("Type your full name"))
        self.name.setAccessibleName(tr("Full name"))
        set_label(self.pad_label, tr("Sign with your finger in the box"))
        self.pad.setAccessibleName(tr("Signature"))
        self.pad.set_hint_text(tr("Sign above the line"))
        set_label(self.clear, tr("Clear"))
        set_label(self.sign_back, tr("Back"))
        set_label(self.adopt, tr("Sign with my signature"))
        self.adopted_preview.setAccessibleName(tr("Your signature from the first form"))
        today = QLocale().toString(QDate.currentDate(), tr("MMMM d, yyyy"))
        set_label(self.date, tr("Date: %1").replace("%1", today))
        self.keyboard.set_action_label(tr("Done"))
        self.keyboard.set_key_labels(space=tr("Space"), backspace=tr("Backspace"), shift=tr("Shift"))
        self._update_sign_button()
        if self.form is not None:
            self._fill(*self._progress)
        self._arrange_buttons(again=True)  # labels of another length

    def reset(self) -> None:
        self.form = None
        self.reading_place = None
        self._end_reached_in = ""
        self.name.clear()
        self.pad.clear()
        self._set_visit_signature(None)
        self.text_label.clear()
        self.text_label.forget()
        set_label(self.title, "")
        set_label(self.reading_title, "")
        set_label(self.progress, "")
        self._show_page(0)

    # ----------------------------------------------------------------------------------- slots

    def _offer_agree(self, read: bool) -> None:
        offer(self.agree, tr("I agree"), "" if read else tr("Read to the end to agree"))

    @Slot(int)
    def _on_scroll_value_changed(self, value: int) -> None:
        if not self._putting_back:
            self.reading_place = self._place_at(value)
            if self.reading_place.at_end:
                self._end_reached_in = self.reading_place.html
        if value >= self.text.verticalScrollBar().maximum() - 4:
            self._offer_agree(True)

    @Slot(int, int)
    def _on_scroll_range_changed(self, _minimum: int, maximum: int) -> None:
        # The text was laid out again (larger text, a new size): the patient stays at the same place in it, and one
        # who had seen its end keeps "I agree". In another language "the end" is where it is now.
        self._put_place_back()
        at_end = self.text.verticalScrollBar().value() >= maximum - 4
        end_seen = bool(self._end_reached_in) and self._end_reached_in == self.text_label.text()
        self._offer_agree(self.form is not None and (maximum == 0 or at_end or end_seen))

    def _place_at(self, value: int) -> ReadingPlace:
        """The place in the text at scroll position `value` (the top of the view)."""
        maximum = self.text.verticalScrollBar().maximum()
        at_end = maximum > 0 and value >= maximum - 4
        text_top = self.text_label.y()  # in the scrolled content, under the title
        html = self.text_label.text()
        if value < text_top + self.text_label.contentsMargins().top():
            return ReadingPlace(html, -1, value, at_end)
        position = self.text_label.position_at(value - text_top)
        return ReadingPlace(html, position, value - text_top - self.text_label.line_top(position), at_end)

    def _put_place_back(self) -> None:
        place = self.reading_place
        if place is None or not place.html or place.html != self.text_label.text():
            return
        bar = self.text.verticalScrollBar()
        text_top = self.text_label.y()
        if place.at_end:
            value = bar.maximum()
        elif place.position < 0:
            value = min(place.offset, text_top + self.text_label.contentsMargins().top())
        else:
            value = text_top + self.text_label.line_top(place.position) + place.offset
        # Kept as it was: the range may change a few times while the layout settles, each time from the same place.
        self._putting_back = True
        try:
            # A fling still under way would end at the pixel it was heading for, elsewhere in the text laid out again.
            QScroller.scroller(self.text.viewport()).stop()
            bar.setValue(value)
        finally:
            self._putting_back = False

    @Slot()
    def _on_agree_clicked(self) -> None:
        self._show_page(1)
        if not self.name.text().strip():
            # No name from check-in to fill in: the keyboard comes up for it, beside the signature box.
            self.name.setFocus()
            self._show_keyboard(True)
        else:
            # The name is filled in: the page opens on the signature box. (Switching pages hands the focus back to
            # the field that had it on the last consent, which would bring the keyboard up unasked.)
            self.name.clearFocus()
            self._show_keyboard(False)

    @Slot()
    def _on_keyboard_action_pressed(self) -> None:
        self.name.clearFocus()
        self._show_keyboard(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.name and event.type() == QEvent.Type.FocusIn:
            self._show_keyboard(True)
        return super().eventFilter(watched, event)

    @Slot()
    def _on_back_clicked(self) -> None:
        self.back_requested.emit()

    def _answer_once(self) -> bool:
        """True the first time this consent is answered (signed, adopted, asked about, declined)."""
        if self.form is None or self._answered:
            return False
        self._answered = True
        return True

    @Slot()
    def _on_ask_clicked(self) -> None:
        if self.form is not None and self._answer_once():
            self.question_asked.emit(self.form.id)

    @Slot()
    def _on_disagree_clicked(self) -> None:
        if self.form is not None and self._answer_once():
            self.declined.emit(self.form.id)

    @Slot()
    def _on_sign_back_clicked(self) -> None:
        self._show_page(0)

    @Slot()
    def _on_clear_clicked(self) -> None:
        self.pad.clear()

    @Slot()
    def _update_sign_button(self) -> None:
        """Sign is enabled once there is a name and enough ink; while it is not, the button says what is missing."""
        enough = self.pad.has_enough_ink()
        named = bool(self.name.text().strip())
        why_not = tr("Type your name to continue") if not named else "" if enough else tr("Sign above to continue")
        offer(self.sign, tr("Sign"), why_not)
        self.adopt.setEnabled(named and self.visit_signature is not None)
        self.pad.set_notice("" if enough or self.pad.is_empty() else tr("Please sign a little more fully."))

    @Slot()
    def _on_sign_clicked(self) -> None:
        if self.form is None or not self.sign.isEnabled() or not self._answer_once():
            return
        png = self.pad.to_png()
        if self.adopted_preview.isHidden():
            # The next consent offers this signature: its picture is made now, while the signing is saved, rather
            # than while the next consent is shown (a preview in view keeps the signature it offers).
            picture = QPixmap()
            picture.loadFromData(png)
            self.adopted_preview.setPixmap(picture)
            self._preview_png = png
        self.signed.emit(
            SignedConsent(
                form_id=self.form.id,
                typed_name=" ".join(self.name.text().split()),
                strokes=self.pad.strokes(),
                png=png,
                reading_started_at=self.reading_started_at or self.clock(),
            )
        )

    @Slot()
    def _on_adopt_clicked(self) -> None:
        """ "Sign with my signature": this consent gets its own record of the signature drawn earlier."""
        signature = self.visit_signature
        if self.form is None or signature is None or not self.adopt.isEnabled() or not self._answer_once():
            return
        self.signed.emit(
            SignedConsent(
                form_id=self.form.id,
                typed_name=" ".join(self.name.text().split()),
                strokes=signature.strokes,
                png=signature.png,
                reading_started_at=self.reading_started_at or self.clock(),
                adopted=True,
            )
        )


def consent_question_screen() -> MessageScreen:
    """After "I have a question": staff are told, the patient goes on; the consent waits unsigned for them."""
    return MessageScreen(
        title=lambda: tr("We will answer your question"),
        message=lambda: tr(
            "A staff member will come and talk with you about this form. You can go on with your other forms "
            "while you wait. This form will wait for you, unsigned, until your question is answered."
        ),
        accept=lambda: tr("Continue"),
    )


def consent_declined_screen() -> MessageScreen:
    """After "I do not agree": no pressure, nothing lost; the front desk takes it from here."""
    return MessageScreen(
        title=lambda: tr("Thank you for telling us"),
        message=lambda: tr(
            "You do not have to sign this form. Please see the front desk: a staff member will talk with you "
            "about it and your choices. Everything you entered so far is saved."
        ),
        accept=lambda: tr("OK"),
    )
