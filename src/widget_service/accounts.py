"""Office accounts: create, grant, disable, check and change passwords — the one module
that imports argon2-cffi.

Passwords are hashed with Argon2id (the library's defaults, RFC 9106's second
recommendation); a hash made under older parameters is renewed at the next login. An
account reaches every alliance (``admin``), the alliances granted to it (``editor``), or
its own partner's projects and events (``partner``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .errors import NotFound, ValidationError
from .models import Alliance, Partner, Role, User
from .record_schema import Invalid, record_fields
from .timeutil import utcnow

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
# a one-time password made for a new account (or a reset) in the office: 20 characters
ONE_TIME_PASSWORD_BYTES = 15

_hasher = PasswordHasher()
# checked against when no account matches, so an unknown address costs the same time
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclasses.dataclass(frozen=True)
class AccountProblem:
    """Why an account cannot be created as asked: the field, a stable code the office
    words in the reader's language, and the English text the shell prints."""

    field: str  # email, password, role, partner
    code: str
    text: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.field}: {self.text}"


class AccountInvalid(ValidationError):
    """An account that cannot be created; ``found`` names each field's problem."""

    def __init__(self, found: list[AccountProblem]) -> None:
        super().__init__([str(problem) for problem in found])
        self.found = found


def one_time_password() -> str:
    """A random password for a new account, shown once; the person changes it after the
    first login."""
    return secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)


def hash_password(password: str) -> str:
    """The Argon2id hash of a password."""
    return _hasher.hash(password)


def password_problem(password: str) -> str | None:
    """Why a new password cannot be used, in English, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must have at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must have at most {MAX_PASSWORD_LENGTH} characters"
    return None


def find_user(session: Session, address: str) -> User | None:
    """The account with this address (case does not matter)."""
    return session.scalar(select(User).where(User.email == address.strip().lower()))


def check_login(session: Session, address: str, password: str) -> User | None:
    """The active account these credentials open, or None. Renews an outdated hash and
    notes the login; the caller commits."""
    user = find_user(session, address) if len(address) <= 254 else None
    if len(password) > MAX_PASSWORD_LENGTH:
        return None
    if user is None or not user.active:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def check_password(user: User, password: str) -> bool:
    """True when ``password`` is the account's current password."""
    try:
        return bool(_hasher.verify(user.password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every session issued before (the caller commits)."""
    problem = password_problem(new_password)
    if problem:
        raise ValidationError([f"password: {problem}"])
    user.password_hash = hash_password(new_password)
    user.session_epoch = (user.session_epoch or 0) + 1
    user.password_change_due = False


def create_user(
    session: Session,
    address: str,
    password: str,
    role: Role,
    *,
    alliances: list[str] | None = None,
    partner: str | None = None,
    one_time: bool = False,
) -> User:
    """Create an office account, committed; raise :class:`AccountInvalid` (a
    :class:`ValidationError`) for a bad address, password or reach, :class:`NotFound` for an
    unknown alliance or partner. The shell and the office both create accounts here."""
    problems: list[AccountProblem] = []
    try:
        checked = record_fields("alliances")["contact_email"].check(address)
    except Invalid as error:
        problems.append(AccountProblem("email", error.problem.code, str(error)))
        checked = None
    if not checked and not problems:
        problems.append(AccountProblem("email", "empty", "must not be empty"))
    problem = password_problem(password)
    if problem:
        problems.append(
            AccountProblem("password", "short", problem, {"count": MIN_PASSWORD_LENGTH})
        )
    if checked and find_user(session, checked):
        problems.append(
            AccountProblem("email", "account_exists", f"an account for {checked} exists already")
        )
    if role == Role.PARTNER and not partner:
        problems.append(
            AccountProblem("partner", "partner_needed", "a partner account needs --partner")
        )
    if role != Role.PARTNER and partner:
        problems.append(
            AccountProblem("partner", "partner_only", "only a partner account belongs to a partner")
        )
    if problems:
        raise AccountInvalid(problems)
    assert checked is not None
    user = User(
        email=checked.lower(),
        password_hash=hash_password(password),
        role=role,
        password_change_due=one_time,
    )
    if partner:
        user.partner = _partner(session, partner)
    user.alliances = [_alliance(session, slug) for slug in alliances or ()]
    session.add(user)
    session.commit()
    return user


def _alliance(session: Session, slug: str) -> Alliance:
    found = session.scalar(select(Alliance).where(Alliance.slug == slug))
    if found is None:
        raise NotFound("alliance", slug)
    return found


def _partner(session: Session, slug: str) -> Partner:
    found = session.scalar(select(Partner).where(Partner.slug == slug))
    if found is None:
        raise NotFound("partner", slug)
    return found


def grant(session: Session, address: str, alliance: str) -> User:
    """Let an account work for one more alliance, committed."""
    user = find_user(session, address)
    if user is None:
        raise NotFound("account", address)
    found = _alliance(session, alliance)
    if found not in user.alliances:
        user.alliances.append(found)
    session.commit()
    return user


def revoke(session: Session, address: str, alliance: str) -> User:
    """Let an account no longer work for one alliance, committed."""
    user = find_user(session, address)
    if user is None:
        raise NotFound("account", address)
    found = _alliance(session, alliance)
    if found in user.alliances:
        user.alliances.remove(found)
    session.commit()
    return user


def disable(session: Session, address: str) -> User:
    """Close an account: it can no longer log in and its sessions end at once, committed."""
    user = find_user(session, address)
    if user is None:
        raise NotFound("account", address)
    user.active = False
    user.session_epoch = (user.session_epoch or 0) + 1
    session.commit()
    return user


def enable(session: Session, address: str) -> User:
    """Open a disabled account again (with the password it had), committed."""
    user = find_user(session, address)
    if user is None:
        raise NotFound("account", address)
    user.active = True
    session.commit()
    return user


def reset_password(session: Session, address: str) -> tuple[User, str]:
    """Give an account a new one-time password, ending its sessions, committed; the
    password is returned once and stored only as its hash."""
    user = find_user(session, address)
    if user is None:
        raise NotFound("account", address)
    password = one_time_password()
    change_password(user, password)
    user.password_change_due = True
    session.commit()
    return user, password


def all_users(session: Session) -> list[User]:
    """Every account, by address, with its alliances and partner."""
    return list(
        session.scalars(
            select(User)
            .options(selectinload(User.alliances), selectinload(User.partner))
            .order_by(func.lower(User.email))
        )
    )


def describe(user: User) -> str:
    """One line about an account for ``users list``."""
    reach = (
        "every alliance"
        if user.role == Role.ADMIN
        else (
            f"partner {user.partner.slug}"
            if user.role == Role.PARTNER and user.partner
            else ", ".join(a.slug for a in user.alliances) or "no alliance yet"
        )
    )
    if user.role == Role.PARTNER and user.alliances:
        reach += " in " + ", ".join(a.slug for a in user.alliances)
    state = "active" if user.active else "disabled"
    last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
    return f"{user.id}  {user.email}  {user.role.value}  {state}  {reach}  last login {last}"
