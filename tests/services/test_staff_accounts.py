"""Staff accounts: hashed credentials, lockout after five failures, the shared and persistent PIN pad lock."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.services.backend import Backend
from kiosk.services.staff_accounts import (
    SignInError,
    StaffAccountError,
    create_staff_user,
    disable_user,
    enable_user,
    has_admin,
    list_staff_users,
    pin_pad_locked_for,
    reset_password,
    set_pin,
    sign_in,
    verify_kiosk_pin,
)
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry, StaffRole, StaffUser
from tests.identities import admin
from tests.services.conftest import BackendFactory, FakeClock

PASSWORD = "correct horse battery"


def add_user(backend: Backend, username: str = "dana", role: StaffRole = StaffRole.CLINICIAN) -> None:
    create_staff_user(backend, admin("setup"), username=username, display_name="Dana Lee", role=role, password=PASSWORD)


def audit_actions(backend: Backend) -> list[tuple[str, str, str]]:
    with unit_of_work(backend.db_factory) as db:
        return [(e.actor, e.action, e.detail) for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_first_start_has_no_admin_until_one_is_added(backend: Backend) -> None:
    assert has_admin(backend) is False
    add_user(backend, "front", StaffRole.FRONT_DESK)
    assert has_admin(backend) is False
    add_user(backend, "boss", StaffRole.ADMIN)
    assert has_admin(backend) is True


def test_sign_in_returns_who_it_is_and_stores_only_a_hash(backend: Backend) -> None:
    add_user(backend)
    identity = sign_in(backend, " Dana ", PASSWORD)
    assert (identity.username, identity.display_name, identity.role) == ("dana", "Dana Lee", StaffRole.CLINICIAN)
    assert identity.can_review and not identity.is_admin
    with unit_of_work(backend.db_factory) as db:
        stored = db.scalars(select(StaffUser.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert ("dana", "staff.sign_in", "") in audit_actions(backend)


def test_five_wrong_passwords_lock_the_account_for_five_minutes(backend: Backend, clock: FakeClock) -> None:
    add_user(backend)
    for _ in range(4):
        with pytest.raises(SignInError, match="not right") as caught:
            sign_in(backend, "dana", "wrong password")
        assert caught.value.locked_for is None
    with pytest.raises(SignInError, match="locked for 5 min") as caught:
        sign_in(backend, "dana", "wrong password")
    assert caught.value.locked_for is not None and caught.value.locked_for.total_seconds() == 300
    # Even the right password is refused while locked, and the message says how long to wait.
    clock.advance(minutes=4)
    with pytest.raises(SignInError, match="Try again in 1 min") as caught:
        sign_in(backend, "dana", PASSWORD)
    clock.advance(minutes=1, seconds=1)
    assert sign_in(backend, "dana", PASSWORD).username == "dana"
    actions = [action for _, action, _ in audit_actions(backend)]
    assert actions.count("staff.sign_in_failed") == 4
    assert actions.count("staff.locked") == 1
    assert "staff.sign_in_refused" in actions


def test_a_success_resets_the_count(backend: Backend) -> None:
    add_user(backend)
    for _ in range(4):
        with pytest.raises(SignInError):
            sign_in(backend, "dana", "wrong password")
    sign_in(backend, "dana", PASSWORD)
    for _ in range(4):
        with pytest.raises(SignInError, match="not right"):
            sign_in(backend, "dana", "wrong password")
    assert sign_in(backend, "dana", PASSWORD).username == "dana"


def test_an_admin_reset_unlocks_at_once(backend: Backend) -> None:
    add_user(backend)
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(backend, "dana", "wrong password")
    reset_password(backend, "dana", "a brand new password", staff=admin("boss"))
    assert sign_in(backend, "dana", "a brand new password").username == "dana"


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(backend: Backend) -> None:
    add_user(backend)
    with pytest.raises(SignInError) as unknown:
        sign_in(backend, "nobody", PASSWORD)
    with pytest.raises(SignInError) as wrong:
        sign_in(backend, "dana", "wrong password")
    assert str(unknown.value) == str(wrong.value)
    assert ("(unknown user)", "staff.sign_in_failed", "no such user") in audit_actions(backend)


def test_a_disabled_account_cannot_sign_in_until_enabled(backend: Backend) -> None:
    add_user(backend, "boss", StaffRole.ADMIN)
    add_user(backend)
    disable_user(backend, "dana", staff=admin("boss"))
    with pytest.raises(SignInError, match="disabled"):
        sign_in(backend, "dana", PASSWORD)
    enable_user(backend, "dana", staff=admin("boss"))
    assert sign_in(backend, "dana", PASSWORD).username == "dana"


def test_the_only_admin_cannot_be_disabled(backend: Backend) -> None:
    add_user(backend, "boss", StaffRole.ADMIN)
    with pytest.raises(StaffAccountError, match="only enabled admin"):
        disable_user(backend, "boss", staff=admin("boss"))


def test_account_rules_are_explained(backend: Backend) -> None:
    with pytest.raises(StaffAccountError, match="at least 8"):
        create_staff_user(
            backend, admin("x"), username="sam", display_name="Sam", role=StaffRole.ADMIN, password="short"
        )
    with pytest.raises(StaffAccountError, match="cannot be a username"):
        create_staff_user(
            backend, admin("x"), username="no spaces", display_name="Sam", role=StaffRole.ADMIN, password=PASSWORD
        )
    add_user(backend)
    with pytest.raises(StaffAccountError, match="taken"):
        add_user(backend)
    with pytest.raises(StaffAccountError, match="4 to 8 digits"):
        set_pin(backend, "dana", "12a4", staff=admin("x"))


def test_no_secret_reaches_the_audit_log(backend: Backend) -> None:
    add_user(backend)
    set_pin(backend, "dana", "4821", staff=admin("dana"))
    with pytest.raises(SignInError):
        sign_in(backend, "dana", "my secret guess")
    with pytest.raises(SignInError):
        verify_kiosk_pin(backend, "9999")
    for entry in audit_actions(backend):
        text = " ".join(entry)
        assert PASSWORD not in text and "4821" not in text and "my secret guess" not in text and "9999" not in text


def test_the_pin_pad_finds_the_user_by_pin(backend: Backend) -> None:
    add_user(backend, "dana")
    add_user(backend, "sam", StaffRole.FRONT_DESK)
    set_pin(backend, "dana", "4821", staff=admin("dana"))
    set_pin(backend, "sam", "123456", staff=admin("sam"))
    assert verify_kiosk_pin(backend, "123456").username == "sam"
    assert verify_kiosk_pin(backend, "4821").username == "dana"
    with pytest.raises(StaffAccountError, match="choose a different one"):
        set_pin(backend, "sam", "4821", staff=admin("sam"))
    assert [user.has_pin for user in list_staff_users(backend, admin())] == [True, True]


def test_five_wrong_pins_lock_this_tablets_pad_across_a_restart(make_backend: BackendFactory, clock: FakeClock) -> None:
    backend = make_backend()
    add_user(backend)
    set_pin(backend, "dana", "4821", staff=admin("dana"))
    for guess in ("0000", "1111", "2222", "3333"):
        with pytest.raises(SignInError, match="not right"):
            verify_kiosk_pin(backend, guess)
    with pytest.raises(SignInError, match="locked for 5 min"):
        verify_kiosk_pin(backend, "4444")
    backend.engine.dispose()

    restarted = make_backend(backend.data_dir)
    locked_for = pin_pad_locked_for(restarted)
    assert locked_for is not None and locked_for.total_seconds() == 300
    clock.advance(minutes=2)
    with pytest.raises(SignInError, match="Try again in 3 min") as caught:
        verify_kiosk_pin(restarted, "4821")  # the right PIN, but the pad is locked
    assert caught.value.locked_for is not None
    clock.advance(minutes=3)
    assert pin_pad_locked_for(restarted) is None
    assert verify_kiosk_pin(restarted, "4821").username == "dana"
    actions = [action for _, action, _ in audit_actions(restarted)]
    assert actions.count("staff.pin_failed") == 4
    assert actions.count("staff.pin_pad_locked") == 1
    assert actions[-1] == "staff.pin_unlock"


def test_a_right_pin_does_not_buy_more_guesses(backend: Backend) -> None:
    """A staff member's own PIN must not reset the count, or they could guess a colleague's PIN forever."""
    add_user(backend)
    set_pin(backend, "dana", "4821", staff=admin("dana"))
    for guess in ("0000", "1111", "2222", "3333"):
        with pytest.raises(SignInError):
            verify_kiosk_pin(backend, guess)
    assert verify_kiosk_pin(backend, "4821").username == "dana"
    with pytest.raises(SignInError, match="locked for 5 min"):
        verify_kiosk_pin(backend, "0000")


def test_wrong_pins_are_forgotten_after_a_quiet_quarter_hour(backend: Backend, clock: FakeClock) -> None:
    add_user(backend)
    set_pin(backend, "dana", "4821", staff=admin("dana"))
    for guess in ("0000", "1111", "2222", "3333"):
        with pytest.raises(SignInError):
            verify_kiosk_pin(backend, guess)
    clock.advance(minutes=15)
    with pytest.raises(SignInError, match="4 more wrong"):
        verify_kiosk_pin(backend, "0000")


def test_the_pad_lock_backs_off_5_15_60_minutes_and_is_audited(backend: Backend, clock: FakeClock) -> None:
    add_user(backend)
    set_pin(backend, "dana", "4821", staff=admin("dana"))
    for expected in ("5 min", "15 min", "60 min", "60 min"):
        for guess in ("0000", "1111", "2222", "3333"):
            with pytest.raises(SignInError, match="not right"):
                verify_kiosk_pin(backend, guess, "tablet-1")
        with pytest.raises(SignInError, match=f"locked for {expected}") as caught:
            verify_kiosk_pin(backend, "4444", "tablet-1")
        assert caught.value.locked_for is not None
        clock.advance(seconds=caught.value.locked_for.total_seconds() - 1)
        with pytest.raises(SignInError, match="Try again in 1 s"):
            verify_kiosk_pin(backend, "4821", "tablet-1")
        clock.advance(seconds=1)
    assert verify_kiosk_pin(backend, "4821", "tablet-1").username == "dana"
    locks = [detail for _, action, detail in audit_actions(backend) if action == "staff.pin_pad_locked"]
    assert locks == [
        "5 wrong PINs on tablet-1, locked for 5 min",
        "5 wrong PINs on tablet-1, locked for 15 min",
        "5 wrong PINs on tablet-1, locked for 60 min",
        "5 wrong PINs on tablet-1, locked for 60 min",
    ]
    # A day without a lock brings the pad back to the first, short step.
    clock.advance(hours=24)
    for guess in ("0000", "1111", "2222", "3333"):
        with pytest.raises(SignInError):
            verify_kiosk_pin(backend, guess, "tablet-1")
    with pytest.raises(SignInError, match="locked for 5 min"):
        verify_kiosk_pin(backend, "4444", "tablet-1")


def test_one_tablets_wrong_pins_never_lock_another_tablet(backend: Backend) -> None:
    add_user(backend, "dana")
    add_user(backend, "sam", StaffRole.FRONT_DESK)
    set_pin(backend, "dana", "4821", staff=admin("dana"))
    set_pin(backend, "sam", "123456", staff=admin("sam"))
    for guess in ("0000", "1111", "2222", "3333", "4444"):
        with pytest.raises(SignInError):
            verify_kiosk_pin(backend, guess, "tablet-1")
    assert pin_pad_locked_for(backend, "tablet-1") is not None
    assert pin_pad_locked_for(backend, "tablet-2") is None
    assert verify_kiosk_pin(backend, "4821", "tablet-2").username == "dana"
    assert verify_kiosk_pin(backend, "123456", "tablet-2").username == "sam"
    # Nobody's account was locked by the pad: passwords still work.
    assert sign_in(backend, "sam", PASSWORD).username == "sam"


def test_a_locked_password_locks_that_persons_pin_only(backend: Backend, clock: FakeClock) -> None:
    add_user(backend, "dana")
    add_user(backend, "sam", StaffRole.FRONT_DESK)
    set_pin(backend, "dana", "4821", staff=admin("dana"))
    set_pin(backend, "sam", "123456", staff=admin("sam"))
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(backend, "dana", "wrong password")
    # Dana's right PIN is answered (and counted) like a wrong one, so a guesser learns nothing from it.
    with pytest.raises(SignInError, match=r"That PIN is not right\. 4 more"):
        verify_kiosk_pin(backend, "4821", "tablet-1")
    assert verify_kiosk_pin(backend, "123456", "tablet-1").username == "sam"
    assert ("dana", "staff.pin_refused", "account locked, tablet-1") in audit_actions(backend)
    clock.advance(minutes=5)
    assert verify_kiosk_pin(backend, "4821", "tablet-1").username == "dana"


def test_a_disabled_users_pin_no_longer_opens_the_pad(backend: Backend) -> None:
    add_user(backend, "boss", StaffRole.ADMIN)
    add_user(backend)
    set_pin(backend, "dana", "4821", staff=admin("dana"))
    disable_user(backend, "dana", staff=admin("boss"))
    with pytest.raises(SignInError, match="not right"):
        verify_kiosk_pin(backend, "4821")
