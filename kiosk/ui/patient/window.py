"""The patient kiosk window: the controller that wires the screens, the flow and the services together.

Service calls run on the ServiceRunner's worker thread; the window moves on only when a call reports
back that its transaction is committed, so nothing the patient saw accepted can be lost. Any unexpected
failure shows "Please see the front desk" (never a traceback) and is logged in full; what the patient
entered before it stays saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTime, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.forms import pick
from kiosk.domain.statuses import FlagLevel
from kiosk.services.backend import Backend, LazyBackend, SetupError
from kiosk.settings import SettingsError
from kiosk.ui.i18n import LANGUAGE_NAMES, LanguageSwitch, tr
from kiosk.ui.patient.base import Screen, set_label
from kiosk.ui.patient.welcome import WelcomeScreen
from kiosk.ui.service_runner import ServiceRunner
from kiosk.ui.theme import apply_theme
from kiosk.ui.widgets.corner_gesture import HiddenCornerGesture
from kiosk.ui.widgets.idle_guard import IdleGuard
from kiosk.ui.widgets.idle_overlay import IdleOverlay
from kiosk.ui.widgets.input_guard import InputGuard
from kiosk.ui.widgets.read_aloud import ReadAloud, screen_words

if TYPE_CHECKING:
    from kiosk.services.checkin import CheckinResult
    from kiosk.services.intake import IntakeState
    from kiosk.ui.patient.answers_review import ReviewScreen
    from kiosk.ui.patient.consent import ConsentScreen, SignedConsent, VisitSignature
    from kiosk.ui.patient.flow import PatientFlow, Step
    from kiosk.ui.patient.identify import IdentifyScreen, Identity
    from kiosk.ui.patient.messages import AppointmentCardText, ConfirmScreen, MessageScreen
    from kiosk.ui.patient.question import AnswerBatch, QuestionScreen

log = logging.getLogger(__name__)

THANK_YOU_SECONDS = 20
MESSAGE_SECONDS = 45
REVIEW_ROWS_MS = 120
"""After a step is shown, Review's rows for the visit are made a few at a time this often (see ReviewScreen.prepare),
while the patient reads: a pause between rows, so no tap waits for more than a few of them."""


PREPARE_AFTER_MS = 400
"""How long after a screen is shown the kiosk starts laying out the next ones (the patient is reading it)."""

_ON_DEMAND_SCREENS = (
    "identify_screen",
    "confirm",
    "not_me",
    "front_desk",
    "already_done",
    "problem",
    "crisis",
    "thank_you",
    "consent",
    "consent_question",
    "consent_declined",
    "question",
    "review",
)
"""Made after Welcome's first paint (in this order) or when first needed, whichever comes first."""

ScreenT = TypeVar("ScreenT", bound=Screen)


class _OnDemand(Generic[ScreenT]):
    """A screen of the window made by `make(window)` the first time it is read, then an ordinary attribute."""

    def __init__(self, make: Callable[[PatientWindow], ScreenT]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, window: None, owner: type | None = None) -> _OnDemand[ScreenT]: ...
    @overload
    def __get__(self, window: PatientWindow, owner: type | None = None) -> ScreenT: ...
    def __get__(self, window: PatientWindow | None, owner: type | None = None) -> ScreenT | _OnDemand[ScreenT]:
        if window is None:
            return self
        screen = self._make(window)
        window.__dict__[self._name] = screen  # from now on found before this (non-data) descriptor
        window._add_screen(screen)
        return screen


