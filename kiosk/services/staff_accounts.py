"""Staff accounts: who may use the console, with which role, and how they prove it.

Passwords and PINs are stored only as argon2id hashes. Five wrong passwords in a row lock an account for
five minutes; five wrong PINs in a row lock the tablet's PIN pad for five minutes. The PIN pad cannot know
who is typing, so its count is shared by all users and kept in the database (store_meta), where a restart
of the kiosk does not reset it and every tablet of a PostgreSQL clinic shares it. Every sign-in, failure,
lock and account change is audited; no password or PIN ever reaches the log.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import math
import platform
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.domain.refusals import RefusedError
from kiosk.domain.typed_text import MAX_LABEL_LENGTH, TypedTextError, check_characters, clean_typed_text
from kiosk.services.backend import Backend
from kiosk.services.permissions import Permission, require

# Defined beside the role rules; re-exported here, where sign-in hands it out.
from kiosk.services.permissions import StaffIdentity as StaffIdentity  # noqa: PLC0414
from kiosk.store.audit import append_audit
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.models import StaffRole, StaffUser, StoreMeta

log = logging.getLogger(__name__)

# argon2id with 32 MiB and 2 passes: one verify takes about 40 ms on the 2-core reference machine
# (measured: 38-45 ms), inside the 50 ms budget, and above OWASP's minimum (19 MiB, 2 passes).
HASHER = PasswordHasher(time_cost=2, memory_cost=32 * 1024, parallelism=1, hash_len=32, salt_len=16)

MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = dt.timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
PIN_PATTERN = re.compile(r"^[0-9]{4,8}$")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PIN_PAD_META = "pin_pad_lock"
UNKNOWN_ACTOR = "(unknown user)"
PIN_PAD_ACTOR = "kiosk-pin-pad"


# Verifying against this when the username is unknown makes a wrong name cost as long as a wrong password.
@functools.cache
def _dummy_hash() -> str:
    """Made on first use, not at import: hashing costs 40 ms and 32 MiB, which the kiosk's start should not pay."""
    return HASHER.hash("not a real password")


class StaffAccountError(RefusedError, ValueError):
    """An account change that cannot be made, said so the admin knows what to change."""


class SignInError(RefusedError):
    """A refused sign-in; the message is shown to the person at the screen as it is.

    ``locked_for`` is how long the account (or the PIN pad) stays locked, when that is the reason.
    """

    def __init__(self, message: str, locked_for: dt.timedelta | None = None) -> None:
        super().__init__(message)
        self.locked_for = locked_for


@dataclass(frozen=True, slots=True)
class StaffUserView:
    """One account as the admin's list shows it."""

    user_id: int
    username: str
    display_name: str
    role: StaffRole
    disabled: bool
    has_pin: bool
    locked_until: dt.datetime | None
    created_at: dt.datetime
    last_signed_in_at: dt.datetime | None = None


def describe_wait(remaining: dt.timedelta) -> str:
    """'4 min 10 s' / '35 s': how long a lock still lasts, in words staff read at a glance."""
    seconds = max(1, math.ceil(remaining.total_seconds()))
    minutes, seconds = divmod(seconds, 60)
    if minutes and seconds:
        return f"{minutes} min {seconds} s"
    return f"{minutes} min" if minutes else f"{seconds} s"


def _identity(user: StaffUser) -> StaffIdentity:
    return StaffIdentity(
        user_id=user.id, username=user.username, display_name=user.display_name, role=StaffRole(user.role)
    )


def _verify(stored_hash: str, secret: str) -> bool:
    try:
        return HASHER.verify(stored_hash, secret)
    except VerificationError:
        return False
    except InvalidHashError:
        log.error("a stored staff credential hash is not a valid argon2 hash; it can never match")
        return False


def _is_text(value: str, max_length: int) -> bool:
    """Whether `value` could be a stored username or password at all (not huge, no lone surrogate)."""
    try:
        check_characters(value[: max_length + 1], what="value")
    except TypedTextError:
        return False
    return len(value) <= max_length


def _normalized_username(username: str) -> str:
    return username.strip().lower()


MAX_PASSWORD_LENGTH = 1024


