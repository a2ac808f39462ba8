"""Which consents, questionnaires and checklist a visit needs, and in what order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.domain.forms import FormKind, Version
from kiosk.domain.loader import load_forms
from kiosk.domain.visit_needs import (
    ConsentReason,
    SignedConsent,
    check_visit_types,
    consent_order,
    consent_reason,
    consents_ready_to_sign,
    tasks_for_visit,
)
from kiosk.settings import load_settings
from tests.conftest import FORMS_DIR

NOW = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)


def test_first_visit_needs_every_consent_then_questionnaires_then_the_checklist(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    library = load_forms(FORMS_DIR)
    tasks = tasks_for_visit(settings.visit_type("im_ketamine"), library, [], NOW)
    # The consent to electronic signatures first, though the settings list it last: every other consent is
    # signed on the screen.
    assert settings.visit_type("im_ketamine").consents[-1] == "esign_consent"
    assert [(t.form_id, t.kind) for t in tasks] == [
        ("esign_consent", FormKind.CONSENT),
        ("consent_im_ketamine", FormKind.CONSENT),
        ("privacy_notice", FormKind.CONSENT),
        ("phq9", FormKind.QUESTIONNAIRE),
        ("gad7", FormKind.QUESTIONNAIRE),
        ("checklist_im_ketamine", FormKind.CHECKLIST),
    ]
    assert {t.reason for t in tasks if t.kind is FormKind.CONSENT} == {ConsentReason.NEVER_SIGNED}


def test_consents_signed_recently_are_not_asked_again(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    library = load_forms(FORMS_DIR)
    history = [
        SignedConsent(form_id, library.get(form_id).version, NOW - dt.timedelta(days=30))
        for form_id in ("consent_spravato", "privacy_notice", "esign_consent")
    ]
    tasks = tasks_for_visit(settings.visit_type("spravato"), library, history, NOW)
    assert [t.form_id for t in tasks] == ["phq9", "gad7", "checklist_spravato"]


def test_the_esign_consent_comes_first_wherever_it_is_listed() -> None:
    assert consent_order(["a", "b", "esign_consent"]) == ["esign_consent", "a", "b"]
    assert consent_order(["esign_consent", "a"]) == ["esign_consent", "a"]
    assert consent_order(["b", "a"]) == ["b", "a"]


def test_nothing_is_signed_on_the_screen_before_the_esign_consent() -> None:
    due = ["esign_consent", "treatment", "privacy"]
    assert consents_ready_to_sign(due, []) == ["esign_consent"]
    assert consents_ready_to_sign(due, ["treatment"]) == ["esign_consent"]
    assert consents_ready_to_sign(due, ["esign_consent"]) == ["treatment", "privacy"]
    assert consents_ready_to_sign(["treatment", "privacy"], ["privacy"]) == ["treatment"]
    assert consents_ready_to_sign(due, due) == []


def test_a_renewed_esign_consent_still_comes_before_the_others(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    library = load_forms(FORMS_DIR)
    # The treatment consent still holds; esign is asked again (expired): it comes before the privacy notice.
    history = [
        SignedConsent("consent_spravato", library.get("consent_spravato").version, NOW - dt.timedelta(days=30)),
        SignedConsent("esign_consent", library.get("esign_consent").version, NOW - dt.timedelta(days=400)),
    ]
    tasks = tasks_for_visit(settings.visit_type("spravato"), library, history, NOW)
    assert [t.form_id for t in tasks if t.kind is FormKind.CONSENT] == ["esign_consent", "privacy_notice"]


@pytest.mark.parametrize(
    ("signed", "reason"),
    [
        (None, ConsentReason.NEVER_SIGNED),
        (SignedConsent("c", Version(1, 0), NOW - dt.timedelta(days=10)), ConsentReason.NEW_VERSION),
        (SignedConsent("c", Version(2, 0), NOW - dt.timedelta(days=366)), ConsentReason.EXPIRED),
        (SignedConsent("c", Version(2, 0), NOW - dt.timedelta(days=364)), None),
        (SignedConsent("c", Version(2, 3), NOW - dt.timedelta(days=1)), None),
    ],
)
def test_consent_reasons(signed: SignedConsent | None, reason: ConsentReason | None) -> None:
    assert consent_reason(Version(2, 1), signed, 365, NOW) == reason


def test_a_minor_version_does_not_ask_again() -> None:
    signed = SignedConsent("c", Version(1, 0), NOW - dt.timedelta(days=1))
    assert consent_reason(Version(1, 4, 2), signed, 365, NOW) is None


def test_the_latest_signature_counts(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    library = load_forms(FORMS_DIR)
    version = library.get("privacy_notice").version
    history = [
        SignedConsent("privacy_notice", version, NOW - dt.timedelta(days=800)),
        SignedConsent("privacy_notice", version, NOW - dt.timedelta(days=5)),
    ]
    tasks = tasks_for_visit(settings.visit_type("integration"), library, history, NOW)
    assert "privacy_notice" not in [t.form_id for t in tasks]


def test_settings_naming_a_missing_form_are_reported(tmp_path: Path) -> None:
    text = (load_settings(tmp_path), (tmp_path / "settings.toml").read_text())[1]
    (tmp_path / "settings.toml").write_text(
        text.replace('questionnaires = ["phq9", "gad7"]', 'questionnaires = ["phq8", "consent_spravato"]', 1)
    )
    problems = check_visit_types(load_settings(tmp_path), load_forms(FORMS_DIR))
    assert "names form 'phq8', which is not in" in problems[0]
    assert "lists 'consent_spravato' as a questionnaire, but it is a consent" in problems[1]
    assert check_visit_types(load_settings(tmp_path / "fresh"), load_forms(FORMS_DIR)) == []