class _FirstPaint(QObject):
    """Calls `then` once, after the first paint of `widget` has been handled."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._then)
        return False


@dataclass
class _Sitting:
    """Everything about the patient at the tablet now; dropped whole when they finish or walk away."""

    checkin: CheckinResult | None = None
    state: IntakeState | None = None
    flow: PatientFlow | None = None
    typed_name: str = ""
    """The name typed at check-in, filled in on each consent (the patient can change it)."""
    signature: VisitSignature | None = None
    """The signature drawn on a consent of this visit, offered for adoption on the later ones."""


class PatientWindow(QWidget):
    """The full-screen kiosk.

    Signals:
        submitted(int): an intake was submitted (its id); packets are made from this, in the background.
        staff_requested: the hidden corner gesture was completed; the owner asks for the staff PIN.
        screens_built: every screen is made (in the background, after Welcome's first paint and the database).
    """

    submitted = Signal(int)
    staff_requested = Signal()
    screens_built = Signal()

    def __init__(
        self, backend: Backend | LazyBackend, *, kiosk_mode: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.handle = backend if isinstance(backend, LazyBackend) else LazyBackend.of(backend)
        self.settings = self.handle.settings
        self.read_aloud = ReadAloud(self.settings.speech_engine, self)
        """Speaks the screen in view; started once Welcome is painted and the database open."""
        self.kiosk_mode = kiosk_mode
        self.allow_close = not kiosk_mode
        self.sitting = _Sitting()
        self.language = "en"
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))  # times say AM/PM
        self.large_text = False
        self.high_contrast = False
        self.runner = ServiceRunner(self)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.app = app
        self.language_switch = LanguageSwitch(app)
        self.setObjectName("patientWindow")
        self.setWindowTitle(self.settings.clinic_name)
        if kiosk_mode:
            # Full screen without a frame: no title bar button to close, minimise or move the kiosk.
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.staff_unlock: QObject | None = None
        self.packet_producer: QObject | None = None
        self._build()
        self.idle_guard = IdleGuard(
            None,  # the input guard's filter on the application passes it every input event
            quiet_seconds=self.settings.idle_seconds,
            countdown_seconds=self.settings.idle_countdown_seconds,
        )
        self.input_guard.also_notify = self.idle_guard.eventFilter
        self.idle_guard.timed_out.connect(self._on_idle_guard_timed_out)
        self.idle_guard.set_enabled(False)
        self.idle_overlay = IdleOverlay(self)
        self.idle_overlay.bind(self.idle_guard)
        self.corner_gesture = HiddenCornerGesture(self)
        self.corner_gesture.triggered.connect(self.staff_requested)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.end_sitting)
        self._review_rows_timer = QTimer(self)
        self._review_rows_timer.setSingleShot(True)
        self._review_rows_timer.setInterval(REVIEW_ROWS_MS)
        self._review_rows_timer.timeout.connect(self._make_review_rows)
        self.retranslate()
        self.show_screen(self.welcome)

    @property
    def backend(self) -> Backend:
        """The open backend; on the GUI thread it is open already (the first service call opened it)."""
        return self.handle.get()

    def open_backend_in_background(self) -> None:
        """Open the database on the worker now, so the first patient does not wait for it."""

        def opened(_: Backend) -> None:
            if self._welcome_painted:
                self._on_ready()

        def failed(error: Exception) -> None:
            # A failure the kiosk explains (an unreachable database, a lost key) is logged as that sentence;
            # anything else with its traceback, for whoever investigates. The patient sees the problem screen.
            explained = isinstance(error, SetupError | SettingsError)
            log.critical("The kiosk cannot open its data: %s", error, exc_info=None if explained else error)
            self.show_screen(self.problem)

        self.runner.submit(self.handle.get, opened, failed)

    # ----------------------------------------------------------------------------------- building

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # The screens arrange themselves for the window's shape (set_landscape); the window must not grow to
        # the largest arrangement's minimum, or a 1024x768 tablet would be pushed off its own screen.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        header = QWidget()
        header.setObjectName("kioskHeader")
        self.header_grid = QGridLayout(header)
        self.header_grid.setContentsMargins(24, 6, 24, 6)
        self.header_grid.setColumnStretch(0, 1)
        self.header_title = QLabel(self.settings.clinic_name)
        self.header_title.setAccessibleName(self.settings.clinic_name)
        # One line, shortened with "…" when the toggles leave it too little room: a header of two or three lines
        # took the height a question needs in large text. The full name is on Welcome and is the accessible name.
        self.header_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.header_title.setMinimumWidth(0)
        self._header_rows: list[tuple[QPushButton, ...]] = []
        self.language_button = self._header_button(self._on_language_button_clicked)
        self.read_aloud_button = self._header_button(self._on_read_aloud_button_clicked)
        self.read_aloud_button.setVisible(False)  # shown once a voice for the patient's language answers
        self.read_aloud.available_changed.connect(self._update_read_aloud_button)
        self.read_aloud.speaking_changed.connect(self._update_read_aloud_button)
        self.large_text_button = self._header_button(self._on_large_text_button_clicked, checkable=True)
        self.contrast_button = self._header_button(self._on_contrast_button_clicked, checkable=True)
        self.header_buttons = (
            self.read_aloud_button,
            self.large_text_button,
            self.contrast_button,
            self.language_button,
        )
        self._arrange_header()
        layout.addWidget(header)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # never ClickFocus: a tap on a key must not take the field's focus
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.input_guard = InputGuard(self.stack, self.settings.input_guard_ms, parent=self)
        self.app.installEventFilter(self.input_guard)

        self.welcome = WelcomeScreen(self.settings.clinic_name)
        self.welcome.start_requested.connect(self._on_welcome_start_requested)
        self._landscape = True
        self._built: list[Screen] = []
        self._welcome_painted = False
        self._screens_built_said = False
        self._add_screen(self.welcome)
        self._after_first_paint = _FirstPaint(self.welcome, self._on_welcome_first_painted)

    # Every other screen is made the first time it is needed, or else right after Welcome's first paint, one
    # per turn of the event loop: the kiosk paints Welcome without building, styling and laying out a
    # keyboard-laden identify screen, three consents' worth of widgets and the review first.

    def _add_screen(self, screen: Screen) -> None:
        screen.set_landscape(self._landscape)
        self.stack.addWidget(screen)
        self._built.append(screen)

    @property
    def screens(self) -> list[Screen]:
        """The screens made so far (a screen not yet made has nothing of any patient on it)."""
        return list(self._built)

    @property
    def all_screens_built(self) -> bool:
        return all(name in self.__dict__ for name in _ON_DEMAND_SCREENS)

    def _built_screens(self, *names: str) -> list[Screen]:
        """The named screens that exist, without making the others (for comparisons and language changes)."""
        return [self.__dict__[name] for name in names if name in self.__dict__]

    def _on_welcome_first_painted(self) -> None:
        """The other screens are made once the database is open: the first patient waits for neither."""
        self._welcome_painted = True
        if self.handle.is_open:
            self._on_ready()

    def _on_ready(self) -> None:
        """Welcome is painted and the database open: now the speech engine's probe (a child process that imports
        Qt) and the other screens, which before took the CPU that opening the database needs on a two-core tablet."""
        if self.settings.read_aloud:
            self.read_aloud.start()
        self._build_next_screen()

    def _build_next_screen(self) -> None:
        missing = [name for name in _ON_DEMAND_SCREENS if name not in self.__dict__]
        if missing:
            getattr(self, missing.pop(0))
        if missing:
            QTimer.singleShot(0, self, self._build_next_screen)
        elif not self._screens_built_said:
            self._screens_built_said = True
            self.screens_built.emit()  # in the same turn as the last screen: no tap comes between

    def _make_identify_screen(self) -> IdentifyScreen:
        from kiosk.ui.patient.identify import IdentifyScreen

        screen = IdentifyScreen()
        screen.today = lambda: self.handle.local_now().date()
        screen.identified.connect(self._on_identify_identified)
        screen.back_requested.connect(self.end_sitting)
        return screen

    def _make_confirm(self) -> ConfirmScreen:
        from kiosk.ui.patient.messages import confirm_screen

        screen = confirm_screen()
        screen.accepted.connect(self._on_confirm_accepted)
        screen.declined.connect(self._on_confirm_declined)
        return screen

    def _make_not_me(self) -> MessageScreen:
        from kiosk.ui.patient.messages import not_me_screen

        screen = not_me_screen()
        screen.accepted.connect(self._on_not_me_accepted)
        screen.declined.connect(self.end_sitting)
        return screen

    def _make_front_desk(self) -> MessageScreen:
        from kiosk.ui.patient.messages import front_desk_screen

        screen = front_desk_screen()
        screen.accepted.connect(self.end_sitting)
        return screen

    def _make_already_done(self) -> MessageScreen:
        from kiosk.ui.patient.messages import already_done_screen

        screen = already_done_screen()
        screen.accepted.connect(self.end_sitting)
        return screen

    def _make_problem(self) -> MessageScreen:
        from kiosk.ui.patient.messages import problem_screen

        screen = problem_screen()
        screen.accepted.connect(self.end_sitting)
        return screen

    def _make_crisis(self) -> MessageScreen:
        from kiosk.ui.patient.messages import crisis_screen

        settings = self.settings
        screen = crisis_screen(lambda: settings.crisis_message.get(self.language, settings.crisis_message["en"]))
        screen.accepted.connect(self._on_crisis_accepted)
        return screen

    def _make_thank_you(self) -> MessageScreen:
        from kiosk.ui.patient.messages import thank_you_screen

        screen = thank_you_screen()
        screen.accepted.connect(self.end_sitting)
        return screen

    def _make_consent(self) -> ConsentScreen:
        from kiosk.ui.patient.consent import ConsentScreen

        screen = ConsentScreen()
        screen.clock = self.handle.now
        screen.signed.connect(self._on_consent_signed)
        screen.back_requested.connect(self._on_back_requested)
        screen.question_asked.connect(self._on_consent_question_asked)
        screen.declined.connect(self._on_consent_declined)
        screen.page_changed.connect(self._on_consent_page_changed)
        return screen

    def _make_consent_question(self) -> MessageScreen:
        from kiosk.ui.patient.consent import consent_question_screen

        screen = consent_question_screen()
        screen.accepted.connect(self._on_consent_question_accepted)
        return screen

    def _make_consent_declined(self) -> MessageScreen:
        from kiosk.ui.patient.consent import consent_declined_screen

        screen = consent_declined_screen()
        screen.accepted.connect(self.end_sitting)
        return screen

    def _make_question(self) -> QuestionScreen:
        from kiosk.ui.patient.question import QuestionScreen

        screen = QuestionScreen()
        screen.answered.connect(self._on_question_answered)
        screen.skipped.connect(self._on_question_skipped)
        screen.back_requested.connect(self._on_back_requested)
        return screen

    def _make_review(self) -> ReviewScreen:
        from kiosk.ui.patient.answers_review import ReviewScreen

        screen = ReviewScreen()
        screen.change_requested.connect(self._on_review_change_requested)
        screen.submit_requested.connect(self._on_review_submit_requested)
        screen.back_requested.connect(self._on_back_requested)
        return screen

    identify_screen = _OnDemand(_make_identify_screen)
    confirm = _OnDemand(_make_confirm)
    not_me = _OnDemand(_make_not_me)
    front_desk = _OnDemand(_make_front_desk)
    already_done = _OnDemand(_make_already_done)
    problem = _OnDemand(_make_problem)
    crisis = _OnDemand(_make_crisis)
    thank_you = _OnDemand(_make_thank_you)
    consent = _OnDemand(_make_consent)
    consent_question = _OnDemand(_make_consent_question)
    consent_declined = _OnDemand(_make_consent_declined)
    question = _OnDemand(_make_question)
    review = _OnDemand(_make_review)

    def _arrange_header(self) -> None:
        """The clinic's name and the header's buttons on one row when the buttons fit the window's width; else the
        buttons on rows of their own under the name, as many to a row as fit (Spanish labels in larger text
        on a portrait tablet take two rows), so no label is ever cut."""
        shown = [button for button in self.header_buttons if not button.isHidden()]
        grid = self.header_grid
        spacing = max(grid.horizontalSpacing(), 0)
        margins = grid.contentsMargins()
        room = self.width() - margins.left() - margins.right()
        widths = [button.sizeHint().width() + spacing for button in shown]
        # The name gives way first (shortened, or left out when only a stub would show: _fit_header_title); the
        # buttons take a row of their own only when they alone do not fit, since a second row takes height a
        # question needs in larger text.
        title = 0
        rows: list[list[QPushButton]] = []
        if title + sum(widths) <= room:
            rows = [shown]
        else:
            used = room + 1
            for button, width in zip(shown, widths, strict=True):
                if used + width > room:
                    rows.append([])
                    used = 0
                rows[-1].append(button)
                used += width
            per_row = -(-len(shown) // len(rows))  # as even as the rows allow: two and two, not three and one
            even = [shown[start : start + per_row] for start in range(0, len(shown), per_row)]
            if len(even) == len(rows) and all(sum(b.sizeHint().width() + spacing for b in row) <= room for row in even):
                rows = even
        arrangement = [tuple(row) for row in rows]
        if arrangement == self._header_rows:
            return
        self._header_rows = arrangement
        for widget in (self.header_title, *self.header_buttons):
            grid.removeWidget(widget)
        one_row = len(rows) == 1 and title + sum(widths) <= room
        columns = 1 + max((len(row) for row in rows), default=0)
        grid.addWidget(self.header_title, 0, 0, 1, 1 if one_row else columns)
        for number, row in enumerate(rows, start=0 if one_row else 1):
            for column, button in enumerate(row, start=columns - len(row)):
                grid.addWidget(button, number, column)
        for button in self.header_buttons:
            if button.isHidden():
                grid.addWidget(button, 0, columns)  # kept in the header, hidden, until it is shown
        QTimer.singleShot(0, self, self._fit_header_title)  # the name's room changed: shorten it again

    def _header_button(self, slot: Callable[[], None], *, checkable: bool = False) -> QPushButton:
        widget = QPushButton()
        widget.setCheckable(checkable)
        widget.setMinimumHeight(56)
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        widget.clicked.connect(slot)
        return widget

    def retranslate(self) -> None:
        other = "es" if self.language == "en" else "en"
        set_label(self.language_button, LANGUAGE_NAMES[other])
        # A tick says the toggle is on, in words a patient can read (not only a pressed look).
        set_label(self.large_text_button, ("✓ " if self.large_text else "") + tr("Larger text"))
        set_label(self.contrast_button, ("✓ " if self.high_contrast else "") + tr("High contrast"))
        self._update_read_aloud_button()
        self._arrange_header()
        self.idle_overlay.set_texts(
            title=tr("Are you still there?"),
            message=tr("For your privacy, this screen will start over in"),
            button=tr("I'm still here"),
            saved=tr("Your answers are saved."),
            units=(tr("second"), tr("seconds")),
        )

    # ----------------------------------------------------------------------------------- navigation

    def show_screen(self, screen: Screen) -> None:
        self.input_guard.arm()
        self.read_aloud.stop()  # a new screen or question: what was being read is no longer in view
        if self.settings.read_aloud and screen is not self.welcome:
            self.read_aloud.start()  # if Welcome was left before its first paint had started it
        elif self.settings.read_aloud:
            self.read_aloud.ask_again()  # a speech engine too slow for the last patient may answer now
        self.stack.setCurrentWidget(screen)
        if screen not in self._built_screens("identify_screen", "consent", "question"):
            # No button starts out focused: on a touch screen a focus ring looks like an answer already chosen.
            # The window itself holds the focus (with none, activating the window hands it "by Tab" to the
            # first button: Start showed a ring at launch); Tab still reaches every control from here.
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        at_rest = screen is self.welcome
        self.idle_guard.set_enabled(not at_rest)
        self._message_timer.stop()
        if screen in self._built_screens("front_desk", "not_me", "already_done", "problem", "consent_declined"):
            self._message_timer.start(MESSAGE_SECONDS * 1000)
        elif screen in self._built_screens("thank_you"):
            self._message_timer.start(THANK_YOU_SECONDS * 1000)

    @Slot()
    def end_sitting(self) -> None:
        """Back to Welcome with nothing of the patient left on any screen; their answers stay saved."""
        self.runner.forget_pending()
        self.sitting = _Sitting()
        for screen in self.screens:
            screen.reset()
        self.idle_overlay.hide()
        if self.large_text or self.high_contrast:
            # The next patient meets the kiosk as it normally looks, never a black screen they did not choose.
            self.large_text = self.high_contrast = False
            self.large_text_button.setChecked(False)
            self.contrast_button.setChecked(False)
            apply_theme(self.app, large_text=False, high_contrast=False)
        if self.language != "en":
            self._set_language("en")
        self.retranslate()
        self.show_screen(self.welcome)

    def _run(self, job: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Run a service call on the worker; any failure ends at the front-desk screen."""
        sitting = self.sitting

        def done(result: Any) -> None:
            if sitting is self.sitting:  # the patient may have walked away meanwhile
                on_done(result)

        def failed(error: Exception) -> None:
            if sitting is self.sitting:
                log.error("A service call for the patient failed", exc_info=error)
                self.show_screen(self.problem)

        self.runner.submit(job, done, failed)

    def show_step(self, step: Step) -> None:
        from kiosk.ui.patient.flow import StepKind

        flow, state = self.sitting.flow, self.sitting.state
        assert flow is not None and state is not None
        forms = self.backend.forms
        if step.kind is StepKind.CONSENT:
            consents = [t for t in flow.tasks if t.kind.value == "consent"]
            number = next(i for i, t in enumerate(consents, start=1) if t.form_id == step.form_id)
            self.consent.show_consent(
                forms.get(step.form_id),
                self.language,
                number,
                len(consents),
                typed_name=self.sitting.typed_name,
                visit_signature=self.sitting.signature,
            )
            self.show_screen(self.consent)
        elif step.kind is StepKind.QUESTION:
            assert step.item_id is not None
            form = forms.get(step.form_id)
            self.input_guard.arm()  # a new question on the same screen is new to the patient too
            self.question.show_item(
                form,
                form.item(step.item_id),
                self.language,
                step.number,
                flow.part_of(form.id),
                dict(flow.answers.get(form.id, {})),
                first_visit=flow.first_visit,
                on_file=flow.on_file,
            )
            self.show_screen(self.question)
        elif step.kind is StepKind.CRISIS:
            self.show_screen(self.crisis)
        else:
            self.review.show_review(forms, flow, self.language)
            self.show_screen(self.review)
            return
        self._review_rows_timer.start()

    @Slot()
    def _make_review_rows(self) -> None:
        flow = self.sitting.flow
        if flow is not None and self.handle.is_open and not self.review.prepare(self.backend.forms, flow):
            self._review_rows_timer.start()

    # ----------------------------------------------------------------------------------- slots

    @Slot()
    def _on_welcome_start_requested(self) -> None:
        self.sitting = _Sitting()
        self.identify_screen.reset()
        self.show_screen(self.identify_screen)
        self._prepare_consents()

    def _prepare_consents(self) -> None:
        """Lay out the consents' texts in the patient's language and look while they check in, one per turn of the
        event loop (20-40 ms each on a tablet), so the first consent shows without laying out its pages. They start
        once the screen just shown is painted and read (started at once, the first took Identify's first paint)."""
        from kiosk.domain.forms import FormKind

        if not self.handle.is_open:
            return
        sitting, language = self.sitting, self.language
        pending = list(self.backend.forms.of_kind(FormKind.CONSENT))

        def next_one() -> None:
            if pending and sitting is self.sitting and language == self.language:
                self.consent.prepare(pending.pop(0), language)
                QTimer.singleShot(0, self, next_one)

        QTimer.singleShot(PREPARE_AFTER_MS, self, next_one)

    @Slot(object)
    def _on_identify_identified(self, identity: Identity) -> None:
        from kiosk.domain.typed_text import capitalize_name
        from kiosk.services.checkin import identify

        handle = self.handle
        self.sitting.typed_name = capitalize_name(" ".join(f"{identity.first_name} {identity.last_name}".split()))
        self._run(
            lambda: identify(handle.get(), identity.first_name, identity.last_name, identity.dob),
            self._on_checkin_result,
        )

    def _on_checkin_result(self, result: CheckinResult) -> None:
        self.sitting.checkin = result
        match = result.match
        if match is None:
            self.show_screen(self.front_desk)
            return
        starts = QTime(match.starts_at.hour, match.starts_at.minute)

        def card() -> AppointmentCardText:
            from kiosk.ui.patient.messages import AppointmentCardText

            # The same 12-hour clock as Welcome's, with AM/PM (Spanish: "8:30 a. m.").
            time = QLocale().toString(starts, tr("h:mm AP"))
            return AppointmentCardText(match.display_name, time, pick(match.visit_label, self.language))

        self.confirm.set_appointment(card)
        self.show_screen(self.confirm)

    @Slot()
    def _on_confirm_declined(self) -> None:
        # Nothing of the appointment found stays on screen: it was someone else's.
        self.sitting.checkin = None
        self.confirm.set_appointment(None)
        self.show_screen(self.not_me)

    @Slot()
    def _on_not_me_accepted(self) -> None:
        """Try again: what they typed stays, so a slip in the name or the date is mended, not typed anew."""
        self.show_screen(self.identify_screen)

    @Slot()
    def _on_confirm_accepted(self) -> None:
        checkin = self.sitting.checkin
        assert checkin is not None and checkin.match is not None
        from kiosk.services.intake import begin_intake

        handle, appointment_id, language = self.handle, checkin.match.appointment_id, self.language
        self._run(lambda: begin_intake(handle.get(), appointment_id, language), self._on_intake_begun)

    def _on_intake_begun(self, state: IntakeState) -> None:
        self.sitting.state = state
        if state.status.value != "draft":
            self.show_screen(self.already_done)
            return
        from kiosk.ui.patient.flow import PatientFlow

        flow = PatientFlow(
            self.backend.forms,
            state.tasks,
            state.answers,
            state.signed_consents,
            first_visit=state.first_visit,
            on_file=state.on_file,
        )
        self.sitting.flow = flow
        self.show_step(flow.resume())

    @Slot(object)
    def _on_consent_signed(self, signed: SignedConsent) -> None:
        state = self.sitting.state
        assert state is not None
        handle, intake_id = self.handle, state.intake_id

        def job() -> object:
            from kiosk.services.intake import sign_consent

            return sign_consent(
                handle.get(),
                intake_id,
                signed.form_id,
                typed_name=signed.typed_name,
                strokes=signed.strokes,
                signature_png=signed.png,
                reading_started_at=signed.reading_started_at,
                adopted=signed.adopted,
            )

        def done(_: object) -> None:
            flow = self.sitting.flow
            assert flow is not None
            if not signed.adopted:
                self.sitting.signature = signed.signature  # drawn here: the one the later consents offer
            flow.record_signed(signed.form_id)
            self.show_step(flow.advance())

        self._run(job, done)

    def _consent_title(self, form_id: str) -> Callable[[], str]:
        form = self.backend.forms.get(form_id)
        return lambda: pick(form.title, self.language)

    @Slot(str)
    def _on_consent_question_asked(self, form_id: str) -> None:
        """A flag for staff naming the consent; the patient goes on with the rest, the consent waits unsigned."""
        state = self.sitting.state
        assert state is not None
        handle, intake_id = self.handle, state.intake_id

        def job() -> object:
            from kiosk.services.intake import ask_about_consent

            return ask_about_consent(handle.get(), intake_id, form_id)

        def done(_: object) -> None:
            self.consent_question.set_detail(self._consent_title(form_id))
            self.show_screen(self.consent_question)

        self._run(job, done)

    @Slot(int)
    def _on_consent_page_changed(self, _page: int) -> None:
        self.read_aloud.stop()  # the consent's text gave way to the signing page, or back: no longer in view

    @Slot()
    def _on_consent_question_accepted(self) -> None:
        flow = self.sitting.flow
        assert flow is not None
        self.show_step(flow.leave_consent_unsigned())

    @Slot(str)
    def _on_consent_declined(self, form_id: str) -> None:
        """Recorded as declined (a hold for staff, audited); a kind screen asks the patient to see the front desk."""
        state = self.sitting.state
        assert state is not None
        handle, intake_id = self.handle, state.intake_id

        def job() -> object:
            from kiosk.services.intake import decline_consent

            return decline_consent(handle.get(), intake_id, form_id)

        def done(_: object) -> None:
            self.consent_declined.set_detail(self._consent_title(form_id))
            self.show_screen(self.consent_declined)

        self._run(job, done)

    @Slot(object)
    def _on_question_answered(self, batch: AnswerBatch) -> None:
        state = self.sitting.state
        assert state is not None
        handle, intake_id = self.handle, state.intake_id

        def job() -> list[object]:
            from kiosk.services.intake import record_answer

            backend = handle.get()
            return [
                record_answer(backend, intake_id, batch.form_id, item_id, value) for item_id, value in batch.answers
            ]

        def done(outcomes: list[Any]) -> None:
            flow = self.sitting.flow
            assert flow is not None
            for (item_id, _), outcome in zip(batch.answers, outcomes, strict=True):
                flow.record(batch.form_id, item_id, outcome.value)
            if batch.tapped and self.settings.answer_beat_ms:
                sitting = self.sitting
                QTimer.singleShot(self.settings.answer_beat_ms, self, lambda: self._advance_if(sitting))
            else:
                self.show_step(flow.advance())

        self._run(job, done)

    def _advance_if(self, sitting: _Sitting) -> None:
        if sitting is self.sitting and sitting.flow is not None:
            self.show_step(sitting.flow.advance())

    @Slot()
    def _on_question_skipped(self) -> None:
        flow = self.sitting.flow
        assert flow is not None
        self.show_step(flow.advance())

    @Slot()
    def _on_crisis_accepted(self) -> None:
        flow = self.sitting.flow
        assert flow is not None
        self.show_step(flow.advance())

    @Slot()
    def _on_back_requested(self) -> None:
        flow = self.sitting.flow
        if flow is None:
            return
        if not flow.can_go_back:
            self.show_screen(self.confirm)
            return
        self.show_step(flow.back())

    @Slot(str)
    def _on_review_change_requested(self, key: str) -> None:
        flow = self.sitting.flow
        assert flow is not None
        self.show_step(flow.go_to(key, from_review=True))

    @Slot()
    def _on_review_submit_requested(self) -> None:
        state = self.sitting.state
        assert state is not None
        from kiosk.services.intake import submit_intake

        handle, intake_id = self.handle, state.intake_id

        def done(submitted: IntakeState) -> None:
            # A hold is never a refusal and never advice: the patient is told, kindly, that someone will talk
            # with them; the staff board says why.
            held = any(flag.level is FlagLevel.HOLD and flag.cleared_at is None for flag in submitted.flags)
            flow = self.sitting.flow
            if flow is not None and flow.crisis_answer_given():
                from kiosk.ui.patient.messages import after_crisis_wording

                # Someone comes to them before anything else, the hold included; the crisis line stays in view.
                settings = self.settings
                self.thank_you.set_wording(after_crisis_wording())
                self.thank_you.set_detail(
                    lambda: settings.crisis_message.get(self.language, settings.crisis_message["en"])
                )
            else:
                self.thank_you.set_wording(None)
                self.thank_you.set_detail(
                    (
                        lambda: tr(
                            "A member of our team will talk with you about a few of your answers before your session."
                        )
                    )
                    if held
                    else None
                )
            self.show_screen(self.thank_you)
            self.submitted.emit(intake_id)

        self._run(lambda: submit_intake(handle.get(), intake_id), done)

    @Slot()
    def _on_idle_guard_timed_out(self) -> None:
        self.end_sitting()

    @Slot()
    def _on_language_button_clicked(self) -> None:
        language = "es" if self.language == "en" else "en"
        self._set_language(language)
        self._prepare_consents()
        state = self.sitting.state
        if state is not None and state.status.value == "draft":
            from kiosk.services.intake import set_language

            handle, intake_id = self.handle, state.intake_id
            self._run(lambda: set_language(handle.get(), intake_id, language), lambda _: None)

    def _set_language(self, language: str) -> None:
        self.read_aloud.stop()  # what was being read is in the other language, and the button changes with it
        self.language = language
        QLocale.setDefault(QLocale(QLocale.Language.Spanish if language == "es" else QLocale.Language.English))
        self.language_switch.set_language(language)
        for screen in self._built_screens("consent", "question", "review"):
            screen.set_language(language)  # type: ignore[attr-defined]
        self.retranslate()

    @Slot()
    def _update_read_aloud_button(self) -> None:
        can_read = self.settings.read_aloud and self.read_aloud.can_read(self.language)
        self.read_aloud_button.setVisible(can_read)
        set_label(self.read_aloud_button, tr("Stop reading") if self.read_aloud.speaking else tr("Read aloud"))
        self._arrange_header()

    @Slot()
    def _on_read_aloud_button_clicked(self) -> None:
        """Read the screen in view in the patient's language; a second tap while it reads stops it."""
        if self.read_aloud.speaking:
            self.read_aloud.stop()
            return
        screen = self.stack.currentWidget()
        if screen is not None:
            self.read_aloud.read(screen_words(screen), self.language)

    @Slot()
    def _on_large_text_button_clicked(self) -> None:
        self.large_text = self.large_text_button.isChecked()
        apply_theme(self.app, large_text=self.large_text, high_contrast=self.high_contrast)
        self.retranslate()
        self._prepare_consents()  # in the larger font

    @Slot()
    def _on_contrast_button_clicked(self) -> None:
        self.high_contrast = self.contrast_button.isChecked()
        apply_theme(self.app, large_text=self.large_text, high_contrast=self.high_contrast)
        self.retranslate()

    # ----------------------------------------------------------------------------------- kiosk mode

    def show_unexpected_error(self) -> None:
        """Called by the application's exception hook: the patient sees the front desk screen, not a traceback."""
        self.runner.forget_pending()
        self.show_screen(self.problem)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.allow_close:
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Finish the service calls already sent (nothing is lost), then stop the worker threads."""
        self.read_aloud.shutdown()
        self.idle_guard.uninstall()
        self.runner.shutdown()
        shutdown = getattr(self.packet_producer, "shutdown", None)
        if shutdown is not None:
            shutdown()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.kiosk_mode and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F4, Qt.Key.Key_F11):
            event.accept()  # a hardware keyboard must not leave kiosk mode
            return
        super().keyPressEvent(event)

    def _fit_header_title(self) -> None:
        name = self.settings.clinic_name
        width = self.header_title.width()
        metrics = self.header_title.fontMetrics()
        shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(width, 0))
        # A stub such as "Rivers…" says nothing: then the header shows only its buttons.
        self.header_title.setText(shown if shown == name or len(shown) >= 16 else "")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            QTimer.singleShot(0, self, self._fit_header_title)

    def resizeEvent(self, event: QResizeEvent) -> None:
        QTimer.singleShot(0, self, self._fit_header_title)  # once the header row has laid out its new width
        landscape = event.size().width() >= event.size().height() * 1.1
        self._landscape = landscape
        self._arrange_header()
        for screen in self.screens:
            screen.set_landscape(landscape)
        super().resizeEvent(event)