def _check_password(username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffAccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise StaffAccountError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.")
    try:
        check_characters(password, what="password")
    except TypedTextError as error:
        raise StaffAccountError(f"{error.sentence()}; choose another password.") from None
    if password.strip().lower() == username:
        raise StaffAccountError("The password must not be the username.")


def _user(db: Session, username: str) -> StaffUser:
    name = _normalized_username(username)
    user = db.scalars(select(StaffUser).where(StaffUser.username == name)).first()
    if user is None:
        raise StaffAccountError(f"There is no staff account named {name!r}. `kiosk staff-user list` shows them all.")
    return user


# ------------------------------------------------------------------------------------------ accounts


def has_admin(backend: Backend) -> bool:
    """Whether an enabled admin account exists; when not, the console starts the first-start wizard."""
    with unit_of_work(backend.db_factory) as db:
        count = db.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == StaffRole.ADMIN.value, StaffUser.disabled.is_(False))
        )
        return bool(count)


def create_staff_user(
    backend: Backend,
    staff: StaffIdentity | None,
    *,
    username: str,
    display_name: str,
    role: StaffRole,
    password: str,
    first_admin_by: str | None = None,
) -> StaffIdentity:
    """Add an account, as an admin (`staff`). Usernames are lower case letters, digits, '.', '_' or '-', 2 to
    64 long.

    The clinic's very first admin has nobody to sign in as: with `staff` None an admin account is added only
    while no enabled admin exists, and the audit names `first_admin_by` (the first-start wizard, the command
    line); anything else is refused like a role that may not manage accounts.
    """
    if staff is not None:
        require(staff, Permission.MANAGE_ACCOUNTS)
        actor = staff.username
    else:
        if role is not StaffRole.ADMIN or has_admin(backend):
            raise StaffAccountError(
                "Only the clinic's first admin can be added without an admin signed in; sign in as an admin."
            )
        actor = first_admin_by or "first admin"
    name = _normalized_username(username)
    if not USERNAME_PATTERN.match(name):
        raise StaffAccountError(
            f"{username!r} cannot be a username: use 2 to 64 lower case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit."
        )
    try:
        shown_name = clean_typed_text(display_name, what="name as staff see it", max_length=MAX_LABEL_LENGTH)
    except TypedTextError as error:
        raise StaffAccountError(f"{error.sentence()}.") from None
    if not shown_name:
        raise StaffAccountError('Give the person\'s name as staff should see it, e.g. --name "Dr. Dana Lee".')
    _check_password(name, password)
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        if db.scalars(select(StaffUser.id).where(StaffUser.username == name)).first() is not None:
            raise StaffAccountError(f"The username {name!r} is taken; choose another one.")
        user = StaffUser(
            username=name,
            display_name=shown_name,
            role=StaffRole(role).value,
            password_hash=HASHER.hash(password),
            pin_hash=None,
            failed_attempts=0,
            locked_until=None,
            disabled=False,
            created_at=now,
        )
        db.add(user)
        db.flush()
        append_audit(db, at=now, actor=actor, action="staff.create", detail=f"user {name} role {user.role}")
        return _identity(user)


def list_staff_users(backend: Backend, staff: StaffIdentity) -> tuple[StaffUserView, ...]:
    """Every account, for the admin's list (the audit view names people from it as well)."""
    require(staff, Permission.MANAGE_ACCOUNTS)
    with unit_of_work(backend.db_factory) as db:
        return tuple(
            StaffUserView(
                user_id=user.id,
                username=user.username,
                display_name=user.display_name,
                role=StaffRole(user.role),
                disabled=user.disabled,
                has_pin=user.pin_hash is not None,
                locked_until=user.locked_until,
                created_at=user.created_at,
                last_signed_in_at=user.last_signed_in_at,
            )
            for user in db.scalars(select(StaffUser).order_by(StaffUser.username))
        )


def reset_password(backend: Backend, username: str, new_password: str, staff: StaffIdentity) -> None:
    """Set a new password; this also lifts a lock, so an admin can let a locked-out colleague back in."""
    require(staff, Permission.MANAGE_ACCOUNTS)
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        user = _user(db, username)
        _check_password(user.username, new_password)
        user.password_hash = HASHER.hash(new_password)
        user.failed_attempts = 0
        user.locked_until = None
        append_audit(db, at=now, actor=staff.username, action="staff.password_reset", detail=f"user {user.username}")


