"""Sign-in, the login rate limit, device tokens and who is calling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kamdesk.models import User, new_id, utcnow
from kamdesk.models.enums import Role
from kamdesk.server.errors import ApiError, unauthorized
from kamdesk.server.security import Passwords, new_token, token_hash
from kamdesk.server.settings import ServerSettings
from kamdesk.server.tables import Credential, Device, LoginAttempt

LAST_SEEN_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class Caller:
    """The signed-in user behind a request, and the device their token belongs to."""

    user_id: str
    username: str
    display_name: str
    role: Role
    team_id: str | None
    device_id: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR


@dataclass(frozen=True)
class IssuedToken:
    token: str
    device_id: str
    user: User


def _too_many(session: Session, column: object, value: str, since: datetime, limit: int) -> bool:
    count = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(column == value, LoginAttempt.attempted_at >= since)
    )
    return (count or 0) >= limit


def login(
    session: Session,
    settings: ServerSettings,
    passwords: Passwords,
    *,
    username: str,
    password: str,
    device_name: str,
    address: str,
) -> IssuedToken | None:
    """Check the password and issue a new device token. A failure is recorded for the rate limit
    and gives None, so the caller commits the attempt before answering 401.

    The limit is checked before the password, so a locked-out username cannot be probed."""
    now = utcnow()
    since = now - timedelta(seconds=settings.login_window_seconds)
    retry = {"Retry-After": str(settings.login_window_seconds)}
    if _too_many(session, LoginAttempt.username, username, since, settings.login_max_failures_per_user) or (
        _too_many(session, LoginAttempt.address, address, since, settings.login_max_failures_per_address)
    ):
        raise ApiError(
            429,
            "too_many_attempts",
            "Too many failed sign-ins; wait before trying again.",
            {"retry_after_seconds": settings.login_window_seconds},
            headers=retry,
        )
    user = session.scalar(select(User).where(User.username == username, User.deleted.is_(False)))
    credential = session.get(Credential, user.id) if user is not None else None
    stored = credential.password_hash if credential is not None and not credential.disabled else None
    if not passwords.verify(stored, password) or user is None:
        session.add(LoginAttempt(username=username, address=address, attempted_at=now))
        return None
    token = new_token()
    device = Device(
        id=new_id(),
        user_id=user.id,
        name=device_name,
        token_hash=token_hash(token),
        created_at=now,
        last_seen_at=now,
        last_address=address,
    )
    session.add(device)
    return IssuedToken(token=token, device_id=device.id, user=user)


BAD_CREDENTIALS = ApiError(401, "bad_credentials", "Unknown username or wrong password.")


def authenticate(session: Session, token: str | None, address: str | None = None) -> Caller:
    """The caller for a bearer token; unknown or revoked tokens and disabled users get 401."""
    if not token:
        raise unauthorized()
    row = session.execute(
        select(Device, User, Credential)
        .join(User, User.id == Device.user_id)
        .join(Credential, Credential.user_id == User.id)
        .where(Device.token_hash == token_hash(token))
    ).first()
    if row is None:
        raise unauthorized()
    device, user, credential = row
    if device.revoked_at is not None or credential.disabled or user.deleted:
        raise unauthorized("This device was signed out or the account disabled; sign in again.")
    now = utcnow()
    if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_RESOLUTION:
        device.last_seen_at = now
        device.last_address = address
    return Caller(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        team_id=user.team_id,
        device_id=device.id,
    )


def revoke_device(session: Session, device_id: str) -> bool:
    """Revoke one device's token; False when there is no such active device."""
    device = session.get(Device, device_id)
    if device is None or device.revoked_at is not None:
        return False
    device.revoked_at = utcnow()
    return True


def set_password(session: Session, passwords: Passwords, user_id: str, password: str) -> None:
    credential = session.get(Credential, user_id)
    if credential is None:
        session.add(Credential(user_id=user_id, password_hash=passwords.hash(password), changed_at=utcnow()))
    else:
        credential.password_hash = passwords.hash(password)
        credential.changed_at = utcnow()