def _enabled_admins(db: Session) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == StaffRole.ADMIN.value, StaffUser.disabled.is_(False))
        )
        or 0
    )


def disable_user(backend: Backend, username: str, staff: StaffIdentity) -> None:
    """Stop an account from signing in (by password or PIN); its history stays in the audit log."""
    require(staff, Permission.MANAGE_ACCOUNTS)
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        user = _user(db, username)
        if user.disabled:
            raise StaffAccountError(f"The account {user.username!r} is already disabled.")
        if user.role == StaffRole.ADMIN.value and _enabled_admins(db) <= 1:
            raise StaffAccountError(
                f"{user.username!r} is the only enabled admin; add another admin first, or nobody could manage "
                "accounts any more."
            )
        user.disabled = True
        append_audit(db, at=now, actor=staff.username, action="staff.disable", detail=f"user {user.username}")


def enable_user(backend: Backend, username: str, staff: StaffIdentity) -> None:
    require(staff, Permission.MANAGE_ACCOUNTS)
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        user = _user(db, username)
        if not user.disabled:
            raise StaffAccountError(f"The account {user.username!r} is not disabled.")
        user.disabled = False
        user.failed_attempts = 0
        user.locked_until = None
        append_audit(db, at=now, actor=staff.username, action="staff.enable", detail=f"user {user.username}")


def set_pin(backend: Backend, username: str, pin: str, staff: StaffIdentity) -> None:
    """Give a user a 4-8 digit PIN for the tablet's hidden PIN pad.

    Two enabled users may not share a PIN, or the audit could not say who unlocked the tablet.
    """
    require(staff, Permission.MANAGE_ACCOUNTS)
    if not PIN_PATTERN.match(pin):
        raise StaffAccountError("A PIN is 4 to 8 digits (0-9), nothing else.")
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        user = _user(db, username)
        others = db.scalars(
            select(StaffUser.pin_hash).where(
                StaffUser.id != user.id, StaffUser.disabled.is_(False), StaffUser.pin_hash.is_not(None)
            )
        )
        if any(_verify(other, pin) for other in others if other is not None):
            raise StaffAccountError("This PIN cannot be used; choose a different one.")
        user.pin_hash = HASHER.hash(pin)
        append_audit(db, at=now, actor=staff.username, action="staff.pin_set", detail=f"user {user.username}")


# ------------------------------------------------------------------------------------------ sign-in


def sign_in(backend: Backend, username: str, password: str) -> StaffIdentity:
    """Check a username and password; raise SignInError saying what the person can do about a refusal."""
    if not (_is_text(username, 256) and _is_text(password, MAX_PASSWORD_LENGTH)):
        username = password = ""  # no account has such a name or password: refused like an unknown user
    name = _normalized_username(username)
    now = backend.now()
    refusal: SignInError | None = None
    identity: StaffIdentity | None = None
    with unit_of_work(backend.db_factory) as db:
        user = db.scalars(select(StaffUser).where(StaffUser.username == name)).first()
        if user is None:
            _verify(_dummy_hash(), password)
            append_audit(db, at=now, actor=UNKNOWN_ACTOR, action="staff.sign_in_failed", detail="no such user")
            refusal = SignInError(_wrong_password_message())
        elif user.locked_until is not None and user.locked_until > now:
            remaining = user.locked_until - now
            append_audit(db, at=now, actor=user.username, action="staff.sign_in_refused", detail="locked")
            refusal = SignInError(
                f"This account is locked after {MAX_FAILED_ATTEMPTS} wrong passwords. Try again in "
                f"{describe_wait(remaining)}, or ask an admin to reset the password.",
                locked_for=remaining,
            )
        elif not _verify(user.password_hash, password):
            user.failed_attempts += 1
            if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
                user.failed_attempts = 0
                user.locked_until = now + LOCK_DURATION
                append_audit(
                    db,
                    at=now,
                    actor=user.username,
                    action="staff.locked",
                    detail=f"{MAX_FAILED_ATTEMPTS} wrong passwords in a row",
                )
                refusal = SignInError(
                    f"That was the {MAX_FAILED_ATTEMPTS}th wrong password in a row, so this account is locked for "
                    f"{describe_wait(LOCK_DURATION)}. An admin can reset the password to unlock it sooner.",
                    locked_for=LOCK_DURATION,
                )
            else:
                append_audit(
                    db,
                    at=now,
                    actor=user.username,
                    action="staff.sign_in_failed",
                    detail=f"wrong password ({user.failed_attempts} in a row)",
                )
                refusal = SignInError(_wrong_password_message())
        elif user.disabled:
            append_audit(db, at=now, actor=user.username, action="staff.sign_in_refused", detail="disabled")
            refusal = SignInError("This account is disabled. Ask a clinic admin to enable it.")
        else:
            user.failed_attempts = 0
            user.locked_until = None
            if HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = HASHER.hash(password)
            user.last_signed_in_at = now
            append_audit(db, at=now, actor=user.username, action="staff.sign_in")
            identity = _identity(user)
    # Raised after the unit of work commits, so the failure count and its audit entry are kept.
    if refusal is not None:
        raise refusal
    assert identity is not None
    return identity


def _wrong_password_message() -> str:
    return (
        "The username or password is not right; check Caps Lock and try again. After "
        f"{MAX_FAILED_ATTEMPTS} wrong tries in a row an account locks for {describe_wait(LOCK_DURATION)}."
    )


# Each lock of one tablet's PIN pad lasts longer than the last, up to an hour; the level drops back to the
# first step only after a day without a lock. Wrong PINs are forgotten after PIN_FAILURE_WINDOW without one,
# never by a right PIN: otherwise a staff member could buy four more guesses at a colleague's PIN with
# their own PIN, over and over.
PIN_LOCK_STEPS = (dt.timedelta(minutes=5), dt.timedelta(minutes=15), dt.timedelta(hours=1))
PIN_FAILURE_WINDOW = dt.timedelta(minutes=15)
PIN_LEVEL_RESET = dt.timedelta(hours=24)


def this_device() -> str:
    """The tablet's name, which keys its own PIN pad counter (one tablet's lock never locks another)."""
    return platform.node() or "this-tablet"


@dataclass(frozen=True, slots=True)
class PinPadState:
    """One tablet's PIN pad counter as stored in store_meta (row ``pin_pad_lock:<device>``).

    ``level`` is how many locks in a row the pad has had (the next lock lasts PIN_LOCK_STEPS[level]);
    ``last_failure`` and ``last_lock`` let failures and the level expire with time.
    """

    failures: int
    locked_until: dt.datetime | None
    level: int = 0
    last_failure: dt.datetime | None = None
    last_lock: dt.datetime | None = None

    def to_json(self) -> str:
        def iso(value: dt.datetime | None) -> str | None:
            return value.astimezone(dt.UTC).isoformat() if value else None

        return json.dumps(
            {
                "failures": self.failures,
                "locked_until": iso(self.locked_until),
                "level": self.level,
                "last_failure": iso(self.last_failure),
                "last_lock": iso(self.last_lock),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> PinPadState:
        def when(raw: dict[str, object], name: str) -> dt.datetime | None:
            value = raw.get(name)
            return dt.datetime.fromisoformat(str(value)) if value else None

        try:
            raw = json.loads(text)
            return cls(
                failures=int(raw.get("failures", 0)),
                locked_until=when(raw, "locked_until"),
                level=min(int(raw.get("level", 0)), len(PIN_LOCK_STEPS) - 1),
                last_failure=when(raw, "last_failure"),
                last_lock=when(raw, "last_lock"),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            # An unreadable counter must not give a guesser a fresh start: one more wrong PIN locks the pad.
            log.error("the stored PIN pad counter %r is unreadable; one more wrong PIN will lock the pad", text)
            return cls(failures=MAX_FAILED_ATTEMPTS - 1, locked_until=None, level=len(PIN_LOCK_STEPS) - 1)

    def aged(self, now: dt.datetime) -> PinPadState:
        """The counter as time has left it: old failures forgotten, the backoff level reset after a calm day."""
        failures = self.failures
        if self.last_failure is None or now - self.last_failure >= PIN_FAILURE_WINDOW:
            failures = 0
        level = self.level
        if self.last_lock is None or now - self.last_lock >= PIN_LEVEL_RESET:
            level = 0
        return PinPadState(failures, self.locked_until, level, self.last_failure, self.last_lock)


def _pin_pad_name(device: str) -> str:
    return f"{PIN_PAD_META}:{device}"[:64]


def _pin_pad_row(db: Session, device: str) -> StoreMeta:
    name = _pin_pad_name(device)
    row = db.get(StoreMeta, name, with_for_update=True)
    if row is None:
        row = StoreMeta(name=name, value=PinPadState(0, None).to_json())
        db.add(row)
        db.flush()
    return row


def pin_pad_locked_for(backend: Backend, device: str | None = None) -> dt.timedelta | None:
    """How long this tablet's PIN pad stays locked, or None: the tablet shows it before anyone types."""
    now = backend.now()
    with read_only_unit_of_work(backend.db_factory) as db:
        row = db.get(StoreMeta, _pin_pad_name(device or this_device()))
        state = PinPadState.from_json(row.value) if row is not None else PinPadState(0, None)
    if state.locked_until is not None and state.locked_until > now:
        return state.locked_until - now
    return None


def verify_kiosk_pin(backend: Backend, pin: str, device: str | None = None) -> StaffIdentity:
    """The staff member whose PIN this is; SignInError (with the remaining lock time, if any) otherwise.

    Wrong PINs count against this tablet only (``device``, by default this computer's name), with a
    longer lock each time (PIN_LOCK_STEPS). A right PIN whose holder's account is locked (by wrong
    passwords) is refused and counted like a wrong PIN: the person is locked whichever way they come in.
    """
    where = device or this_device()
    now = backend.now()
    refusal: SignInError | None = None
    identity: StaffIdentity | None = None
    with unit_of_work(backend.db_factory) as db:
        row = _pin_pad_row(db, where)
        state = PinPadState.from_json(row.value).aged(now)
        if state.locked_until is not None and state.locked_until > now:
            remaining = state.locked_until - now
            append_audit(
                db, at=now, actor=PIN_PAD_ACTOR, action="staff.pin_refused", detail=f"PIN pad locked on {where}"
            )
            refusal = SignInError(
                f"The PIN pad is locked after {MAX_FAILED_ATTEMPTS} wrong PINs. Try again in "
                f"{describe_wait(remaining)}.",
                locked_for=remaining,
            )
        else:
            match = None
            if PIN_PATTERN.match(pin):
                candidates = db.scalars(
                    select(StaffUser)
                    .where(StaffUser.disabled.is_(False), StaffUser.pin_hash.is_not(None))
                    .order_by(StaffUser.id)
                )
                match = next((user for user in candidates if user.pin_hash and _verify(user.pin_hash, pin)), None)
            if match is not None and match.locked_until is not None and match.locked_until > now:
                # Answered exactly like a wrong PIN, and counted as one: telling a guesser "right PIN, but
                # locked" would hand them the PIN for later. The audit log names the holder for staff.
                append_audit(
                    db, at=now, actor=match.username, action="staff.pin_refused", detail=f"account locked, {where}"
                )
                match = None
            if match is not None:
                row.value = state.to_json()
                match.last_signed_in_at = now
                append_audit(db, at=now, actor=match.username, action="staff.pin_unlock", detail=where)
                identity = _identity(match)
            else:
                failures = state.failures + 1
                if failures >= MAX_FAILED_ATTEMPTS:
                    duration = PIN_LOCK_STEPS[state.level]
                    row.value = PinPadState(
                        0, now + duration, min(state.level + 1, len(PIN_LOCK_STEPS) - 1), None, now
                    ).to_json()
                    append_audit(
                        db,
                        at=now,
                        actor=PIN_PAD_ACTOR,
                        action="staff.pin_pad_locked",
                        detail=f"{MAX_FAILED_ATTEMPTS} wrong PINs on {where}, locked for {describe_wait(duration)}",
                    )
                    refusal = SignInError(
                        f"{MAX_FAILED_ATTEMPTS} wrong PINs: the PIN pad is locked for {describe_wait(duration)}.",
                        locked_for=duration,
                    )
                else:
                    row.value = PinPadState(failures, None, state.level, now, state.last_lock).to_json()
                    append_audit(
                        db,
                        at=now,
                        actor=PIN_PAD_ACTOR,
                        action="staff.pin_failed",
                        detail=f"wrong PIN ({failures} on {where})",
                    )
                    left = MAX_FAILED_ATTEMPTS - failures
                    refusal = SignInError(f"That PIN is not right. {left} more wrong PIN(s) lock the pad.")
    if refusal is not None:
        raise refusal
    assert identity is not None
    return identity
